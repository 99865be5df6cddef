"""Pauses the service makes, and adoption, as a reviewer sees them through the real engine (CLI)
against the emulator on loopback (manual clock: a scheduled fire happens when the test says so).

* An error pause is visible: ``refresh`` records it, ``preview`` and ``up`` print a warning naming
  the deployment and the reason, and a paused deployment has no upcoming runs.
* It is recoverable: with ``desired_status="active"``, ``up`` resumes it once its cause is gone
  (the agent and environment it runs on are live), and while the cause remains it warns and
  leaves the deployment paused (no unpause call: it does not fight the service).
* ``adopt_id``: preview says which fields adopting will change, from one read.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import PulumiProject

TOKEN = "qpat-pauses-5b1e"

MANAGED_AGENT_PROGRAM = """
import pulumi
from pulumi_qoder import Agent, Deployment, ScheduleArgs, UserMessageEventArgs

cfg = pulumi.Config()
bot = Agent("bot", name="pause-bot", model="ultimate")
daily = Deployment("daily", name="pause-daily", agent=bot.id, environment_id=cfg.require("envId"),
    schedule=ScheduleArgs(expression="0 * * * *", timezone="UTC"),
    initial_events=[UserMessageEventArgs(content="Report")])
pulumi.export("id", daily.id)
pulumi.export("status", daily.status)
pulumi.export("upcoming", daily.upcoming_runs_at)
"""

FIXED_IDS_PROGRAM = """
import pulumi
from pulumi_qoder import Deployment, ScheduleArgs, UserMessageEventArgs

cfg = pulumi.Config()
daily = Deployment("daily", name="stuck-daily", agent=cfg.require("agentId"),
    environment_id=cfg.require("envId"),
    schedule=ScheduleArgs(expression="0 * * * *", timezone="UTC"),
    initial_events=[UserMessageEventArgs(content="Report")])
pulumi.export("status", daily.status)
pulumi.export("paused_reason", daily.paused_reason)
pulumi.export("upcoming", daily.upcoming_runs_at)
"""

ADOPT_PROGRAM = """
import pulumi
from pulumi_qoder import Deployment, ScheduleArgs, UserMessageEventArgs

cfg = pulumi.Config()
Deployment("adopted", name="adoptee", agent=cfg.require("agentId"), environment_id=cfg.require("envId"),
    description="Adopted by the stack", schedule=ScheduleArgs(expression="0 9 * * 1-5", timezone="UTC"),
    initial_events=[UserMessageEventArgs(content="Report")], desired_status="paused",
    adopt_id=cfg.require("adoptId"))
"""


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(TOKEN,), clock="manual", db_path=tmp_path / "qoder.sqlite") as handle:
        yield handle


def calls(emulator: EmulatorHandle) -> list[str]:
    """The API calls since the last clear, as ``METHOD /path`` lines; then clear."""
    out = [f"{e['method']} {e['path'].split('/api/v1/cloud', 1)[-1]}" for e in emulator.requests()]
    emulator.clear_requests()
    return out


def warnings(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The engine's warning lines, each once (``--diff`` prints diagnostics on stderr)."""
    found = [m.group(1).strip() for m in re.finditer(r"warning: (.+)", result.stdout + result.stderr)]
    return list(dict.fromkeys(found))


def project_for(
    make_project: Callable[..., PulumiProject], emulator: EmulatorHandle, source: str, **config: str
) -> PulumiProject:
    project = make_project(source)
    project.set_config("qoder:baseUrl", emulator.base_url)
    project.set_config("qoder:token", TOKEN, secret=True)
    for key, value in config.items():
        project.set_config(key, value)
    return project


def create(api: httpx.Client, path: str, body: dict[str, Any]) -> str:
    response = api.post(path, json=body)
    assert response.status_code in (200, 201), response.text
    ident: str = response.json()["id"]
    return ident


def test_error_pause_is_recorded_warned_and_resumed_once_the_agent_is_live(
    emulator: EmulatorHandle, make_project: Callable[..., PulumiProject]
) -> None:
    with emulator.api() as api:
        env = create(api, "/environments", {"name": "prod", "config": {"type": "cloud"}})
        project = project_for(make_project, emulator, MANAGED_AGENT_PROGRAM, envId=env)
        project.up()
        dep_id = project.outputs()["id"]
        agent_id = project.resources("qoder:Agent")[0]["id"]

        # Someone archives the agent; the next scheduled fire fails and the service pauses.
        assert api.post(f"/agents/{agent_id}/archive").status_code == 200
        emulator.advance(3600)
        paused = api.get(f"/deployments/{dep_id}").json()
        assert paused["status"] == "paused"
        assert paused["paused_reason"] == {"type": "error", "error": {"type": "agent_archived_error"}}

        # refresh records the observed pause (the archived agent leaves the state).
        project.refresh()
        [dep] = project.resources("qoder:Deployment")
        assert dep["outputs"]["status"] == "paused"
        assert dep["outputs"]["paused_reason"]["error"]["type"] == "agent_archived_error"
        assert dep["outputs"]["upcoming_runs_at"] == []  # nothing will run while paused
        assert project.resources("qoder:Agent") == []

        # preview: the pause is a warning naming the deployment and the reason; the fix (a new
        # agent) and the resume it allows are what the reviewer approves.
        emulator.clear_requests()
        preview = project.preview("--diff")
        found = [w for w in warnings(preview) if "pause-daily" in w]
        assert found and "agent_archived_error" in found[0], preview.stdout + preview.stderr
        assert dep_id in found[0] and "resume" in found[0], found
        assert "after 1 consecutive failed run" in found[0], found
        assert [c for c in calls(emulator) if not c.startswith("GET")] == []

        # up: a new agent, the deployment re-pointed to it, then resumed.
        result = project.up()
        made = calls(emulator)
        assert made.count(f"POST /deployments/{dep_id}/unpause") == 1, made
        assert made.index(f"POST /deployments/{dep_id}") < made.index(f"POST /deployments/{dep_id}/unpause")
        live = api.get(f"/deployments/{dep_id}").json()
        assert live["status"] == "active" and live["paused_reason"] is None
        assert live["agent"]["id"] != agent_id
        outputs = project.outputs()
        assert outputs["status"] == "active" and len(outputs["upcoming"]) == 5
        assert any("pause-daily" in w for w in warnings(result)), result.stdout
        project.preview("--expect-no-changes")


def test_error_pause_while_the_cause_remains_warns_and_leaves_it_paused(
    emulator: EmulatorHandle, make_project: Callable[..., PulumiProject]
) -> None:
    with emulator.api() as api:
        agent = create(api, "/agents", {"name": "steady", "model": "ultimate"})
        env = create(api, "/environments", {"name": "old-env", "config": {"type": "cloud"}})
        project = project_for(make_project, emulator, FIXED_IDS_PROGRAM, agentId=agent, envId=env)
        project.up()
        [dep] = project.resources("qoder:Deployment")
        dep_id = dep["id"]

        assert api.post(f"/environments/{env}/archive").status_code == 200
        emulator.advance(3600)
        refreshed = project.refresh()  # (stack outputs change only with `up`: read the state)
        said = [w for w in warnings(refreshed) if "stuck-daily" in w]
        assert said and said[0].endswith(f"it stays paused while its environment {env} is archived"), said
        outputs = project.resources("qoder:Deployment")[0]["outputs"]
        assert outputs["status"] == "paused" and outputs["upcoming_runs_at"] == []
        assert outputs["paused_reason"]["error"]["type"] == "environment_archived_error"

        # The cause (an archived environment) remains: a warning, and no change planned.
        emulator.clear_requests()
        preview = project.preview("--expect-no-changes")
        found = [w for w in warnings(preview) if "stuck-daily" in w]
        assert found and "environment_archived_error" in found[0], preview.stdout
        assert dep_id in found[0]

        # up does not fight the service: no unpause, still paused, still warned.
        result = project.up()
        made = calls(emulator)
        assert not any(c.endswith("/unpause") for c in made), made
        assert api.get(f"/deployments/{dep_id}").json()["status"] == "paused"
        assert any("environment_archived_error" in w for w in warnings(result)), result.stdout

        # Pointing it at a live environment removes the cause: the same up resumes it.
        fresh_env = create(api, "/environments", {"name": "new-env", "config": {"type": "cloud"}})
        project.set_config("envId", fresh_env)
        preview = project.preview("--diff")
        assert re.search(rf'~ environment_id\s*: "{env}" => "{fresh_env}"', preview.stdout), preview.stdout
        assert any("resume" in w for w in warnings(preview) if "stuck-daily" in w), preview.stderr
        emulator.clear_requests()
        project.up()
        made = calls(emulator)
        assert made[-1] == f"POST /deployments/{dep_id}/unpause", made
        live = api.get(f"/deployments/{dep_id}").json()
        assert live["status"] == "active" and live["environment_id"] == fresh_env
        assert len(project.outputs()["upcoming"]) == 5


def test_adopt_preview_lists_the_fields_up_will_change(
    emulator: EmulatorHandle, make_project: Callable[..., PulumiProject]
) -> None:
    with emulator.api() as api:
        agent = create(api, "/agents", {"name": "adopter", "model": "ultimate"})
        env = create(api, "/environments", {"name": "adopt-env", "config": {"type": "cloud"}})
        existing = create(
            api,
            "/deployments",
            {
                "name": "adoptee",
                "agent": agent,
                "environment_id": env,
                "initial_events": [{"type": "user.message", "content": "Report"}],
            },
        )
        project = project_for(
            make_project, emulator, ADOPT_PROGRAM, agentId=agent, envId=env, adoptId=existing
        )
        emulator.clear_requests()
        preview = project.preview()
        assert calls(emulator) == [f"GET /deployments/{existing}"]  # one read, no write
        found = [w for w in warnings(preview) if existing in w]
        assert found, preview.stdout
        changed = found[0]
        for field in ("description", "schedule", "desired_status"):
            assert field in changed, changed
        for unchanged in ("name", "initial_events", "environment_id"):
            assert not re.search(rf"\b{unchanged}\b", changed.split(":", 1)[-1]), changed

        project.up()
        live = api.get(f"/deployments/{existing}").json()
        assert live["description"] == "Adopted by the stack" and live["status"] == "paused"
        assert live["schedule"]["expression"] == "0 9 * * 1-5"
        # Once adopted, nothing is announced any more: it is an ordinary resource.
        again = project.preview("--expect-no-changes")
        assert not any(existing in w for w in warnings(again)), again.stdout


def test_a_pause_whose_cause_is_gone_at_refresh_is_one_reviewed_change(
    emulator: EmulatorHandle, make_project: Callable[..., PulumiProject]
) -> None:
    with emulator.api() as api:
        old_agent = create(api, "/agents", {"name": "old-bot", "model": "ultimate"})
        new_agent = create(api, "/agents", {"name": "new-bot", "model": "ultimate"})
        env = create(api, "/environments", {"name": "env", "config": {"type": "cloud"}})
        project = project_for(make_project, emulator, FIXED_IDS_PROGRAM, agentId=old_agent, envId=env)
        project.up()
        [dep] = project.resources("qoder:Deployment")
        assert api.post(f"/agents/{old_agent}/archive").status_code == 200
        emulator.advance(3600)
        # Someone fixes it by hand (a live agent); the program follows. It is still paused.
        api.post(f"/deployments/{dep['id']}", json={"agent": new_agent})
        project.set_config("agentId", new_agent)
        assert api.get(f"/deployments/{dep['id']}").json()["status"] == "paused"

        project.refresh()
        preview = project.preview("--diff")
        assert re.search(r'~ desired_status\s*: "paused" => "active"', preview.stdout), preview.stdout
        assert "1 to update" in preview.stdout
        assert any("this update resumes it" in w for w in warnings(preview) if "stuck-daily" in w)
        emulator.clear_requests()
        project.up()
        assert calls(emulator)[-1] == f"POST /deployments/{dep['id']}/unpause"
        assert api.get(f"/deployments/{dep['id']}").json()["status"] == "active"
        project.preview("--expect-no-changes")
