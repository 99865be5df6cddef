"""Shared fixtures: one real emulator (uvicorn on loopback, manual clock) per test module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator

HERE = Path(__file__).parent
SEED_START = datetime(2026, 6, 14, 8, 53, 32, tzinfo=UTC)  # the seed example's created_at
TOKENS = ("token-alice", "token-bob")


def load_json(name: str) -> Any:
    return json.loads((HERE / name).read_text())


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=TOKENS, clock="manual", start=SEED_START) as handle:
        yield handle


@pytest.fixture(scope="module")
def client(emu: EmulatorHandle) -> Iterator[httpx.Client]:
    with emu.api(TOKENS[0]) as c:
        yield c


def create_agent(client: httpx.Client, name: str = "agent") -> dict[str, Any]:
    response = client.post("/agents", json={"name": name, "model": "ultimate"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def create_environment(client: httpx.Client, name: str = "env") -> dict[str, Any]:
    response = client.post("/environments", json={"name": name, "config": {"type": "cloud"}})
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture(scope="module")
def refs(client: httpx.Client) -> dict[str, str]:
    """An agent and an environment shared by a module's deployments (tests that archive make their own)."""
    return {"agent": create_agent(client)["id"], "environment_id": create_environment(client)["id"]}


_counter = iter(range(1_000_000))


def deployment_body(refs: dict[str, str], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"dep-{next(_counter)}",
        "agent": refs["agent"],
        "environment_id": refs["environment_id"],
        "schedule": {"type": "cron", "expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
        "initial_events": [{"type": "user.message", "content": "Generate today's status report"}],
    }
    body.update(overrides)
    return body


def create_deployment(client: httpx.Client, refs: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post("/deployments", json=deployment_body(refs, **overrides))
    assert response.status_code == 200, response.text
    return dict(response.json())
