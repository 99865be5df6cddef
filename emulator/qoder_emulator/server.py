"""Run the app under uvicorn in a background thread on a loopback port (tests, the CLI)."""

from __future__ import annotations

import asyncio
import threading
import time

import uvicorn
from fastapi import FastAPI

from .app import create_app
from .settings import Settings


def uvicorn_config(app: FastAPI, host: str, port: int, *, graceful_seconds: int) -> uvicorn.Config:
    """The one uvicorn configuration of the emulator (tests, the CLI)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        # h11: "commit then drop" closes the connection through the h11 protocol (middleware.py).
        http="h11",
        # The middleware sends Date from the emulator's own clock (manual or real), as a server
        # does from its clock; uvicorn's would be the host's wall clock.
        date_header=False,
        timeout_graceful_shutdown=graceful_seconds,
    )


class BackgroundServer:
    """A real uvicorn server in its own thread and event loop. ``start()`` returns once it listens."""

    def __init__(self, settings: Settings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.settings = settings
        self.app: FastAPI = create_app(settings)
        self._server = uvicorn.Server(uvicorn_config(self.app, host, port, graceful_seconds=2))
        self._thread = threading.Thread(target=self._run, name="qoder-emulator", daemon=True)
        self.host = host
        self.port = port

    def _run(self) -> None:
        asyncio.run(self._server.serve())

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the emulator did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
