"""``VaultCredential`` through the real engine against the emulator: a credential is its own object
(``/vaults/{id}/credentials``), updated in place. Rotating a token is one credential update: the
vault keeps its id, deployments keep their ``vault_ids``, and the token is ciphertext in state and
never reaches the engine's output or the service's request log."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import PulumiProject

TOKEN = "qpat-vcred-91c2"
MCP_TOKEN_V1 = "mcp-bearer-first-6d1f"
MCP_TOKEN_V2 = "mcp-bearer-rotated-0a7e"
ENV_SECRET = "env-secret-value-3c9b"
DOTENV_SECRET = "dotenv-secret-5e21"

PROGRAM = """
import pulumi
from pulumi_qoder import (
    BudgetArgs, Deployment, EnvironmentVariableAuthArgs, StaticBearerAuthArgs, UserMessageEventArgs, Vault,
    VaultCredential,
)

cfg = pulumi.Config()
keys = Vault("keys", display_name="team-keys")
mcp = VaultCredential("mcp", vault_id=keys.id, display_name="docs mcp",
    auth=StaticBearerAuthArgs(token=cfg.require_secret("mcpToken"),
                              mcp_server_url=cfg.get("mcpUrl") or "https://mcp.example.com/sse"),
    metadata={"owner": cfg.get("owner") or "platform"})
gh = VaultCredential("gh", vault_id=keys.id,
    auth=EnvironmentVariableAuthArgs(secret_name="GITHUB_TOKEN", secret_value=cfg.require_secret("envSecret"),
                                     networking={"type": "limited", "allowed_hosts": ["api.github.com"]}))
daily = Deployment("daily", name="vcred-daily", agent=cfg.require("agentId"),
    environment_id=cfg.require("envId"), vault_ids=[keys.id],
    environment_variables=cfg.require_secret("dotenv"), budget=BudgetArgs(max_credit_cost="5.25"),
    initial_events=[UserMessageEventArgs(content="Report")])
pulumi.export("vault_id", keys.id)
pulumi.export("mcp_id", mcp.id)
pulumi.export("gh_id", gh.id)
pulumi.export("dep_id", daily.id)
"""


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(TOKEN,), clock="manual", db_path=tmp_path / "qoder.sqlite") as handle:
        yield handle


def writes(emulator: EmulatorHandle) -> list[str]:
    """The write calls since the last clear, as ``METHOD /path`` lines; then clear."""
    out = [
        f"{e['method']} {e['path'].split('/api/v1/cloud', 1)[-1]}"
        for e in emulator.requests()
        if e["method"] != "GET"
    ]
    emulator.clear_requests()
    return out


def test_rotating_a_token_is_one_credential_update(
    emulator: EmulatorHandle, make_project: Callable[..., PulumiProject]
) -> None:
    with emulator.api() as api:
        agent = api.post("/agents", json={"name": "a", "model": "ultimate"}).json()["id"]
        env = api.post("/environments", json={"name": "e", "config": {"type": "cloud"}}).json()["id"]
        project = make_project(PROGRAM)
        project.set_config("qoder:baseUrl", emulator.base_url)
        project.set_config("qoder:token", TOKEN, secret=True)
        project.set_config("agentId", agent)
        project.set_config("envId", env)
        project.set_config("mcpToken", MCP_TOKEN_V1, secret=True)
        project.set_config("envSecret", ENV_SECRET, secret=True)
        project.set_config("dotenv", f"LOG_LEVEL=info\nAPI_KEY={DOTENV_SECRET}", secret=True)

        emulator.clear_requests()
        project.up()
        out = project.outputs()
        vault_id, mcp_id = out["vault_id"], out["mcp_id"]
        made = writes(emulator)
        assert made.count(f"POST /vaults/{vault_id}/credentials") == 2, made
        cred = api.get(f"/vaults/{vault_id}/credentials/{mcp_id}").json()
        assert cred["display_name"] == "docs mcp" and cred["metadata"] == {"owner": "platform"}
        assert cred["auth"]["type"] == "static_bearer"
        assert cred["auth"]["mcp_server_url"] == "https://mcp.example.com/sse"
        dep = api.get(f"/deployments/{out['dep_id']}").json()
        assert dep["environment_variables"].endswith(DOTENV_SECRET)
        assert dep["budget"] == {"type": "limit", "max_credit_cost": "5.25"}
        project.preview("--expect-no-changes")
        project.refresh()
        project.preview("--expect-no-changes")  # refresh keeps the write-only secrets: no drift

        # Rotate: one in-place credential update; the vault and the deployment are untouched.
        project.set_config("mcpToken", MCP_TOKEN_V2, secret=True)
        preview = project.preview("--diff").stdout
        assert "1 to update" in preview and "replace" not in preview.split("Resources:")[-1], preview
        emulator.clear_requests()
        project.up()
        assert writes(emulator) == [f"POST /vaults/{vault_id}/credentials/{mcp_id}"]
        out2 = project.outputs()
        assert (out2["vault_id"], out2["mcp_id"]) == (vault_id, mcp_id)
        assert api.get(f"/deployments/{out['dep_id']}").json()["vault_ids"] == [vault_id]

        # A metadata change is an in-place update too.
        project.set_config("owner", "security")
        emulator.clear_requests()
        project.up()
        assert writes(emulator) == [f"POST /vaults/{vault_id}/credentials/{mcp_id}"]
        assert api.get(f"/vaults/{vault_id}/credentials/{mcp_id}").json()["metadata"] == {"owner": "security"}

        # A new MCP server URL cannot be updated in place: the credential (not the vault) is replaced.
        project.set_config("mcpUrl", "https://mcp2.example.com/sse")
        preview = project.preview("--diff").stdout
        assert "1 to replace" in preview, preview
        emulator.clear_requests()
        project.up()
        made = writes(emulator)
        assert made[0] == f"POST /vaults/{vault_id}/credentials", made
        assert made[1:] == [f"DELETE /vaults/{vault_id}/credentials/{mcp_id}"], made
        assert project.outputs()["vault_id"] == vault_id and project.outputs()["mcp_id"] != mcp_id
        mcp_id = project.outputs()["mcp_id"]

        # Secrets: ciphertext in state, never in the engine's output or anything the service kept.
        state = json.dumps(project.export())
        shown = "".join(r.stdout + r.stderr for r in project.history)
        served = json.dumps(api.get(f"/vaults/{vault_id}/credentials").json())
        for secret in (MCP_TOKEN_V1, MCP_TOKEN_V2, ENV_SECRET, DOTENV_SECRET):
            assert secret not in state and secret not in shown
        for secret in (MCP_TOKEN_V1, MCP_TOKEN_V2, ENV_SECRET):
            assert secret not in served
        [mcp_state] = [r for r in project.resources("qoder:VaultCredential") if r["id"] == mcp_id]
        assert "ciphertext" in json.dumps(mcp_state["inputs"]["auth"])
        assert "ciphertext" in json.dumps(mcp_state["outputs"]["auth"])
        [dep_state] = project.resources("qoder:Deployment")
        assert "ciphertext" in json.dumps(dep_state["inputs"]["environment_variables"])
        assert "ciphertext" in json.dumps(dep_state["outputs"]["environment_variables"])

        # Destroy deletes the credentials, then the vault.
        emulator.clear_requests()
        project.destroy()
        made = writes(emulator)
        assert f"DELETE /vaults/{vault_id}/credentials/{mcp_id}" in made, made
        assert made.index(f"DELETE /vaults/{vault_id}/credentials/{mcp_id}") < made.index(
            f"DELETE /vaults/{vault_id}"
        )
