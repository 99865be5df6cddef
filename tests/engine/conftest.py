"""Harness for end-to-end tests through the real Pulumi engine (CLI v3.274.1).

Two ways to run a program, both offline with a file backend in a temporary directory:

* ``make_project(source)`` writes a project directory (``Pulumi.yaml`` + ``__main__.py``) and
  returns a :class:`PulumiProject` that runs the ``pulumi`` CLI in it, exactly as a user would
  (``pulumi up``, ``preview --diff``, ``refresh``, ``import``, ``stack export``...). This needs the
  language host that ``scripts/get-engine.sh`` installs next to the CLI.
* ``inline_stack(program)`` runs a Python callable through the Automation API inline path.

The engine is obtained once per session by ``scripts/get-engine.sh`` (built from the Go module
proxy, cached outside the repository). There is no skip: without an engine these tests fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

REPO_ROOT = Path(__file__).resolve().parents[2]
ENGINE_VERSION = "v3.274.1"  # what scripts/get-engine.sh builds when no CLI is installed
ENGINE_FLOOR = "v3.139.0"  # the oldest installed CLI it accepts instead (see the script)
PASSPHRASE = "engine-tests"  # passphrase secrets provider for throwaway stacks
COMMAND_TIMEOUT = 300


def accepted_engine(version: str) -> bool:
    """The pinned build, or an installed CLI at or above the floor (pre-release suffix ignored)."""
    numbers = version.lstrip("v").split("-")[0].split("+")[0].split(".")
    floor = tuple(int(n) for n in ENGINE_FLOOR.lstrip("v").split("."))
    return version == ENGINE_VERSION or (
        all(n.isdigit() for n in numbers) and tuple(int(n) for n in numbers) >= floor
    )


def obtain_engine() -> Path:
    """Run scripts/get-engine.sh (build or reuse) and return the bin directory it prints."""
    result = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "get-engine.sh")],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"could not obtain the Pulumi engine:\n{result.stderr}")
    return Path(result.stdout.strip().splitlines()[-1])


def offline_env(engine_bin: Path, scratch: Path) -> dict[str, str]:
    """An offline environment: scratch PULUMI_HOME, file backend, no update checks or downloads."""
    home = scratch / "pulumi-home"
    backend = scratch / "backend"
    home.mkdir(parents=True, exist_ok=True)
    backend.mkdir(parents=True, exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PULUMI_", "QODER_"))  # nothing of the developer's own setup leaks in
    }
    env.update(
        PATH=f"{engine_bin}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PULUMI_HOME=str(home),
        PULUMI_BACKEND_URL=backend.as_uri(),
        PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        PULUMI_PYTHON_CMD=sys.executable,
        PULUMI_SKIP_CONFIRMATIONS="true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="true",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="session")
def engine_bin() -> Path:
    """The directory holding ``pulumi`` and its Python shims (built or reused, never skipped)."""
    try:
        bin_dir = obtain_engine()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    version = subprocess.run(
        [str(bin_dir / "pulumi"), "version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert accepted_engine(version), (
        f"engine reports {version}, expected {ENGINE_VERSION} or >= {ENGINE_FLOOR}"
    )
    return bin_dir


@pytest.fixture
def engine_env(engine_bin: Path, tmp_path: Path) -> dict[str, str]:
    """An offline environment for one test (see :func:`offline_env`)."""
    return offline_env(engine_bin, tmp_path)


@dataclass
class PulumiProject:
    """A project directory with one selected stack, driven through the ``pulumi`` CLI."""

    directory: Path
    env: dict[str, str]
    stack: str = "dev"
    history: list[subprocess.CompletedProcess[str]] = field(default_factory=list)

    def run(
        self, *args: str, check: bool = True, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi ARGS --non-interactive`` in the project; fail with its output if it fails."""
        cmd = ["pulumi", *args, "--non-interactive"]
        result = subprocess.run(
            cmd,
            cwd=self.directory,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        self.history.append(result)
        if check and result.returncode != 0:
            pytest.fail(
                f"`{' '.join(cmd)}` exited {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}",
                pytrace=False,
            )
        return result

    def up(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("up", "--yes", "--skip-preview", *args, check=check)

    def preview(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("preview", *args, check=check)

    def preview_json(self, *args: str) -> dict[str, Any]:
        result = self.run("preview", "--json", *args)
        parsed: dict[str, Any] = json.loads(result.stdout)
        return parsed

    def refresh(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("refresh", "--yes", "--skip-preview", *args, check=check)

    def destroy(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("destroy", "--yes", "--skip-preview", *args, check=check)

    def set_config(self, key: str, value: str, *, secret: bool = False) -> None:
        self.run("config", "set", key, value, *(["--secret"] if secret else []))

    def export(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.run("stack", "export", "--show-secrets=false").stdout)
        return parsed

    def outputs(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.run("stack", "output", "--json").stdout)
        return parsed

    def resources(self, type_suffix: str = "") -> list[dict[str, Any]]:
        """The resources in the exported state whose type ends with ``type_suffix``."""
        found: list[dict[str, Any]] = self.export()["deployment"].get("resources", [])
        return [r for r in found if r["type"].endswith(type_suffix)]

    def write_program(self, source: str) -> None:
        (self.directory / "__main__.py").write_text(textwrap.dedent(source))


@pytest.fixture
def make_project(engine_env: dict[str, str], tmp_path: Path) -> Callable[..., PulumiProject]:
    """``make_project(source, name="qoder-test", env={...})``: a project with stack ``dev`` initialised."""
    counter = iter(range(1000))

    def make(source: str, name: str = "qoder-test", env: Mapping[str, str] | None = None) -> PulumiProject:
        directory = tmp_path / f"project-{next(counter)}"
        directory.mkdir()
        (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        project = PulumiProject(directory, {**engine_env, **(env or {})})
        project.write_program(source)
        project.run("stack", "init", project.stack)
        return project

    return make


@pytest.fixture
def inline_stack(
    engine_bin: Path, engine_env: dict[str, str], tmp_path: Path
) -> Iterator[Callable[..., auto.Stack]]:
    """``inline_stack(program, project_name=..., stack_name=..., env={...})`` via the Automation API."""
    created: list[auto.Stack] = []
    command = auto.PulumiCommand(root=str(engine_bin.parent), skip_version_check=True)

    def make(
        program: auto.PulumiFn,
        project_name: str = "qoder-inline",
        stack_name: str = "dev",
        env: Mapping[str, str] | None = None,
    ) -> auto.Stack:
        work_dir = tmp_path / f"inline-{project_name}-{stack_name}"
        work_dir.mkdir(exist_ok=True)
        env_vars = {**engine_env, **(env or {})}
        stack = auto.create_or_select_stack(
            stack_name=stack_name,
            project_name=project_name,
            program=program,
            opts=auto.LocalWorkspaceOptions(
                work_dir=str(work_dir),
                pulumi_home=env_vars["PULUMI_HOME"],
                env_vars=env_vars,
                pulumi_command=command,
                project_settings=auto.ProjectSettings(
                    name=project_name,
                    runtime="python",
                    backend=auto.ProjectBackend(url=env_vars["PULUMI_BACKEND_URL"]),
                ),
                secrets_provider="passphrase",
            ),
        )
        created.append(stack)
        return stack

    yield make
