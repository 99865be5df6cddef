"""The official Qoder client (``qca-sdk``) against a real emulator on loopback.

Every test drives the SDK's own typed methods; the SDK decides the paths, query encoding, body
shapes, pagination and error mapping, so a pass means a user of the SDK gets what Qoder serves.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import qca

from qoder_emulator.testing import EmulatorHandle, running_emulator

START = datetime(2026, 6, 14, 8, 53, 32, tzinfo=UTC)  # the seed example's created_at
TOKENS = ("token-alice", "token-bob")


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=TOKENS, clock="manual", start=START) as handle:
        yield handle


def sdk_client(emu: EmulatorHandle, token: str = TOKENS[0], *, strict: bool = False) -> qca.Managed:
    """A ``qca.Managed`` client on the emulator; ``strict`` validates every response against the
    SDK's typed models (pydantic, lax types) instead of constructing them leniently."""
    return qca.Managed(pat=token, base_url=emu.base_url, max_retries=0, _strict_response_validation=strict)


@pytest.fixture(scope="module")
def sdk(emu: EmulatorHandle) -> Iterator[qca.Managed]:
    client = sdk_client(emu)
    yield client
    client.close()


@pytest.fixture(scope="module")
def strict_sdk(emu: EmulatorHandle) -> Iterator[qca.Managed]:
    client = sdk_client(emu, strict=True)
    yield client
    client.close()


def error_of(exc: qca.APIStatusError) -> dict[str, Any]:
    """The ``error`` object of the envelope the SDK kept on the exception."""
    body = exc.body
    assert isinstance(body, dict) and body.get("type") == "error", body
    error = body["error"]
    assert isinstance(error, dict)
    return error
