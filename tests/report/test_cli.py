"""`pulumi-qoder schedule-report` as a user runs it: arguments, formats, exit codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_qoder.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_WARNINGS, main
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

EXPECTED_MARKDOWN = """\
<!-- pulumi-qoder:schedule-report -->
### Qoder schedule review

Reviewed at 2025-03-01 00:00 UTC, runs counted over the next 7 days: **:warning: 1 warning**

#### `~` update `triage`

| | schedule | cron |
|---|---|---|
| before | at 09:00, every day (Asia/Shanghai) | `0 9 * * *` |
| after | at 10:00, Monday to Friday (Asia/Shanghai) | `0 10 * * 1-5` |

**Next 7 days:** 7 runs -> 5 runs (+5 gained, -7 lost)

| # | before (Asia/Shanghai) | before (UTC) | after (Asia/Shanghai) | after (UTC) |
|---|---|---|---|---|
| 1 | Sat 2025-03-01 09:00 +08:00 | 2025-03-01 01:00 UTC | Mon 2025-03-03 10:00 +08:00 | 2025-03-03 02:00 UTC |
| 2 | Sun 2025-03-02 09:00 +08:00 | 2025-03-02 01:00 UTC | Tue 2025-03-04 10:00 +08:00 | 2025-03-04 02:00 UTC |
| 3 | Mon 2025-03-03 09:00 +08:00 | 2025-03-03 01:00 UTC | Wed 2025-03-05 10:00 +08:00 | 2025-03-05 02:00 UTC |
| 4 | Tue 2025-03-04 09:00 +08:00 | 2025-03-04 01:00 UTC | Thu 2025-03-06 10:00 +08:00 | 2025-03-06 02:00 UTC |
| 5 | Wed 2025-03-05 09:00 +08:00 | 2025-03-05 01:00 UTC | Fri 2025-03-07 10:00 +08:00 | 2025-03-07 02:00 UTC |

<details><summary>Runs gained and lost in the next 7 days</summary>

- gained: Mon 2025-03-03 10:00 +08:00; Tue 2025-03-04 10:00 +08:00; Wed 2025-03-05 10:00 +08:00; \
Thu 2025-03-06 10:00 +08:00; Fri 2025-03-07 10:00 +08:00
- lost: Sat 2025-03-01 09:00 +08:00; Sun 2025-03-02 09:00 +08:00; Mon 2025-03-03 09:00 +08:00; \
Tue 2025-03-04 09:00 +08:00; Wed 2025-03-05 09:00 +08:00; and 2 more

</details>

#### `+` create `poller`

| | schedule | cron |
|---|---|---|
| after | every 30 minutes (UTC) | `*/30 * * * *` |

**Next 7 days:** 336 runs

| # | after (UTC) | after (UTC) |
|---|---|---|
| 1 | Sat 2025-03-01 00:30 +00:00 | 2025-03-01 00:30 UTC |
| 2 | Sat 2025-03-01 01:00 +00:00 | 2025-03-01 01:00 UTC |
| 3 | Sat 2025-03-01 01:30 +00:00 | 2025-03-01 01:30 UTC |
| 4 | Sat 2025-03-01 02:00 +00:00 | 2025-03-01 02:00 UTC |
| 5 | Sat 2025-03-01 02:30 +00:00 | 2025-03-01 02:30 UTC |

- :warning: 48 runs on Sat 2025-03-01 (UTC), more than the limit of 24 a day

- `~` update `docs`: no schedule change (changes description)

_This preview omits unchanged resources; run `pulumi preview --json --show-sames` \
to check same-minute runs against them too._
"""


@pytest.fixture
def preview_file(tmp_path: Path) -> Path:
    path = tmp_path / "preview.json"
    path.write_text(SCENARIO)
    return path


def test_markdown_for_a_pull_request_comment(preview_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule-report", str(preview_file), "--format", "markdown", "--now", NOW]) == EXIT_OK
    assert capsys.readouterr().out == EXPECTED_MARKDOWN


def test_now_with_an_offset_means_the_same_instant(
    preview_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["schedule-report", str(preview_file), "--format", "markdown", "--now", "2025-03-01T08:00:00+08:00"])
    assert capsys.readouterr().out == EXPECTED_MARKDOWN


def test_terminal_report_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(SCENARIO))
    assert main(["schedule-report", "--now", NOW, "--color", "never"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "~ update triage\n    before at 09:00, every day (Asia/Shanghai)   [0 9 * * *]\n" in out
    assert "    after  at 10:00, Monday to Friday (Asia/Shanghai)   [0 10 * * 1-5]\n" in out
    assert "      Sat 2025-03-01 09:00 +08:00  2025-03-01 01:00 UTC  Mon 2025-03-03 10:00 +08:00" in out
    assert "    next 7 days: 7 runs -> 5 runs (+5 gained, -7 lost)\n" in out
    assert "~ update docs: no schedule change (changes description)\n" in out
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
    assert result.stdout == EXPECTED_MARKDOWN
