"""Pulumi YAML programs on the native provider, through the real engine on the emulator:
``examples/yaml`` (the seed's daily report) through up / preview --diff / update / refresh /
destroy, and ``examples/import`` (objects made by hand, then ``pulumi import``, then a clean
preview). The YAML language host comes from scripts/get-language-yaml.sh (built once, cached)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import REPO_ROOT, PulumiProject

TOKEN = "yaml-token"


@pytest.fixture(scope="module")
def yaml_host(engine_bin: Path) -> Path:
    """``pulumi-language-yaml`` next to the engine (built on first use, then reused)."""
    result = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "get-language-yaml.sh"), str(engine_bin)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    host = engine_bin / "pulumi-language-yaml"
    assert result.returncode == 0 and host.exists(), f"no YAML language host:\n{result.stderr}"
    return host


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(TOKEN,), clock="manual") as emu:
        yield emu


@pytest.fixture
def yaml_example(
    yaml_host: Path, engine_env: dict[str, str], tmp_path: Path, emulator: EmulatorHandle
) -> Callable[[str], PulumiProject]:
    """``yaml_example("yaml")``: a copy of examples/<name> with stack ``dev``, on the emulator."""

    def make(name: str) -> PulumiProject:
        directory = tmp_path / name
        shutil.copytree(REPO_ROOT / "examples" / name, directory)
        # The example points at the repository's virtualenv relative to itself; the copy cannot.
        manifest = directory / "Pulumi.yaml"
        plugin_dir = Path(sys.executable).parent
        manifest.write_text(manifest.read_text().replace("path: ../../.venv/bin", f"path: {plugin_dir}"))
        env = {**engine_env, "QODER_PAT": TOKEN, "QODER_BASE_URL": emulator.base_url}
        project = PulumiProject(directory, env)
        project.run("stack", "init", project.stack)
        return project

    return make


def get(emu: EmulatorHandle, path: str) -> dict[str, Any]:
    with emu.api() as api:
        response = api.get(path)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def test_yaml_daily_report_up_diff_update_refresh_destroy(
    yaml_example: Callable[[str], PulumiProject], emulator: EmulatorHandle
) -> None:
    project = yaml_example("yaml")
    project.up()
    out = project.outputs()
    assert out["schedule_summary"] == "at 09:00, every day (Asia/Shanghai)"
    assert out["status"] == "active"
    assert out["upcoming_runs_at"] and all(t.endswith("01:00:00Z") for t in out["upcoming_runs_at"])
    dep = get(emulator, f"/deployments/{out['deployment_id']}")
    assert dep["agent"]["id"] == out["agent_id"] and dep["environment_id"] == out["environment_id"]
    assert dep["schedule"]["expression"] == "0 9 * * *"
    project.preview("--expect-no-changes")

    # A schedule change, reviewed property by property, then applied in place.
    project.set_config("cron", "0 10 * * 1-5")
    diff = project.preview("--diff").stdout
    assert 'expression: "0 9 * * *" => "0 10 * * 1-5"' in diff
    assert 'schedule_summary: "at 09:00, every day (Asia/Shanghai)" => "at 10:00, Monday to Friday' in diff
    assert "1 to update" in diff and "replace" not in diff
    project.up()
    assert get(emulator, f"/deployments/{out['deployment_id']}")["schedule"]["expression"] == "0 10 * * 1-5"
    assert project.outputs()["deployment_id"] == out["deployment_id"]  # updated, not replaced

    # Refresh: a change made by hand in the console is read back, and the next up reverts it.
    with emulator.api() as api:
        assert api.post(
            f"/deployments/{out['deployment_id']}", json={"description": "edited by hand"}
        ).is_success
    project.refresh()
    state = {r["type"]: r for r in project.resources("qoder:index:Deployment")}
    assert state["qoder:index:Deployment"]["outputs"]["description"] == "edited by hand"
    diff = project.preview("--diff").stdout
    assert "edited by hand" in diff and "1 to update" in diff
    project.up()
    assert get(emulator, f"/deployments/{out['deployment_id']}")["description"] == (
        "The team's status report, every morning"
    )
    project.refresh()
    project.preview("--expect-no-changes")

    project.destroy()
    assert get(emulator, f"/deployments/{out['deployment_id']}")["archived_at"] is not None
    assert get(emulator, f"/agents/{out['agent_id']}")["archived_at"] is not None
    assert project.resources("qoder:index:Deployment") == []


def test_import_objects_made_by_hand_then_clean_preview(
    yaml_example: Callable[[str], PulumiProject], emulator: EmulatorHandle
) -> None:
    project = yaml_example("import")
    # Made by hand, as README.md shows with curl: the bodies are the example's by-hand.json.
    bodies = json.loads((project.directory / "by-hand.json").read_text())
    with emulator.api() as api:
        agent = api.post("/agents", json=bodies["agents"]).json()["id"]
        env = api.post("/environments", json=bodies["environments"]).json()["id"]
        made = api.post("/deployments", json={**bodies["deployments"], "agent": agent, "environment_id": env})
        assert made.is_success, made.text
        dep = made.json()["id"]
    writes_before = len([r for r in emulator.requests() if r["method"] != "GET"])

    for type_, name, id_ in (
        ("qoder:index:Agent", "triage-bot", agent),
        ("qoder:index:Environment", "triage-sandbox", env),
        ("qoder:index:Deployment", "nightly-triage", dep),
    ):
        project.run("import", type_, name, id_, "--generate-code=false", "--protect=false", "--yes")

    # The program describes them exactly: no change, and the import wrote nothing to the service.
    project.preview("--expect-no-changes", "--diff")
    project.up("--expect-no-changes")
    assert len([r for r in emulator.requests() if r["method"] != "GET"]) == writes_before
    assert project.outputs()["deployment_id"] == dep
    assert {r["id"] for r in project.resources("") if r["type"].startswith("qoder:index:")} == {
        agent,
        env,
        dep,
    }

    # From now on the program manages them: a change is an update in place of the same object.
    (project.directory / "Pulumi.yaml").write_text(
        (project.directory / "Pulumi.yaml").read_text().replace('"30 2 * * *"', '"0 3 * * 1-5"')
    )
    project.up()
    assert get(emulator, f"/deployments/{dep}")["schedule"]["expression"] == "0 3 * * 1-5"
    project.destroy()
    assert get(emulator, f"/deployments/{dep}")["archived_at"] is not None


TWO_ACCOUNTS_YAML = """
name: qoder-two-accounts
runtime: yaml
plugins:
  providers:
    - name: qoder
      path: {plugin_dir}
config:
  url: {{type: string}}
  tokenA: {{type: string, secret: true}}
  tokenB: {{type: string, secret: true}}
resources:
{teams}
outputs:
  a: ${{env-a.id}}
  b: ${{env-b.id}}
"""
TEAM_YAML = """
  team-{t}:
    type: pulumi:providers:qoder
    properties:
      token: ${{token{T}}}
      baseUrl: ${{url}}
  env-{t}:
    type: qoder:index:Environment
    options:
      provider: ${{team-{t}}}
    properties:
      name: shared-name
"""


def test_yaml_program_with_two_explicit_providers(
    yaml_host: Path, engine_env: dict[str, str], tmp_path: Path
) -> None:
    with running_emulator(tokens=("yaml-team-a", "yaml-team-b"), clock="manual") as emu:
        directory = tmp_path / "two"
        directory.mkdir()
        teams = "".join(TEAM_YAML.format(t=t, T=t.upper()) for t in ("a", "b"))
        (directory / "Pulumi.yaml").write_text(
            TWO_ACCOUNTS_YAML.format(plugin_dir=Path(sys.executable).parent, teams=teams)
        )
        project = PulumiProject(directory, dict(engine_env))  # no QODER_* at all
        project.run("stack", "init", project.stack)
        project.set_config("url", emu.base_url)
        project.set_config("tokenA", "yaml-team-a", secret=True)
        project.set_config("tokenB", "yaml-team-b", secret=True)
        project.up()
        out = project.outputs()
        for team, token, other in (("a", "yaml-team-a", "yaml-team-b"), ("b", "yaml-team-b", "yaml-team-a")):
            with emu.api(token) as mine, emu.api(other) as theirs:
                assert mine.get(f"/environments/{out[team]}").status_code == 200
                assert theirs.get(f"/environments/{out[team]}").status_code == 404
        assert "yaml-team-a" not in json.dumps(project.export())
        project.destroy()
