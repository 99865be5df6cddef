"""``PULUMI_SKIP_CHECKPOINTS=true`` (docs/performance.md): the engine then writes the state once,
at the end of a run, instead of after every step. When the CLI dies mid-``up`` the state keeps
none of that run's creates; the re-run must find every object the dead run created instead of
creating a twin (create once per declared resource), and end with one object per resource."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import PulumiProject

COUNT = 8
PROGRAM = f"""
from pulumi_qoder import Agent, Deployment, Environment

agent = Agent("bench-agent", name="bench-agent", model="ultimate")
env = Environment("bench-env", name="bench-env")
for i in range({COUNT}):
    Deployment(f"dep-{{i}}", name=f"dep-{{i}}", agent=agent.id, environment_id=env.id,
        schedule={{"expression": f"{{i}} 9 * * *", "timezone": "Asia/Shanghai"}},
        initial_events=[{{"type": "user.message", "content": f"Report {{i}}"}}])
"""


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(clock="real") as emu:
        yield emu


def live_deployments(emulator: EmulatorHandle) -> list[str]:
    with emulator.api() as api:
        data = api.get("/deployments", params={"limit": 100}).json()["data"]
    return sorted(d["name"] for d in data if not d.get("archived_at"))


def created(emulator: EmulatorHandle) -> int:
    """Deployment creates the emulator has answered with 2xx."""
    return sum(
        1
        for r in emulator.requests()
        if r.get("method") == "POST"
        and str(r.get("path", "")).endswith("/deployments")
        and 200 <= int(r.get("status") or 0) < 300
    )


def test_a_run_killed_with_checkpoints_off_is_recovered_without_twins(
    make_project: Callable[..., PulumiProject], emulator: EmulatorHandle
) -> None:
    env = {"QODER_BASE_URL": emulator.base_url, "QODER_PAT": emulator.tokens[0]}
    project = make_project(PROGRAM, env=env)
    run_env = {**project.env, "PULUMI_SKIP_CHECKPOINTS": "true"}
    # Slow creates, so that the kill lands midway even on a fast, idle machine.
    emulator.set_faults({"latency": {"ms": 400, "methods": ["POST"], "path_regex": "/deployments$"}})
    # The CLI and everything it started (language host, provider) in a group of their own.
    up = subprocess.Popen(
        ["pulumi", "up", "--yes", "--skip-preview", "--non-interactive", "--parallel", "2"],
        cwd=project.directory,
        env=run_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 240
    while created(emulator) < 3 and up.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(up.pid, signal.SIGKILL)
    up.wait(timeout=30)
    emulator.clear_faults()
    killed_after = live_deployments(emulator)
    assert 3 <= len(killed_after) < COUNT, "the run was not killed midway; the test proves nothing"
    assert not project.resources("qoder:Deployment"), "checkpoints off: the dead run wrote no state"

    # As the engine tells a user after a crash: the dead run's lock goes first.
    project.run("cancel", "--yes")
    project.up()
    names = [f"dep-{i}" for i in range(COUNT)]
    assert live_deployments(emulator) == sorted(names)
    state_ids = sorted(r["id"] for r in project.resources("qoder:Deployment"))
    assert len(state_ids) == COUNT == len(set(state_ids))
    project.destroy()
    assert live_deployments(emulator) == []
