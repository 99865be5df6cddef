"""Claude Managed Agents through the real engine against the emulator's CMA flavor, and one stack
program through both services: up / preview --diff / update / refresh / destroy, with
commit-then-drop faults on every create and 0 duplicates."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import REPO_ROOT, PulumiProject

KEY = "cma-engine-key"
CREATES = r"/(deployments|agents|environments|vaults|vaults/[^/]+/credentials)$"

PROGRAM = """
import pulumi
from pulumi_qoder import (
    Agent, Deployment, Environment, ScheduleArgs, StaticBearerAuthArgs, UserMessageEventArgs, Vault,
    VaultCredential,
)

cfg = pulumi.Config()
bot = Agent("bot", name="reporter", model=cfg.require("model"), system="Write the report.")
env = Environment("env", name="sandbox")
keys = Vault("keys", display_name="team-keys")
mcp = VaultCredential("mcp", vault_id=keys.id, display_name="docs",
    auth=StaticBearerAuthArgs(token=cfg.require_secret("mcpToken"), mcp_server_url="https://mcp.example.com/mcp"))
ask = [UserMessageEventArgs(content="Generate today's status report")]
daily = Deployment("daily", name="daily", agent=bot.id, environment_id=env.id, vault_ids=[keys.id],
    schedule=ScheduleArgs(expression=cfg.get("cron") or "0 9 * * *", timezone="Asia/Shanghai"),
    initial_events=ask)
weekly = Deployment("weekly", name="weekly", agent=bot.id, environment_id=env.id,
    schedule=ScheduleArgs(expression="0 17 * * 5", timezone="UTC"), initial_events=ask,
    desired_status="paused")
manual = Deployment("manual", name="on-demand", agent=bot.id, environment_id=env.id, initial_events=ask)
pulumi.export("ids", {"agent": bot.id, "env": env.id, "vault": keys.id, "cred": mcp.id,
    "daily": daily.id, "weekly": weekly.id, "manual": manual.id})
"""

FLAVORS = {
    # flavor: (emulator token, environment for the provider, model, expected id prefixes)
    "qoder": (
        "qoder-engine-pat",
        "QODER_PAT",
        "ultimate",
        {"daily": "dep_", "vault": "vault_", "cred": "vcred_"},
    ),
    "cma": (
        KEY,
        "ANTHROPIC_API_KEY",
        "claude-sonnet-4-6",
        {"daily": "depl_", "vault": "vlt_", "cred": "vcrd_"},
    ),
}


def listed(emu: EmulatorHandle, path: str) -> list[dict[str, Any]]:
    with emu.api() as api:
        data: list[dict[str, Any]] = api.get(path, params={"limit": 100, "include_archived": "true"}).json()[
            "data"
        ]
        return data


def live(emu: EmulatorHandle, path: str) -> list[dict[str, Any]]:
    return [o for o in listed(emu, path) if not o.get("archived_at")]


@pytest.mark.parametrize("flavor", sorted(FLAVORS))
def test_one_program_on_both_services_with_faults(
    flavor: str, make_project: Callable[..., PulumiProject], tmp_path: Path
) -> None:
    token, token_env, model, prefixes = FLAVORS[flavor]
    # Unique names off on CMA: nothing but the provider's own create token can stop a twin there.
    with running_emulator(
        tokens=(token,),
        clock="manual",
        flavor=flavor,
        unique_names=flavor == "qoder",
        db_path=tmp_path / "e.db",
    ) as emu:
        project = make_project(
            PROGRAM,
            env={
                "QODER_FLAVOR": flavor,
                "QODER_BASE_URL": emu.base_url,
                token_env: token,
                "ANTHROPIC_BASE_URL": "http://127.0.0.1:9",
            },
        )
        project.set_config("model", model)
        project.set_config("mcpToken", "mcp-secret-4b1d", secret=True)
        # Every create's answer is lost after it committed (7 creates).
        emu.set_faults({"drop_after_commit": {"count": 7, "methods": ["POST"], "path_regex": CREATES}})
        project.up()
        emu.clear_faults()
        ids = project.outputs()["ids"]
        for key, prefix in prefixes.items():
            assert ids[key].startswith(prefix), (key, ids[key])
        dropped = [r for r in emu.requests() if r.get("fault") == "drop_after_commit"]
        assert len(dropped) == 7
        # 0 duplicates: exactly the declared objects exist.
        assert sorted(d["name"] for d in live(emu, "/deployments")) == ["daily", "on-demand", "weekly"]
        assert len(live(emu, "/agents")) == 1 and len(live(emu, "/environments")) == 1
        assert len(live(emu, "/vaults")) == 1
        assert len(live(emu, f"/vaults/{ids['vault']}/credentials")) == 1
        deps = {d["name"]: d for d in live(emu, "/deployments")}
        assert deps["weekly"]["status"] == "paused" and deps["daily"]["status"] == "active"
        assert deps["on-demand"]["schedule"] is None

        project.set_config("cron", "0 10 * * 1-5")
        diff = project.preview("--diff").stdout
        assert '"0 9 * * *" => "0 10 * * 1-5"' in diff
        project.up()
        with emu.api() as api:
            assert api.get(f"/deployments/{ids['daily']}").json()["schedule"]["expression"] == "0 10 * * 1-5"
        assert project.outputs()["ids"] == ids  # updated in place

        refreshed = project.refresh("--expect-no-changes", check=False)
        assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
        assert "mcp-secret-4b1d" not in str(project.export())  # the credential's token is ciphertext

        project.destroy()
        assert live(emu, "/deployments") == [] and live(emu, "/agents") == []
        assert len(listed(emu, "/deployments")) == 3  # archived, never duplicated


def test_claude_managed_agents_example(
    make_project: Callable[..., PulumiProject], tmp_path: Path, engine_env: dict[str, str]
) -> None:
    with running_emulator(tokens=(KEY,), clock="manual", flavor="cma", unique_names=False) as emu:
        directory = tmp_path / "claude-managed-agents"
        shutil.copytree(REPO_ROOT / "examples" / "claude-managed-agents", directory)
        project = PulumiProject(directory, {**engine_env, "ANTHROPIC_API_KEY": KEY})
        project.run("stack", "init", project.stack)
        project.set_config("qoder:flavor", "cma")
        project.set_config("qoder:baseUrl", emu.base_url)
        project.up()
        outputs = project.outputs()
        (row,) = outputs["deployments"]
        assert row["name"] == "daily-report" and row["status"] == "active"
        assert row["schedule_summary"] == "at 09:00, every day (Asia/Shanghai)"
        assert outputs["deployment_id"].startswith("depl_")
        with emu.api() as api:
            dep = api.get(f"/deployments/{outputs['deployment_id']}").json()
            agent = api.get(f"/agents/{outputs['agent_id']}").json()
        assert dep["initial_events"] == [
            {"type": "user.message", "content": [{"type": "text", "text": "Generate today's status report"}]}
        ]
        assert dep["budget"] == {"type": "limit", "max_list_cost": {"currency": "USD", "amount": "500"}}
        assert dep["metadata"].get("pulumi-create-token")  # the provider's marker, hidden from state
        assert agent["model"] == {"id": "claude-sonnet-4-6"}
        assert "pulumi-create-token" not in str(project.export())
        assert project.preview("--expect-no-changes", check=False).returncode == 0
        # A Qoder-only input fails the preview naming the property and the flavor.
        project.write_program(
            (directory / "__main__.py")
            .read_text()
            .replace(
                '    budget={"max_list_cost"',
                '    cas_config={"max_retries": 2},\n    budget={"max_list_cost"',
            )
        )
        failed = project.preview(check=False)
        assert failed.returncode != 0
        assert (
            "cas_config: exists on Qoder only; this provider talks to Claude Managed Agents (qoder:flavor cma)"
            in (failed.stdout + failed.stderr)
        )
        project.destroy()
        with emu.api() as api:
            archived = api.get(f"/deployments/{outputs['deployment_id']}").json()
        assert archived["archived_at"] is not None and archived["name"] == "daily-report"


VAULT_PROGRAM = """
import pulumi
from pulumi_qoder import Vault

cfg = pulumi.Config()
keys = Vault("keys", display_name=cfg.get("vaultName") or "team-keys", metadata={"team": "ops"})
pulumi.export("vault", keys.id)
"""


@pytest.mark.parametrize(("flavor", "in_place"), [("cma", True), ("qoder", False)])
def test_vault_rename_is_an_update_on_cma_and_a_replacement_on_qoder(
    flavor: str, in_place: bool, make_project: Callable[..., PulumiProject]
) -> None:
    with running_emulator(tokens=(KEY,), clock="manual", flavor=flavor) as emu:
        project = make_project(
            VAULT_PROGRAM,
            env={
                "QODER_FLAVOR": flavor,
                "QODER_BASE_URL": emu.base_url,
                "QODER_PAT": KEY,
                "ANTHROPIC_API_KEY": KEY,
            },
        )
        project.up()
        first = project.outputs()["vault"]
        project.set_config("vaultName", "team-keys-2")
        diff = project.preview("--diff").stdout
        assert ("+-" in diff) is not in_place, diff
        project.up()
        second = project.outputs()["vault"]
        assert (second == first) is in_place
        names = [v["display_name"] for v in live(emu, "/vaults")]
        assert names == ["team-keys-2"]


def test_up_replace_on_cma_deletes_first_so_the_create_token_finds_nothing(
    make_project: Callable[..., PulumiProject],
) -> None:
    """``up --replace`` with an unchanged program derives the same create token: created first,
    the new vault would be the old one found again, then deleted. On CMA resources replace
    delete-first, so exactly one live vault remains, with a new id."""
    with running_emulator(tokens=(KEY,), clock="manual", flavor="cma") as emu:
        project = make_project(
            VAULT_PROGRAM,
            env={"QODER_FLAVOR": "cma", "QODER_BASE_URL": emu.base_url, "ANTHROPIC_API_KEY": KEY},
        )
        project.up()
        first = project.outputs()["vault"]
        (vault,) = project.resources("Vault")
        project.up("--replace", vault["urn"])
        second = project.outputs()["vault"]
        assert second != first
        assert [v["id"] for v in live(emu, "/vaults")] == [second]
