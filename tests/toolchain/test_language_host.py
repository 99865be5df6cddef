"""How the bundled language host picks the program's interpreter from ``runtime.options``.

The engine tests (tests/engine/test_language_host.py) run the whole path with a real virtualenv;
these cover each toolchain's rule and its error, with stand-in environments and a stand-in
``poetry`` executable.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _load_host() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "pulumi_language_python_host", REPO_ROOT / "scripts" / "pulumi_language_python_host.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


host = _load_host()


def _venv(directory: Path) -> Path:
    (directory / "bin").mkdir(parents=True)
    python = directory / "bin" / "python"
    python.write_text("")
    return python


def test_pip_with_a_relative_or_absolute_virtualenv(tmp_path: Path) -> None:
    python = _venv(tmp_path / "venv")
    assert host.program_python({"virtualenv": "venv"}, str(tmp_path), {}, "/usr/bin/python3") == str(python)
    elsewhere = _venv(tmp_path / "shared" / "env")
    options = {"toolchain": "pip", "virtualenv": str(tmp_path / "shared" / "env")}
    assert host.program_python(options, "/somewhere/else", {}, "x") == str(elsewhere)


def test_without_options_pulumi_python_cmd_then_the_default(tmp_path: Path) -> None:
    assert (
        host.program_python({}, str(tmp_path), {"PULUMI_PYTHON_CMD": "/opt/py"}, "/usr/bin/python3")
        == "/opt/py"
    )
    assert host.program_python({}, str(tmp_path), {}, "/usr/bin/python3") == "/usr/bin/python3"


def test_a_virtualenv_wins_over_pulumi_python_cmd(tmp_path: Path) -> None:
    python = _venv(tmp_path / "venv")
    chosen = host.program_python({"virtualenv": "venv"}, str(tmp_path), {"PULUMI_PYTHON_CMD": "/opt/py"}, "x")
    assert chosen == str(python)


def test_a_missing_virtualenv_names_the_option_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(host.ProgramSetupError) as err:
        host.program_python({"virtualenv": "venv"}, str(tmp_path), {}, "x")
    message = str(err.value)
    assert message.startswith(f"runtime.options.virtualenv: {tmp_path / 'venv'} is not a virtual environment")
    assert f"python3 -m venv {tmp_path / 'venv'}" in message


def test_uv_uses_dot_venv_or_uv_project_environment(tmp_path: Path) -> None:
    dot = _venv(tmp_path / ".venv")
    assert host.program_python({"toolchain": "uv"}, str(tmp_path), {}, "x") == str(dot)
    custom = _venv(tmp_path / "uv-env")
    env = {"UV_PROJECT_ENVIRONMENT": str(tmp_path / "uv-env")}
    assert host.program_python({"toolchain": "uv"}, str(tmp_path), env, "x") == str(custom)


def test_poetry_asks_poetry_for_its_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    poetry = tools / "poetry"
    # A stand-in that answers like `poetry env info --executable`, for the project in its cwd.
    poetry.write_text('#!/bin/sh\n[ "$*" = "env info --executable" ] && echo "$PWD/.poetry-env/bin/python"\n')
    poetry.chmod(0o755)
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}/usr/bin{os.pathsep}/bin")
    chosen = host.program_python({"toolchain": "poetry"}, str(project), {}, "x")
    assert chosen == f"{project}/.poetry-env/bin/python"


def test_poetry_missing_or_without_environment_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(host.ProgramSetupError, match="'poetry' is not on PATH"):
        host.program_python({"toolchain": "poetry"}, str(tmp_path), {}, "x")
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "poetry").write_text("#!/bin/sh\necho 'no environment' >&2; exit 1\n")
    (tools / "poetry").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}/usr/bin{os.pathsep}/bin")
    with pytest.raises(host.ProgramSetupError, match=r"found no environment; run `poetry install` there"):
        host.program_python({"toolchain": "poetry"}, str(tmp_path), {}, "x")


def test_an_unknown_toolchain_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(host.ProgramSetupError, match=r"runtime.options.toolchain: 'conda' is not supported"):
        host.program_python({"toolchain": "conda"}, str(tmp_path), {}, "x")


@pytest.mark.parametrize(
    "runtime",
    [
        "runtime:\n  name: python\n  options:\n    virtualenv: venv\n    toolchain: pip\n",
        "runtime: {name: python, options: {virtualenv: 'venv', toolchain: pip}}\n",
    ],
    ids=["block", "flow"],
)
def test_options_are_read_from_the_nearest_project_file(tmp_path: Path, runtime: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text(f"name: p\n{runtime}")
    nested = tmp_path / "src" / "pkg"
    nested.mkdir(parents=True)
    options, root = host._options_from_project_file(nested)
    assert options == {"virtualenv": "venv", "toolchain": "pip"}
    assert root == str(tmp_path)
