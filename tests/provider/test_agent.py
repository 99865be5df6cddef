"""Agent provider methods in-process against the emulator (and the real service when configured):
check rules, lifecycle, optimistic versions, drift, idempotent create."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import rpc

from pulumi_qoder.agent import AgentProvider, check_inputs, update_patch
from pulumi_qoder.errors import QoderError

from .conftest import Target, api_calls


@pytest.fixture
def agents(target: Target, monkeypatch: pytest.MonkeyPatch) -> AgentProvider:
    monkeypatch.setenv("QODER_BASE_URL", target.base_url)
    monkeypatch.setenv("QODER_PAT", target.token)
    return AgentProvider()


def props(target: Target, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": target.unique("agent"),
        "model": "ultimate",
        "system": "You write short status reports.",
        "tools": [{"type": "agent_toolset_20260401"}],
        "skills": [{"type": "custom", "skill_id": "skill_report"}],
        "metadata": {"team": "platform", "tier": "gold"},
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def failures(news: dict[str, Any]) -> dict[str, str]:
    _, found = check_inputs(news)
    return {f.property: f.reason for f in found}


def test_check_names_the_property_and_the_rule() -> None:
    found = failures(
        {
            "model": {"id": "", "size": "xl"},
            "skills": [{"type": "custom"}],
            "tools": "all",
            "metadata": {"cas_config": "x", **{f"k{i}": "v" for i in range(17)}},
            "version": 3,
            "colour": "red",
        }
    )
    assert found["name"] == "name: is required"
    assert found["model.size"].startswith("model.size: unknown field; the fields of a model are id,")
    assert found["model.id"] == "model.id: must not be empty"
    assert found["skills[0].skill_id"] == "skills[0].skill_id: is required"
    assert found["tools"] == "tools: must be a list of objects, got str"
    assert (
        found["metadata.cas_config"] == "metadata.cas_config: is reserved for deployment execution settings"
    )
    assert found["metadata"] == "metadata: must have at most 16 keys (got 17)"
    assert found["version"] == "version: is an output and cannot be set"
    assert found["colour"].startswith("colour: is not a property of this resource")


def test_check_passes_unknowns_and_canonicalizes() -> None:
    inputs, found = check_inputs(
        {"name": rpc.UNKNOWN, "model": {"id": rpc.UNKNOWN}, "system": "", "tools": []}
    )
    assert found == []
    # Empty text and lists mean "not set": same inputs, no diff against an omitted property.
    assert inputs == {"name": rpc.UNKNOWN, "model": {"id": rpc.UNKNOWN}}


def test_update_patch_is_minimal_and_clears_removed_values() -> None:
    old, _ = check_inputs(
        {"name": "a", "model": "m", "system": "s", "tools": [{"type": "t"}], "metadata": {"x": "1"}}
    )
    new, _ = check_inputs({"name": "a", "model": "m", "metadata": {"y": "2"}})
    assert update_patch(old, new) == {"system": "", "tools": [], "metadata": {"x": None, "y": "2"}}
    assert update_patch(new, new) == {}


def test_lifecycle_versions_and_archive(target: Target, agents: AgentProvider) -> None:
    inputs, _ = check_inputs(props(target))
    created = agents.create(inputs)
    outs = created.outs or {}
    assert created.id.startswith("agent_") and outs["version"] == 1
    assert agents.read(created.id, outs).inputs == inputs  # reading back what we wrote: no drift

    new, _ = check_inputs(
        props(target, name=inputs["name"], system="Be brief.", tools=None, metadata={"team": "ops"})
    )
    updated = agents.update(created.id, outs, new).outs or {}
    assert updated["version"] == 2 and updated["system"] == "Be brief."
    with target.api() as api:
        server = api.get(f"/agents/{created.id}").json()
    assert server["version"] == 2 and server["tools"] == [] and server["metadata"] == {"team": "ops"}

    if target.emulator:
        target.emulator.clear_requests()
    same = agents.update(created.id, updated, new).outs or {}  # nothing to change: no write
    assert same["version"] == 2
    if target.emulator:
        assert api_calls(target.emulator) == [f"GET /agents/{created.id}"]

    agents.delete(created.id, same)
    agents.delete(created.id, same)  # archived already: still done, not an error
    with target.api() as api:
        assert api.get(f"/agents/{created.id}").json()["archived_at"] is not None
    assert agents.read(created.id, same).id == ""  # an archived agent is gone for refresh


def test_outside_change_is_a_clear_version_conflict_until_refresh(
    target: Target, agents: AgentProvider
) -> None:
    inputs, _ = check_inputs(props(target))
    created = agents.create(inputs)
    outs = created.outs or {}
    with target.api() as api:
        api.post(
            f"/agents/{created.id}", json={"version": 1, "name": "renamed-in-console"}
        ).raise_for_status()

    new, _ = check_inputs(props(target, name=inputs["name"], system="Changed in code."))
    with pytest.raises(QoderError, match=r"changed outside this stack.*version 1.*pulumi refresh") as err:
        agents.update(created.id, outs, new)
    assert "409" in str(err.value)

    refreshed = agents.read(created.id, outs)
    assert refreshed.inputs is not None and refreshed.inputs["name"] == "renamed-in-console"
    assert (refreshed.outs or {})["version"] == 2
    after = agents.update(created.id, refreshed.outs or {}, new).outs or {}
    assert after["version"] == 3 and after["name"] == inputs["name"] and after["system"] == "Changed in code."
    agents.delete(created.id, after)


def test_refresh_right_after_an_update_tolerates_a_stale_read(target: Target, agents: AgentProvider) -> None:
    if target.emulator is None:
        pytest.skip("fault injection needs the emulator")
    inputs, _ = check_inputs(props(target))
    created = agents.create(inputs)
    new, _ = check_inputs(props(target, name=inputs["name"], system="Be brief."))
    # The first GET after the update's write answers with the previous version (a lagging replica).
    target.emulator.set_faults({"stale_reads": {"reads": 1, "count": 1, "methods": ["POST"]}})
    updated = agents.update(created.id, created.outs or {}, new).outs or {}
    assert updated["version"] == 2
    target.emulator.clear_requests()
    read = agents.read(created.id, updated)
    assert read.inputs == new and (read.outs or {})["version"] == 2
    assert api_calls(target.emulator) == [f"GET /agents/{created.id}"] * 2  # one stale answer, then fresh
    agents.delete(created.id, updated)


def test_import_by_id_reads_program_inputs_without_drift(target: Target, agents: AgentProvider) -> None:
    program = props(target, model={"id": "ultimate"})
    with target.api() as api:
        body = {**program, "model": "ultimate"}  # made elsewhere with the string spelling
        agent_id = api.post("/agents", json=body).json()["id"]
    inputs, _ = check_inputs(program)
    read = agents.read(agent_id, inputs)
    assert read.id == agent_id and read.inputs == inputs  # {"id": x} and "x" are the same model
    agents.delete(agent_id, read.outs or {})


def test_create_dropped_after_commit_makes_one_agent(target: Target, agents: AgentProvider) -> None:
    if target.emulator is None:
        pytest.skip("fault injection needs the emulator")
    target.emulator.set_faults(
        {"drop_after_commit": {"count": 1, "methods": ["POST"], "path_regex": "/agents$"}}
    )
    inputs, _ = check_inputs(props(target))
    created = agents.create(inputs)
    with target.api() as api:
        same_name = [
            a for a in api.get("/agents", params={"limit": 100}).json()["data"] if a["name"] == inputs["name"]
        ]
    assert [a["id"] for a in same_name] == [created.id]
    # Destroy, then the same program again within 24 h: the replayed key must not resurrect it.
    agents.delete(created.id, created.outs or {})
    again = agents.create(inputs)
    assert again.id != created.id and (again.outs or {})["archived_at"] is None
    agents.delete(again.id, again.outs or {})
