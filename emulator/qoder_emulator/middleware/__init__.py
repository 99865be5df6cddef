"""Pure ASGI middleware: request ids and ``Date``, then for API requests the request log
(``request_log``), fault injection (``faults``) and ``Idempotency-Key`` (``idempotency``).

Order for one API request: latency -> rate limit / server error (answered without running the app)
-> idempotency replay or conflict -> the app -> remember the idempotent response -> drop the
connection or answer a 5xx after commit, or send the real response. ``/_emulator/*`` skips all of it
except the request id.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from email.utils import format_datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..flavor_layer import REQUEST_ID_SCOPE_KEY
from ..ids import new_request_id
from ..prefixes import CONTROL_PREFIX, UNLOGGED_PATHS
from ..service import CURRENT_REQUEST, Account, Emulator, RequestContext
from . import faults, idempotency, request_log
from .faults import send_json, send_raw
from .request_log import redact

__all__ = ["EmulatorMiddleware", "redact"]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def account_of(emulator: Emulator, scope: Scope) -> Account | None:
    auth = _header(scope, b"authorization") or ""
    match = re.fullmatch(r"(?i)bearer\s+(\S+)\s*", auth)
    if match is None and emulator.flavor.api_key_header is not None:  # CMA's x-api-key
        key = _header(scope, emulator.flavor.api_key_header.encode())
        return emulator.accounts.get(key.strip()) if key else None
    return emulator.accounts.get(match.group(1)) if match else None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class EmulatorMiddleware:
    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator
        self._key_locks = idempotency.KeyLocks()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        scope[REQUEST_ID_SCOPE_KEY] = request_id  # the flavor layer puts it in error bodies

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                rid = request_id.encode()
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        (b"x-request-id", rid),
                        (b"request-id", rid),  # the name qca-sdk reads second
                        (b"date", format_datetime(self.emulator.now(), usegmt=True).encode()),
                    ],
                }
            await send(message)

        if scope["path"].startswith(CONTROL_PREFIX) or scope["path"] in UNLOGGED_PATHS:
            await self.app(scope, receive, send_with_id)
            return
        await self._api_request(scope, receive, send_with_id, request_id)

    async def _api_request(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        emulator = self.emulator
        started = time.perf_counter()
        body = await _read_body(receive)
        account = account_of(emulator, scope)
        key = _header(scope, b"idempotency-key") or _header(scope, b"x-idempotency-key")
        entry = request_log.new_entry(emulator, scope, request_id, body, account, key)
        try:
            await self._handle(scope, receive, send, body, account, key, entry)
        finally:
            request_log.append(emulator, entry, (time.perf_counter() - started) * 1000)

    async def _handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        body: bytes,
        account: Account | None,
        key: str | None,
        entry: dict[str, Any],
    ) -> None:
        emulator = self.emulator
        method, path = scope["method"], scope["path"]
        plan = emulator.faults.plan(method, path)
        entry["fault"] = plan.fault
        keyed = (
            account is not None
            and key is not None
            and method in idempotency.WRITE_METHODS
            and emulator.flavor.honours_idempotency_key
        )
        if not keyed and plan.latency_ms:
            await asyncio.sleep(plan.latency_ms / 1000)
        if plan.rate_limit_retry_after is not None:
            entry["status"] = 429
            await faults.rate_limited(send, plan.rate_limit_retry_after)
            return
        if plan.error_status is not None and not plan.error_after_commit:
            entry["status"] = plan.error_status
            await faults.server_error(send, plan.error_status)
            return

        # A keyed write runs with its key held: a retry sent meanwhile waits, then replays.
        guard = (
            self._key_locks.hold(account.key, key)
            if keyed and account is not None and key is not None
            else contextlib.nullcontext()
        )
        async with guard:
            fp = ""
            if keyed:
                assert key is not None and account is not None
                fp = idempotency.fingerprint(method, path, body)
                stored = idempotency.lookup(emulator, account, key)
                if stored is not None:
                    if stored[0] != fp:
                        entry["status"] = 409
                        await send_json(send, 409, idempotency.CONFLICT)
                        return
                    entry["status"], entry["replayed"] = stored[1], True
                    marker = [idempotency.REPLAY_HEADER] if emulator.settings.replay_header else []
                    await send_raw(send, stored[1], stored[2], marker)
                    return
                # Latency is processing time: for a keyed write it runs with the key held, so a retry
                # sent meanwhile waits and replays (a replay itself is answered from the store).
                if plan.latency_ms:
                    await asyncio.sleep(plan.latency_ms / 1000)

            status, headers, response_body, ctx = await self._run_app(scope, receive, body)
            entry["status"] = status
            if keyed and status < 500:
                assert key is not None and account is not None
                idempotency.remember(emulator, account, key, fp, status, response_body)
            if status < 300 and emulator.faults.arm_stale(method, path, ctx.writes):
                entry["fault"] = "stale_reads"
            if plan.drop_after_commit:
                entry["status"] = None
                entry["committed_status"] = status
                if faults.close_without_response(receive):
                    return
                # Not running under uvicorn's h11 protocol: the closest we can get is a truncated response.
                await send({"type": "http.response.start", "status": status, "headers": headers})
                raise ConnectionAbortedError("dropped after commit (injected fault)")
            if plan.error_status is not None:
                entry["status"], entry["committed_status"] = plan.error_status, status
                await faults.server_error(send, plan.error_status)
                return
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": response_body, "more_body": False})

    async def _run_app(
        self, scope: Scope, receive: Receive, body: bytes
    ) -> tuple[int, list[Any], bytes, RequestContext]:
        """Run the app on the already-read body; capture its answer instead of sending it."""
        ctx = RequestContext()
        token = CURRENT_REQUEST.set(ctx)
        status, headers, chunks = 500, [], []
        sent_body = False

        async def replay_receive() -> Message:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, replay_receive, capture)
        finally:
            CURRENT_REQUEST.reset(token)
        return status, headers, b"".join(chunks), ctx
