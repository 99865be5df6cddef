"""The engine toolchain itself: the trivial `Note` dynamic resource through a full lifecycle.

Proves, before anything depends on the Qoder provider, that the engine built by
scripts/get-engine.sh runs Python dynamic providers both ways: through the Automation API inline
path and through a plain `pulumi up` in a project directory (our Python language host).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pulumi
from pulumi import automation as auto

from pulumi_qoder.smoke import Note
from tests.engine.conftest import PulumiProject, accepted_engine

PROGRAM = """
import pulumi
from pulumi_qoder.smoke import Note

note = Note("greeting", text=pulumi.Config().get("text") or "hello")
pulumi.export("digest", note.digest)
pulumi.export("text", note.text)
"""


def test_engine_reports_pinned_version(engine_bin: Path) -> None:
    out = subprocess.run([str(engine_bin / "pulumi"), "version"], capture_output=True, text=True, check=True)
    assert accepted_engine(out.stdout.strip()), out.stdout


def test_plain_pulumi_up_lifecycle(make_project: Callable[..., PulumiProject]) -> None:
    project = make_project(PROGRAM)

    project.up()
    assert project.outputs()["text"] == "hello"
    first_digest = project.outputs()["digest"]
    note_id = project.resources("smoke:Note")[0]["id"]

    project.set_config("text", "world")
    preview = project.preview("--diff")
    assert '~ text: "hello" => "world"' in preview.stdout
    assert "1 to update" in preview.stdout

    project.up()
    assert project.outputs()["text"] == "world"
    assert project.outputs()["digest"] != first_digest
    assert project.resources("smoke:Note")[0]["id"] == note_id  # updated in place, not replaced

    refreshed = project.refresh()
    assert "error" not in refreshed.stdout.lower()
    no_change = project.preview("--diff", "--expect-no-changes")
    assert no_change.returncode == 0

    project.destroy()
    assert project.resources("smoke:Note") == []


def test_inline_automation_api_lifecycle(inline_stack: Callable[..., auto.Stack]) -> None:
    def program() -> None:
        note = Note("greeting", text=pulumi.Config().get("text") or "hello")
        pulumi.export("digest", note.digest)

    stack = inline_stack(program)
    first = stack.up(on_output=lambda _: None)
    assert first.summary.resource_changes == {"create": 2}

    stack.set_config("text", auto.ConfigValue("world"))
    preview = stack.preview(diff=True, on_output=lambda _: None)
    assert preview.change_summary.get(auto.OpType.UPDATE) == 1
    assert '~ text: "hello" => "world"' in preview.stdout

    second = stack.up(on_output=lambda _: None)
    assert second.outputs["digest"].value != first.outputs["digest"].value

    stack.refresh(on_output=lambda _: None)
    stack.destroy(on_output=lambda _: None)
    deployment = stack.export_stack().deployment
    assert deployment is not None
    assert deployment.get("resources") in (None, [])
