"""The bundled Python language host with a user's own stack: `runtime.options.virtualenv` and errors.

The project lives in its own directory with its own virtualenv (``venv`` beside ``Pulumi.yaml``),
and the machine's ``python3`` has no Pulumi SDK: the program and its dynamic providers must run in
the virtualenv, whether the host was started by a bare ``python3`` (it switches to the project's
interpreter) or by another environment's Python through ``PULUMI_PYTHON_CMD`` (it runs the program
in a child process of the virtualenv's interpreter).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.engine.conftest import REPO_ROOT, PulumiProject

PROJECT = """\
name: own-stack
runtime:
  name: python
  options:
    virtualenv: venv
"""

PROGRAM = """\
import sys

import pulumi
import only_in_this_venv
from pulumi_qoder.smoke import Note

note = Note("greeting", text=only_in_this_venv.GREETING)
pulumi.export("python", sys.executable)
pulumi.export("text", note.text)
"""

FAILING = """\
import pulumi


def fail():
    raise ValueError("the answer is not 41")


pulumi.export("before", "ok")
fail()
"""


def make_venv(directory: Path) -> Path:
    """A virtualenv that sees the SDK and this checkout but not the test's own interpreter."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(directory)], check=True)
    site = Path(
        subprocess.run(
            [
                str(directory / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    shared = [sysconfig.get_path("purelib"), *(str(REPO_ROOT / d) for d in ("provider", "emulator", "cron"))]
    (site / "shared.pth").write_text("\n".join(shared) + "\n")
    (site / "only_in_this_venv.py").write_text('GREETING = "hello from the project venv"\n')
    return directory / "bin" / "python"


def own_project(
    tmp_path: Path, engine_env: dict[str, str], program: str, *, host_python: str | None
) -> PulumiProject:
    directory = tmp_path / "own-stack"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text(PROJECT)
    (directory / "__main__.py").write_text(program)
    make_venv(directory / "venv")
    env = {k: v for k, v in engine_env.items() if k != "PULUMI_PYTHON_CMD"}
    # Only the engine and the system: the test's virtualenv is not on PATH, python3 has no SDK.
    env["PATH"] = os.pathsep.join([engine_env["PATH"].split(os.pathsep)[0], "/usr/bin", "/bin"])
    if host_python:
        env["PULUMI_PYTHON_CMD"] = host_python
    project = PulumiProject(directory, env)
    project.run("stack", "init", project.stack)
    return project


HOSTS = pytest.mark.parametrize(
    "host_python",
    [None, sys.executable],
    ids=["host-started-by-bare-python3", "host-in-another-venv"],
)


@HOSTS
def test_program_and_dynamic_provider_run_in_the_projects_virtualenv(
    tmp_path: Path, engine_env: dict[str, str], host_python: str | None
) -> None:
    project = own_project(tmp_path, engine_env, PROGRAM, host_python=host_python)
    project.up()
    outputs = project.outputs()
    assert outputs["python"] == str(project.directory / "venv" / "bin" / "python")
    # The Note's provider ran too (its create computed the output), in the same virtualenv.
    assert outputs["text"] == "hello from the project venv"
    project.destroy()


@HOSTS
def test_a_failing_program_is_reported_once_with_its_own_frames(
    tmp_path: Path, engine_env: dict[str, str], host_python: str | None
) -> None:
    project = own_project(tmp_path, engine_env, FAILING, host_python=host_python)
    result = project.up(check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert output.count("ValueError: the answer is not 41") == 1, output
    assert "Program failed with an unhandled exception" in output
    assert "line 5, in fail" in output and "__main__.py" in output
    assert "runpy" not in output and "pulumi_language_python_host" not in output  # no host frames


def test_a_missing_virtualenv_is_named_with_the_fix(tmp_path: Path, engine_env: dict[str, str]) -> None:
    project = own_project(tmp_path, engine_env, PROGRAM, host_python=sys.executable)
    (project.directory / "Pulumi.yaml").write_text(
        PROJECT.replace("virtualenv: venv", "virtualenv: missing-venv")
    )
    result = project.up(check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert (
        f"runtime.options.virtualenv: {project.directory / 'missing-venv'} is not a virtual environment"
        in output
    )
    assert "python3 -m venv" in output
