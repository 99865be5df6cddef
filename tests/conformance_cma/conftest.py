"""The official ``anthropic`` SDK (beta Managed Agents resources) against the emulator's CMA flavor.

As ``tests/conformance`` does with ``qca-sdk``: the SDK decides paths, headers (``anthropic-version``,
``anthropic-beta: managed-agents-2026-04-01``), query encoding, body shapes, pagination and error
mapping. Every client here validates responses strictly against the SDK's typed models, so a
missing or mistyped field fails the test instead of being papered over.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import anthropic
import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator

START = datetime(2026, 6, 14, 8, 53, 32, tzinfo=UTC)
TOKENS = ("key-alice", "key-bob", "key-carol")
BLOCKS: Any = [{"type": "user.message", "content": [{"type": "text", "text": "Generate today's report"}]}]


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=TOKENS, clock="manual", start=START, flavor="cma") as handle:
        yield handle


def sdk_client(emu: EmulatorHandle, token: str = TOKENS[0]) -> anthropic.Anthropic:
    """Strict validation on; retries off so each call is exactly one request."""
    return anthropic.Anthropic(
        api_key=token, base_url=emu.base_url, max_retries=0, _strict_response_validation=True
    )


@pytest.fixture(scope="module")
def sdk(emu: EmulatorHandle) -> Iterator[anthropic.Anthropic]:
    client = sdk_client(emu)
    yield client
    client.close()


@pytest.fixture(scope="module")
def refs(sdk: anthropic.Anthropic) -> dict[str, str]:
    agent = sdk.beta.agents.create(name="reporter", model="claude-sonnet-4-6")
    env = sdk.beta.environments.create(name="sandbox")
    return {"agent": agent.id, "environment_id": env.id}


def error_of(exc: anthropic.APIStatusError) -> dict[str, Any]:
    body = exc.body
    assert isinstance(body, dict) and body.get("type") == "error", body
    error = body["error"]
    assert isinstance(error, dict)
    return error
