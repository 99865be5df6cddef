"""The ``qoder-emulator`` console script without the ``[emulator]`` extra: a clear hint, not a traceback."""

from __future__ import annotations

import subprocess
import sys

# Make ``import fastapi`` fail as it does when the extra is not installed.
_WITHOUT_FASTAPI = (
    "import sys; sys.modules['fastapi'] = None; from qoder_emulator.cli import main; sys.exit(main())"
)


def test_serve_without_fastapi_says_what_to_install() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_FASTAPI, "serve", "--token", "t", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "pip install 'pulumi-qoder[emulator]'" in done.stderr and "missing: fastapi" in done.stderr
    assert "Traceback" not in done.stderr


def test_status_needs_no_server_dependencies() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_FASTAPI, "status", "--url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "not reachable" in done.stderr
