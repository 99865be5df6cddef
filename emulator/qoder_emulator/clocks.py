"""Clocks: the real one, and a manual one that only moves when told to (``PUT /_emulator/clock``)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    manual: bool

    def now(self) -> datetime: ...


class RealClock:
    """Wall-clock time, optionally shifted so that it reads ``start`` at startup.

    The shift lets a test watch the background scheduler fire a real minute boundary in a second
    or two, instead of waiting up to a minute for the next one.
    """

    manual = False

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the clock start must be timezone-aware")
        self._offset = (start - datetime.now(UTC)) if start is not None else timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


class ManualClock:
    """Frozen time. Never moves backwards: runs already fired cannot be un-fired."""

    manual = True

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime.now(UTC).replace(microsecond=0)
        if start.tzinfo is None:
            raise ValueError("the manual clock start must be timezone-aware")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            if moment < self._now:
                raise ValueError(f"the clock cannot move backwards (now {self._now.isoformat()})")
            self._now = moment

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("advance_seconds must not be negative")
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now
