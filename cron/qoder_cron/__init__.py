"""Cron schedules as the Deployments API understands them: validation, fire times, wording.

A leaf package (it imports neither pulumi nor fastapi) shared by the provider (check-time
validation), the emulator (``upcoming_runs_at`` and the scheduler) and the schedule report, so that
all three agree to the minute without the emulator importing the provider.

Rules (see ``shared/api/deployments-api.md`` section 8): five POSIX fields
``minute hour day-of-month month day-of-week``; day-of-week 0-7 (0 and 7 are Sunday); no macros,
no seconds or year field, no ``L``, ``W``, ``#`` or ``?``; an IANA timezone. Matching is on the
local wall clock: a local time that does not exist (spring forward) is skipped, one that occurs
twice (fall back) fires twice.

Parsing and matching are croniter's; this module only narrows the grammar to the API's and maps
local wall-clock matches onto UTC instants, which croniter does not do the way the API documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from croniter import croniter

__all__ = [
    "MAX_EXPRESSION_LENGTH",
    "DstEffect",
    "ScheduleError",
    "canonical_expression",
    "describe",
    "dst_effects",
    "fire_times",
    "fire_times_between",
    "validate_expression",
    "validate_timezone",
    "zone",
]

MAX_EXPRESSION_LENGTH = 256
_NAMES = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT"
_NUMERIC_FIELD = re.compile(r"^[0-9*,/\-]+$")
_NAMED_FIELD = re.compile(rf"^(?:[0-9*,/\-]|{_NAMES})+$", re.IGNORECASE)
_FIELD_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")
# A local time is at most this far from its UTC offset change; used to order fall-back repeats.
_DST_REORDER_WINDOW = timedelta(hours=3)


class ScheduleError(ValueError):
    """A schedule that the API would reject; the message states the rule that was broken."""


def canonical_expression(expression: str) -> str:
    """The expression with runs of whitespace collapsed: equivalent spellings compare equal."""
    return " ".join(expression.split())


def validate_expression(expression: str) -> None:
    """Raise :class:`ScheduleError` unless ``expression`` is a 5-field cron the API accepts."""
    if not isinstance(expression, str):
        raise ScheduleError(f"{expression!r} is not a string")
    shown = f'"{expression}"'
    if not 1 <= len(expression) <= MAX_EXPRESSION_LENGTH:
        raise ScheduleError(f"{shown} must be 1-{MAX_EXPRESSION_LENGTH} characters long")
    if expression.strip().startswith("@"):
        raise ScheduleError(
            f"{shown} is not a 5-field cron expression (macros such as @daily are not allowed)"
        )
    fields = expression.split()
    if len(fields) != 5:
        raise ScheduleError(
            f"{shown} is not a 5-field cron expression (minute hour day-of-month month day-of-week; "
            f"got {len(fields)} fields, seconds and year fields are not allowed)"
        )
    for name, field in zip(_FIELD_NAMES, fields, strict=True):
        for special in ("L", "W", "#", "?"):
            if special in field.upper() and not _NAMED_FIELD.match(field):
                raise ScheduleError(f"{shown}: {name} field {field!r} uses {special!r}, which is not allowed")
        pattern = _NAMED_FIELD if name in ("month", "day-of-week") else _NUMERIC_FIELD
        if not pattern.match(field):
            raise ScheduleError(f"{shown}: {name} field {field!r} is not valid in a 5-field cron expression")
    if not croniter.is_valid(canonical_expression(expression)):
        raise ScheduleError(f"{shown} has a value out of range or a malformed field")


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(timezone: str) -> None:
    """Raise :class:`ScheduleError` unless ``timezone`` is an IANA time zone name."""
    if not isinstance(timezone, str) or not timezone:
        raise ScheduleError(f"{timezone!r} is not an IANA time zone name")
    if timezone not in _known_zones() and timezone != "UTC":
        raise ScheduleError(f'"{timezone}" is not an IANA time zone name (for example "Asia/Shanghai")')


def zone(timezone: str) -> ZoneInfo:
    """The ``ZoneInfo`` of a validated timezone name."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f'"{timezone}" is not an IANA time zone name') from exc


def _instants_of_local(naive: datetime, tz: ZoneInfo) -> list[datetime]:
    """The UTC instants at which the local wall clock shows ``naive``: none, one, or two."""
    found: set[datetime] = set()
    for fold in (0, 1):
        instant = naive.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        if instant.astimezone(tz).replace(tzinfo=None) == naive:  # a skipped time does not round-trip
            found.add(instant)
    return sorted(found)


def _matches_from(expression: str, start: datetime) -> Iterator[datetime]:
    """Naive wall-clock matches strictly after the naive ``start``; ends when none is left."""
    iterator = croniter(canonical_expression(expression), start, max_years_between_matches=8)
    while True:
        try:
            yield iterator.get_next(datetime)
        except Exception:  # croniter raises when no match exists in the window (e.g. "0 0 30 2 *")
            return


def _local_matches(expression: str, tz: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Local wall-clock matches, starting a little before ``after`` so fall-back repeats are seen."""
    return _matches_from(expression, after.astimezone(tz).replace(tzinfo=None) - _DST_REORDER_WINDOW)


def fire_times(expression: str, timezone: str, after: datetime, count: int = 5) -> list[datetime]:
    """The next ``count`` fire instants strictly after ``after``, in UTC, in order."""
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    # Fire instants are whole UTC minutes (every current zone's offset is whole minutes), so any
    # `after` within one minute has the same answer: cache per minute. Lists of deployments and
    # the scheduler ask for the same schedules over and over.
    minute = after.astimezone(UTC).replace(second=0, microsecond=0)
    return list(_fire_times_after_minute(canonical_expression(expression), timezone, minute, count))


@lru_cache(maxsize=4096)
def _fire_times_after_minute(
    expression: str, timezone: str, after: datetime, count: int
) -> tuple[datetime, ...]:
    tz = zone(timezone)
    found: list[datetime] = []
    horizon: datetime | None = None
    for naive in _local_matches(expression, tz, after):
        if horizon is not None and naive > horizon:
            break
        found.extend(i for i in _instants_of_local(naive, tz) if i > after)
        if horizon is None and len(found) >= count:
            # A fall-back repeat of an earlier local time can still sort before what we have.
            horizon = naive + _DST_REORDER_WINDOW
    return tuple(sorted(set(found))[:count])


def fire_times_between(expression: str, timezone: str, start: datetime, end: datetime) -> list[datetime]:
    """Every fire instant in ``(start, end]``, in UTC, in order."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    tz = zone(timezone)
    found: set[datetime] = set()
    limit = end.astimezone(tz).replace(tzinfo=None) + _DST_REORDER_WINDOW
    for naive in _local_matches(expression, tz, start):
        if naive > limit:
            break
        found.update(i for i in _instants_of_local(naive, tz) if start < i <= end)
    return sorted(found)


@dataclass(frozen=True)
class DstEffect:
    """A wall-clock match of a schedule that a daylight-saving change skips or repeats."""

    local_time: datetime  # naive wall-clock time in the schedule's timezone
    kind: Literal["skipped", "doubled"]
    instants: tuple[datetime, ...]  # UTC fire instants: none when skipped, two when doubled


def _offset_changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """UTC instants in ``(start, end]`` at which ``tz`` changes its UTC offset, to the second."""

    def offset(epoch: int) -> timedelta | None:
        return datetime.fromtimestamp(epoch, UTC).astimezone(tz).utcoffset()

    changes: list[datetime] = []
    low, stop = int(start.timestamp()), int(end.timestamp())
    while low < stop:
        # Offsets change at most a few times a year, never twice within a day.
        high = min(low + 86_400, stop)
        if offset(high) != offset(low):
            before, first_after = low, high
            while first_after - before > 1:
                middle = (before + first_after) // 2
                if offset(middle) == offset(before):
                    before = middle
                else:
                    first_after = middle
            changes.append(datetime.fromtimestamp(first_after, UTC))
        low = high
    return changes


def dst_effects(expression: str, timezone: str, start: datetime, end: datetime) -> list[DstEffect]:
    """Fire times that offset changes in ``(start, end]`` skip (spring forward) or double (fall back)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    tz = zone(timezone)
    effects: list[DstEffect] = []
    for change in _offset_changes(tz, start, end):
        before = (change - timedelta(seconds=1)).astimezone(tz).utcoffset() or timedelta()
        after = change.astimezone(tz).utcoffset() or timedelta()
        naive_change = change.replace(tzinfo=None)
        # Wall-clock times that do not exist (gap) or exist twice (fold) around this change.
        window_start = naive_change + min(before, after)
        window_end = naive_change + max(before, after)
        for local in _matches_from(expression, window_start - timedelta(minutes=1)):
            if local >= window_end:
                break
            instants = tuple(_instants_of_local(local, tz))
            if len(instants) != 1:
                effects.append(DstEffect(local, "skipped" if not instants else "doubled", instants))
    return effects


_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


def _weekday_number(token: str) -> int:
    upper = token.upper()
    return _WEEKDAYS.index(upper) if upper in _WEEKDAYS else int(token)


def _weekdays(field: str) -> set[int]:
    """The days (0 = Sunday) a validated day-of-week field selects."""
    days: set[int] = set()
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            low, high = base.split("-", 1)
            first, last = _weekday_number(low), _weekday_number(high)
        else:
            first = _weekday_number(base)
            last = 6 if step_text else first  # "1/2" means 1-6/2, as in Vixie cron
        days.update(day % 7 for day in range(first, last + 1, int(step_text or 1)))
    return days


def _plain_weekdays(field: str) -> str:
    """A day-of-week field the library words well: ``*/2`` would read "every 2 days of the week"
    and ``0-6`` "Sunday through Saturday"; spell the first out and collapse the second to ``*``."""
    days = _weekdays(field)
    if len(days) == 7:
        return "*"
    return ",".join(str(day) for day in sorted(days)) if "/" in field else field


@lru_cache(maxsize=1024)
def describe(expression: str, timezone: str | None = None) -> str:
    """The schedule in words, e.g. ``at 09:00, every day (Asia/Shanghai)``.

    Deterministic: it depends only on its arguments (not on the clock or the process locale), so it
    can be stored and compared without ever drifting into a permanent diff. Raises
    :class:`ScheduleError` for an expression the API would reject.
    """
    validate_expression(expression)
    minute, hour, day_of_month, month, day_of_week = canonical_expression(expression).split()
    every_day = day_of_month == "*" and month == "*"
    if day_of_month == "*":
        # Without a day-of-month restriction the OR rule cannot apply, so rewriting is safe.
        day_of_week = _plain_weekdays(day_of_week)
    fields = " ".join((minute, hour, day_of_month, month, day_of_week))
    # Imported here: only wording needs it, and it costs start-up time in every provider process.
    from cron_descriptor import ExpressionDescriptor, Options

    # Pinned, not detected: the library otherwise follows the process locale (German words on one
    # machine, English on another), and the summary would become a diff between CI and laptops.
    wording = Options(locale_code="en_US", use_24hour_time_format=True, verbose=False)
    text = ExpressionDescriptor(fields, wording).get_description()
    text = text[:1].lower() + text[1:]
    text = text.replace(" through ", " to ").replace("at 0 minutes past the hour", "on the hour")
    text = re.sub(r"\b(\w+day) to \1\b", r"only on \1", text)  # "7-7" / "0-0"
    fixed_hours = hour != "*" and not hour.startswith("*/")
    if every_day and day_of_week == "*" and fixed_hours:
        text += ", every day"  # "at 09:00" alone reads as a one-off
    return f"{text} ({timezone})" if timezone else text
