"""scripts/demo.sh around the emulator, with a stand-in `pulumi` (the engine tests run the real one).

What a user of `make demo` notices: a port clash or an emulator that dies is reported within
seconds with the command to run instead; a running emulator is reused; the next steps line up.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# Enough of the CLI for demo.sh: version (for get-engine.sh), stack select, up, stack output.
STAND_IN_PULUMI = """#!/bin/sh
case "$1" in
  version) echo v3.280.0 ;;
  up) echo "+ 4 created" ;;
  stack) [ "$2" = output ] && echo '{"deployments": [{"name": "daily-report", "schedule_summary": "at 09:00, every day (Asia/Shanghai)", "timezone": "Asia/Shanghai", "upcoming_runs_at": ["2030-01-02T01:00:00Z"], "status": "active"}]}' ;;
esac
exit 0
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _exe(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO_ROOT / "scripts", checkout / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    _exe(tmp_path / "tools" / "pulumi", STAND_IN_PULUMI)
    return checkout


def _demo(
    root: Path, action: str, port: int, python: Path | str = sys.executable
) -> subprocess.CompletedProcess[str]:
    tools = root.parent / "tools"
    env = {
        "PATH": os.pathsep.join([str(tools), "/usr/bin", "/bin"]),
        "HOME": str(root.parent),
        "PULUMI_QODER_CACHE": str(root.parent / "cache"),
        "PY": str(python),
        "QODER_EMULATOR_PORT": str(port),
    }
    return subprocess.run(
        ["bash", str(root / "scripts" / "demo.sh"), action],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _fake_venv(tmp_path: Path, emulator: str) -> Path:
    """A bin directory whose `qoder-emulator` is a stand-in (the demo runs VENV_BIN/qoder-emulator)."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    _exe(bin_dir / "qoder-emulator", emulator)
    return bin_dir / "python"


def _advised_port(stderr: str, taken: int) -> int:
    match = re.search(r"QODER_EMULATOR_PORT=(\d+) make demo", stderr)
    assert match, stderr
    advised = int(match.group(1))
    assert advised != taken
    return advised


@pytest.fixture
def tcp_listener() -> Iterator[int]:
    """A program that holds a port and never answers HTTP."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port: int = s.getsockname()[1]
        yield port


@pytest.fixture
def http_server() -> Iterator[int]:
    """Another web server on the port (answers 404 everywhere)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("holder", ["tcp_listener", "http_server"])
def test_a_port_held_by_another_program_is_reported_at_once(
    root: Path, holder: str, request: pytest.FixtureRequest
) -> None:
    port: int = request.getfixturevalue(holder)
    started = time.monotonic()
    result = _demo(root, "up", port)
    assert result.returncode == 1
    assert time.monotonic() - started < 15
    assert f"demo: port {port} is taken by another program (not a Qoder emulator)" in result.stderr
    _advised_port(result.stderr, port)
    assert not (root / ".state" / "emulator.pid").exists()


def test_an_emulator_that_cannot_bind_is_a_port_clash(root: Path, tmp_path: Path) -> None:
    # The port looked free but the bind failed (another program took it in between).
    python = _fake_venv(
        tmp_path,
        "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\n"
        "echo \"OSError: [Errno 98] error while attempting to bind on address ('127.0.0.1', 1): address already in use\" >&2\n"
        "exit 1\n",
    )
    port = _free_port()
    started = time.monotonic()
    result = _demo(root, "up", port, python)
    assert result.returncode == 1
    assert time.monotonic() - started < 15
    assert f"demo: port {port} is already in use" in result.stderr
    _advised_port(result.stderr, port)


def test_an_emulator_that_dies_shows_the_end_of_its_log_at_once(root: Path, tmp_path: Path) -> None:
    noise = "".join(f"echo 'frame {i}' >&2\n" for i in range(40))
    python = _fake_venv(tmp_path, f"#!/bin/sh\n{noise}echo 'RuntimeError: database is locked' >&2\nexit 1\n")
    started = time.monotonic()
    result = _demo(root, "up", _free_port(), python)
    assert result.returncode == 1
    assert time.monotonic() - started < 15
    assert "demo: the emulator exited at start; the end of" in result.stderr
    assert "RuntimeError: database is locked" in result.stderr
    assert "frame 10" not in result.stderr  # a short tail, not the whole traceback


def test_up_starts_the_emulator_reuses_it_and_lines_up_the_next_steps(root: Path) -> None:
    port = _free_port()
    try:
        first = _demo(root, "up", port)
        assert first.returncode == 0, first.stderr
        assert f"demo: emulator started at http://127.0.0.1:{port}/api/v1/cloud" in first.stdout
        assert "daily-report  at 09:00, every day (Asia/Shanghai)" in first.stdout

        steps = first.stdout[first.stdout.index("Next steps") :].splitlines()[1:]
        commands = [line for line in steps if line.strip()]
        # Every comment starts in one column (a long command puts its comment on the next line).
        assert len({line.index("#") for line in commands if "#" in line}) == 1, "\n".join(commands)
        text = "\n".join(commands)
        assert "pulumi-qoder schedule-report --format markdown" in text
        assert any(line.split("#")[0].strip() == "pulumi up" for line in commands)
        assert "pulumi preview --diff" in text and "make demo-destroy" in text

        second = _demo(root, "up", port)
        assert second.returncode == 0, second.stderr
        assert "demo: emulator already running" in second.stdout
    finally:
        stopped = _demo(root, "stop", port)
    assert "demo: emulator stopped" in stopped.stdout
