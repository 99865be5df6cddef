"""The request log (``GET /_emulator/requests``): one entry per API request, credentials redacted."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Scope

from ..ids import fmt_micros
from ..service import Account, Emulator

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


def _logged_body(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return redact(json.loads(body))
    except ValueError:
        return "<invalid JSON>"


def new_entry(
    emulator: Emulator, scope: Scope, request_id: str, body: bytes, account: Account | None, key: str | None
) -> dict[str, Any]:
    """The entry for this request; the middleware fills ``status``, ``fault``, ``replayed`` as it goes."""
    return {
        "request_id": request_id,
        "time": fmt_micros(emulator.now()),
        "method": scope["method"],
        "path": scope["path"],
        "query": scope.get("query_string", b"").decode("latin-1"),
        "account": None if account is None else account.index,
        "idempotency_key": key,
        "body": _logged_body(body),
        "status": None,
        "fault": None,
        "replayed": False,
    }


def append(emulator: Emulator, entry: dict[str, Any], duration_ms: float) -> None:
    entry["duration_ms"] = round(duration_ms, 3)
    with emulator.log_lock:
        emulator.request_log.append(entry)
