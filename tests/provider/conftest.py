"""Fixtures for provider-method tests: a real emulator (uvicorn on loopback, SQLite file) or, when
QODER_BASE_URL and QODER_PAT are both set, the real service as a second ``target``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_qoder.deployment import DeploymentProvider
from qoder_emulator.testing import EmulatorHandle, running_emulator

TOKEN = "test-token"


@dataclass
class Target:
    """Where provider calls go, plus one agent and one environment to deploy with."""

    name: str
    base_url: str
    token: str
    agent_id: str
    environment_id: str
    emulator: EmulatorHandle | None = None

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, timeout=30, headers={"Authorization": f"Bearer {self.token}"}
        )

    def unique(self, prefix: str = "dep") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _agent_and_environment(api: httpx.Client) -> tuple[str, str]:
    agent = api.post("/agents", json={"name": f"pq-agent-{uuid.uuid4().hex[:8]}", "model": "ultimate"})
    agent.raise_for_status()
    env = api.post(
        "/environments", json={"name": f"pq-env-{uuid.uuid4().hex[:8]}", "config": {"type": "cloud"}}
    )
    env.raise_for_status()
    return agent.json()["id"], env.json()["id"]


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    db = Path(tmp_path_factory.mktemp("emulator")) / "qoder.sqlite"
    with running_emulator(tokens=(TOKEN, "other-token"), clock="manual", db_path=db) as handle:
        yield handle


@pytest.fixture(scope="module")
def emulator_target(emulator: EmulatorHandle) -> Target:
    with emulator.api() as api:
        agent_id, env_id = _agent_and_environment(api)
    return Target("emulator", emulator.base_url, TOKEN, agent_id, env_id, emulator)


@pytest.fixture(params=["emulator", pytest.param("real", marks=pytest.mark.real_service)])
def target(request: pytest.FixtureRequest) -> Target:
    """Each provider test runs on the emulator, and on the real service when configured."""
    if request.param == "emulator":
        t: Target = request.getfixturevalue("emulator_target")
        assert t.emulator is not None
        t.emulator.clear_faults()
        t.emulator.clear_requests()
        return t
    base_url, token = os.environ.get("QODER_BASE_URL"), os.environ.get("QODER_PAT")
    if not (base_url and token):
        pytest.skip("real service: set QODER_BASE_URL and QODER_PAT")
    with httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as api:
        agent_id, env_id = _agent_and_environment(api)
    return Target("real", base_url, token, agent_id, env_id)


@pytest.fixture
def provider(target: Target, monkeypatch: pytest.MonkeyPatch) -> DeploymentProvider:
    """A provider configured the way the engine does it in the provider process: via the environment."""
    monkeypatch.setenv("QODER_BASE_URL", target.base_url)
    monkeypatch.setenv("QODER_PAT", target.token)
    return DeploymentProvider()


@pytest.fixture
def emulator_provider(emulator_target: Target, monkeypatch: pytest.MonkeyPatch) -> DeploymentProvider:
    """A provider bound to the emulator, for tests that need its faults, clock or request log."""
    assert emulator_target.emulator is not None
    emulator_target.emulator.clear_faults()
    emulator_target.emulator.clear_requests()
    monkeypatch.setenv("QODER_BASE_URL", emulator_target.base_url)
    monkeypatch.setenv("QODER_PAT", emulator_target.token)
    return DeploymentProvider()


def api_calls(emulator: EmulatorHandle) -> list[str]:
    """The request log as ``METHOD /path`` lines, the path relative to the API base."""
    out = []
    for entry in emulator.requests():
        path = str(entry["path"])
        for prefix in ("/api/v1/cloud", "/v1"):
            if path.startswith(prefix + "/"):
                path = path[len(prefix) :]
                break
        out.append(f"{entry['method']} {path}")
    return out


def deployment_props(target: Target, **overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": target.unique(),
        "agent": target.agent_id,
        "environment_id": target.environment_id,
        "schedule": {"expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
        "initial_events": [{"type": "user.message", "content": "Generate today's status report"}],
        "metadata": {"team": "platform"},
    }
    props.update(overrides)
    return {k: v for k, v in props.items() if v is not None}


def run_json(code: str, *args: object, stdin: str | None = None) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter (what a first import leaves in ``sys.modules`` cannot
    be undone in this one) and return the JSON object its last line of output prints."""
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
