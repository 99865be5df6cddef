"""``qoder-emulator serve --flavor cma``: the command line starts the CMA flavor, which the
``anthropic`` SDK drives with strict validation; the default stays Qoder."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import anthropic
import httpx


def serve(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "qoder_emulator.cli", "serve", "--port", "0"]
    command += ["--db", str(tmp_path / "cli.db"), "--token", "cli-key", *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline()


def test_serve_flavor_cma_answers_the_anthropic_sdk(tmp_path: Path) -> None:
    process, line = serve(tmp_path, "--flavor", "cma")
    try:
        match = re.fullmatch(
            r"Claude Managed Agents emulator listening on (http://127\.0\.0\.1:\d+) \(API under /v1\)\n", line
        )
        assert match, line
        root = match.group(1)
        client = anthropic.Anthropic(
            api_key="cli-key", base_url=root, max_retries=0, _strict_response_validation=True
        )
        vault = client.beta.vaults.create(display_name="from-cli")
        assert vault.id.startswith("vlt_")
        assert (
            httpx.get(f"{root}/api/v1/cloud/vaults", headers={"Authorization": "Bearer cli-key"}).status_code
            == 404
        )
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


def test_serve_defaults_to_qoder(tmp_path: Path) -> None:
    process, line = serve(tmp_path)
    try:
        match = re.fullmatch(r"Qoder emulator listening on (http://127\.0\.0\.1:\d+/api/v1/cloud)\n", line)
        assert match, line
        created = httpx.post(
            f"{match.group(1)}/vaults",
            json={"display_name": "v"},
            headers={"Authorization": "Bearer cli-key"},
        )
        assert created.status_code == 201 and created.json()["id"].startswith("vault_")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
