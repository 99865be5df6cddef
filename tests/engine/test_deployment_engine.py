"""``pulumi_qoder.Deployment`` through the real Pulumi engine (CLI) against the emulator on loopback.

One scenario per test, because every engine command costs seconds: a stack of four deployments
(scheduled with a secret repository token, manual-only, paused, pinned agent) goes through up,
no-op preview, a schedule change shown by ``preview --diff``, update, an out-of-band edit and
refresh, import of an existing deployment, and destroy. The emulator's request log records the API
calls each engine operation makes.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import PulumiProject

TOKEN = "qpat-engine-7f3a9c1d"  # distinctive, so a leak anywhere is found by a plain search
REPO_TOKEN = "ghp_engineRepoSecret42"

PROGRAM = """
import pulumi
from pulumi_qoder import (
    CasConfigArgs, Deployment, DeploymentArgs, GithubRepositoryResourceArgs, PinnedAgentArgs,
    ScheduleArgs, UserMessageEventArgs,
)

cfg = pulumi.Config()
agent, env, prefix = cfg.require("agentId"), cfg.require("envId"), cfg.require("prefix")
events = [UserMessageEventArgs(content="Generate today's status report")]

nightly = Deployment("nightly", DeploymentArgs(
    name=f"{prefix}-nightly", agent=agent, environment_id=env, initial_events=events,
    schedule=ScheduleArgs(expression=cfg.get("expr") or "0 9 * * *", timezone="Asia/Shanghai"),
    resources=[GithubRepositoryResourceArgs(url="https://github.com/acme/app",
                                            authorization_token=cfg.require_secret("repoToken"))],
    metadata={"team": "platform"}, cas_config=CasConfigArgs(max_retries=2)))
manual = Deployment("manual", name=f"{prefix}-manual", agent=agent, environment_id=env,
    description=cfg.get("desc") or "on demand",
    initial_events=[{"type": "user.message", "content": "Run the checks"}],
    opts=pulumi.ResourceOptions(ignore_changes=["description"]))
paused = Deployment("paused", name=f"{prefix}-paused", agent=agent, environment_id=env,
    schedule={"expression": "0 * * * *", "timezone": "UTC"}, initial_events=events, desired_status="paused")
pinned = Deployment("pinned", name=f"{prefix}-pinned", agent=PinnedAgentArgs(id=agent, version=1),
    environment_id=env, initial_events=events, schedule=ScheduleArgs(expression="*/30 * * * *", timezone="UTC"))
if cfg.get("importId"):
    adopted = Deployment("adopted", name=f"{prefix}-adopted", agent=agent, environment_id=env,
        initial_events=events, adopt_id=cfg.get("importId"))
    pulumi.export("adopted_status", adopted.status)

pulumi.export("nightly_summary", nightly.schedule_summary)
pulumi.export("nightly_next", nightly.upcoming_runs_at)
pulumi.export("paused_status", paused.status)
pulumi.export("pinned_version", pinned.agent_version)
"""


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(TOKEN,), clock="manual", db_path=tmp_path / "qoder.sqlite") as handle:
        yield handle


def calls(emulator: EmulatorHandle) -> list[str]:
    """The API calls since the last clear, as ``METHOD /deployments...`` lines."""
    out = [f"{e['method']} {e['path'].split('/api/v1/cloud', 1)[-1]}" for e in emulator.requests()]
    emulator.clear_requests()
    return out


def live(api: httpx.Client, prefix: str) -> dict[str, dict[str, Any]]:
    data = api.get("/deployments", params={"limit": 100}).json()["data"]
    return {d["name"]: d for d in data if d["name"].startswith(prefix)}


def test_deployment_stack_lifecycle(
    emulator: EmulatorHandle, make_project: Callable[..., PulumiProject]
) -> None:
    measured: dict[str, list[str]] = {}
    prefix = "eng"
    with emulator.api() as api:
        agent = api.post("/agents", json={"name": "reporter", "model": "ultimate"}).json()["id"]
        env = api.post("/environments", json={"name": "prod", "config": {"type": "cloud"}}).json()["id"]
        project = make_project(PROGRAM)
        project.set_config("qoder:baseUrl", emulator.base_url)
        project.set_config("qoder:token", TOKEN, secret=True)
        project.set_config("repoToken", REPO_TOKEN, secret=True)
        for key, value in (("agentId", agent), ("envId", env), ("prefix", prefix)):
            project.set_config(key, value)

        # -- up: four deployments, the paused one paused right after create --------------------
        emulator.clear_requests()
        project.up()
        measured["up (create 4)"] = calls(emulator)
        assert sorted(measured["up (create 4)"]) == sorted(
            ["POST /deployments"] * 4
            + [f"POST /deployments/{live(api, prefix)[prefix + '-paused']['id']}/pause"]
        )
        emulator.clear_requests()
        deps = live(api, prefix)
        assert set(deps) == {f"{prefix}-{n}" for n in ("nightly", "manual", "paused", "pinned")}
        assert deps[f"{prefix}-paused"]["status"] == "paused"
        assert deps[f"{prefix}-manual"]["schedule"] is None
        assert deps[f"{prefix}-pinned"]["agent"]["version"] == 1
        outputs = project.outputs()
        assert outputs["nightly_summary"] == "at 09:00, every day (Asia/Shanghai)"
        assert len(outputs["nightly_next"]) == 5 and outputs["paused_status"] == "paused"
        assert outputs["pinned_version"] == 1

        # -- no-op preview: no change, zero API calls ------------------------------------------
        emulator.clear_requests()
        project.preview("--diff", "--expect-no-changes")
        measured["preview (no change)"] = calls(emulator)
        assert measured["preview (no change)"] == []

        # -- schedule change: preview --diff names the property and says it in words -----------
        project.set_config("expr", "30 9 * * 1-5")
        project.set_config("desc", "ignored by ignore_changes")
        preview = project.preview("--diff").stdout
        assert '~ expression: "0 9 * * *" => "30 9 * * 1-5"' in preview, preview
        assert (
            '~ schedule_summary: "at 09:00, every day (Asia/Shanghai)" => '
            '"at 09:30, Monday to Friday (Asia/Shanghai)"' in preview
        ), preview
        assert "ignored by ignore_changes" not in preview
        assert "1 to update" in preview and "replace" not in preview.split("Resources:")[-1]
        detailed = project.preview_json("--diff")
        steps = {s["urn"].rsplit("::", 1)[-1]: s for s in detailed["steps"]}
        assert steps["nightly"]["op"] == "update"
        assert "schedule.expression" in steps["nightly"]["detailedDiff"]
        assert steps.get("manual", {"op": "same"})["op"] == "same"  # ignore_changes honoured
        assert calls(emulator) == []

        emulator.clear_requests()
        project.up()
        nightly_id = deps[f"{prefix}-nightly"]["id"]
        measured["up (schedule change)"] = calls(emulator)
        assert measured["up (schedule change)"] == [f"POST /deployments/{nightly_id}"]
        patch = emulator_body_of_last_update(emulator, api, nightly_id)
        assert patch["schedule"]["expression"] == "30 9 * * 1-5"
        assert project.outputs()["nightly_summary"] == "at 09:30, Monday to Friday (Asia/Shanghai)"
        project.preview("--diff", "--expect-no-changes")
        calls(emulator)

        # -- out-of-band edits, refresh, honest drift -------------------------------------------
        manual_id = deps[f"{prefix}-manual"]["id"]
        emulator.advance(60)  # a human edits later than our last write (updated_at moves on)
        api.post(
            f"/deployments/{nightly_id}", json={"name": f"{prefix}-nightly-hand", "metadata": {"x": "1"}}
        )
        api.post(f"/deployments/{manual_id}/pause")
        emulator.clear_requests()
        project.refresh()
        measured["refresh (4)"] = calls(emulator)
        assert sorted(measured["refresh (4)"]) == sorted(f"GET /deployments/{d['id']}" for d in deps.values())
        drift = project.preview("--diff").stdout
        assert re.search(rf'~ name\s*: "{prefix}-nightly-hand" => "{prefix}-nightly"', drift), drift
        assert '- x: "1"' in drift, drift
        assert '~ desired_status: "paused" => "active"' in drift, drift
        assert calls(emulator) == []
        project.up()
        measured["up (undo drift, 2)"] = calls(emulator)
        assert f"POST /deployments/{manual_id}/unpause" in measured["up (undo drift, 2)"]
        # The user's key, the execution settings, and the provider's marker of the declared resource.
        assert live(api, prefix)[f"{prefix}-nightly"]["metadata"].keys() == {
            "team",
            "cas_config",
            "pulumi_qoder_resource",
        }
        assert live(api, prefix)[f"{prefix}-manual"]["status"] == "active"

        # -- import an existing deployment --------------------------------------------------------
        existing = api.post(
            "/deployments",
            json={
                "name": f"{prefix}-adopted",
                "agent": agent,
                "environment_id": env,
                "initial_events": [{"type": "user.message", "content": "Generate today's status report"}],
            },
        ).json()
        project.set_config("importId", existing["id"])
        emulator.clear_requests()
        result = project.up()
        measured["up (import 1)"] = calls(emulator)
        # Two reads, no patch (it matched): check's adoption preview, then the adoption itself.
        assert measured["up (import 1)"] == [f"GET /deployments/{existing['id']}"] * 2
        assert "1 created" in result.stdout, result.stdout
        assert project.outputs()["adopted_status"] == "active"
        assert any(r["id"] == existing["id"] for r in project.resources("qoder:Deployment"))
        assert len([n for n in live(api, prefix) if n.endswith("adopted")]) == 1

        # -- secrets: no credential or repository token in state, __provider or engine output ---
        state = project.export()
        text = json.dumps(state)
        assert TOKEN not in text and REPO_TOKEN not in text
        for res in project.resources("qoder:Deployment"):
            provider_blob = res["inputs"]["__provider"]
            assert isinstance(provider_blob, str) and len(provider_blob) < 2048
            assert TOKEN.encode() not in base64.b64decode(provider_blob)
            if res["urn"].endswith("::nightly"):
                assert res["inputs"]["resources"].get("4dabf18193072939515e22adb298388d") is not None
                assert res["outputs"]["resources"].get("4dabf18193072939515e22adb298388d") is not None
        engine_output = "".join(r.stdout + r.stderr for r in project.history)

        # -- each resource is placed at the program line that declares it, not in the library ---
        positions = {
            r["urn"].rsplit("::", 1)[-1]: r.get("sourcePosition")
            for r in project.resources("qoder:Deployment")
        }
        program_lines = project.directory.joinpath("__main__.py").read_text().splitlines()
        for name, position in positions.items():
            assert position and position.startswith("project:///__main__.py#"), (name, position)
            line = program_lines[int(position.rsplit("#", 1)[1]) - 1]
            assert f'Deployment("{name}"' in line, (name, line)

        # -- destroy: everything archived, nothing left active ------------------------------------
        emulator.clear_requests()
        project.destroy()
        measured["destroy (5)"] = calls(emulator)
        assert sorted(measured["destroy (5)"]) == sorted(
            [f"POST /deployments/{d['id']}/archive" for d in deps.values()]
            + [f"POST /deployments/{existing['id']}/archive"]
        )
        assert live(api, prefix) == {}
        engine_output += "".join(r.stdout + r.stderr for r in project.history)
        assert TOKEN not in engine_output and REPO_TOKEN not in engine_output
    print("API calls per engine operation:", json.dumps(measured, indent=1))


def emulator_body_of_last_update(emulator: EmulatorHandle, api: httpx.Client, dep_id: str) -> dict[str, Any]:
    """The deployment as the server now has it (the request log was already consumed)."""
    got: dict[str, Any] = api.get(f"/deployments/{dep_id}").json()
    emulator.clear_requests()
    return got


REPLACE_PROGRAM = """
import pulumi
from pulumi_qoder import Deployment

cfg = pulumi.Config()
Deployment("moving", name="moving", agent=cfg.require("agentId"), environment_id=cfg.require("envId"),
    schedule={"expression": "0 9 * * *", "timezone": "UTC"},
    initial_events=[{"type": "user.message", "content": "Report"}],
    opts=pulumi.ResourceOptions(replace_on_changes=["environment_id"]))
"""


def test_replace_on_changes_archives_the_old_deployment_before_creating_the_new_one(
    emulator: EmulatorHandle, make_project: Callable[..., PulumiProject]
) -> None:
    with emulator.api() as api:
        agent = api.post("/agents", json={"name": "a", "model": "ultimate"}).json()["id"]
        env_a, env_b = (
            api.post("/environments", json={"name": n, "config": {"type": "cloud"}}).json()["id"]
            for n in ("a", "b")
        )
        project = make_project(REPLACE_PROGRAM)
        project.set_config("qoder:baseUrl", emulator.base_url)
        project.set_config("qoder:token", TOKEN, secret=True)
        project.set_config("agentId", agent)
        project.set_config("envId", env_a)
        project.up()
        old_id = live(api, "moving")["moving"]["id"]

        project.set_config("envId", env_b)
        preview = project.preview("--diff").stdout
        assert "+-" in preview and "1 to replace" in preview, preview
        assert "environment_id" in preview

        emulator.clear_requests()
        project.up()
        # Same name, unique among live deployments: the old one must be archived first.
        assert calls(emulator) == [f"POST /deployments/{old_id}/archive", "POST /deployments"]
        now_live = live(api, "moving")["moving"]
        assert now_live["id"] != old_id and now_live["environment_id"] == env_b
        old = api.get(f"/deployments/{old_id}").json()
        assert old["archived_at"] is not None and old["name"].startswith("moving_archived_")
        project.destroy()
        assert live(api, "moving") == {}
