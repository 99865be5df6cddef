"""The `pulumi-qoder` console command.

Exit codes: 0 success; 1 warnings found and ``--fail-on-warning`` given; 2 bad input or usage;
3 the preview in the input failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TextIO

from pulumi_qoder.report import DEFAULT_MAX_RUNS_PER_DAY, PreviewFormatError, analyze, parse_preview
from pulumi_qoder.report.render import render_markdown, render_terminal

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_PREVIEW_FAILED", "EXIT_WARNINGS", "main"]

EXIT_OK = 0
EXIT_WARNINGS = 1
EXIT_BAD_INPUT = 2  # also what argparse uses for usage errors
EXIT_PREVIEW_FAILED = 3


def _rfc3339(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an RFC 3339 time such as 2025-03-01T09:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no UTC offset; add Z or +08:00")
    return moment.astimezone(UTC)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pulumi-qoder", description="Tools for Qoder deployments managed by Pulumi."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report = commands.add_parser(
        "schedule-report",
        help="explain what the schedule changes in a `pulumi preview --json` will do",
        description=(
            "Reads `pulumi preview --json` (use --show-sames so same-minute runs are checked against "
            "unchanged deployments too) and prints, for every deployment created, changed or archived, "
            "its schedule in words, the next runs, runs gained and lost, and warnings. "
            "Exit codes: 0 ok, 1 warnings with --fail-on-warning, 2 bad input, 3 the preview failed."
        ),
    )
    report.add_argument("preview", nargs="?", default="-", help="preview JSON file (default: standard input)")
    report.add_argument("--format", choices=("terminal", "markdown"), default="terminal")
    report.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    report.add_argument(
        "--now", type=_rfc3339, help="the current time, RFC 3339 (default: the clock); fixes the output"
    )
    report.add_argument(
        "--max-runs-per-day",
        type=_positive,
        default=DEFAULT_MAX_RUNS_PER_DAY,
        help=f"warn when a deployment starts more runs than this on one day (default {DEFAULT_MAX_RUNS_PER_DAY})",
    )
    report.add_argument("--fail-on-warning", action="store_true", help="exit 1 when there are warnings")
    return parser


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and "NO_COLOR" not in os.environ


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    with open(source, encoding="utf-8") as handle:
        return handle.read()


def _schedule_report(args: argparse.Namespace) -> int:
    try:
        digest = parse_preview(_read(args.preview))
    except (OSError, UnicodeDecodeError, PreviewFormatError) as exc:
        where = "standard input" if args.preview == "-" else args.preview
        print(f"pulumi-qoder schedule-report: {where}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    report = analyze(digest, args.now or datetime.now(UTC), args.max_runs_per_day)
    if args.format == "markdown":
        sys.stdout.write(render_markdown(report))
    else:
        sys.stdout.write(render_terminal(report, color=_use_color(args.color, sys.stdout)))
    if report.preview_failed:
        print(
            f"pulumi-qoder schedule-report: the preview failed: {report.preview_errors[0]}", file=sys.stderr
        )
        return EXIT_PREVIEW_FAILED
    return EXIT_WARNINGS if args.fail_on_warning and report.warning_count else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schedule-report":
        return _schedule_report(args)
    raise AssertionError(f"unhandled command {args.command}")  # argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
