"""`make demo`'s driver, end to end: emulator process, `pulumi up` of the root project, summary.

The repository's demo files (Pulumi.yaml, scripts/, examples/daily-report) are copied into a
temporary root so the test never touches a developer's own `.state/` or demo stack.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qoder_cron import fire_times

REPO_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def demo_root(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    root.mkdir()
    shutil.copy(REPO_ROOT / "Pulumi.yaml", root)
    shutil.copytree(REPO_ROOT / "scripts", root / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        REPO_ROOT / "examples" / "daily-report",
        root / "examples" / "daily-report",
        ignore=shutil.ignore_patterns("__pycache__", "Pulumi.*.yaml"),
    )
    return root


def _demo(root: Path, action: str, port: int, engine_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        **engine_env,
        "PY": sys.executable,
        "QODER_EMULATOR_PORT": str(port),
        "HOME": os.environ.get("HOME", ""),  # the engine cache lives under ~/.cache
    }
    return subprocess.run(
        ["bash", str(root / "scripts" / "demo.sh"), action],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_demo_runs_twice_prints_the_table_then_destroys_and_stops(
    demo_root: Path, engine_env: dict[str, str]
) -> None:
    port = _free_port()
    try:
        first = _demo(demo_root, "up", port, engine_env)
        assert first.returncode == 0, first.stdout + first.stderr
        assert f"emulator started at http://127.0.0.1:{port}/api/v1/cloud" in first.stdout
        assert "+ 4 created" in first.stdout

        # The summary table: the seed's deployment, its schedule in words, the next 01:00Z run.
        next_run = fire_times("0 9 * * *", "Asia/Shanghai", datetime.now(UTC), 1)[0]
        table = first.stdout[first.stdout.index("DEPLOYMENT") :]
        row = next(line for line in table.splitlines() if line.startswith("daily-report"))
        assert "at 09:00, every day (Asia/Shanghai)" in row
        assert f"{next_run:%Y-%m-%d %H:%M}Z" in row
        assert row.split()[-1] == "active"
        assert "pulumi preview --diff" in first.stdout and "make demo-destroy" in first.stdout

        second = _demo(demo_root, "up", port, engine_env)  # safe to run again: nothing changes
        assert second.returncode == 0, second.stdout + second.stderr
        assert "emulator already running" in second.stdout
        assert "4 unchanged" in second.stdout

        destroyed = _demo(demo_root, "destroy", port, engine_env)
        assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
        assert "- 4 deleted" in destroyed.stdout
    finally:
        stopped = _demo(demo_root, "stop", port, engine_env)
    assert "emulator stopped" in stopped.stdout
    assert (demo_root / ".state" / "emulator.db").exists()  # the data outlives the process
