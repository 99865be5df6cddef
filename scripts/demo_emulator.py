"""The demo's emulator checks, over HTTP from one process (standard library only, starts fast).

demo_emulator.py probe PORT               exit 0: an emulator answers; 1: the port is free;
                                          2: another program holds the port
demo_emulator.py wait PORT PID LOG [SECS] exit 0 once the emulator answers; else explain why
                                          not (process died, port clash, timeout) and exit 1
demo_emulator.py free-port                print a free loopback port
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request

HOST = "127.0.0.1"
EMULATOR = 0
FREE = 1
TAKEN = 2


def probe(port: int) -> int:
    """Whether a Qoder emulator, nothing, or something else answers on the port."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/_emulator/health", timeout=2) as response:
            body = json.loads(response.read() or b"{}")
            return EMULATOR if isinstance(body, dict) and body.get("status") == "ok" else TAKEN
    except urllib.error.HTTPError:
        return TAKEN  # an HTTP server, but not the emulator
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, ConnectionRefusedError):
            return FREE
        return TAKEN if _listening(port) else FREE


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((HOST, port)) == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by the shell) still answers kill 0: look at its state.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def clash_advice(port: int) -> str:
    return f"run it on another port: QODER_EMULATOR_PORT={free_port()} make demo"


def wait(port: int, pid: int, log: str, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if probe(port) == EMULATOR:
            return 0
        if not _alive(pid):
            with open(log, encoding="utf-8", errors="replace") as f:
                text = f.read()
            if "address already in use" in text.lower() or "errno 98" in text.lower():
                print(f"demo: port {port} is already in use; {clash_advice(port)}", file=sys.stderr)
            else:
                tail = "\n".join(text.strip().splitlines()[-8:])
                print(f"demo: the emulator exited at start; the end of {log}:\n{tail}", file=sys.stderr)
            return 1
        time.sleep(0.1)
    print(
        f"demo: the emulator did not answer on port {port} within {seconds:.0f} s; see {log}", file=sys.stderr
    )
    return 1


def main(argv: list[str]) -> int:
    match argv:
        case ["probe", port]:
            return probe(int(port))
        case ["wait", port, pid, log, *rest]:
            return wait(int(port), int(pid), log, float(rest[0]) if rest else 30.0)
        case ["free-port"]:
            print(free_port())
            return 0
        case ["clash-advice", port]:
            print(clash_advice(int(port)))
            return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
