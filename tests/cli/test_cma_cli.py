"""`pulumi-qoder deployments|runs|run` against the emulator's CMA flavor: the operator commands
work the same on Claude Managed Agents (QODER_FLAVOR=cma, ANTHROPIC_API_KEY)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_qoder.cli import EXIT_OK, main
from pulumi_qoder.wire.cma import CmaClient
from pulumi_qoder.wire.config import Credentials
from qoder_emulator.testing import EmulatorHandle, running_emulator

KEY = "cma-cli-key"


@pytest.fixture
def cma(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[EmulatorHandle, str]]:
    with running_emulator(tokens=(KEY,), clock="manual", flavor="cma") as emu:
        client = CmaClient(Credentials(base_url=emu.base_url, token=KEY, flavor="cma"))
        agent, _ = client.create_object(
            "agents", {"name": "reporter", "model": "claude-sonnet-4-6"}, idempotency_key="a"
        )
        env, _ = client.create_object("environments", {"name": "sandbox"}, idempotency_key="e")
        dep, _ = client.create_object(
            "deployments",
            {
                "name": "daily",
                "agent": agent["id"],
                "environment_id": env["id"],
                "initial_events": [{"type": "user.message", "content": [{"type": "text", "text": "go"}]}],
                "schedule": {"type": "cron", "expression": "0 9 * * *", "timezone": "UTC"},
            },
            idempotency_key="d",
        )
        for name in ("QODER_PAT", "QODER_PERSONAL_ACCESS_TOKEN", "QODER_WORKSPACE_ID"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("QODER_FLAVOR", "cma")
        monkeypatch.setenv("QODER_BASE_URL", emu.base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        yield emu, dep["id"]


def test_list_show_run_and_runs_on_cma(
    cma: tuple[EmulatorHandle, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _emu, dep_id = cma
    assert main(["deployments", "list"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert "daily" in listed and "at 09:00, every day (UTC)" in listed
    assert main(["deployments", "show", "daily"]) == EXIT_OK
    assert dep_id in capsys.readouterr().out
    # Follows the run to its end: on CMA a run is finished once it has its session.
    assert main(["run", "daily"]) == EXIT_OK
    capsys.readouterr()
    assert main(["runs", "list", "daily"]) == EXIT_OK
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("drun_")]
    assert len(rows) == 1 and "manual" in rows[0] and "completed" in rows[0]
