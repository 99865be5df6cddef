"""Durability across restarts (file database) and the ``qoder-emulator`` command line."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from qoder_emulator.testing import running_emulator

from .conftest import SEED_START, create_agent, create_deployment, create_environment


def test_a_restart_keeps_every_object(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    with running_emulator(tokens=("a", "b"), db_path=db, start=SEED_START) as emu, emu.api() as client:
        refs = {"agent": create_agent(client)["id"], "environment_id": create_environment(client)["id"]}
        dep = create_deployment(
            client,
            refs,
            schedule={"type": "cron", "expression": "0 * * * *", "timezone": "UTC"},
            metadata={"team": "core"},
        )
        client.post(
            "/vaults", json={"display_name": "v"}, headers={"Idempotency-Key": "k"}
        ).raise_for_status()
        emu.advance(3600)
        stopped_at = emu.now()
        before = {
            path: client.get(path).json()
            for path in (
                f"/deployments/{dep['id']}",
                f"/deployments/{dep['id']}/runs",
                "/agents",
                "/environments",
                "/vaults",
            )
        }
    # Token order changed: accounts are keyed by token, not position.
    with running_emulator(tokens=("b", "a"), db_path=db, start=stopped_at) as emu2, emu2.api("a") as client:
        after = {path: client.get(path).json() for path in before}
        assert after == before
        replay = client.post("/vaults", json={"display_name": "v"}, headers={"Idempotency-Key": "k"})
        assert replay.json()["id"] == before["/vaults"]["data"][0]["id"]
        with emu2.api("b") as other:
            assert other.get(f"/deployments/{dep['id']}").status_code == 404


def test_cli_serve_prints_the_url_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "QODER_EMULATOR_TOKENS": "env-token"}
    command = [
        sys.executable,
        "-m",
        "qoder_emulator.cli",
        "serve",
        "--port",
        "0",
        "--db",
        str(tmp_path / "cli.db"),
        "--token",
        "cli-token",
        "--clock",
        "manual",
        "--faults",
        '{"latency": {"ms": 1}}',
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.fullmatch(r"Qoder emulator listening on (http://127\.0\.0\.1:(\d+)/api/v1/cloud)\n", line)
        assert match, line
        base_url = match.group(1)
        status = subprocess.run(
            [sys.executable, "-m", "qoder_emulator.cli", "status", "--url", base_url],
            capture_output=True,
            timeout=20,
        )
        assert status.returncode == 0, status.stderr
        for token in ("cli-token", "env-token"):
            response = httpx.post(
                f"{base_url}/agents",
                json={"name": "a", "model": "m"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 201
        assert httpx.get(f"{base_url.removesuffix('/api/v1/cloud')}/_emulator/faults").json()["latency"]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    stopped = subprocess.run(
        [sys.executable, "-m", "qoder_emulator.cli", "status", "--url", base_url],
        capture_output=True,
        timeout=20,
    )
    assert stopped.returncode == 1


def test_cli_refuses_to_start_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QODER_EMULATOR_TOKENS"}
    result = subprocess.run(
        [sys.executable, "-m", "qoder_emulator.cli", "serve", "--port", "0", "--db", ":memory:"],
        capture_output=True,
        text=True,
        timeout=20,
        env=env,
    )
    assert result.returncode != 0 and "--token" in result.stderr
