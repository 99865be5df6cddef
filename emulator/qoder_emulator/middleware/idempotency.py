"""``Idempotency-Key`` on writes: the same key and body replay the first answer (status included),
another body is 409. Keys are per account, kept 24 h of emulator time, stored in SQLite."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ..errors import envelope
from ..prefixes import resource_path
from ..service import Account, Emulator

TTL_SECONDS = 24 * 3600
WRITE_METHODS = ("POST", "PUT", "DELETE")
CONFLICT = envelope(
    "conflict_error", "Idempotency key reused with a different request body.", "Idempotency-Key"
)
REPLAY_HEADER = (b"idempotent-replayed", b"true")


def fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        canonical = (
            json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")) if body.strip() else ""
        )
    except ValueError:
        canonical = body.decode("utf-8", "replace")
    return hashlib.sha256(f"{method} {resource_path(path)}\n{canonical}".encode()).hexdigest()


def lookup(emulator: Emulator, account: Account, key: str) -> tuple[str, int, bytes, float] | None:
    """The remembered ``(fingerprint, status, body, created)`` for a live key, or None."""
    stored = emulator.storage.idempotency_get(account.key, key)
    if stored is None or stored[3] < emulator.now().timestamp() - TTL_SECONDS:
        return None
    return stored


def remember(emulator: Emulator, account: Account, key: str, fp: str, status: int, body: bytes) -> None:
    now = emulator.now().timestamp()
    emulator.storage.idempotency_purge(now - TTL_SECONDS)
    emulator.storage.idempotency_put(account.key, key, fp, status, body, now)


class KeyLocks:
    """One lock per in-flight ``(account, Idempotency-Key)``.

    A client that times out retries with the same key while its first request may still be
    running; the retry must wait for that request and replay its answer, not run a second time.
    """

    def __init__(self) -> None:
        self._held: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, account_key: str, key: str) -> AsyncIterator[None]:
        slot = (account_key, key)
        lock, users = self._held.get(slot, (asyncio.Lock(), 0))
        self._held[slot] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._held[slot]
            if users == 1:
                del self._held[slot]
            else:
                self._held[slot] = (lock, users - 1)
