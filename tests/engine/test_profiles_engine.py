"""Issue 12 section 3, several accounts in one stack, through the real engine.

Two emulator accounts: the stack's own token (``qoder:token``) and a profile ``team-b`` in
``qoder:profiles``. Every kind is declared in both (and an agent read back with ``Agent.get(...,
profile=...)`` and ``get_agent(..., profile=...)``); only the profile's name reaches state; a name
that is not configured fails the preview naming the property and the known profiles; after
team-b's token is rotated (the old one no longer authenticates), refresh and destroy reach
team-b's objects with the token the current config has for that name.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import PulumiProject

STACK_TOKEN = "stack-own-token-71f3"
TEAM_B_OLD = "team-b-token-old-2c8e"
TEAM_B_NEW = "team-b-token-new-9d04"
ROTATED = {TEAM_B_NEW: TEAM_B_OLD}  # the new token opens the account of the old one

PROGRAM = """
import pulumi
from pulumi_qoder import Agent, Deployment, Environment, StaticBearerAuthArgs, Vault, VaultCredential
from pulumi_qoder.lookups import get_agent

cfg = pulumi.Config()
for team, profile in (("a", None), ("b", cfg.get("profile") or "team-b")):
    bot = Agent(f"bot-{team}", name=f"bot-{team}", model="ultimate", profile=profile)
    env = Environment(f"env-{team}", name=f"env-{team}", profile=profile)
    keys = Vault(f"keys-{team}", display_name=f"keys-{team}", profile=profile)
    cred = VaultCredential(f"cred-{team}", vault_id=keys.id, profile=profile,
        auth=StaticBearerAuthArgs(token="mcp-bearer", mcp_server_url="https://mcp.example.com/sse"))
    daily = Deployment(f"daily-{team}", name=f"daily-{team}", agent=bot.id, environment_id=env.id,
        vault_ids=[keys.id], initial_events=[{"type": "user.message", "content": "Report"}],
        schedule={"expression": "0 9 * * *", "timezone": "UTC"}, profile=profile)
    for kind, resource in (("agent", bot), ("environment", env), ("vault", keys), ("credential", cred),
                           ("deployment", daily)):
        pulumi.export(f"{kind}_{team}", resource.id)
    # Read back through the engine with the same profile (only that account sees it).
    pulumi.export(f"seen_{team}", Agent.get(f"seen-{team}", bot.id, profile=profile).name)
    pulumi.export(f"lookup_{team}", get_agent(bot.id, profile=profile).apply(lambda a: a["name"]))
"""

KINDS = {
    "agent": "agents",
    "environment": "environments",
    "vault": "vaults",
    "deployment": "deployments",
}


def _configure(project: PulumiProject, emulator: EmulatorHandle, team_b_token: str) -> None:
    project.set_config("qoder:token", STACK_TOKEN, secret=True)
    project.set_config("qoder:baseUrl", emulator.base_url)
    project.run("config", "set", "--path", "qoder:profiles.team-b.token", team_b_token, "--secret")
    project.run("config", "set", "--path", "qoder:profiles.team-b.baseUrl", emulator.base_url)


def _live(emulator: EmulatorHandle, token: str, outputs: dict[str, Any], team: str) -> dict[str, bool]:
    """Which of team ``team``'s objects the account of ``token`` sees live (not archived)."""
    seen: dict[str, bool] = {}
    with emulator.api(token) as api:
        for kind, collection in KINDS.items():
            answer = api.get(f"/{collection}/{outputs[f'{kind}_{team}']}")
            seen[kind] = answer.status_code == 200 and answer.json().get("archived_at") is None
        vault, cred = outputs[f"vault_{team}"], outputs[f"credential_{team}"]
        answer = api.get(f"/vaults/{vault}/credentials/{cred}")
        seen["credential"] = answer.status_code == 200 and answer.json().get("archived_at") is None
    return seen


def test_two_accounts_in_one_stack_by_profile_name_through_a_token_rotation(
    make_project: Callable[..., PulumiProject], tmp_path: Path
) -> None:
    db = tmp_path / "emulator.db"
    every = dict.fromkeys((*KINDS, "credential"), True)
    none = dict.fromkeys(every, False)
    project = make_project(PROGRAM)

    with running_emulator(tokens=(STACK_TOKEN, TEAM_B_OLD), db_path=db) as emulator:
        _configure(project, emulator, TEAM_B_OLD)
        project.up()
        outputs = project.outputs()
        # Each set lives in its own account, and only there.
        assert _live(emulator, STACK_TOKEN, outputs, "a") == every
        assert _live(emulator, TEAM_B_OLD, outputs, "b") == every
        assert _live(emulator, STACK_TOKEN, outputs, "b") == none
        assert _live(emulator, TEAM_B_OLD, outputs, "a") == none

        # Only the name reaches state: not in inputs, outputs, or the pickled provider.
        shown = json.loads(project.run("stack", "export", "--show-secrets").stdout)
        ours = [r for r in shown["deployment"]["resources"] if "/qoder:" in r["type"]]
        assert len(ours) == 12  # 5 kinds x 2 accounts, and the 2 read back with Agent.get
        assert (outputs["seen_a"], outputs["seen_b"]) == ("bot-a", "bot-b")
        assert (outputs["lookup_a"], outputs["lookup_b"]) == ("bot-a", "bot-b")
        for resource in ours:
            team_b = resource["urn"].endswith("-b")
            assert resource["inputs"].get("profile") == ("team-b" if team_b else None), resource["urn"]
            assert resource["outputs"].get("profile") == ("team-b" if team_b else None), resource["urn"]
            text = json.dumps(resource) + base64.b64decode(resource["inputs"]["__provider"]).decode("latin-1")
            assert TEAM_B_OLD not in text and STACK_TOKEN not in text, resource["urn"]
        assert TEAM_B_OLD not in project.run("stack", "export").stdout  # the engine's copy is ciphertext

        # A second preview changes nothing (the profile is a plain input, equal to the last); the
        # two read-backs are read again, each with its own account.
        plan = project.preview_json()
        changes = [(s["urn"].rsplit("::", 1)[1], s["op"]) for s in plan.get("steps", []) if s["op"] != "same"]
        assert sorted(changes) == [("seen-a", "read"), ("seen-b", "read")]

        # A name that is not configured fails the preview, naming the property and the known ones.
        project.set_config("profile", "team-c")
        failed = project.preview(check=False)
        assert failed.returncode != 0
        assert 'profile: "team-c" is not a profile in stack config qoder:profiles (known: team-b)' in (
            failed.stdout + failed.stderr
        )
        project.run("config", "rm", "profile")

    # Team b's token is rotated: the emulator comes back (new port) where only the new one works.
    tokens = (STACK_TOKEN, TEAM_B_NEW)
    with running_emulator(tokens=tokens, db_path=db, same_account_as=ROTATED) as emulator:
        with emulator.api(TEAM_B_OLD) as api:
            assert api.get("/agents").status_code == 401
        _configure(project, emulator, TEAM_B_NEW)

        # refresh and destroy read the current config: the new token for the name "team-b".
        project.refresh("--run-program")
        assert project.outputs() == outputs
        project.destroy("--run-program")
        assert _live(emulator, STACK_TOKEN, outputs, "a") == none
        assert _live(emulator, TEAM_B_NEW, outputs, "b") == none
        assert project.resources() == []


MOVING = """
import pulumi
from pulumi_qoder import Environment

env = Environment("env", name="moving", profile=pulumi.Config().get("profile"))
pulumi.export("id", env.id)
"""


def _ops(project: PulumiProject) -> list[str]:
    plan = project.preview_json()
    return [s["op"] for s in plan.get("steps", []) if s["urn"].endswith("::env")]


def test_a_profile_change_replaces_only_across_accounts(
    make_project: Callable[..., PulumiProject],
) -> None:
    with running_emulator(tokens=(STACK_TOKEN, TEAM_B_OLD)) as emulator:
        project = make_project(MOVING)
        _configure(project, emulator, TEAM_B_OLD)
        project.run("config", "set", "--path", "qoder:profiles.own.token", STACK_TOKEN, "--secret")
        project.up()
        first = project.outputs()["id"]

        # The stack's own token under a profile's name: the same account, an in-place change.
        project.set_config("profile", "own")
        assert _ops(project) == ["update"]
        emulator.clear_requests()
        project.up()
        assert project.outputs()["id"] == first
        assert {r["method"] for r in emulator.requests()} == {"GET"}  # nothing written

        # Another account: made there, removed here.
        project.set_config("profile", "team-b")
        assert _ops(project) == ["replace"]
        project.up()
        moved = project.outputs()["id"]
        with emulator.api(TEAM_B_OLD) as api:
            assert api.get(f"/environments/{moved}").json()["name"] == "moving"
        with emulator.api(STACK_TOKEN) as api:
            gone = api.get(f"/environments/{first}")
            assert gone.status_code == 404 or gone.json()["archived_at"] is not None
        project.destroy()
