"""Moving a stack between the front ends without recreating anything (docs/native.md): dynamic ->
native by ``pulumi state delete`` + ``pulumi import --file``, native -> dynamic by ``state delete``
+ ``adopt_id``. Each move ends with a clean preview, and the service sees no create."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import PulumiProject

TOKEN = "migrate-token"
COMMON = """
schedule = {"expression": "0 9 * * *", "timezone": "Asia/Shanghai"}
events = [{"type": "user.message", "content": "Generate today's status report"}]
"""
DYNAMIC = (
    """
import pulumi
from pulumi_qoder import Agent, Deployment, Environment
"""
    + COMMON
    + """
bot = Agent("reporter", name="reporter", model="ultimate", system="Be brief.", adopt_id=pulumi.Config().get("bot"))
env = Environment("sandbox", name="sandbox", adopt_id=pulumi.Config().get("env"))
dep = Deployment("daily", name="daily", agent={"id": bot.id, "version": bot.version}, environment_id=env.id,
                 schedule=schedule, initial_events=events, adopt_id=pulumi.Config().get("dep"))
pulumi.export("ids", [bot.id, env.id, dep.id])
"""
)
NATIVE = (
    """
import pulumi
"""
    + COMMON
    + """
bot = pulumi.CustomResource("qoder:index:Agent", "reporter",
                            {"name": "reporter", "model": "ultimate", "system": "Be brief.", "version": None})
env = pulumi.CustomResource("qoder:index:Environment", "sandbox", {"name": "sandbox"})
dep = pulumi.CustomResource("qoder:index:Deployment", "daily", {
    "name": "daily", "agent": {"id": bot.id, "version": bot.version}, "environment_id": env.id,
    "schedule": schedule, "initial_events": events})
pulumi.export("ids", [bot.id, env.id, dep.id])
"""
)


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(TOKEN,), clock="manual") as emu:
        yield emu


def creates(emu: EmulatorHandle) -> int:
    return len([r for r in emu.requests() if r["method"] == "POST" and str(r["path"]).count("/") <= 4])


def qoder_resources(project: PulumiProject) -> list[dict[str, object]]:
    """The Qoder objects in state (not the provider resources)."""
    return [
        r
        for r in project.resources("")
        if str(r["type"]).startswith(("qoder:index:", "pulumi-python:dynamic/qoder:"))
    ]


def test_dynamic_to_native_and_back_without_recreating(
    make_project: Callable[..., PulumiProject], emulator: EmulatorHandle
) -> None:
    project = make_project(DYNAMIC, env={"QODER_PAT": TOKEN, "QODER_BASE_URL": emulator.base_url})
    project.up()
    ids = project.outputs()["ids"]
    assert {str(r["type"]) for r in qoder_resources(project)} == {
        "pulumi-python:dynamic/qoder:Agent",
        "pulumi-python:dynamic/qoder:Environment",
        "pulumi-python:dynamic/qoder:Deployment",
    }
    emulator.clear_requests()

    # Dynamic -> native: forget the dynamic resources, import the same objects as native ones.
    project.write_program(NATIVE)
    records = [
        (str(r["urn"]), str(r["type"]).rsplit(":", 1)[-1], str(r["id"])) for r in qoder_resources(project)
    ]
    project.run(
        "state", "delete", "--target-dependents", "--yes", next(u for u, t, _ in records if t == "Agent")
    )
    project.run("state", "delete", "--yes", next(u for u, t, _ in records if t == "Environment"))
    assert qoder_resources(project) == []
    names = {"Agent": "reporter", "Environment": "sandbox", "Deployment": "daily"}
    plan = {"resources": [{"type": f"qoder:index:{t}", "name": names[t], "id": i} for _, t, i in records]}
    (project.directory / "import.json").write_text(json.dumps(plan))
    project.run("import", "--file", "import.json", "--generate-code=false", "--protect=false", "--yes")
    project.preview("--expect-no-changes", "--diff")
    assert {str(r["type"]) for r in qoder_resources(project)} == {f"qoder:index:{t}" for t in names}
    assert {str(r["id"]) for r in qoder_resources(project)} == set(ids)
    assert creates(emulator) == 0

    # Native -> dynamic: forget the native resources, adopt the same objects by id.
    agent_urn = next(str(r["urn"]) for r in qoder_resources(project) if r["type"] == "qoder:index:Agent")
    env_urn = next(str(r["urn"]) for r in qoder_resources(project) if r["type"] == "qoder:index:Environment")
    project.run("state", "delete", "--target-dependents", "--yes", agent_urn)
    project.run("state", "delete", "--yes", env_urn)
    project.write_program(DYNAMIC)
    for key, id_ in zip(("bot", "env", "dep"), ids, strict=True):
        project.set_config(key, id_)
    project.up()
    assert project.outputs()["ids"] == ids
    project.preview("--expect-no-changes")
    assert creates(emulator) == 0
    project.destroy()
