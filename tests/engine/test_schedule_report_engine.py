"""Issue #6 end to end: a real `pulumi preview --json` of a schedule change, read by the report.

Runs the engine against the emulator with the real `Deployment` resource, so the fixtures in
tests/report cannot drift from what the engine and the provider actually print.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from pulumi_qoder.report import analyze, parse_preview
from pulumi_qoder.report.analysis import Action
from pulumi_qoder.report.render import render_markdown
from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import PulumiProject

TOKEN = "engine-token"
NOW = datetime(2025, 3, 1, tzinfo=UTC)  # a Saturday

PROGRAM = """
import pulumi
from pulumi_qoder.deployment import Deployment

config = pulumi.Config()
for name in ("triage", "steady"):
    Deployment(
        name,
        name=f"{name}-{config.require('suffix')}",
        agent=config.require("agent"),
        environment_id=config.require("environment"),
        initial_events=[{"type": "user.message", "content": "Triage new issues"}],
        schedule={"expression": config.get(f"{name}_cron") or "0 9 * * *", "timezone": "Asia/Shanghai"},
    )
"""


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(TOKEN,), clock="manual", start=NOW) as handle:
        yield handle


def _agent_and_environment(emulator: EmulatorHandle) -> tuple[str, str]:
    with emulator.api() as api:
        agent = api.post("/agents", json={"name": f"agent-{uuid.uuid4().hex[:8]}", "model": "ultimate"})
        environment = api.post("/environments", json={"name": "env", "config": {"type": "cloud"}})
    for response in (agent, environment):
        response.raise_for_status()
    return agent.json()["id"], environment.json()["id"]


def _project(make_project: Callable[..., PulumiProject], emulator: EmulatorHandle) -> PulumiProject:
    """The example stack, pointed at the emulator, with its own agent and environment."""
    agent_id, environment_id = _agent_and_environment(emulator)
    project = make_project(PROGRAM, env={"QODER_BASE_URL": emulator.base_url, "QODER_PAT": TOKEN})
    project.set_config("suffix", uuid.uuid4().hex[:6])
    project.set_config("agent", agent_id)
    project.set_config("environment", environment_id)
    return project


def test_preview_json_of_a_schedule_change(
    make_project: Callable[..., PulumiProject], emulator: EmulatorHandle
) -> None:
    project = _project(make_project, emulator)
    project.up()

    project.set_config("triage_cron", "0 10 * * 1-5")
    diff = project.preview("--diff").stdout
    # The check-computed summary puts the schedule in words into the property diff itself.
    assert '"at 09:00, every day (Asia/Shanghai)" => "at 10:00, Monday to Friday (Asia/Shanghai)"' in diff

    raw = project.run("preview", "--json", "--show-sames").stdout
    report = analyze(parse_preview(raw), NOW)

    [triage] = report.reviews
    assert (triage.name, triage.action) == ("triage", Action.UPDATE)
    assert triage.before is not None and triage.after is not None
    assert triage.before.words == "at 09:00, every day (Asia/Shanghai)"
    assert triage.after.words == "at 10:00, Monday to Friday (Asia/Shanghai)"
    assert (triage.runs_before, triage.runs_after) == (7, 5)
    assert triage.gained == tuple(datetime(2025, 3, day, 2, tzinfo=UTC) for day in range(3, 8))
    assert triage.lost == tuple(datetime(2025, 3, day, 1, tzinfo=UTC) for day in range(1, 8))
    # "steady" is unchanged (a `same` step), still 09:00 daily; the new 10:00 no longer clashes with it.
    assert report.collisions == () and not report.unchanged_hidden

    markdown = render_markdown(report)
    assert "| after | at 10:00, Monday to Friday (Asia/Shanghai) | `0 10 * * 1-5` |" in markdown
    assert "7 runs -> 5 runs (+5 gained, -7 lost)" in markdown


def test_same_minute_clash_with_an_unchanged_deployment(
    make_project: Callable[..., PulumiProject], emulator: EmulatorHandle
) -> None:
    project = _project(make_project, emulator)
    project.set_config("steady_cron", "0 10 * * *")
    project.up()

    project.set_config("triage_cron", "0 10 * * 1-5")
    report = analyze(parse_preview(project.run("preview", "--json", "--show-sames").stdout), NOW)
    [collision] = report.collisions
    assert collision.deployments == ("steady", "triage")
    assert collision.minutes == tuple(datetime(2025, 3, day, 2, tzinfo=UTC) for day in range(3, 8))
    # Without --show-sames the engine leaves "steady" out, and the report says so.
    hidden = analyze(parse_preview(project.run("preview", "--json").stdout), NOW)
    assert hidden.collisions == () and hidden.unchanged_hidden
