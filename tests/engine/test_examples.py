"""Each example, copied to a temporary directory and run through the engine on the emulator."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import REPO_ROOT, PulumiProject

EXAMPLES = REPO_ROOT / "examples"


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=("test-token",), clock="manual") as emu:
        yield emu


def example(name: str, tmp_path: Path, engine_env: dict[str, str], emu: EmulatorHandle) -> PulumiProject:
    directory = tmp_path / name
    shutil.copytree(EXAMPLES / name, directory)
    project = PulumiProject(
        directory, {**engine_env, "QODER_BASE_URL": emu.base_url, "QODER_PAT": emu.tokens[0]}
    )
    project.run("stack", "init", project.stack)
    return project


def api_get(emu: EmulatorHandle, path: str, **params: Any) -> Any:
    with emu.api() as api:
        return api.get(path, params=params).json()


def test_daily_report(tmp_path: Path, engine_env: dict[str, str], emulator: EmulatorHandle) -> None:
    project = example("daily-report", tmp_path, engine_env, emulator)
    project.up()
    outputs = project.outputs()
    (row,) = outputs["deployments"]
    assert row["name"] == "daily-report" and row["status"] == "active" and row["timezone"] == "Asia/Shanghai"
    assert row["schedule_summary"] == "at 09:00, every day (Asia/Shanghai)"
    assert len(row["upcoming_runs_at"]) == 5 and all(
        t.endswith("T01:00:00Z") for t in row["upcoming_runs_at"]
    )

    (dep,) = api_get(emulator, "/deployments")["data"]
    assert dep["agent"]["id"] == outputs["agent_id"] and dep["environment_id"] == outputs["environment_id"]
    assert dep["initial_events"] == [{"type": "user.message", "content": "Generate today's status report"}]
    env = api_get(emulator, f"/environments/{outputs['environment_id']}")
    assert env["config"]["networking"]["allowed_hosts"] == ["api.github.com"]

    # The demo's summary script reads exactly these outputs.
    summary = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "demo_summary.py")],
        input=json.dumps(outputs),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "daily-report" in summary and "Asia/Shanghai" in summary and "active" in summary

    project.preview("--expect-no-changes")
    project.destroy()
    assert api_get(emulator, "/deployments")["data"] == []
    assert api_get(emulator, f"/agents/{outputs['agent_id']}")["archived_at"] is not None


def test_daily_report_through_the_root_project(
    tmp_path: Path, engine_env: dict[str, str], emulator: EmulatorHandle
) -> None:
    """`make demo` runs the root Pulumi.yaml, whose `main` points at examples/daily-report/."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO_ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
    shutil.copytree(EXAMPLES / "daily-report", root / "examples" / "daily-report")
    project = PulumiProject(
        root, {**engine_env, "QODER_BASE_URL": emulator.base_url, "QODER_PAT": emulator.tokens[0]}
    )
    project.run("stack", "init", project.stack)
    preview = project.preview_json()
    types = sorted(s["newState"]["type"].rsplit(":", 1)[-1] for s in preview["steps"] if s["op"] == "create")
    assert types == ["Agent", "Deployment", "Environment", "Stack"]


def test_multi_team(tmp_path: Path, engine_env: dict[str, str], emulator: EmulatorHandle) -> None:
    project = example("multi-team", tmp_path, engine_env, emulator)
    project.set_config("mcpToken", "mcp-secret-multi-team", secret=True)
    project.up()
    outputs = project.outputs()
    rows = {r["name"]: r for r in outputs["deployments"]}
    assert list(rows) == ["platform-standup", "security-triage", "release-notes", "data-quality"]

    server = {d["name"]: d for d in api_get(emulator, "/deployments", limit=100)["data"]}
    vault_id = outputs["vault_id"]
    assert server["platform-standup"]["vault_ids"] == server["security-triage"]["vault_ids"] == [vault_id]
    assert server["release-notes"]["vault_ids"] == [] and server["data-quality"]["vault_ids"] == []
    assert (
        server["release-notes"]["schedule"] is None
        and rows["release-notes"]["schedule_summary"] == "manual only"
    )
    assert server["data-quality"]["status"] == "paused" and rows["data-quality"]["status"] == "paused"
    assert server["security-triage"]["schedule"]["expression"] == "0 */4 * * *"
    assert len({d["agent"]["id"] for d in server.values()}) == 1
    assert "mcp-secret-multi-team" not in json.dumps(project.export())

    # Rotating the MCP token: one credential update; the vault and the deployments stay.
    project.set_config("mcpToken", "mcp-secret-rotated", secret=True)
    preview = project.preview("--diff").stdout
    assert "1 to update" in preview and "replace" not in preview.split("Resources:")[-1], preview
    project.up()
    assert project.outputs()["vault_id"] == vault_id
    assert project.outputs()["credential_id"] == outputs["credential_id"]
    assert "mcp-secret-rotated" not in json.dumps(project.export())

    # One table edit: a row removed archives only that deployment.
    config_file = project.directory / "Pulumi.dev.yaml"
    text = config_file.read_text()
    config_file.write_text(
        text.replace(
            "    - name: release-notes\n      prompt: Draft release notes from the changes since the last tag\n",
            "",
        )
    )
    preview = project.preview("--diff").stdout
    assert "1 to delete" in preview and "to update" not in preview and "to create" not in preview
    project.up()
    assert sorted(d["name"] for d in api_get(emulator, "/deployments", limit=100)["data"]) == [
        "data-quality",
        "platform-standup",
        "security-triage",
    ]
    project.destroy()
    assert api_get(emulator, "/deployments")["data"] == []


def test_existing(tmp_path: Path, engine_env: dict[str, str], emulator: EmulatorHandle) -> None:
    with emulator.api() as api:
        agent = api.post(
            "/agents", json={"name": "triage-agent", "model": "ultimate", "system": "Triage."}
        ).json()
        env = api.post(
            "/environments",
            json={"name": "triage-env", "config": {"type": "cloud", "networking": {"type": "unrestricted"}}},
        ).json()
        dep = api.post(
            "/deployments",
            json={
                "name": "issue-triage",
                "agent": agent["id"],
                "environment_id": env["id"],
                "schedule": {"type": "cron", "expression": "0 * * * *", "timezone": "UTC"},
                "initial_events": [
                    {"type": "user.message", "content": "Triage the issues opened in the last hour"}
                ],
            },
        ).json()
    project = example("existing", tmp_path, engine_env, emulator)
    project.set_config("deploymentId", dep["id"])
    project.set_config("agentId", agent["id"])
    project.set_config("environmentId", env["id"])
    emulator.clear_requests()
    project.up()
    outputs = project.outputs()
    assert (outputs["agent_id"], outputs["environment_id"]) == (agent["id"], env["id"])
    assert outputs["deployment_id"] == dep["id"] and len(api_get(emulator, "/deployments")["data"]) == 1
    assert outputs["agent_version"] == 2  # the prompt converged in place: one versioned update
    writes = [
        (e["method"], e["path"].rsplit("/", 1)[-1]) for e in emulator.requests() if e["method"] != "GET"
    ]
    assert writes == [("POST", agent["id"])]  # no create: nothing twinned, the environment untouched
    assert len(api_get(emulator, "/agents")["data"]) == 1
    project.preview("--expect-no-changes")
    project.destroy()
    assert api_get(emulator, "/deployments")["data"] == []  # adopted, so destroy archives it too
    assert api_get(emulator, f"/environments/{env['id']}")["archived_at"] is not None
