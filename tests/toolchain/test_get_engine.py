"""scripts/get-engine.sh decisions that need no build: reuse, refusal without a toolchain."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "get-engine.sh"


def _run(tmp_path: Path, path_dirs: list[Path]) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.pathsep.join(str(p) for p in path_dirs),
        "HOME": str(tmp_path),
        "PULUMI_QODER_CACHE": str(tmp_path / "cache"),
    }
    return subprocess.run(["/bin/bash", str(SCRIPT)], env=env, capture_output=True, text=True, check=False)


def _fake_pulumi(directory: Path, version: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    exe = directory / "pulumi"
    exe.write_text(f'#!/bin/sh\n[ "$1" = version ] && echo {version}\n')
    exe.chmod(0o755)


def test_without_pulumi_or_go_it_stops_and_says_how_to_install(tmp_path: Path) -> None:
    result = _run(tmp_path, [Path("/usr/bin"), Path("/bin")])
    assert result.returncode == 1
    assert "no 'pulumi' v3.274.1 on PATH and no 'go' toolchain" in result.stderr
    assert "get.pulumi.com" in result.stderr  # the official installer
    assert result.stdout == ""  # nothing that a caller could mistake for a bin directory


def test_matching_pulumi_on_path_is_reused_without_building(tmp_path: Path) -> None:
    _fake_pulumi(tmp_path / "tools", "v3.274.1")
    result = _run(tmp_path, [tmp_path / "tools", Path("/usr/bin"), Path("/bin")])
    assert result.returncode == 0, result.stderr
    bin_dir = Path(result.stdout.strip())
    assert (bin_dir / "pulumi").resolve() == (tmp_path / "tools" / "pulumi").resolve()
    assert (bin_dir / "pulumi-resource-pulumi-python").exists()
    assert (bin_dir / "pulumi-language-python").exists()


def test_other_pulumi_version_on_path_is_not_used(tmp_path: Path) -> None:
    _fake_pulumi(tmp_path / "tools", "v3.100.0")
    result = _run(tmp_path, [tmp_path / "tools", Path("/usr/bin"), Path("/bin")])
    # Without go it cannot build, and it must not settle for the wrong version.
    assert result.returncode == 1
    assert "no 'pulumi' v3.274.1" in result.stderr
