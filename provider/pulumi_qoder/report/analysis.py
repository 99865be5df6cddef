"""What the deployments in a preview will run, and when: pure analysis, no rendering, no clock.

Every function takes ``now`` explicitly so a report is reproducible; all instants are UTC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

import qoder_cron as cron
from pulumi_qoder.report.preview import PreviewDigest, PreviewStep, ResourceState

__all__ = [
    "DEFAULT_MAX_RUNS_PER_DAY",
    "DEPLOYMENT_TYPE",
    "RUN_WINDOW",
    "Action",
    "Collision",
    "DeploymentReview",
    "Finding",
    "Schedule",
    "ScheduleReport",
    "ServicePause",
    "Side",
    "Unreadable",
    "analyze",
]

DEPLOYMENT_TYPE = "pulumi-python:dynamic/qoder:Deployment"
AGENT_TYPE = "pulumi-python:dynamic/qoder:Agent"
RUN_WINDOW = timedelta(days=7)  # runs gained/lost and same-minute runs are counted over this window
DST_HORIZON = timedelta(days=366)
# More often than hourly is unusual for an agent run and worth a second look.
DEFAULT_MAX_RUNS_PER_DAY = 24
NEXT_RUNS = 5
# A lost run and a gained run closer than this are one run that moved (09:00 -> 10:00), not two changes.
MOVE_WINDOW = timedelta(hours=24)

_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's placeholder for "known after apply"
_SECRET = "[secret]"  # how `preview --json` prints a secret value
_REPLACE_OPS = {"replace", "create-replacement", "delete-replaced"}
_MUTATING_OPS = {"create": "create", "update": "update", "delete": "archive"} | dict.fromkeys(
    _REPLACE_OPS, "replace"
)


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    ARCHIVE = "archive"  # the Qoder API never deletes a deployment, it archives it


@dataclass(frozen=True)
class Schedule:
    expression: str
    timezone: str

    @property
    def words(self) -> str:
        return cron.describe(self.expression, self.timezone)


@dataclass(frozen=True)
class Unreadable:
    """A schedule the preview does not show: computed during the update, secret, or invalid."""

    reason: str


@dataclass(frozen=True)
class Side:
    """A deployment as it is before, or will be after, the change."""

    schedule: Schedule | Unreadable | None  # None: manual only
    paused: bool  # desired_status is paused: the owner's intent
    agent_id: str | None  # None when the agent is only known after apply
    # The error type when the service has paused it after a failed run (paused_reason.type "error").
    service_pause: str | None = None

    @property
    def words(self) -> str:
        if isinstance(self.schedule, Schedule):
            text = self.schedule.words
        elif isinstance(self.schedule, Unreadable):
            text = self.schedule.reason
        else:
            text = "manual only"
        if self.paused:
            return f"{text}, paused"
        if self.service_pause is not None:
            return f"{text}, paused by the service ({self.service_pause})"
        return text

    @property
    def firing(self) -> Schedule | None:
        """The schedule that will actually start runs: none while paused or manual only."""
        if self.paused or self.service_pause is not None:
            return None
        return self.schedule if isinstance(self.schedule, Schedule) else None


@dataclass(frozen=True)
class Finding:
    """A warning for the reviewer; ``kind`` is a stable slug (dst, runs-per-day, paused, ...)."""

    kind: str
    message: str


@dataclass(frozen=True)
class DeploymentReview:
    name: str
    action: Action
    before: Side | None
    after: Side | None
    changed: tuple[str, ...]  # property names the engine reports as changing
    next_before: tuple[datetime, ...] = ()
    next_after: tuple[datetime, ...] = ()
    runs_before: int = 0  # in the run window
    runs_after: int = 0
    kept: tuple[datetime, ...] = ()  # runs in the window both before and after
    moved: tuple[tuple[datetime, datetime], ...] = ()  # (before, after) pairs less than a day apart
    gained: tuple[datetime, ...] = ()  # new runs that are not a moved one
    lost: tuple[datetime, ...] = ()  # runs that stop and did not move
    warnings: tuple[Finding, ...] = ()

    @property
    def touches_schedule(self) -> bool:
        """Whether this change alters when runs start (schedule, pause, existence)."""
        if self.action is not Action.UPDATE or self.before is None or self.after is None:
            return True
        return (self.before.schedule, self.before.paused) != (self.after.schedule, self.after.paused)

    @property
    def agent_changed(self) -> bool:
        return (
            self.before is not None and self.after is not None and self.before.agent_id != self.after.agent_id
        )


@dataclass(frozen=True)
class Collision:
    """Deployments of one agent that start in the same minute."""

    agent_id: str
    deployments: tuple[str, ...]
    minutes: tuple[datetime, ...]  # in the run window


@dataclass(frozen=True)
class ServicePause:
    """A deployment the service paused after a failed run (``paused_reason.type == "error"``).

    Read from the state the last refresh or update recorded; it starts no scheduled runs until the
    cause is fixed and it is resumed, whether or not this change touches it.
    """

    name: str
    error_type: str  # e.g. agent_archived_error; "unknown_error" when the service gave none

    @property
    def cause(self) -> str:
        return _PAUSE_CAUSES.get(self.error_type, "its runs kept failing")


_PAUSE_CAUSES = {
    "agent_archived_error": "its agent is archived",
    "environment_archived_error": "its environment is archived",
    "environment_not_found_error": "its environment no longer exists",
    "vault_archived_error": "a vault it uses is archived",
    "vault_not_found_error": "a vault it uses no longer exists",
    "memory_store_archived_error": "a memory store it uses is archived",
    "file_not_found_error": "a file it uses no longer exists",
    "skill_not_found_error": "a skill its agent uses no longer exists",
    "workspace_archived_error": "its workspace is archived",
    "organization_disabled_error": "the organization is disabled",
}


@dataclass(frozen=True)
class ScheduleReport:
    now: datetime
    max_runs_per_day: int
    reviews: tuple[DeploymentReview, ...]
    collisions: tuple[Collision, ...]
    unchanged_shown: int  # unchanged deployments present in the preview (`--show-sames`)
    unchanged_hidden: bool  # the preview left unchanged resources out, so collisions may be missed
    preview_errors: tuple[str, ...] = ()
    service_paused: tuple[ServicePause, ...] = ()  # every deployment in the preview paused by the service
    agent_names: Mapping[str, str] = field(default_factory=dict)  # agent id -> name, for agents in the stack

    @property
    def warning_count(self) -> int:
        return sum(len(r.warnings) for r in self.reviews) + len(self.collisions) + len(self.service_paused)

    @property
    def preview_failed(self) -> bool:
        return bool(self.preview_errors)

    def agent_label(self, agent_id: str) -> str:
        """``reporter (agent_01…)`` when the agent is in the stack, else the id."""
        name = self.agent_names.get(agent_id)
        return f"{name} ({agent_id})" if name else agent_id


def _hidden(value: Any) -> str | None:
    if value == _UNKNOWN:
        return "known only after apply"
    if value == _SECRET:
        return "hidden (secret)"
    return None


def _read_schedule(value: Any) -> Schedule | Unreadable | None:
    if value is None:
        return None
    if (reason := _hidden(value)) is not None:
        return Unreadable(reason)
    if not isinstance(value, Mapping):
        return Unreadable(f"not a schedule object: {value!r}")
    expression, timezone = value.get("expression"), value.get("timezone")
    for part in (expression, timezone):
        if (reason := _hidden(part)) is not None:
            return Unreadable(reason)
    if not isinstance(expression, str) or not isinstance(timezone, str):
        return Unreadable("expression or timezone missing")
    try:
        cron.validate_expression(expression)
        cron.validate_timezone(timezone)
    except cron.ScheduleError as exc:
        return Unreadable(f"invalid: {exc}")
    return Schedule(cron.canonical_expression(expression), timezone)


def _read_agent(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) and _hidden(value) is None else None


def _service_pause(outputs: Mapping[str, Any]) -> str | None:
    """The error type of an automatic pause the state records (refresh observes it), else None."""
    reason = outputs.get("paused_reason")
    if outputs.get("status") != "paused" or not isinstance(reason, Mapping) or reason.get("type") != "error":
        return None
    error = reason.get("error")
    error_type = error.get("type") if isinstance(error, Mapping) else None
    return error_type if isinstance(error_type, str) and error_type else "unknown_error"


def _side(state: ResourceState | None, service_pause: str | None = None) -> Side | None:
    if state is None:
        return None
    # Inputs are what the program asks for; outputs only fill gaps (a create has none yet).
    props = {**state.outputs, **state.inputs}
    return Side(
        schedule=_read_schedule(props.get("schedule")),
        paused=props.get("desired_status") == "paused",
        agent_id=_read_agent(props.get("agent")),
        service_pause=service_pause,
    )


def _agent_names(steps: Iterable[PreviewStep]) -> dict[str, str]:
    """Agent id -> name for every agent of the stack the preview shows with a known id."""
    names: dict[str, str] = {}
    for step in steps:
        if step.resource_type != AGENT_TYPE:
            continue
        for state in (step.old_state, step.new_state):
            if state is None:
                continue
            props = {**state.outputs, **state.inputs}
            agent_id, name = state.id or props.get("id"), props.get("name")
            if isinstance(agent_id, str) and isinstance(name, str) and _hidden(agent_id) is None:
                names[agent_id] = name if _hidden(name) is None else step.name
    return names


def _pair_moves(
    lost: Iterable[datetime], gained: Iterable[datetime]
) -> tuple[tuple[tuple[datetime, datetime], ...], tuple[datetime, ...], tuple[datetime, ...]]:
    """Split runs into moved pairs, runs only gained and runs only lost.

    Walks both sorted lists once and pairs a lost run with the next gained run less than
    MOVE_WINDOW away, so 09:00 daily -> 10:00 on weekdays reads as 5 moved and 2 lost.
    """
    lost, gained = sorted(lost), sorted(gained)
    moved: list[tuple[datetime, datetime]] = []
    only_lost: list[datetime] = []
    only_gained: list[datetime] = []
    i = j = 0
    while i < len(lost) and j < len(gained):
        if abs(gained[j] - lost[i]) < MOVE_WINDOW:
            moved.append((lost[i], gained[j]))
            i, j = i + 1, j + 1
        elif lost[i] < gained[j]:
            only_lost.append(lost[i])
            i += 1
        else:
            only_gained.append(gained[j])
            j += 1
    return tuple(moved), (*only_gained, *gained[j:]), (*only_lost, *lost[i:])


def _busiest_day(schedule: Schedule, now: datetime, limit: int) -> tuple[date, int] | None:
    """The first local day within a year with more than ``limit`` runs, or None.

    Counts wall-clock matches, so a fall-back repeat does not push an hourly schedule over 24;
    daylight-saving effects are reported separately.
    """
    chunk = timedelta(days=31)
    tz = cron.zone(schedule.timezone)
    # From the start of today (local) so that today is counted whole, not from the current minute.
    today = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today.astimezone(UTC) - timedelta(seconds=1)
    while start < now + DST_HORIZON:
        per_day: dict[date, set[datetime]] = defaultdict(set)
        for instant in cron.fire_times_between(schedule.expression, schedule.timezone, start, start + chunk):
            local = instant.astimezone(tz)
            per_day[local.date()].add(local.replace(tzinfo=None))
        for day in sorted(per_day):
            if len(per_day[day]) > limit:
                return day, len(per_day[day])
        start += chunk
    return None


def _dst_findings(schedule: Schedule, now: datetime) -> list[Finding]:
    grouped: dict[tuple[date, str], list[cron.DstEffect]] = defaultdict(list)
    for effect in cron.dst_effects(schedule.expression, schedule.timezone, now, now + DST_HORIZON):
        grouped[(effect.local_time.date(), effect.kind)].append(effect)
    findings = []
    for (day, kind), effects in sorted(grouped.items()):
        times = [e.local_time.strftime("%H:%M") for e in effects]
        if len(times) == 1:
            runs = f"the {times[0]} run"
        elif len(times) <= 3:
            runs = f"the {', '.join(times)} runs"
        else:
            runs = f"the {len(times)} runs from {times[0]} to {times[-1]}"
        what = {"skipped": "are skipped", "doubled": "fire twice"}[kind]
        if len(times) == 1:
            what = {"skipped": "is skipped", "doubled": "fires twice"}[kind]
        findings.append(
            Finding("dst", f"daylight saving: on {day:%a %Y-%m-%d} {runs} ({schedule.timezone}) {what}")
        )
    return findings


def _warnings(review: DeploymentReview, now: datetime, max_runs_per_day: int) -> tuple[Finding, ...]:
    before, after = review.before, review.after
    found: list[Finding] = []
    if review.action is Action.ARCHIVE:
        found.append(Finding("archive", "will be archived: archiving is irreversible, its runs stop"))
    if review.action is Action.REPLACE:
        found.append(
            Finding(
                "archive", "will be replaced: the current deployment is archived (irreversible) and recreated"
            )
        )
    if after is None:
        return tuple(found)
    if after.paused and (before is None or not before.paused):
        found.append(Finding("paused", "desired_status becomes paused: no scheduled runs until resumed"))
    if after.schedule is None and before is not None and before.schedule is not None:
        found.append(Finding("manual-only", "schedule removed: manual only from now on, no scheduled runs"))
    if isinstance(after.schedule, Unreadable) and after.schedule.reason.startswith("invalid"):
        found.append(Finding("invalid", f"schedule is {after.schedule.reason}"))
    if (firing := after.firing) is None:
        return tuple(found)
    if not review.next_after:
        found.append(Finding("never-fires", f"{firing.expression!r} never fires: no run within 8 years"))
        return tuple(found)
    found.extend(_dst_findings(firing, now))
    if (busiest := _busiest_day(firing, now, max_runs_per_day)) is not None:
        day, runs = busiest
        found.append(
            Finding(
                "runs-per-day",
                f"{runs} runs on {day:%a %Y-%m-%d} ({firing.timezone}), "
                f"more than the limit of {max_runs_per_day} a day",
            )
        )
    return tuple(found)


def _window_runs(side: Side | None, now: datetime) -> frozenset[datetime]:
    firing = side.firing if side is not None else None
    if firing is None:
        return frozenset()
    return frozenset(cron.fire_times_between(firing.expression, firing.timezone, now, now + RUN_WINDOW))


def _next_runs(side: Side | None, now: datetime) -> tuple[datetime, ...]:
    firing = side.firing if side is not None else None
    if firing is None:
        return ()
    return tuple(cron.fire_times(firing.expression, firing.timezone, now, NEXT_RUNS))


def _merge_steps(
    steps: Iterable[PreviewStep],
) -> list[tuple[Action | None, PreviewStep, ResourceState | None, ResourceState | None]]:
    """One entry per deployment URN in preview order: its action (None when unchanged) and states.

    With `--show-replacement-steps` a replacement arrives as up to three steps; they are merged.
    """
    merged: dict[str, tuple[Action | None, PreviewStep, ResourceState | None, ResourceState | None]] = {}
    for step in steps:
        if step.resource_type != DEPLOYMENT_TYPE:
            continue
        op = _MUTATING_OPS.get(step.op)
        action = Action(op) if op is not None else None
        old = step.old_state if action is not Action.CREATE else None
        new = step.new_state if action is not Action.ARCHIVE else None
        if step.urn in merged:
            previous_action, first, previous_old, previous_new = merged[step.urn]
            merged[step.urn] = (previous_action or action, first, previous_old or old, previous_new or new)
        else:
            merged[step.urn] = (action, step, old, new)
    return list(merged.values())


def _collisions(planned: Mapping[str, tuple[str, frozenset[datetime]]], touched: set[str]) -> list[Collision]:
    """Same-minute starts of one agent's deployments, grouped by who collides.

    Only clashes that involve a deployment this change creates or alters are reported: an old
    clash between untouched deployments is not this review's news.
    """
    firing: dict[tuple[str, datetime], set[str]] = defaultdict(set)
    for name, (agent, runs) in planned.items():
        for minute in runs:
            firing[(agent, minute)].add(name)
    grouped: dict[tuple[str, tuple[str, ...]], list[datetime]] = defaultdict(list)
    for (agent, minute), names in firing.items():
        if len(names) > 1 and names & touched:
            grouped[(agent, tuple(sorted(names)))].append(minute)
    return [
        Collision(agent, names, tuple(sorted(minutes))) for (agent, names), minutes in sorted(grouped.items())
    ]


def _error_line(message: str) -> str:
    """A diagnostic as one clean line: the engine already prefixes ``error:``; do not say it twice."""
    text = message.strip()
    while text.lower().startswith("error:"):
        text = text[len("error:") :].strip()
    return text


def analyze(
    digest: PreviewDigest, now: datetime, max_runs_per_day: int = DEFAULT_MAX_RUNS_PER_DAY
) -> ScheduleReport:
    """Review every deployment the preview creates, changes or archives."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if max_runs_per_day < 1:
        raise ValueError("max_runs_per_day must be at least 1")
    reviews: list[DeploymentReview] = []
    planned: dict[str, tuple[str, frozenset[datetime]]] = {}  # name -> (agent, runs in window)
    touched: set[str] = set()
    service_paused: list[ServicePause] = []
    unchanged = 0
    for action, step, old_state, new_state in _merge_steps(digest.steps):
        paused_by_service = _service_pause(old_state.outputs) if old_state is not None else None
        if paused_by_service is not None and action is not Action.ARCHIVE:
            service_paused.append(ServicePause(step.name, paused_by_service))
        before = _side(old_state, paused_by_service)
        # An update keeps the service's pause (whether `up` may resume it depends on its cause, which
        # the preview does not show); a replacement is a new deployment, not paused.
        keeps_pause = action in (None, Action.UPDATE)
        after = _side(new_state, paused_by_service if keeps_pause else None)
        runs_before, runs_after = _window_runs(before, now), _window_runs(after, now)
        if after is not None and after.agent_id is not None and runs_after:
            planned[step.name] = (after.agent_id, runs_after)
        if action is None:
            unchanged += 1
            continue
        moved, gained, lost = _pair_moves(runs_before - runs_after, runs_after - runs_before)
        review = DeploymentReview(
            name=step.name,
            action=action,
            before=before,
            after=after,
            changed=tuple(
                reason for reason in step.diff_reasons or step.replace_reasons if reason != "__provider"
            ),
            next_before=_next_runs(before, now),
            next_after=_next_runs(after, now),
            runs_before=len(runs_before),
            runs_after=len(runs_after),
            kept=tuple(sorted(runs_before & runs_after)),
            moved=moved,
            gained=gained,
            lost=lost,
        )
        if review.touches_schedule or review.agent_changed:
            touched.add(step.name)
        if review.touches_schedule:
            review = replace(review, warnings=_warnings(review, now, max_runs_per_day))
        reviews.append(review)
    summary_same = digest.change_summary.get("same", 0)
    shown_same = sum(1 for s in digest.steps if s.op == "same")
    return ScheduleReport(
        now=now,
        max_runs_per_day=max_runs_per_day,
        reviews=tuple(reviews),
        collisions=tuple(_collisions(planned, touched)),
        unchanged_shown=unchanged,
        unchanged_hidden=summary_same > shown_same,
        preview_errors=tuple(
            _error_line(d.message) for d in digest.diagnostics if d.severity == "error" and d.message.strip()
        ),
        service_paused=tuple(service_paused),
        agent_names=_agent_names(digest.steps),
    )
