"""Cron schedules as the Deployments API understands them: validation, fire times, wording.

One pure module shared by the provider (check-time validation), the emulator (``upcoming_runs_at``
and the scheduler) and the schedule report, so that all three agree to the minute.

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
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from cron_descriptor import ExpressionDescriptor, Options
from croniter import croniter

__all__ = [
    "MAX_EXPRESSION_LENGTH",
    "ScheduleError",
    "canonical_expression",
    "describe",
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
        raise ScheduleError(f"{shown} is not a 5-field cron expression (macros such as @daily are not allowed)")
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


def _local_matches(expression: str, tz: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Local wall-clock matches, starting a little before ``after`` so fall-back repeats are seen."""
    start = after.astimezone(tz).replace(tzinfo=None) - _DST_REORDER_WINDOW
    iterator = croniter(canonical_expression(expression), start, max_years_between_matches=8)
    while True:
        try:
            yield iterator.get_next(datetime)
        except Exception:  # croniter raises when no match exists in the window (e.g. "0 0 30 2 *")
            return


def fire_times(expression: str, timezone: str, after: datetime, count: int = 5) -> list[datetime]:
    """The next ``count`` fire instants strictly after ``after``, in UTC, in order."""
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
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
    return sorted(set(found))[:count]


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


@lru_cache(maxsize=1024)
def describe(expression: str, timezone: str | None = None) -> str:
    """The schedule in words, e.g. ``at 09:00, every day (Asia/Shanghai)``.

    Deterministic: it depends only on its arguments, never on the current time, so it can be
    stored and compared without ever drifting into a permanent diff.
    """
    options = Options()
    options.use_24hour_time_format = True
    options.verbose = True
    text = ExpressionDescriptor(canonical_expression(expression), options).get_description()
    text = text[:1].lower() + text[1:] if text else text
    text = text.replace(" through ", " to ")
    return f"{text} ({timezone})" if timezone else text
