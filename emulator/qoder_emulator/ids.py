"""Identifiers and timestamps in the shapes the real service uses (decisions #17, #18, #19)."""

from __future__ import annotations

import secrets
import threading
import time
from datetime import UTC, datetime

_lock = threading.Lock()
_last = 0


def new_id(prefix: str) -> str:
    """``<prefix>_`` + 32 hex digits laid out like a UUIDv7: sortable by creation time."""
    global _last
    with _lock:
        millis = time.time_ns() // 1_000_000
        rand = secrets.randbits(74)
        value = (millis << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
        # Two ids in the same millisecond must still sort in creation order.
        value = max(value, _last + 1)
        _last = value
    return f"{prefix}_{value:032x}"


def new_request_id() -> str:
    return "req_" + secrets.token_hex(12)


def fmt_seconds(moment: datetime) -> str:
    """Resource timestamps: RFC 3339 UTC, second precision, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_micros(moment: datetime) -> str:
    """Run timestamps: RFC 3339 UTC with microseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """Parse an RFC 3339 timestamp; a naive one is read as UTC. Raises ``ValueError``."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
