"""Fresh virtualenvs and source copies for the packaging and install tests (no network needed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ROOTS = ("provider", "emulator", "cron")


def source_copy(tmp_path: Path) -> Path:
    """What `git clone` holds for packaging, without a developer's build leftovers."""
    src = tmp_path / "src"
    src.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "MANIFEST.in"):
        shutil.copy(REPO_ROOT / name, src / name)
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "test_*.py")
    for root in ROOTS:
        shutil.copytree(REPO_ROOT / root, src / root, ignore=skip)
    (src / "scripts").mkdir()
    shutil.copy(REPO_ROOT / "scripts" / "build_backend.py", src / "scripts")
    return src


def fresh_venv(directory: Path) -> Path:
    """A virtualenv outside the repository whose third-party packages are the dev virtualenv's.

    The dev virtualenv's site-packages is appended as a plain path, so its own editable install of
    this project (a .pth there) is not active: the project comes only from what is installed here,
    and pip resolves the declared dependencies against the versions the suite runs with.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(directory)], check=True)
    python = directory / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "zz_dev_packages.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python


def build_wheel(tmp_path: Path) -> Path:
    """The wheel `make dist` would build, from a copy of the source."""
    out = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(source_copy(tmp_path)),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("pulumi_qoder-*.whl")
    return wheel
