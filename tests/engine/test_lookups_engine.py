"""Issue 12 section 3 end to end: lookups in stack code and `pulumi-qoder --stack`, through the real engine.

A deployment made by hand (not by the stack) is read three ways: as a read-only resource through the
engine's read (``Deployment.get(name, id)``; ``Agent``, ``Environment`` and ``Vault`` have the same),
and with the plain and the ``Output`` forms of the lookups.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import PulumiProject

TOKEN = "lookup-token"
START = datetime(2025, 3, 1, tzinfo=UTC)

PROGRAM = """
import pulumi
from pulumi_qoder import Agent, Deployment, Environment, Vault
from pulumi_qoder.lookups import get_agent, get_deployment, get_deployment_runs, get_environment

config = pulumi.Config()
existing_id = config.require("existing")

# Managed by this stack.
daily = Deployment(
    "daily",
    name=f"daily-{config.require('suffix')}",
    agent=config.require("agent"),
    environment_id=config.require("environment"),
    initial_events=[{"type": "user.message", "content": "Write the report"}],
    schedule={"expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
)

# Made by hand: read through the engine (the provider's read), never created, updated or archived
# by this stack.
existing = Deployment.get("existing", existing_id)
pulumi.export("get_name", existing.name)
pulumi.export("get_schedule", existing.schedule)
pulumi.export("get_status", existing.status)
pulumi.export("get_agent", Agent.get("existing-agent", config.require("agent")).name)
pulumi.export("get_environment", Environment.get("existing-env", config.require("environment")).name)
pulumi.export("get_vault", Vault.get("existing-vault", config.require("vault")).display_name)

# Plain values, read now.
plain = get_deployment(existing_id)
pulumi.export("plain_name", plain["name"])
pulumi.export("completed_runs", len(get_deployment_runs(existing_id, status="completed")))
pulumi.export("agent_name", get_agent(plain["agent"]["id"])["name"])
pulumi.export("environment_name", get_environment(plain["environment_id"])["name"])

# Outputs, read once the id is known.
pulumi.export("daily_name", get_deployment(daily.id).apply(lambda d: d["name"]))
pulumi.export("daily_runs", get_deployment_runs(daily.id).apply(len))
"""


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(TOKEN,), clock="manual", start=START) as handle:
        yield handle


def _seed(emulator: EmulatorHandle) -> tuple[str, str, str, str]:
    with emulator.api() as api:
        agent = api.post("/agents", json={"name": "reporter", "model": "ultimate"}).json()
        vault = api.post("/vaults", json={"display_name": "hand-keys"}).json()
        environment = api.post("/environments", json={"name": "sandbox", "config": {"type": "cloud"}}).json()
        existing = api.post(
            "/deployments",
            json={
                "name": "made-by-hand",
                "agent": agent["id"],
                "environment_id": environment["id"],
                "initial_events": [{"type": "user.message", "content": "hi"}],
                "schedule": {"type": "cron", "expression": "0 */6 * * *", "timezone": "UTC"},
            },
        ).json()
    return agent["id"], environment["id"], existing["id"], vault["id"]


def test_lookups_and_a_read_only_deployment_in_a_stack(
    make_project: Callable[..., PulumiProject], emulator: EmulatorHandle
) -> None:
    agent_id, environment_id, existing_id, vault_id = _seed(emulator)
    emulator.advance(86_400)  # four runs of the hand-made deployment
    project = make_project(PROGRAM)
    # Credentials only in the stack's config: the provider, the lookups and `--stack` all use them.
    project.set_config("qoder:token", TOKEN, secret=True)
    project.set_config("qoder:baseUrl", emulator.base_url)
    for key, value in (
        ("suffix", uuid.uuid4().hex[:6]),
        ("agent", agent_id),
        ("environment", environment_id),
        ("vault", vault_id),
    ):
        project.set_config(key, value)
    project.set_config("existing", existing_id)

    project.up()
    outputs = project.outputs()
    assert outputs["get_name"] == outputs["plain_name"] == "made-by-hand"
    assert outputs["get_schedule"] == {"expression": "0 */6 * * *", "timezone": "UTC"}
    assert outputs["get_status"] == "active"
    assert (outputs["get_agent"], outputs["get_environment"], outputs["get_vault"]) == (
        "reporter",
        "sandbox",
        "hand-keys",
    )
    assert (outputs["completed_runs"], outputs["agent_name"], outputs["environment_name"]) == (
        4,
        "reporter",
        "sandbox",
    )
    assert outputs["daily_name"].startswith("daily-") and outputs["daily_runs"] == 0

    # The read-only resources are in state as external: destroy leaves the objects alone.
    read = {r["id"]: r for r in project.resources() if r.get("external")}
    assert set(read) == {existing_id, agent_id, environment_id, vault_id}
    project.destroy("--yes")
    with emulator.api() as api:
        for collection, id_ in (
            ("deployments", existing_id),
            ("agents", agent_id),
            ("environments", environment_id),
            ("vaults", vault_id),
        ):
            assert api.get(f"/{collection}/{id_}").json()["archived_at"] is None

    # The operator CLI with --stack reads the same config through `pulumi config`.
    env = {k: v for k, v in project.env.items() if not k.startswith("QODER_")}
    cli = Path(sys.executable).with_name("pulumi-qoder")
    result = subprocess.run(
        [str(cli), "deployments", "show", existing_id, "--stack", "--json"],
        cwd=project.directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    shown: dict[str, Any] = json.loads(result.stdout)
    assert shown["name"] == "made-by-hand"
