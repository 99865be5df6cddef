"""The `pulumi-qoder` console command.

It lives outside the ``pulumi_qoder`` package on purpose: importing that package loads the Pulumi
SDK (about 0.7 s), and ``--help``, ``--version`` and ``completion`` must not wait for it. This
module imports only the standard library; each command imports what it needs when it runs.
``pulumi_qoder.cli`` re-exports ``main`` and the exit codes.

Commands: ``schedule-report`` (review a preview), ``deployments list|show``, ``runs list``, ``run``
(operate live deployments), ``completion`` (a shell completion script).

Exit codes: 0 success; 1 warnings with ``--fail-on-warning`` (schedule-report), or an API,
credential or not-found error (operator commands); 2 bad input or usage; 3 the preview in the
input failed; 4 a followed run ended failed or skipped.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TextIO

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_PREVIEW_FAILED",
    "EXIT_RUN_FAILED",
    "EXIT_WARNINGS",
    "main",
]

EXIT_OK = 0
EXIT_WARNINGS = 1
EXIT_ERROR = 1
EXIT_BAD_INPUT = 2  # also what argparse uses for usage errors
EXIT_PREVIEW_FAILED = 3
EXIT_RUN_FAILED = 4
DEFAULT_MAX_RUNS_PER_DAY = 24  # pulumi_qoder.report.DEFAULT_MAX_RUNS_PER_DAY, without importing it
RUN_STATUSES = ("pending", "running", "completed", "failed", "skipped")
_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


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


def _since(text: str) -> datetime:
    """``30m``, ``24h``, ``7d``, ``2w`` ago, or an RFC 3339 time."""
    if match := _DURATION.match(text.strip()):
        amount, unit = match.groups()
        return datetime.now(UTC) - timedelta(**{_UNITS[unit]: int(amount)})
    try:
        return _rfc3339(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a duration such as 30m, 24h, 7d nor an RFC 3339 time such as 2025-03-01T09:00:00Z"
        ) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds")
    return value


class _Version(argparse.Action):
    """``--version``: reads the installed distribution's metadata only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object, **__: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("pulumi-qoder")
        except PackageNotFoundError:
            number = "unknown (not installed)"
        print(f"pulumi-qoder {number}")
        parser.exit()


def _credentials(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stack",
        nargs="?",
        const="",
        metavar="NAME",
        help="read qoder:token, qoder:baseUrl and qoder:workspaceId from this stack's config "
        "(the current stack without NAME) instead of QODER_PAT / QODER_BASE_URL / QODER_WORKSPACE_ID",
    )
    parser.add_argument("--json", action="store_true", help="print the API's JSON instead of a table")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pulumi-qoder",
        description="Tools for Qoder deployments managed by Pulumi: review schedule changes, "
        "list and inspect deployments and their runs, start a run.",
        epilog="Credentials: QODER_PAT, QODER_BASE_URL, QODER_WORKSPACE_ID, or --stack. "
        'Shell completion: eval "$(pulumi-qoder completion bash)". Docs: docs/cli.md.',
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    report = commands.add_parser(
        "schedule-report",
        help="explain what the schedule changes in a `pulumi preview --json` will do",
        description=(
            "Reads `pulumi preview --json` (use --show-sames so same-minute runs are checked against "
            "unchanged deployments too) and prints a summary of every deployment created, changed or "
            "archived, the warnings, and per deployment the schedule in words, the next runs and the runs "
            "that move, start or stop. "
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

    deployments = commands.add_parser("deployments", help="list deployments or show one")
    actions = deployments.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list", help="every deployment: status, schedule in words, next and last run"
    )
    listing.add_argument("--status", choices=("active", "paused"), help="only deployments in this status")
    listing.add_argument("--include-archived", action="store_true", help="archived deployments too")
    _credentials(listing)
    show = actions.add_parser("show", help="one deployment by name or id")
    show.add_argument("deployment", help="a deployment name or id")
    _credentials(show)

    runs = commands.add_parser("runs", help="list the runs of a deployment")
    run_actions = runs.add_subparsers(dest="action", required=True, metavar="ACTION")
    runs_list = run_actions.add_parser("list", help="runs of one deployment, newest first")
    runs_list.add_argument("deployment", help="a deployment name or id")
    runs_list.add_argument("--status", choices=RUN_STATUSES, help="only runs in this status, e.g. failed")
    runs_list.add_argument(
        "--since", type=_since, help="only runs triggered since: 30m, 24h, 7d, or an RFC 3339 time"
    )
    runs_list.add_argument("--limit", type=_positive, default=20, help="at most this many runs (default 20)")
    _credentials(runs_list)

    run = commands.add_parser(
        "run",
        help="start a run of a deployment now and follow it until it ends",
        description="Starts a run now (the deployment must be active) and prints a progress line "
        "until the run completes, fails or is skipped. Exit code 4 when it does not complete.",
    )
    run.add_argument("deployment", help="a deployment name or id")
    run.add_argument("--no-wait", action="store_true", help="print the started run and return at once")
    run.add_argument("--interval", type=_seconds, default=2.0, help="seconds between checks (default 2)")
    run.add_argument(
        "--timeout",
        type=_seconds,
        default=3600.0,
        help="stop following after this many seconds (default 3600; 0: never)",
    )
    _credentials(run)

    completion = commands.add_parser("completion", help="print a shell completion script")
    completion.add_argument("shell", choices=("bash", "zsh"))
    return parser


# --- schedule-report -----------------------------------------------------------------------------


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
    from pulumi_qoder.report import PreviewFormatError, analyze, parse_preview
    from pulumi_qoder.report.render import render_markdown, render_terminal

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


# --- completion ----------------------------------------------------------------------------------


def _completions(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    """Completion candidates by key: a command path ("", "deployments", "deployments list", ...)
    maps to its subcommands, options and positional choices; "PATH OPTION" to that option's choices."""
    table: dict[str, list[str]] = {}

    def walk(current: argparse.ArgumentParser, path: str) -> None:
        words: list[str] = []
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    words.append(name)
                    walk(sub, f"{path} {name}".strip())
                continue
            longs = [o for o in action.option_strings if o.startswith("--")]
            words.extend(longs)
            if action.choices and not isinstance(action.choices, dict):
                if longs:
                    table[f"{path} {longs[0]}".strip()] = [str(c) for c in action.choices]
                else:
                    words.extend(str(c) for c in action.choices)
        table[path] = words

    walk(parser, "")
    return table


def completion_script(shell: str) -> str:
    """A bash completion function for the command tree (zsh: through bashcompinit)."""
    cases = "\n".join(
        f'        "{key}") echo "{" ".join(words)}" ;;'
        for key, words in sorted(_completions(_parser()).items())
    )
    prelude = "autoload -U +X bashcompinit && bashcompinit\n" if shell == "zsh" else ""
    return f"""{prelude}# pulumi-qoder completion for {shell}: eval "$(pulumi-qoder completion {shell})"
_pulumi_qoder_words() {{
    case "$1" in
{cases}
    esac
}}
_pulumi_qoder() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}" path="" word i
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${{COMP_WORDS[i]}}"
        case "$word" in -*) continue ;; esac
        case " $(_pulumi_qoder_words "$path") " in *" $word "*) path="${{path:+$path }}$word" ;; esac
    done
    local choices
    choices="$(_pulumi_qoder_words "${{path:+$path }}$prev")"
    if [[ "$prev" == --* && -n "$choices" ]]; then
        COMPREPLY=($(compgen -W "$choices" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$(_pulumi_qoder_words "$path")" -- "$cur"))
    fi
}}
complete -F _pulumi_qoder pulumi-qoder
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schedule-report":
        return _schedule_report(args)
    if args.command == "completion":
        sys.stdout.write(completion_script(args.shell))
        return EXIT_OK
    from pulumi_qoder.ops.commands import run_command

    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
