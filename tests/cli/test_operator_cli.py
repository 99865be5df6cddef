"""`pulumi-qoder deployments|runs|run` as an operator runs them, against the emulator on loopback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pulumi_qoder.cli import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_OK, EXIT_RUN_FAILED, main
from pulumi_qoder.wire.errors import QoderError
from tests.cli.conftest import TOKEN, Seeded

SCRIPT = Path(sys.executable).with_name("pulumi-qoder")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def table(out: str) -> list[list[str]]:
    """Rows of a table printed with two or more spaces between columns."""
    import re

    return [re.split(r"\s{2,}", line.strip()) for line in out.strip().splitlines()]


# --- deployments ---------------------------------------------------------------------------------


def test_deployments_list_shows_status_schedule_and_runs(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded.emulator.advance(86_400)
    seeded.create_deployment("on-demand")
    held = seeded.create_deployment("held", {"expression": "0 9 * * 1-5", "timezone": "Asia/Shanghai"})
    seeded.post(f"/deployments/{held['id']}/pause")

    code, out, err = run_cli(capsys, "deployments", "list")
    assert (code, err) == (EXIT_OK, "")
    header, *rows = table(out)
    assert header == ["NAME", "ID", "STATUS", "SCHEDULE", "NEXT RUN", "LAST RUN"]
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"daily", "on-demand", "held"}
    daily = by_name["daily"]
    assert daily[1:4] == [seeded.daily["id"], "active", "at 7 minutes past the hour, every 6 hours (UTC)"]
    assert daily[4].endswith("Z") and daily[5].endswith("Z")
    assert by_name["on-demand"][2:] == ["active", "manual only", "-", "-"]
    assert by_name["held"][2:5] == ["paused (manual)", "at 09:00, Monday to Friday (Asia/Shanghai)", "-"]

    code, out, _ = run_cli(capsys, "deployments", "list", "--status", "paused", "--json")
    assert code == EXIT_OK
    assert [d["name"] for d in json.loads(out)] == ["held"]


def test_an_error_pause_and_archived_deployments_are_told_apart(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = seeded.create_deployment("gone")
    seeded.post(f"/deployments/{gone['id']}/archive")
    seeded.post(f"/agents/{seeded.agent['id']}/archive")
    seeded.emulator.advance(6 * 3600)  # the next scheduled fire fails and pauses "daily"

    _, out, _ = run_cli(capsys, "deployments", "list")
    assert [row[:3] for row in table(out)[1:]] == [
        ["daily", seeded.daily["id"], "paused: agent_archived_error"]
    ]
    _, out, _ = run_cli(capsys, "deployments", "list", "--include-archived")
    statuses = {row[1]: row[2] for row in table(out)[1:]}
    assert statuses[gone["id"]] == "archived"


def test_deployments_show_by_name_or_id(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    seeded.emulator.advance(86_400)
    code, by_name, _ = run_cli(capsys, "deployments", "show", "daily")
    _, by_id, _ = run_cli(capsys, "deployments", "show", seeded.daily["id"])
    assert code == EXIT_OK and by_name == by_id
    fields = dict(
        line.split(None, 1) if not line.startswith(("next runs", "last run")) else line.split("  ", 1)
        for line in by_name.splitlines()
    )
    assert fields["id"].strip() == seeded.daily["id"]
    assert fields["status"].strip() == "active"
    assert fields["agent"].strip() == f"reporter ({seeded.agent['id']} v1)"
    assert fields["environment"].strip() == f"sandbox ({seeded.environment['id']})"
    assert fields["next runs"].strip().count("Z") == 5

    code, out, _ = run_cli(capsys, "deployments", "show", "daily", "--json")
    assert json.loads(out)["id"] == seeded.daily["id"]


def test_an_unknown_deployment_is_one_line_and_exit_1(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "deployments", "show", "nightly")
    assert (code, out) == (EXIT_ERROR, "")
    assert (
        err
        == "pulumi-qoder deployments show: no deployment with id or name 'nightly' (archived ones are found by id only)\n"
    )


def test_wrong_credentials_are_one_line_naming_the_source(
    seeded: Seeded, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QODER_PAT", "not-a-token")
    code, out, err = run_cli(capsys, "deployments", "list")
    assert (code, out) == (EXIT_ERROR, "")
    first = err.splitlines()[0]
    assert first.startswith("pulumi-qoder deployments list: Qoder API 401") and "Traceback" not in err
    monkeypatch.delenv("QODER_PAT")
    code, _, err = run_cli(capsys, "deployments", "list")
    assert code == EXIT_ERROR and "no Qoder token" in err and "QODER_PAT" in err


# --- runs ----------------------------------------------------------------------------------------


def test_runs_list_filters_by_status_and_time(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    seeded.emulator.advance(2 * 86_400)
    seeded.post(f"/environments/{seeded.environment['id']}/archive")
    seeded.emulator.advance(86_400 - 60)  # one more day: its first fire fails and pauses "daily"

    code, out, err = run_cli(capsys, "runs", "list", "daily", "--limit", "100")
    assert (code, err) == (EXIT_OK, "")
    header, *rows = table(out)
    assert header == ["RUN", "TRIGGER", "STATUS", "TRIGGERED", "DURATION", "ERROR"]
    triggered = [row[3] for row in rows]
    assert triggered == sorted(triggered, reverse=True), "newest first"
    assert {row[2] for row in rows} == {"completed", "failed"}

    _, out, _ = run_cli(capsys, "runs", "list", "daily", "--status", "failed")
    [failed] = table(out)[1:]
    assert failed[1:3] == ["schedule", "failed"] and failed[-1] == "environment_archived_error"

    # The clock ran up to (about) the real now: the last 24 hours hold the last day's fires only.
    _, out, _ = run_cli(capsys, "runs", "list", "daily", "--since", "24h", "--json")
    recent = json.loads(out)
    cutoff = datetime.now(UTC) - timedelta(hours=24)
    everything = json.loads(run_cli(capsys, "runs", "list", "daily", "--json", "--limit", "100")[1])
    expected = [
        r["id"]
        for r in everything
        if datetime.fromisoformat(r["triggered_at"].replace("Z", "+00:00")) >= cutoff
    ]
    assert [r["id"] for r in recent] == expected and 1 <= len(recent) < len(everything)

    code, out, _ = run_cli(capsys, "runs", "list", "daily", "--status", "skipped")
    assert (code, out) == (EXIT_OK, "No runs of daily with status skipped.\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["runs", "list", "daily", "--since", "yesterday"], "neither a duration"),
        (["runs", "list", "daily", "--status", "broken"], "invalid choice"),
        (["runs", "list", "daily", "--limit", "0"], "at least 1"),
        (["run", "daily", "--interval", "soon"], "not a number of seconds"),
    ],
)
def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err


# --- run now -------------------------------------------------------------------------------------


def test_run_now_follows_the_run_to_its_end(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "run", "daily")
    assert (code, err) == (EXIT_OK, "")
    [line] = out.splitlines()
    assert line.startswith("run drun_") and " completed in " in line and ", session sess_" in line
    _, runs, _ = run_cli(capsys, "runs", "list", "daily", "--json")
    [manual] = json.loads(runs)
    assert manual["trigger_context"] == {"type": "manual"} and manual["id"] in line


def test_run_now_of_a_failing_deployment_exits_4_with_the_error(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded.post(f"/agents/{seeded.agent['id']}/archive")
    code, out, _ = run_cli(capsys, "run", seeded.daily["id"], "--json")
    assert code == EXIT_RUN_FAILED
    run = json.loads(out)
    assert (run["status"], run["error"]["type"]) == ("failed", "agent_archived_error")


def test_run_now_of_a_paused_deployment_is_refused(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded.post(f"/deployments/{seeded.daily['id']}/pause")
    code, out, err = run_cli(capsys, "run", "daily")
    assert (code, out) == (EXIT_ERROR, "")
    assert err.startswith("pulumi-qoder run: Qoder API 409 conflict_error") and "paused" in err


def test_run_no_wait_returns_the_started_run(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "run", "daily", "--no-wait", "--json")
    assert code == EXIT_OK and json.loads(out)["deployment_id"] == seeded.daily["id"]


# --- credentials from the stack's config ---------------------------------------------------------


def _stand_in_pulumi(directory: Path, config: dict[str, Any], log: Path) -> None:
    """A `pulumi` that answers `pulumi config --json --show-secrets` as the real CLI does."""
    script = directory / "pulumi"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\ncat <<'EOF'\n{json.dumps(config)}\nEOF\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_stack_config_supplies_the_credentials(
    seeded: Seeded, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log = tmp_path / "calls"
    config = {
        "qoder:token": {"value": TOKEN, "secret": True},
        "qoder:baseUrl": {"value": seeded.emulator.base_url, "secret": False},
        "demo:other": {"value": "x", "secret": False},
    }
    _stand_in_pulumi(tmp_path, config, log)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("QODER_PAT")
    monkeypatch.setenv("QODER_BASE_URL", "http://127.0.0.1:9/not-this-one")

    code, out, err = run_cli(capsys, "deployments", "list", "--stack")
    assert (code, err) == (EXIT_OK, "") and "daily" in out
    code, out, _ = run_cli(capsys, "deployments", "show", "daily", "--stack", "prod")
    assert code == EXIT_OK
    assert log.read_text().splitlines() == [
        "config --json --show-secrets",
        "config --json --show-secrets --stack prod",
    ]


def test_stack_config_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    failing = tmp_path / "pulumi"
    failing.write_text("#!/bin/sh\necho 'error: no stack named dev found' >&2\nexit 255\n")
    failing.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    code, _, err = run_cli(capsys, "deployments", "list", "--stack", "dev")
    assert code == EXIT_ERROR
    assert err == (
        "pulumi-qoder deployments list: `pulumi config --json --show-secrets --stack dev` failed: "
        "error: no stack named dev found\n"
    )


# --- the command itself --------------------------------------------------------------------------


def test_version_and_help_load_neither_pulumi_nor_the_provider() -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['pulumi-qoder', sys.argv[1]]\n"
        "try:\n"
        "    runpy.run_module('pulumi_qoder_cli', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('pulumi', 'pulumi_qoder', 'httpx', 'qca', 'pydantic', 'croniter') if m in sys.modules)\n"
        "print('loaded:', heavy)\n"
    )
    for flag in ("--help", "--version"):
        result = subprocess.run(
            [sys.executable, "-c", probe, flag], capture_output=True, text=True, timeout=60, check=True
        )
        assert result.stdout.splitlines()[-1] == "loaded: []"
    version = subprocess.run(
        [str(SCRIPT), "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert version.stdout.startswith("pulumi-qoder 0.")


def test_bash_completion_completes_commands_options_and_choices(tmp_path: Path) -> None:
    script = tmp_path / "completion.bash"
    script.write_text(
        subprocess.run([str(SCRIPT), "completion", "bash"], capture_output=True, text=True, check=True).stdout
    )
    probe = (
        f"source {script}\n"
        'complete_line() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pulumi_qoder; echo "${COMPREPLY[*]}"; }\n'
        'complete_line pulumi-qoder ""\n'
        "complete_line pulumi-qoder dep\n"
        'complete_line pulumi-qoder deployments ""\n'
        "complete_line pulumi-qoder runs list daily --s\n"
        'complete_line pulumi-qoder runs list daily --status ""\n'
        "complete_line pulumi-qoder schedule-report --format m\n"
    )
    result = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.splitlines() == [
        "--help --version schedule-report deployments runs run completion",
        "deployments",
        "--help list show",
        "--status --since --stack",
        "pending running completed failed skipped",
        "markdown",
    ]


class _SlowRunClient:
    """What the emulator cannot show on demand: a run that stays pending, then running, for a while.

    Answers as the API does (the deployment, the started run, then each poll of it)."""

    def __init__(self, statuses: list[str]) -> None:
        self.statuses = statuses
        self.polls = 0

    def get_object(self, collection: str, id_: str) -> dict[str, Any]:
        if collection == "deployments":
            return {"id": id_, "name": "daily", "status": "active"}
        self.polls += 1
        status = self.statuses[min(self.polls, len(self.statuses) - 1)]
        done = status in ("completed", "failed", "skipped")
        return {
            "id": id_,
            "deployment_id": "dep_1",
            "status": status,
            "duration_ms": 61_500 if done else None,
        }

    def list_objects(self, collection: str, **params: Any) -> dict[str, Any]:
        raise AssertionError("not used")

    def post_action(self, collection: str, id_: str, action: str) -> dict[str, Any]:
        assert (collection, action) == ("deployments", "run")
        return {"id": "drun_1", "deployment_id": id_, "status": self.statuses[0]}


class _Tty:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_the_progress_line_is_rewritten_in_place_until_the_run_ends() -> None:
    from pulumi_qoder.ops.api import Api
    from pulumi_qoder.ops.commands import _run
    from pulumi_qoder_cli import _parser

    client = _SlowRunClient(["pending", "pending", "running", "running", "completed"])
    ticks = iter(range(0, 100, 2))
    terminal = _Tty()
    args = _parser().parse_args(["run", "dep_1", "--interval", "2"])
    code = _run(Api(client), args, terminal, clock=lambda: float(next(ticks)), sleep=lambda _: None)  # type: ignore[arg-type]
    assert code == EXIT_OK and client.polls == 4
    frames = terminal.text.split("\r\x1b[2K")
    assert frames[1:5] == [
        "run drun_1: pending · 2 s",
        "run drun_1: pending · 4 s",
        "run drun_1: running · 6 s",
        "run drun_1: running · 8 s",
    ]
    assert frames[-1] == "run drun_1 completed in 61.5 s\n"


def test_following_stops_at_the_timeout_and_says_how_to_look_later(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pulumi_qoder.ops import commands
    from pulumi_qoder.ops.api import Api
    from pulumi_qoder_cli import _parser

    client = _SlowRunClient(["running"])
    args = _parser().parse_args(["run", "dep_1", "--timeout", "10"])
    ticks = iter(range(0, 100, 4))
    with pytest.raises(
        QoderError, match=r"still running after 10 s; follow it with `pulumi-qoder runs list dep_1`"
    ):
        commands._run(Api(client), args, sys.stdout, clock=lambda: float(next(ticks)), sleep=lambda _: None)
    # Not a terminal: one line per status, not one per poll.
    assert capsys.readouterr().out.splitlines() == ["run drun_1: running · 4 s"]
