"""`pulumi-qoder schedule-report` as a user runs it: arguments, formats, exit codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_qoder.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_PREVIEW_FAILED, EXIT_WARNINGS, main
from tests.report.previews import digest, inputs, step

NOW = "2025-03-01T00:00:00Z"

SCENARIO = digest(
    step("update", "triage", inputs("triage", "0 9 * * *"), inputs("triage", "0 10 * * 1-5")),
    step(
        "update",
        "docs",
        inputs("docs", agent="agt_docs"),
        inputs("docs", agent="agt_docs", description="Docs"),
    ),
    step("create", "poller", new=inputs("poller", "*/30 * * * *", "UTC", agent="agt_poll")),
    hidden_same=2,
)

# The lines a reviewer reads first; the HTML structure is checked in test_render.py.
EXPECTED_TOP = """\
<!-- pulumi-qoder:schedule-report -->
### Qoder schedule review

**2 deployments with schedule changes, 1 other change, 1 warning**; runs counted over the 7 days from 2025-03-01 00:00 UTC.

| deployment | change | runs in 7 days | warnings |
|---|---|---|---|
| `~` **triage** | at 09:00, every day → at 10:00, Monday to Friday (Asia/Shanghai) | 7 → 5 (5 moved, 2 lost) |  |
| `~` **docs** | no schedule change (changes description) | 7 → 7 |  |
| `+` **poller** | new: every 30 minutes (UTC) | 0 → 336 | :warning: busy day |

- :warning: **poller**: 48 runs on Sat 2025-03-01 (UTC), more than the limit of 24 a day

```mermaid
"""


@pytest.fixture
def preview_file(tmp_path: Path) -> Path:
    path = tmp_path / "preview.json"
    path.write_text(SCENARIO)
    return path


def test_markdown_for_a_pull_request_comment(preview_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule-report", str(preview_file), "--format", "markdown", "--now", NOW]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith(EXPECTED_TOP)
    assert out.count("<details>") == 2 and out.endswith("to check same-minute runs against them too._\n")


def test_now_with_an_offset_means_the_same_instant(
    preview_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["schedule-report", str(preview_file), "--format", "markdown", "--now", NOW])
    expected = capsys.readouterr().out
    main(["schedule-report", str(preview_file), "--format", "markdown", "--now", "2025-03-01T08:00:00+08:00"])
    assert capsys.readouterr().out == expected


def test_terminal_report_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(SCENARIO))
    assert main(["schedule-report", "--now", NOW, "--color", "never"]) == EXIT_OK
    out = capsys.readouterr().out
    lines = out.splitlines()
    # The summary first: one line per changed deployment, then the warnings in full.
    assert lines[2].split() == ["DEPLOYMENT", "CHANGE", "RUNS/7D", "WARNINGS"]
    assert lines[3].startswith(
        "~ triage    at 09:00, every day -> at 10:00, Monday to Friday (Asia/Shanghai)"
    )
    assert lines[3].endswith("7 -> 5 (5 moved, 2 lost)")
    assert lines[4].startswith("~ docs      no schedule change (changes description)")
    assert "0 -> 336  " in lines[5]
    assert lines[5][lines[2].index("WARNINGS") :] == "busy day"  # in its column
    assert "  ! poller: 48 runs on Sat 2025-03-01 (UTC), more than the limit of 24 a day\n" in out
    assert (
        "~ update triage\n    before at 09:00, every day (Asia/Shanghai)   [0 9 * * *]   agent agt_triage\n"
        in out
    )
    assert "      Sat 2025-03-01 09:00 +08:00  2025-03-01 01:00 UTC   Mon 2025-03-03 10:00 +08:00" in out
    assert "    runs in the next 7 days: 7 -> 5 (5 moved, 2 lost)\n" in out
    assert "      moved:  Mon 2025-03-03 09:00 +08:00 -> 10:00;" in out
    assert "\x1b[" not in out
    assert out.endswith("1 warning\n")


def test_colour_is_forced_or_follows_the_terminal(
    preview_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["schedule-report", str(preview_file), "--now", NOW, "--color", "always"])
    assert "\x1b[33m~ update triage\x1b[0m" in capsys.readouterr().out
    main(["schedule-report", str(preview_file), "--now", NOW])  # auto: captured stdout is no terminal
    assert "\x1b[" not in capsys.readouterr().out


def test_fail_on_warning(preview_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule-report", str(preview_file), "--now", NOW, "--fail-on-warning"]) == EXIT_WARNINGS
    limit = ["--max-runs-per-day", "48"]
    assert main(["schedule-report", str(preview_file), "--now", NOW, "--fail-on-warning", *limit]) == EXIT_OK
    assert "0 warnings" in capsys.readouterr().out


def test_preview_without_deployment_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.json"
    path.write_text(digest())
    assert main(["schedule-report", str(path), "--now", NOW]) == EXIT_OK
    assert "No Qoder deployment is created, changed or archived in this preview." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the input is empty"),
        ("Previewing update (dev):", "is not JSON"),
        (
            '{"sequence": 0, "timestamp": 1}\n{"sequence": 1, "timestamp": 1}\n',
            "PULUMI_ENABLE_STREAMING_JSON_PREVIEW",
        ),
        ('{"resources": []}', "not `pulumi preview --json` output"),
        ('{"steps": [{"urn": "x"}]}', "steps.0.op"),
    ],
)
def test_bad_input_exits_2_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["schedule-report", str(path), "--now", NOW]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err and str(path) in captured.err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule-report", str(tmp_path / "nope.json")]) == EXIT_BAD_INPUT
    assert "No such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--now", "yesterday"], "is not an RFC 3339 time"),
        (["--now", "2025-03-01T00:00:00"], "has no UTC offset"),
        (["--max-runs-per-day", "0"], "at least 1"),
        (["--format", "html"], "invalid choice"),
    ],
)
def test_bad_options_exit_2(
    preview_file: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["schedule-report", str(preview_file), *argv])
    assert exited.value.code == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err


def test_console_script_reads_a_pipe() -> None:
    script = Path(sys.executable).with_name("pulumi-qoder")
    result = subprocess.run(
        [str(script), "schedule-report", "--format", "markdown", "--now", NOW],
        input=SCENARIO,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert (result.returncode, result.stderr) == (EXIT_OK, "")
    assert result.stdout.startswith(EXPECTED_TOP)


def test_a_failed_preview_fails_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    # Captured from engine v3.274.1: `pulumi preview --json` after check rejected a cron.
    failed = Path(__file__).parent / "fixtures" / "engine-preview-failed.json"
    for fmt in ("terminal", "markdown"):
        assert main(["schedule-report", str(failed), "--format", fmt, "--now", NOW]) == EXIT_PREVIEW_FAILED
        captured = capsys.readouterr()
        assert "The preview failed" in captured.out
        assert captured.err.startswith(
            "pulumi-qoder schedule-report: the preview failed: pulumi-python:dynamic/qoder:Deployment resource 'triage'"
        )
        assert "error: error:" not in captured.out + captured.err


def test_the_commands_default_limit_is_the_reports() -> None:
    # The command module keeps its own copy so that --help does not import the report.
    import pulumi_qoder_cli
    from pulumi_qoder.report import DEFAULT_MAX_RUNS_PER_DAY

    assert pulumi_qoder_cli.DEFAULT_MAX_RUNS_PER_DAY == DEFAULT_MAX_RUNS_PER_DAY
