"""The operator commands of `pulumi-qoder`: deployments list/show, runs list, run.

Each takes the parsed arguments and returns an exit code; output is a table (default) or the API's
JSON (``--json``); errors are one line on stderr. Imported only when such a command runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from pulumi_qoder.ops.api import JSON, TERMINAL_RUN_STATUSES, Api, parse_time
from pulumi_qoder.wire.config import CONFIG_KEYS
from pulumi_qoder.wire.errors import ConfigurationError, QoderError

__all__ = ["EXIT_ERROR", "EXIT_RUN_FAILED", "run_command", "stack_config"]

EXIT_ERROR = 1  # the API, the credentials or the name said no
EXIT_RUN_FAILED = 4  # a followed run ended failed or skipped


def stack_config(
    stack: str, run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
) -> dict[str, str]:
    """The ``qoder:*`` values of a stack's config (``""``: the current stack), secrets decrypted,
    read with ``pulumi config --json --show-secrets`` in the current directory."""
    command = ["pulumi", "config", "--json", "--show-secrets", *(["--stack", stack] if stack else [])]
    try:
        result = run(command, capture_output=True, text=True, timeout=120, check=False)
    except FileNotFoundError:
        raise ConfigurationError("--stack needs the `pulumi` CLI on PATH") from None
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ConfigurationError(f"`{' '.join(command)}` failed: {reason}")
    try:
        document = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise ConfigurationError(f"`{' '.join(command)}` printed no JSON") from None
    values: dict[str, str] = {}
    for key in CONFIG_KEYS:
        entry = document.get(key)
        value = entry.get("value") if isinstance(entry, Mapping) else None
        if isinstance(value, str) and value:
            values[key] = value
    return values


def _connect(args: argparse.Namespace) -> Api:
    config = stack_config(args.stack) if args.stack is not None else None
    return Api.connect(config)


# --- formatting ----------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        out.write(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n"
        )


def _json_out(value: Any, out: TextIO) -> None:
    out.write(json.dumps(value, indent=2, sort_keys=True) + "\n")


def _utc(text: Any) -> str:
    if not isinstance(text, str) or not text:
        return "-"
    return f"{parse_time(text).astimezone(UTC):%Y-%m-%d %H:%M}Z"


def _schedule_words(deployment: JSON) -> str:
    schedule = deployment.get("schedule")
    if not isinstance(schedule, Mapping):
        return "manual only"
    import qoder_cron

    try:
        return qoder_cron.describe(schedule["expression"], schedule["timezone"])
    except (KeyError, ValueError):
        return f"{schedule.get('expression')} ({schedule.get('timezone')})"


def _status(deployment: JSON) -> str:
    if deployment.get("archived_at"):
        return "archived"
    reason = deployment.get("paused_reason")
    if deployment.get("status") == "paused" and isinstance(reason, Mapping):
        error = reason.get("error")
        if reason.get("type") == "error" and isinstance(error, Mapping):
            return f"paused: {error.get('type') or 'error'}"
        return f"paused ({reason.get('type', 'manual')})"
    return str(deployment.get("status") or "-")


def _schedule_field(deployment: JSON, key: str) -> Any:
    schedule = deployment.get("schedule")
    return schedule.get(key) if isinstance(schedule, Mapping) else None


def _next_run(deployment: JSON) -> str:
    upcoming = _schedule_field(deployment, "upcoming_runs_at") or []
    if deployment.get("status") != "active" or deployment.get("archived_at") or not upcoming:
        return "-"
    return _utc(upcoming[0])


def _agent_ref(deployment: JSON) -> str:
    agent = deployment.get("agent")
    if isinstance(agent, Mapping):
        version = f" v{agent['version']}" if agent.get("version") is not None else ""
        return f"{agent.get('id')}{version}"
    return str(agent or "-")


def _named(get: Callable[[str], JSON], ref: Any, shown: str) -> str:
    """``name (id ...)`` for an agent or environment; the id alone when it cannot be read."""
    id_ = ref.get("id") if isinstance(ref, Mapping) else ref
    if not isinstance(id_, str):
        return shown
    try:
        name = get(id_).get("name")
    except QoderError:
        return shown
    return f"{name} ({shown})" if name else shown


def _duration(run: JSON) -> str:
    if isinstance(run.get("duration_ms"), int | float):
        return f"{run['duration_ms'] / 1000:.1f} s"
    started, ended = run.get("triggered_at"), run.get("completed_at")
    if isinstance(started, str) and isinstance(ended, str):
        return f"{(parse_time(ended) - parse_time(started)).total_seconds():.1f} s"
    return "-"


def _run_error(run: JSON) -> str:
    error = run.get("error")
    return str(error.get("type") or "error") if isinstance(error, Mapping) else ""


def _trigger(run: JSON) -> str:
    context = run.get("trigger_context")
    return str(context.get("type", "-")) if isinstance(context, Mapping) else "-"


# --- commands ------------------------------------------------------------------------------------


def _deployments_list(api: Api, args: argparse.Namespace, out: TextIO) -> int:
    found = list(api.deployments(status=args.status, include_archived=args.include_archived))
    if args.json:
        _json_out(found, out)
        return 0
    rows = [
        [
            str(d.get("name")),
            str(d.get("id")),
            _status(d),
            _schedule_words(d),
            _next_run(d),
            _utc(_schedule_field(d, "last_run_at")),
        ]
        for d in found
    ]
    if not rows:
        out.write("No deployments.\n")
        return 0
    _table(["NAME", "ID", "STATUS", "SCHEDULE", "NEXT RUN", "LAST RUN"], rows, out)
    return 0


def _deployments_show(api: Api, args: argparse.Namespace, out: TextIO) -> int:
    deployment = api.find_deployment(args.deployment)
    if args.json:
        _json_out(deployment, out)
        return 0
    schedule = deployment.get("schedule")
    fields = [
        ("name", str(deployment.get("name"))),
        ("id", str(deployment.get("id"))),
        ("status", _status(deployment)),
        ("schedule", _schedule_words(deployment)),
    ]
    if isinstance(schedule, Mapping):
        fields.append(("cron", f"{schedule.get('expression')}  ({schedule.get('timezone')})"))
        upcoming = schedule.get("upcoming_runs_at") or []
        if deployment.get("status") != "active":
            fields.append(("next runs", "none while paused"))
        else:
            fields.append(("next runs", ", ".join(_utc(u) for u in upcoming) or "-"))
        fields.append(("last run", _utc(schedule.get("last_run_at"))))
    fields += [
        ("agent", _named(api.agent, deployment.get("agent"), _agent_ref(deployment))),
        (
            "environment",
            _named(
                api.environment,
                deployment.get("environment_id"),
                str(deployment.get("environment_id") or "-"),
            ),
        ),
        ("created", _utc(deployment.get("created_at"))),
        ("updated", _utc(deployment.get("updated_at"))),
    ]
    if deployment.get("archived_at"):
        fields.append(("archived", _utc(deployment.get("archived_at"))))
    width = max(len(k) for k, _ in fields)
    for key, value in fields:
        out.write(f"{key:<{width}}  {value}\n")
    return 0


def _runs_list(api: Api, args: argparse.Namespace, out: TextIO) -> int:
    deployment = api.find_deployment(args.deployment)
    since: datetime | None = args.since
    runs = api.runs(str(deployment["id"]), status=args.status, since=since, limit=args.limit)
    if args.json:
        _json_out(runs, out)
        return 0
    if not runs:
        out.write(
            f"No runs of {deployment.get('name')}"
            + (f" with status {args.status}" if args.status else "")
            + (f" since {_utc(since.isoformat())}" if since else "")
            + ".\n"
        )
        return 0
    rows = [
        [
            str(r.get("id")),
            _trigger(r),
            str(r.get("status")),
            _utc(r.get("triggered_at")),
            _duration(r),
            _run_error(r),
        ]
        for r in runs
    ]
    _table(["RUN", "TRIGGER", "STATUS", "TRIGGERED", "DURATION", "ERROR"], rows, out)
    return 0


class _Progress:
    """One status line: rewritten in place on a terminal, one line per change otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.last = ""

    def show(self, text: str) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K" + text)
            self.stream.flush()
        elif text.split(" · ")[0] != self.last.split(" · ")[0]:
            self.stream.write(text + "\n")
        self.last = text

    def done(self, text: str) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K")
        self.stream.write(text + "\n")


def _follow(
    api: Api,
    run: JSON,
    args: argparse.Namespace,
    progress: _Progress,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> JSON:
    started = clock()
    while run.get("status") not in TERMINAL_RUN_STATUSES:
        elapsed = clock() - started
        progress.show(f"run {run.get('id')}: {run.get('status')} · {elapsed:.0f} s")
        if args.timeout and elapsed >= args.timeout:
            raise QoderError(
                f"run {run.get('id')} is still {run.get('status')} after {args.timeout:g} s; "
                f"follow it with `pulumi-qoder runs list {run.get('deployment_id')}`"
            )
        sleep(args.interval)
        run = api.run(str(run["id"]))
    return run


def _run(
    api: Api,
    args: argparse.Namespace,
    out: TextIO,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    deployment = api.find_deployment(args.deployment)
    run = api.run_now(str(deployment["id"]))
    progress = _Progress(sys.stderr if args.json else out)
    if args.no_wait:
        if args.json:
            _json_out(run, out)
        else:
            out.write(f"started run {run.get('id')} of {deployment.get('name')} ({run.get('status')})\n")
        return 0
    run = _follow(api, run, args, progress, clock, sleep)
    status = run.get("status")
    if status == "completed":
        summary = f"run {run.get('id')} completed in {_duration(run)}" + (
            f", session {run['session_id']}" if run.get("session_id") else ""
        )
    else:
        error = run.get("error")
        detail = f": {error.get('type')}: {error.get('message')}" if isinstance(error, Mapping) else ""
        summary = f"run {run.get('id')} {status}{detail}"
    progress.done(summary)
    if args.json:
        _json_out(run, out)
    return 0 if status == "completed" else EXIT_RUN_FAILED


_COMMANDS: dict[tuple[str, ...], Callable[[Api, argparse.Namespace, TextIO], int]] = {
    ("deployments", "list"): _deployments_list,
    ("deployments", "show"): _deployments_show,
    ("runs", "list"): _runs_list,
    ("run",): _run,
}


def run_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run an operator command; API and credential errors become one line on stderr and exit 1."""
    key = (args.command, args.action) if getattr(args, "action", None) else (args.command,)
    try:
        return _COMMANDS[key](_connect(args), args, out or sys.stdout)
    except (QoderError, ValueError) as exc:
        print(f"pulumi-qoder {' '.join(key)}: {exc}", file=sys.stderr)
        hint = getattr(exc, "hint", None)
        if hint:
            print(f"hint: {hint}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted; a started run goes on", file=sys.stderr)
        return 130
