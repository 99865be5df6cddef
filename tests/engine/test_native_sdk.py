"""A typed Python SDK generated from the native provider's schema (scripts/gen-sdk.sh: Pulumi's
own code generator) drives the provider through the real engine: typed resources, the two
functions (``get_deployment``, ``get_deployment_runs``), and a clean preview after ``up``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import REPO_ROOT, PulumiProject

TOKEN = "sdk-token"
PROGRAM = """
import pulumi
import pulumi_qoder_native as qoder

bot = qoder.Agent("reporter", name="reporter", model="ultimate", system="Be brief.")
env = qoder.Environment("sandbox", name="sandbox",
                        config=qoder.EnvironmentConfigArgs(packages=qoder.PackagesArgs(pip=["pandas"])))
dep = qoder.Deployment("daily", qoder.DeploymentArgs(
    name="daily-report",
    agent=bot.id,
    environment_id=env.id,
    schedule=qoder.ScheduleArgs(expression="0 9 * * *", timezone="Asia/Shanghai"),
    initial_events=[qoder.UserMessageEventArgs(content="Generate today's status report")],
))
looked_up = qoder.get_deployment_output(id=dep.id)
runs = qoder.get_deployment_runs_output(deployment_id=dep.id)
pulumi.export("id", dep.id)
pulumi.export("summary", dep.schedule_summary)
pulumi.export("looked_up_name", looked_up.name)
pulumi.export("looked_up_summary", looked_up.schedule_summary)
pulumi.export("runs", runs.runs)
"""


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(TOKEN,), clock="manual") as emu:
        yield emu


def test_generated_python_sdk_drives_the_native_provider(
    make_project: Callable[..., PulumiProject], emulator: EmulatorHandle, tmp_path: Path
) -> None:
    sdk = tmp_path / "sdk"
    subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "gen-sdk.sh"), "python", str(sdk)],
        check=True,
        capture_output=True,
        timeout=1800,
    )
    assert (sdk / "pulumi_qoder_native" / "deployment.py").exists()
    # Installed as a user would (the SDK reads its version from its package metadata).
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(sdk),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    project = make_project(
        PROGRAM, env={"QODER_PAT": TOKEN, "QODER_BASE_URL": emulator.base_url, "PYTHONPATH": str(site)}
    )
    project.up()
    out = project.outputs()
    assert out["summary"] == "at 09:00, every day (Asia/Shanghai)"
    assert out["looked_up_name"] == "daily-report"
    assert out["looked_up_summary"] == out["summary"]
    assert out["runs"] == []

    # A run made outside the stack shows up through the function on the next update.
    with emulator.api() as api:
        assert api.post(f"/deployments/{out['id']}/run").is_success
    project.up()
    (run,) = project.outputs()["runs"]
    assert run["deployment_id"] == out["id"] and run["trigger_type"] == "manual"
    project.preview("--expect-no-changes")
    project.destroy()
