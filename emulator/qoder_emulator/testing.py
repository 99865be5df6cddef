"""Start the emulator from tests: ``with running_emulator() as emu: emu.api().get("/deployments")``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import httpx

from .flavor import CMA_BETA, flavor_named
from .ids import fmt_seconds, parse_time
from .server import BackgroundServer
from .settings import Settings

__all__ = ["EmulatorHandle", "running_emulator"]


class EmulatorHandle:
    """A running emulator: URLs, tokens, and the ``/_emulator`` control API as methods."""

    def __init__(self, root_url: str, tokens: tuple[str, ...], flavor: str = "qoder") -> None:
        self.root_url = root_url
        self.flavor = flavor_named(flavor)
        # What an SDK's base_url is: qca-sdk's ends in /api/v1/cloud, anthropic's is the root.
        self.base_url = root_url + self.flavor.sdk_base_path
        self.tokens = tokens
        self._control = httpx.Client(base_url=f"{root_url}/_emulator", timeout=30)

    def close(self) -> None:
        self._control.close()

    def _call(self, method: str, path: str, json: Any = None) -> Any:
        response = self._control.request(method, path, json=json)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} /_emulator{path} failed: {response.status_code} {response.text}")
        return response.json()

    def now(self) -> datetime:
        return parse_time(self._call("GET", "/clock")["now"])

    def set_clock(self, now: datetime) -> None:
        """Move the manual clock to ``now`` (never backwards) and fire every run due by then."""
        self._call("PUT", "/clock", {"now": fmt_seconds(now) if now.microsecond == 0 else now.isoformat()})

    def advance(self, seconds: float) -> None:
        """Move the manual clock forward and fire every run due by then, in order."""
        self._call("PUT", "/clock", {"advance_seconds": seconds})

    def set_faults(self, spec: Mapping[str, Any]) -> None:
        self._call("PUT", "/faults", dict(spec))

    def faults(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/faults")
        return result

    def clear_faults(self) -> None:
        self._call("PUT", "/faults", {})

    def requests(self) -> list[dict[str, Any]]:
        """The request log, oldest first (``/_emulator`` calls are not logged)."""
        data: list[dict[str, Any]] = self._call("GET", "/requests")["data"]
        return data

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def api(self, token: str | None = None) -> httpx.Client:
        """A client on ``base_url`` authenticated as ``token`` (default: the first account). Close it."""
        headers = {"Authorization": f"Bearer {token or self.tokens[0]}"}
        if self.flavor.name == "cma":
            headers |= {"anthropic-version": "2023-06-01", "anthropic-beta": CMA_BETA}
        return httpx.Client(base_url=self.root_url + self.flavor.api_prefixes[0], timeout=30, headers=headers)


@contextmanager
def running_emulator(
    *,
    tokens: Sequence[str] = ("test-token",),
    clock: Literal["real", "manual"] = "manual",
    start: datetime | None = None,
    db_path: str | Path | None = None,
    unique_names: bool = True,
    faults: Mapping[str, Any] | None = None,
    tick_seconds: float = 0.2,
    replay_header: bool = True,
    flavor: str = "qoder",
    same_account_as: Mapping[str, str] | None = None,
) -> Iterator[EmulatorHandle]:
    """Start the emulator on 127.0.0.1 with an ephemeral port in a background thread; stop it on exit.

    ``db_path=None`` keeps everything in memory; pass a file to test durability across restarts.
    """
    settings = Settings(
        tokens=tuple(tokens),
        db_path=str(db_path) if db_path is not None else ":memory:",
        clock=clock,
        start=start,
        unique_names=unique_names,
        faults=dict(faults or {}),
        tick_seconds=tick_seconds,
        replay_header=replay_header,
        flavor=flavor,
        same_account_as=dict(same_account_as or {}),
    )
    server = BackgroundServer(settings)
    server.start()
    handle = EmulatorHandle(f"http://127.0.0.1:{server.port}", settings.tokens, flavor)
    try:
        yield handle
    finally:
        handle.close()
        server.stop()
