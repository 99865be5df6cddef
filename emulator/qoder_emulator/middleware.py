"""Pure ASGI middleware: request ids, the request log, fault injection and ``Idempotency-Key``.

Order for one API request: latency -> rate limit / server error (answered without running the app)
-> idempotency replay or conflict -> the app -> remember the idempotent response -> drop the
connection or answer a 5xx after commit, or send the real response. ``/_emulator/*`` skips all of it
except the request id.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.utils import format_datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import envelope
from .ids import fmt_micros, new_request_id
from .service import CURRENT_REQUEST, Account, Emulator, RequestContext

IDEMPOTENCY_TTL_SECONDS = 24 * 3600
_WRITE_METHODS = ("POST", "PUT", "DELETE")
_PREFIXES = ("/api/v1/cloud", "/v1")
_SECRET_KEYS = frozenset(
    {
        "authorization_token",
        "access_token",
        "token",
        "password",
        "secret",
        "api_key",
        "refresh_token",
        "client_secret",
        "secret_value",
    }
)
REDACTED = "[REDACTED]"


def redact(value: Any) -> Any:
    """A copy of a JSON value with credentials replaced: the request log must not leak them."""
    if isinstance(value, dict):
        return {
            k: REDACTED if k.lower() in _SECRET_KEYS and v is not None else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def resource_path(path: str) -> str:
    """The path without its API prefix: ``/v1/x`` and ``/api/v1/cloud/x`` are the same request."""
    for prefix in _PREFIXES:
        if path.startswith(prefix + "/") or path == prefix:
            return path[len(prefix) :] or "/"
    return path


def fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        canonical = (
            json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")) if body.strip() else ""
        )
    except ValueError:
        canonical = body.decode("utf-8", "replace")
    return hashlib.sha256(f"{method} {resource_path(path)}\n{canonical}".encode()).hexdigest()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def account_of(emulator: Emulator, scope: Scope) -> Account | None:
    auth = _header(scope, b"authorization") or ""
    match = re.fullmatch(r"(?i)bearer\s+(\S+)\s*", auth)
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


def _close_without_response(receive: Receive) -> bool:
    """Close the TCP connection before any response byte is written (uvicorn's h11 protocol).

    An exception raised before ``http.response.start`` would make uvicorn answer 500 instead, so
    we reach the connection's transport through the ``receive`` callable uvicorn hands us.
    """
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if cycle is None or transport is None:
        return False
    transport.close()
    cycle.disconnected = True  # tells uvicorn not to send its own 500 afterwards
    return True


class _KeyLocks:
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


class EmulatorMiddleware:
    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator
        self._key_locks = _KeyLocks()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        (b"x-request-id", request_id.encode()),
                        (b"request-id", request_id.encode()),  # the name qca-sdk reads second
                        (b"date", format_datetime(self.emulator.now(), usegmt=True).encode()),
                    ],
                }
            await send(message)

        if scope["path"].startswith("/_emulator") or scope["path"] in ("/openapi.json", "/docs"):
            await self.app(scope, receive, send_with_id)
            return
        await self._api_request(scope, receive, send_with_id, request_id)

    async def _api_request(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        emulator = self.emulator
        method, path = scope["method"], scope["path"]
        started = time.perf_counter()
        body = await _read_body(receive)
        account = account_of(emulator, scope)
        key = _header(scope, b"idempotency-key") or _header(scope, b"x-idempotency-key")
        entry: dict[str, Any] = {
            "request_id": request_id,
            "time": fmt_micros(emulator.now()),
            "method": method,
            "path": path,
            "query": scope.get("query_string", b"").decode("latin-1"),
            "account": None if account is None else account.index,
            "idempotency_key": key,
            "body": _logged_body(body),
            "status": None,
            "fault": None,
            "replayed": False,
        }
        try:
            await self._handle(scope, receive, send, body, account, key, entry)
        finally:
            entry["duration_ms"] = round((time.perf_counter() - started) * 1000, 3)
            with emulator.log_lock:
                emulator.request_log.append(entry)

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
        idempotent = key is not None and account is not None and method in _WRITE_METHODS
        if not idempotent and plan.latency_ms:
            await asyncio.sleep(plan.latency_ms / 1000)
        if plan.rate_limit_retry_after is not None:
            entry["status"] = 429
            await _send_json(
                send,
                429,
                envelope("rate_limit_error", "Too many requests (injected fault)."),
                [(b"retry-after", str(plan.rate_limit_retry_after).encode())],
            )
            return
        if plan.error_status is not None and not plan.error_after_commit:
            entry["status"] = plan.error_status
            await _send_json(
                send, plan.error_status, envelope("api_error", "Internal error (injected fault).")
            )
            return

        # A keyed write runs with its key held: a retry sent meanwhile waits, then replays.
        guard = (
            self._key_locks.hold(account.key, key)
            if idempotent and account is not None and key is not None
            else contextlib.nullcontext()
        )
        async with guard:
            fp = fingerprint(method, path, body)
            if idempotent:
                assert key is not None and account is not None
                now = emulator.now().timestamp()
                stored = emulator.storage.idempotency_get(account.key, key)
                if stored is not None and stored[3] >= now - IDEMPOTENCY_TTL_SECONDS:
                    if stored[0] != fp:
                        entry["status"] = 409
                        await _send_json(
                            send,
                            409,
                            envelope(
                                "conflict_error",
                                "Idempotency key reused with a different request body.",
                                "Idempotency-Key",
                            ),
                        )
                        return
                    entry["status"], entry["replayed"] = stored[1], True
                    marker = [(b"idempotent-replayed", b"true")] if emulator.settings.replay_header else []
                    await _send_raw(send, stored[1], stored[2], marker)
                    return
                # Latency is processing time: for a keyed write it runs with the key held, so a retry
                # sent meanwhile waits and replays (a replay itself is answered from the store).
                if plan.latency_ms:
                    await asyncio.sleep(plan.latency_ms / 1000)

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
            response_body = b"".join(chunks)
            entry["status"] = status
            if idempotent and status < 500:
                assert key is not None and account is not None
                emulator.storage.idempotency_purge(emulator.now().timestamp() - IDEMPOTENCY_TTL_SECONDS)
                emulator.storage.idempotency_put(
                    account.key, key, fp, status, response_body, emulator.now().timestamp()
                )
            if status < 300 and emulator.faults.arm_stale(method, path, ctx.writes):
                entry["fault"] = "stale_reads"
            if plan.drop_after_commit:
                entry["status"] = None
                entry["committed_status"] = status
                if _close_without_response(receive):
                    return
                # Not running under uvicorn's h11 protocol: the closest we can get is a truncated response.
                await send({"type": "http.response.start", "status": status, "headers": headers})
                raise ConnectionAbortedError("dropped after commit (injected fault)")
            if plan.error_status is not None:
                entry["status"], entry["committed_status"] = plan.error_status, status
                await _send_json(
                    send, plan.error_status, envelope("api_error", "Internal error (injected fault).")
                )
                return
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": response_body, "more_body": False})


def _logged_body(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return redact(json.loads(body))
    except ValueError:
        return "<invalid JSON>"


async def _send_json(
    send: Send, status: int, payload: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await _send_raw(send, status, json.dumps(payload).encode(), headers)


async def _send_raw(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
