"""What `make dist` and an editable install give a user: complete distributions, and a package that
type checkers find from a project outside this repository.

Builds run without isolation (setuptools comes from the dev virtualenv), so no network is needed.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.toolchain.venvs import REPO_ROOT, ROOTS, fresh_venv, source_copy


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("dist")
    out = tmp / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source_copy(tmp))],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    return out, build.stdout + build.stderr


def _packages_in_source() -> set[str]:
    found = set()
    for root in ROOTS:
        for init in (REPO_ROOT / root).rglob("__init__.py"):
            if "__pycache__" not in init.parts:
                found.add(".".join(init.parent.relative_to(REPO_ROOT / root).parts))
    return found


def test_the_wheel_holds_every_package_its_type_markers_and_commands(dist: tuple[Path, str]) -> None:
    out, log = dist
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    packages = {str(Path(n).parent).replace("/", ".") for n in names if n.endswith("/__init__.py")}
    # A subpackage missing from pyproject's package list would be an ImportError after install.
    assert packages == _packages_in_source(), packages ^ _packages_in_source()
    for package in ("pulumi_qoder", "qoder_emulator", "qoder_cron"):
        assert f"{package}/py.typed" in names
    assert not [n for n in names if Path(n).name.startswith("test_")]  # no tests shipped
    dist_info = next(n for n in names if n.endswith(".dist-info/METADATA")).rsplit("/", 1)[0]
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read(f"{dist_info}/METADATA").decode()
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()
    assert "License-Expression: Apache-2.0" in metadata
    assert "Provides-Extra: emulator" in metadata
    assert 'Requires-Dist: fastapi>=0.110; extra == "emulator"' in metadata  # only with the extra
    assert "pulumi-qoder = pulumi_qoder_cli:main" in entry_points
    assert "qoder-emulator = qoder_emulator.cli:main" in entry_points
    assert "!!" not in log  # no setuptools banner


def test_the_sdist_builds_on_its_own(dist: tuple[Path, str]) -> None:
    out, log = dist
    (sdist,) = out.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
    top = names[0].split("/")[0]
    for needed in (
        "pyproject.toml",
        "README.md",
        "scripts/build_backend.py",
        "provider/pulumi_qoder/py.typed",
    ):
        assert f"{top}/{needed}" in names
    assert "Building wheel from sdist" in log  # `python -m build` made the wheel out of the sdist


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pip_output_becomes_one_line_per_step() -> None:
    pip_output = [
        "Obtaining file:///work/pulumi-qoder\n",
        "  Installing build dependencies: started\n",
        "Collecting pulumi==3.272.0 (from pulumi-qoder==0.1.0)\n",
        "  Downloading pulumi-3.272.0-py3-none-any.whl (300 kB)\n",
        "Requirement already satisfied: httpx<1,>=0.27 in ./.venv/lib/python3.11/site-packages\n",
        "Requirement already satisfied: idna in ./.venv/lib/python3.11/site-packages\n",
        "Collecting grpcio~=1.66\n",
        "Building wheels for collected packages: pulumi-qoder\n",
        "  Building wheel for croniter (pyproject.toml): started\n",
        "WARNING: something the user must see\n",
        "Installing collected packages: grpcio, pulumi, pulumi-qoder\n",
        "Successfully installed grpcio-1.66.0 pulumi-3.272.0 pulumi-qoder-0.1.0\n",
    ]
    ticks = iter(range(0, 100, 5))
    lines = list(_load("pip_steps").steps(pip_output, clock=lambda: float(next(ticks))))
    assert lines == [
        "venv: [   5s] building the editable install of file:///work/pulumi-qoder",
        "venv: [  15s] collecting pulumi==3.272.0",
        "venv: [  35s] collecting grpcio~=1.66",
        "venv: [  45s] building croniter",
        "WARNING: something the user must see",
        "venv: [  55s] installing 3 packages",
        "venv: [  60s] installed 3 packages",
        "venv: 2 requirements already satisfied",
    ]


def test_an_editable_install_is_seen_by_mypy_from_outside_the_repository(tmp_path: Path) -> None:
    python = fresh_venv(tmp_path / "venv")
    project = tmp_path / "my-stack"
    project.mkdir()
    shutil.copy(REPO_ROOT / "examples" / "daily-report" / "__main__.py", project)

    def mypy() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--python-executable", str(python), "__main__.py"],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    before = mypy()  # not installed yet: the check can fail
    assert (
        before.returncode == 1
        and 'Cannot find implementation or library stub for module named "pulumi_qoder' in before.stdout
    )

    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "-e",
            str(source_copy(tmp_path)),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    # pip shows build-backend warnings; setuptools' import-hook banner ("!!") is gone with the hook.
    assert "!!" not in install.stdout + install.stderr, install.stderr
    after = mypy()
    assert after.returncode == 0, after.stdout + after.stderr
    # The editable install is plain paths to the checkout: new modules appear without reinstalling.
    where = subprocess.run(
        [str(python), "-c", "import pulumi_qoder; print(pulumi_qoder.__file__)"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where == str(tmp_path / "src" / "provider" / "pulumi_qoder" / "__init__.py")
