"""Issue #6 end to end: a real `pulumi preview --json` of a schedule change, read by the report.

Runs the engine against the emulator with the real `Deployment` resource, so the fixtures in
tests/report cannot drift from what the engine and the provider actually print.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pulumi_qoder.cli import EXIT_PREVIEW_FAILED, main
from pulumi_qoder.report import analyze, parse_preview
from pulumi_qoder.report.analysis import Action
from pulumi_qoder.report.render import render_markdown, render_terminal
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
    # Weekday runs move from 01:00Z to 02:00Z; the weekend ones stop.
    assert triage.moved == tuple(
        (datetime(2025, 3, day, 1, tzinfo=UTC), datetime(2025, 3, day, 2, tzinfo=UTC)) for day in range(3, 8)
    )
    assert triage.lost == (datetime(2025, 3, 1, 1, tzinfo=UTC), datetime(2025, 3, 2, 1, tzinfo=UTC))
    assert triage.gained == ()
    # "steady" is unchanged (a `same` step), still 09:00 daily; the new 10:00 no longer clashes with it.
    assert report.collisions == () and not report.unchanged_hidden

    markdown = render_markdown(report)
    assert "| after | at 10:00, Monday to Friday (Asia/Shanghai) | `0 10 * * 1-5` |" in markdown
    assert (
        "| at 09:00, every day → at 10:00, Monday to Friday (Asia/Shanghai) | 7 → 5 (5 moved, 2 lost) |"
        in markdown
    )


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


AGENT_PROGRAM = """
import pulumi
from pulumi_qoder import Agent, Deployment

config = pulumi.Config()
suffix = config.require("suffix")
bot = Agent("reporter", name=f"reporter-{suffix}", model="ultimate")
for name in ("triage", "steady"):
    Deployment(
        name,
        name=f"{name}-{suffix}",
        agent=bot.id,
        environment_id=config.require("environment"),
        initial_events=[{"type": "user.message", "content": "Triage new issues"}],
        schedule={"expression": config.get(f"{name}_cron") or "0 9 * * *", "timezone": "Asia/Shanghai"},
    )
"""


def _agent_project(make_project: Callable[..., PulumiProject], emulator: EmulatorHandle) -> PulumiProject:
    _, environment_id = _agent_and_environment(emulator)
    project = make_project(AGENT_PROGRAM, env={"QODER_BASE_URL": emulator.base_url, "QODER_PAT": TOKEN})
    project.set_config("suffix", uuid.uuid4().hex[:6])
    project.set_config("environment", environment_id)
    return project


def test_agent_names_a_failed_preview_and_an_error_pause(
    make_project: Callable[..., PulumiProject],
    emulator: EmulatorHandle,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = _agent_project(make_project, emulator)
    project.up()
    [agent] = project.resources("qoder:Agent")
    agent_id, agent_name = agent["id"], agent["outputs"]["name"]

    # A clash with the unchanged deployment names the agent as the program does, not only by id.
    project.set_config("triage_cron", "0 9 * * 1-5")
    report = analyze(parse_preview(project.run("preview", "--json", "--show-sames").stdout), NOW)
    [collision] = report.collisions
    assert report.agent_label(collision.agent_id) == f"{agent_name} ({agent_id})"
    clash = f"agent {agent_name} ({agent_id}): steady, triage start in the same minute"
    assert clash in render_terminal(report)

    # A preview that fails (check rejects the cron) must fail the report too, saying so once.
    project.set_config("triage_cron", "0 9 L * *")
    failed = project.run("preview", "--json", "--show-sames", check=False)
    assert failed.returncode != 0
    preview_file = tmp_path / "failed.json"
    preview_file.write_text(failed.stdout)
    code = main(
        ["schedule-report", str(preview_file), "--format", "markdown", "--now", "2025-03-01T00:00:00Z"]
    )
    out = capsys.readouterr().out
    assert code == EXIT_PREVIEW_FAILED
    assert "**The preview failed**" in out and "schedule.expression" in out
    assert "error: error:" not in out.lower() and "No Qoder deployment" not in out

    # The service pauses both deployments when their agent is archived; refresh records it and the
    # report lists them even though the program does not change them.
    project.set_config("triage_cron", "0 9 * * 1-5")
    project.up()
    with emulator.api() as api:
        api.post(f"/agents/{agent_id}/archive").raise_for_status()
    emulator.advance(3 * 86_400)
    project.refresh("--yes")
    report = analyze(parse_preview(project.run("preview", "--json", "--show-sames").stdout), emulator.now())
    assert sorted((p.name, p.error_type) for p in report.service_paused) == [
        ("steady", "agent_archived_error"),
        ("triage", "agent_archived_error"),
    ]
    pause = "triage: paused by the service after a failed run (agent_archived_error: its agent is archived)"
    assert pause in render_terminal(report)
