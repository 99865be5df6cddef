"""`pip install pulumi-qoder[emulator]` and a stack of one's own, as a new user would have them.

The wheel that `make dist` builds goes into a fresh virtualenv outside the repository; the
emulator is the one that wheel installs (the ``[emulator]`` extra); the stack lives in a directory
of its own whose Pulumi.yaml names that virtualenv, and nothing of the repository's virtualenv is
on PATH or in PULUMI_PYTHON_CMD.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.conftest import REPO_ROOT, PulumiProject
from tests.toolchain.venvs import build_wheel, fresh_venv

TOKEN = "install-test-token"

PROGRAM = """\
import pulumi
from pulumi_qoder import Agent, Deployment, Environment, ScheduleArgs, UserMessageEventArgs

bot = Agent("reporter", name="reporter", model="ultimate", system="Write the daily status report.")
env = Environment("sandbox", name="sandbox")
daily = Deployment(
    "daily-report",
    name="daily-report",
    agent=bot.id,
    environment_id=env.id,
    schedule=ScheduleArgs(expression="0 9 * * *", timezone="Asia/Shanghai"),
    initial_events=[UserMessageEventArgs(content="Generate today's status report")],
)
pulumi.export("summary", daily.schedule_summary)
pulumi.export("next_runs", daily.upcoming_runs_at)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A virtualenv outside the repository holding the built wheel with the emulator extra."""
    venv = tmp_path / "user-venv"
    python = fresh_venv(venv)
    wheel = build_wheel(tmp_path / "build")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-index", "--no-build-isolation", f"{wheel}[emulator]"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    where = subprocess.run(
        [str(python), "-c", "import pulumi_qoder, qoder_emulator; print(pulumi_qoder.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)) and not where.startswith(str(REPO_ROOT))
    return venv


@pytest.fixture
def emulator_url(installed: Path, tmp_path: Path) -> Iterator[str]:
    """The emulator the wheel installed, as `qoder-emulator serve` from that virtualenv."""
    port = _free_port()
    process = subprocess.Popen(
        [
            str(installed / "bin" / "qoder-emulator"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "emulator.db"),
            "--token",
            TOKEN,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/health", timeout=2):
                    break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the installed emulator did not answer"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/api/v1/cloud"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_user_stack_runs_from_the_installed_wheel(
    installed: Path, emulator_url: str, engine_env: dict[str, str], tmp_path: Path
) -> None:
    directory = tmp_path / "my-stack"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text(
        f"name: my-stack\nruntime:\n  name: python\n  options:\n    virtualenv: {installed}\n"
    )
    (directory / "__main__.py").write_text(PROGRAM)
    env = {k: v for k, v in engine_env.items() if k != "PULUMI_PYTHON_CMD"}
    env["PATH"] = os.pathsep.join([engine_env["PATH"].split(os.pathsep)[0], "/usr/bin", "/bin"])
    env.update(QODER_BASE_URL=emulator_url, QODER_PAT=TOKEN)
    project = PulumiProject(directory, env)
    project.run("stack", "init", project.stack)

    project.up()
    outputs = project.outputs()
    assert outputs["summary"] == "at 09:00, every day (Asia/Shanghai)"
    assert outputs["next_runs"] and all(
        run.endswith(("01:00:00Z", "01:00:00+00:00")) for run in outputs["next_runs"]
    )
    # Nothing in state comes from this checkout's sources (the SDK is the dev virtualenv's here).
    state = project.export()["deployment"]["resources"]
    assert any(r["type"].startswith("pulumi-python:dynamic") for r in state)
    assert not [root for root in ("provider", "emulator", "cron") if str(REPO_ROOT / root) in str(state)]

    # The installed CLI answers too (the operator's entry point).
    cli = subprocess.run(
        [str(installed / "bin" / "pulumi-qoder"), "--help"], capture_output=True, text=True, check=False
    )
    assert cli.returncode == 0, cli.stderr

    destroyed = project.destroy()
    assert "deleted" in destroyed.stdout
