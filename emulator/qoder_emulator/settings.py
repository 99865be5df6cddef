"""Server settings shared by the app factory, the CLI and the test helper."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ClockMode = Literal["real", "manual"]


@dataclass(frozen=True)
class Settings:
    tokens: tuple[str, ...]
    db_path: str = ":memory:"
    clock: ClockMode = "real"
    # What the clock reads at startup (default: the real time). The manual clock stays there; the
    # real clock runs on from it at real speed.
    start: datetime | None = None
    # Decision #2: unique names among non-archived deployments of an account.
    unique_names: bool = True
    faults: Mapping[str, Any] = field(default_factory=dict)
    # Mark idempotent replays with `Idempotent-Replayed: true`. Qoder's docs do not say whether the
    # real service does; turning it off lets tests prove clients do not depend on it.
    replay_header: bool = True
    # Real clock only: how often the background scheduler looks for due deployments.
    tick_seconds: float = 1.0
    request_log_size: int = 1000
    # The service answered as: "qoder" or "cma" (Claude Managed Agents), see flavor.py.
    flavor: str = "qoder"
    # A rotated token: token -> the token whose account it opens (that one may be gone from
    # ``tokens``, so it no longer authenticates). Restart on the same db_path to rotate.
    same_account_as: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.tokens:
            raise ValueError("at least one token is required (each token is one account)")
        if any(not t for t in self.tokens):
            raise ValueError("tokens must not be empty")
