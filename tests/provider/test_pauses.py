"""Pauses the service makes, in-process against the emulator (manual clock): what refresh records,
what preview warns, when an update resumes; and the adoption preview. The engine-level view of the
same rules is tests/engine/test_pauses_engine.py."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_qoder.deployment import DeploymentProvider
from pulumi_qoder.resources.deployment.lifecycle import DeploymentLifecycle

from .conftest import Target, api_calls, deployment_props


def lifecycle(warnings: list[str]) -> DeploymentLifecycle:
    """The core lifecycle with its warnings collected (the front end sends them to the engine)."""
    return DeploymentLifecycle(DeploymentProvider().client, warn=warnings.append)


def error_paused(
    target: Target, provider: DeploymentProvider, **overrides: Any
) -> tuple[str, dict[str, Any]]:
    """A deployment whose agent is archived and that the service paused at its next fire."""
    assert target.emulator is not None
    with target.api() as api:
        agent = api.post("/agents", json={"name": target.unique("agent"), "model": "ultimate"}).json()["id"]
        inputs = provider.check({}, deployment_props(target, agent=agent, **overrides)).inputs
        created = provider.create(inputs)
        assert api.post(f"/agents/{agent}/archive").status_code == 200
        target.emulator.advance(86400)
        assert api.get(f"/deployments/{created.id}").json()["status"] == "paused"
    return created.id, created.outs or {}


def test_refresh_records_a_resumable_pause_as_a_change_and_update_resumes(
    emulator_target: Target, emulator_provider: DeploymentProvider
) -> None:
    target = emulator_target
    dep_id, outs = error_paused(target, emulator_provider)
    warnings: list[str] = []
    core = lifecycle(warnings)

    # While the agent is archived, refresh keeps the intent (no change planned) and says why.
    read = core.read(dep_id, outs)
    assert read.inputs is not None and read.inputs["desired_status"] == "active"
    assert read.outs["status"] == "paused" and read.outs["upcoming_runs_at"] == []
    [refreshed] = warnings
    assert refreshed.startswith(f'deployment "{outs["name"]}" ({dep_id}) is paused by the service: ')
    assert refreshed.endswith(f"it stays paused while its agent {outs['agent']} is archived"), refreshed
    warnings.clear()
    news = emulator_provider.check(
        {}, {**deployment_props(target), "name": outs["name"], "agent": outs["agent"]}
    ).inputs
    core.diff(dep_id, read.outs, news)
    [warning] = warnings
    assert f'deployment "{outs["name"]}" ({dep_id})' in warning and "agent_archived_error" in warning
    assert "leaves it paused while the cause remains" in warning

    # Someone points it at a live agent by hand: the cause is gone, refresh says so as drift.
    with target.api() as api:
        live_agent = api.post("/agents", json={"name": target.unique("agent"), "model": "ultimate"}).json()[
            "id"
        ]
        api.post(f"/deployments/{dep_id}", json={"agent": live_agent})
    target.emulator.clear_requests()  # type: ignore[union-attr]
    warnings.clear()
    read = core.read(dep_id, read.outs)
    assert read.inputs is not None and read.inputs["desired_status"] == "paused"
    assert warnings and 'live again: `up` resumes it ("paused" => "active")' in warnings[0], warnings
    assert sorted(api_calls(target.emulator)) == sorted(  # type: ignore[arg-type]
        [
            f"GET /deployments/{dep_id}",
            f"GET /agents/{live_agent}",
            f"GET /environments/{target.environment_id}",
        ]
    )
    news = {**news, "agent": live_agent}
    warnings.clear()
    core.diff(dep_id, read.outs, news)
    assert warnings and "this update resumes it" in warnings[0]

    target.emulator.clear_requests()  # type: ignore[union-attr]
    updated = core.update(dep_id, read.outs, news).outs
    assert api_calls(target.emulator)[-1] == f"POST /deployments/{dep_id}/unpause"  # type: ignore[arg-type]
    assert updated["status"] == "active" and updated["paused_reason"] is None
    assert len(updated["upcoming_runs_at"]) == 5


def test_update_while_the_cause_remains_does_not_unpause(
    emulator_target: Target, emulator_provider: DeploymentProvider
) -> None:
    target = emulator_target
    dep_id, outs = error_paused(target, emulator_provider)
    warnings: list[str] = []
    core = lifecycle(warnings)
    read = core.read(dep_id, outs)
    news = emulator_provider.check(
        {},
        {**deployment_props(target), "name": outs["name"], "agent": outs["agent"], "description": "edited"},
    ).inputs
    target.emulator.clear_requests()  # type: ignore[union-attr]
    updated = core.update(dep_id, read.outs, news).outs
    calls = api_calls(target.emulator)  # type: ignore[arg-type]
    assert f"POST /deployments/{dep_id}" in calls and not any(c.endswith("/unpause") for c in calls)
    assert updated["status"] == "paused" and updated["description"] == "edited"
    assert any("stays paused" in w and "is archived" in w for w in warnings), warnings


def test_adoption_preview_reads_once_and_names_the_changes(
    emulator_target: Target, emulator_provider: DeploymentProvider
) -> None:
    target = emulator_target
    with target.api() as api:
        existing = api.post(
            "/deployments",
            json={
                "name": target.unique(),
                "agent": target.agent_id,
                "environment_id": target.environment_id,
                "initial_events": [{"type": "user.message", "content": "Generate today's status report"}],
            },
        ).json()
    warnings: list[str] = []
    core = lifecycle(warnings)
    props = deployment_props(target, name=existing["name"], adopt_id=existing["id"])
    target.emulator.clear_requests()  # type: ignore[union-attr]
    result = core.check({}, props)
    assert result.failures == []
    assert api_calls(target.emulator) == [f"GET /deployments/{existing['id']}"]  # type: ignore[arg-type]
    assert warnings == [
        f"adopt_id {existing['id']}: `up` takes over this deployment and changes metadata, schedule to match the program"
    ]
    # Once the resource is in state, check makes no call and says nothing.
    warnings.clear()
    target.emulator.clear_requests()  # type: ignore[union-attr]
    assert core.check({"name": existing["name"]}, props).failures == []
    assert warnings == [] and api_calls(target.emulator) == []  # type: ignore[arg-type]

    gone = core.check({}, deployment_props(target, adopt_id="dep_0000000000000000000000000000dead"))
    assert [f.reason for f in gone.failures] == [
        "adopt_id: deployment dep_0000000000000000000000000000dead is not found (wrong id, or another account's)"
    ]


@pytest.mark.parametrize("desired", ["active", "paused"])
def test_no_warning_for_a_deployment_the_service_did_not_pause(desired: str) -> None:
    warnings: list[str] = []
    core = DeploymentLifecycle(lambda: pytest.fail("no API call expected"), warn=warnings.append)
    outs: dict[str, Any] = {
        "name": "n",
        "status": "paused" if desired == "paused" else "active",
        "paused_reason": None,
    }
    if desired == "paused":
        outs["paused_reason"] = {"type": "manual"}
    core.diff("dep_1", {**outs, "desired_status": desired}, {"desired_status": desired})
    assert warnings == []
