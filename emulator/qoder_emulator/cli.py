"""``qoder-emulator serve`` / ``qoder-emulator status``.

The server's dependencies (FastAPI, uvicorn) come with the ``[emulator]`` extra and are imported
only by ``serve``: without them ``serve`` says what to install, and ``status`` still works.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from types import FrameType

import httpx

from .ids import parse_time
from .settings import Settings

INSTALL_HINT = (
    "qoder-emulator: serving needs FastAPI and uvicorn, which come with the emulator extra: "
    "pip install 'pulumi-qoder[emulator]'"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qoder-emulator", description="Local emulator of the Qoder Cloud Agents API"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the emulator until SIGINT/SIGTERM")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    serve.add_argument("--db", default="qoder-emulator.db", help="SQLite file, or :memory:")
    serve.add_argument(
        "--token",
        action="append",
        default=[],
        help="a bearer token; each one is an account (repeatable; also QODER_EMULATOR_TOKENS)",
    )
    serve.add_argument("--clock", choices=("real", "manual"), default="real")
    serve.add_argument(
        "--start",
        help="what the clock reads at startup, RFC 3339 (default: now); a real clock runs on from it",
    )
    serve.add_argument("--faults", help="fault spec as JSON (see docs/emulator.md)")
    serve.add_argument(
        "--no-replay-header",
        action="store_true",
        help="do not mark idempotent replays with Idempotent-Replayed (whether Qoder does is undocumented)",
    )
    serve.add_argument(
        "--allow-duplicate-names",
        action="store_true",
        help="do not enforce unique names among non-archived deployments",
    )
    serve.add_argument(
        "--flavor",
        choices=("qoder", "cma"),
        default="qoder",
        help="the service to answer as: qoder, or cma (Claude Managed Agents, under /v1)",
    )
    status = commands.add_parser("status", help="exit 0 when an emulator answers at URL")
    status.add_argument("--url", default="http://127.0.0.1:8080", help="root or base URL of the emulator")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    tokens = list(args.token) + [
        t.strip() for t in os.environ.get("QODER_EMULATOR_TOKENS", "").split(",") if t.strip()
    ]
    if not tokens:
        raise SystemExit("qoder-emulator: give at least one --token (or set QODER_EMULATOR_TOKENS)")
    try:
        faults = json.loads(args.faults) if args.faults else {}
        start = parse_time(args.start) if args.start else None
    except ValueError as exc:
        raise SystemExit(f"qoder-emulator: {exc}") from exc
    return Settings(
        tokens=tuple(dict.fromkeys(tokens)),
        db_path=args.db,
        clock=args.clock,
        start=start,
        unique_names=not args.allow_duplicate_names,
        faults=faults,
        replay_header=not args.no_replay_header,
        flavor=args.flavor,
    )


def _require_server_modules() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise SystemExit(f"{INSTALL_HINT} (missing: {exc.name})") from exc


async def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from .app import create_app
    from .server import uvicorn_config

    class _Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            super().handle_exit(sig, frame)
            # uvicorn re-raises a captured signal after shutting down; we shut down cleanly and exit 0.
            self._captured_signals.clear()

    app = create_app(settings)
    server = _Server(uvicorn_config(app, host, port, graceful_seconds=5))
    task = asyncio.create_task(server.serve())  # uvicorn installs the SIGINT/SIGTERM handlers
    while not server.started:
        if task.done():
            await task
            raise SystemExit("qoder-emulator: the server did not start")
        await asyncio.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    if settings.flavor == "cma":
        print(
            f"Claude Managed Agents emulator listening on http://{host}:{bound} (API under /v1)", flush=True
        )
    else:
        print(f"Qoder emulator listening on http://{host}:{bound}/api/v1/cloud", flush=True)
    await task


def _status(url: str) -> int:
    root = url.split("/api/v1/cloud")[0].split("/v1")[0].rstrip("/")
    try:
        response = httpx.get(f"{root}/_emulator/health", timeout=3)
    except httpx.HTTPError as exc:
        print(f"not reachable: {exc}", file=sys.stderr)
        return 1
    print(response.text)
    return 0 if response.status_code == 200 else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "status":
        return _status(args.url)
    try:
        settings = _settings(args)
    except ValueError as exc:
        raise SystemExit(f"qoder-emulator: {exc}") from exc
    _require_server_modules()  # fail fast, before any event loop, when the extra is not installed
    asyncio.run(_serve(settings, args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
