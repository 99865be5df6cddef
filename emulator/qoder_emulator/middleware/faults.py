"""Injected faults as the client sees them: 429, 5xx, or a connection closed after commit.

Which fault fires is decided by ``qoder_emulator.faults`` (rules, probabilities, counters).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Receive, Send

from ..errors import envelope

RATE_LIMITED = envelope("rate_limit_error", "Too many requests (injected fault).")
SERVER_ERROR = envelope("api_error", "Internal error (injected fault).")


async def send_json(
    send: Send, status: int, payload: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send_raw(send, status, json.dumps(payload).encode(), headers)


async def send_raw(
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


async def rate_limited(send: Send, retry_after: float) -> None:
    await send_json(send, 429, RATE_LIMITED, [(b"retry-after", str(retry_after).encode())])


async def server_error(send: Send, status: int) -> None:
    await send_json(send, status, SERVER_ERROR)


def close_without_response(receive: Receive) -> bool:
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
