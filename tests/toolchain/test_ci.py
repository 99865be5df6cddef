""".ci/run: the README's test command, and a loud failure when a tool is missing or a test fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CI_RUN = REPO_ROOT / ".ci" / "run"


def _readme_test_command() -> str:
    """The command the README's "Set up" block gives for the tests."""
    readme = (REPO_ROOT / "README.md").read_text()
    setup = readme[readme.index("## Set up") :]
    block = setup[setup.index("```bash") : setup.index("```", setup.index("```bash") + 3)]
    (line,) = [line for line in block.splitlines() if line.startswith("make test")]
    return line.split("#")[0].strip()


def _tools(tmp_path: Path, **stand_ins: str) -> Path:
    """A PATH directory with the basics .ci/run needs, plus the given stand-in executables."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for basic in ("dirname",):
        found = shutil.which(basic)
        assert found
        (bin_dir / basic).symlink_to(found)
    for name, text in stand_ins.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return bin_dir


def _run(bin_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/bash", str(CI_RUN)],
        env={"PATH": str(bin_dir), "HOME": str(bin_dir.parent)},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


PYTHON_311 = "#!/bin/sh\nexit 0\n"  # answers the version check as 3.11+
RECORDING_MAKE = '#!/bin/sh\necho "make $* CI=$CI" >"$HOME/make-called"\nexit "${MAKE_EXIT:-0}"\n'


def test_ci_runs_exactly_the_readme_test_command(tmp_path: Path) -> None:
    command = _readme_test_command()
    assert command == "make test"
    text = CI_RUN.read_text()
    (declared,) = re.findall(r"^TEST_COMMAND=\((.*)\)$", text, re.MULTILINE)
    assert declared == command

    bin_dir = _tools(tmp_path, make=RECORDING_MAKE, python3=PYTHON_311, go="#!/bin/sh\n")
    result = _run(bin_dir)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "make-called").read_text().strip() == f"{command} CI=true"
    assert "CI: passed" in result.stdout


def test_missing_tools_are_all_named_before_anything_runs(tmp_path: Path) -> None:
    bin_dir = _tools(tmp_path)
    result = _run(bin_dir)
    assert result.returncode == 1
    assert "CI: FAILED before running 'make test': missing" in result.stderr
    for needed in ("make", "python3 (>= 3.11)", "a Pulumi CLI >= v3.139.0 on PATH, or 'go'"):
        assert f"CI:   - {needed}" in result.stderr
    assert not (tmp_path / "make-called").exists()


def test_an_old_python_is_named_with_its_version(tmp_path: Path) -> None:
    old = '#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.9.18" && exit 0\nexit 1\n'
    bin_dir = _tools(tmp_path, make=RECORDING_MAKE, python3=old, pulumi="#!/bin/sh\n")
    result = _run(bin_dir)
    assert result.returncode == 1
    assert "python3 >= 3.11 (found: Python 3.9.18)" in result.stderr


def test_a_failing_test_run_fails_ci_loudly_with_its_status(tmp_path: Path) -> None:
    bin_dir = _tools(tmp_path, make=RECORDING_MAKE, python3=PYTHON_311, go="#!/bin/sh\n")
    result = subprocess.run(
        ["/bin/bash", str(CI_RUN)],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path), "MAKE_EXIT": "2"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "CI: FAILED: 'make test' exited 2" in result.stderr
    assert os.path.exists(tmp_path / "make-called")
