"""Deployments and runs through ``qca.Managed().deployments`` / ``.deployment_runs``."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import qca
from qca.managed.types.deployment import Deployment
from qca.managed.types.deployment_run import DeploymentRun

from qoder_emulator.testing import EmulatorHandle

from .conftest import START

SEED = Path(__file__).parent.parent / "emulator" / "seed_create_request.json"


@pytest.fixture(scope="module")
def refs(sdk: qca.Managed) -> dict[str, Any]:
    agent = sdk.agents.create(name="reporter", model="ultimate")
    env = sdk.environments.create(name="sandbox", config={"type": "cloud"})
    assert agent.id is not None and env.id is not None
    return {"agent": agent.id, "environment_id": env.id}


BLOCKS = [{"type": "user.message", "content": [{"type": "text", "text": "Generate the report"}]}]


def seed_body(refs: dict[str, Any], name: str, **overrides: Any) -> dict[str, Any]:
    """The seed's request body; ``blocks=True`` sends its message as text blocks, the form
    qca-sdk's typed params and response models declare (the seed sends a string)."""
    body: dict[str, Any] = json.loads(SEED.read_text())
    if overrides.pop("blocks", True):
        body["initial_events"] = BLOCKS
    return {**body, **refs, "name": name, **overrides}


def dump(model: Any) -> Any:
    return model.model_dump(mode="json", warnings=False)


def test_seed_body_create_get_list(sdk: qca.Managed, refs: dict[str, Any]) -> None:
    # The SDK's default (lenient) parsing: strict parsing of deployments is covered in test_models.py.
    made = sdk.deployments.create(**seed_body(refs, "seed", blocks=False))
    assert isinstance(made, Deployment) and made.id is not None and made.id.startswith("dep_")
    assert made.name == "seed" and made.status == "active" and made.paused_reason is None
    assert made.agent is not None and (made.agent.id, made.agent.type, made.agent.version) == (
        refs["agent"],
        "agent",
        1,
    )
    assert made.schedule is not None and made.schedule.timezone == "Asia/Shanghai"
    assert made.schedule.upcoming_runs_at is not None and len(made.schedule.upcoming_runs_at) == 5
    assert made.schedule.upcoming_runs_at[0].isoformat() == "2026-06-15T01:00:00+00:00"  # 09:00 Shanghai
    assert made.created_at == START and made.budget is None
    assert made._request_id is not None and made._request_id.startswith("req_")
    assert made.initial_events is not None
    echoed: Any = made.initial_events[0].content
    assert echoed == "Generate today's status report"  # echoed as sent (#4)
    assert dump(sdk.deployments.retrieve(made.id)) == dump(made)
    assert made.id in [d.id for d in sdk.deployments.list(agent_id=refs["agent"])]


def test_update_pause_unpause_run_archive(
    sdk: qca.Managed, strict_sdk: qca.Managed, refs: dict[str, Any]
) -> None:
    made = sdk.deployments.create(**seed_body(refs, "lifecycle", metadata={"team": "ops", "tier": "1"}))
    assert made.id is not None
    # Merge-patch: a metadata key sent as null is deleted, the others stay; schedule null = manual only.
    updated = sdk.deployments.update(made.id, metadata={"tier": None}, schedule=None)
    assert (
        updated.metadata is not None and "tier" not in updated.metadata and updated.metadata["team"] == "ops"
    )
    assert updated.schedule is None
    budgeted = sdk.deployments.update(made.id, budget={"type": "limit", "max_credit_cost": "12.50"})
    assert budgeted.budget is not None and budgeted.budget.max_credit_cost == "12.50"
    assert budgeted.budget.type == "limit"

    paused = sdk.deployments.pause(made.id)
    assert paused.status == "paused" and paused.paused_reason is not None
    assert paused.paused_reason.type == "manual"
    with pytest.raises(qca.ConflictError):
        sdk.deployments.run(made.id)
    active = sdk.deployments.unpause(made.id)
    assert active.status == "active" and active.paused_reason is None

    run = sdk.deployments.run(made.id)
    assert isinstance(run, DeploymentRun) and run.id is not None and run.id.startswith("drun_")
    assert run.deployment_id == made.id and run.error is None and run.session_id is not None
    assert run.trigger_context is not None and run.trigger_context.type == "manual"
    assert strict_sdk.deployment_runs.retrieve(run.id).to_dict() == run.to_dict()
    assert sdk.deployments.runs.retrieve(run.id, deployment_id=made.id).to_dict() == run.to_dict()

    archived = sdk.deployments.archive(made.id)
    assert archived.archived_at is not None and archived.name is not None
    assert archived.name.startswith("lifecycle_archived_")
    with pytest.raises(qca.ConflictError):
        sdk.deployments.archive(made.id)
    assert made.id not in [d.id for d in sdk.deployments.list()]
    assert made.id in [d.id for d in sdk.deployments.list(include_archived=True)]


def test_budget_also_takes_the_cma_money_shape(sdk: qca.Managed, refs: dict[str, Any]) -> None:
    cma = {"type": "limit", "max_list_cost": {"currency": "USD", "amount": "2500"}}
    made = sdk.deployments.create(**seed_body(refs, "cma-budget", budget=cma))
    assert made.budget is not None and made.budget.to_dict() == cma  # echoed as sent
    with pytest.raises(qca.BadRequestError) as caught:
        sdk.deployments.create(
            **seed_body(refs, "bad-budget", budget={"type": "limit", "max_credit_cost": "-1"})
        )
    assert caught.value.body["error"]["param"] == "budget.max_credit_cost"


def test_runs_filters_scoped_and_global(emu: EmulatorHandle, sdk: qca.Managed, refs: dict[str, Any]) -> None:
    dep = sdk.deployments.create(
        **seed_body(refs, "runs", schedule={"type": "cron", "expression": "0 * * * *", "timezone": "UTC"})
    )
    assert dep.id is not None
    other = sdk.deployments.create(**seed_body(refs, "runs-other"))
    assert other.id is not None
    before = emu.now()
    emu.advance(3 * 3600)  # three scheduled runs, one an hour
    manual = sdk.deployments.run(dep.id)
    sdk.deployments.run(other.id)
    assert manual.id is not None and manual.created_at is not None

    scoped = list(sdk.deployments.runs.list(dep.id))
    assert len(scoped) == 4 and scoped[0].id == manual.id
    assert all(r.deployment_id == dep.id for r in scoped)
    window = list(
        sdk.deployments.runs.list(
            dep.id,
            triggered_after=(before + timedelta(minutes=90)).isoformat(),
            triggered_before=(before + timedelta(minutes=150)).isoformat(),
        )
    )
    assert len(window) == 1 and window[0].trigger_context is not None
    assert window[0].trigger_context.type == "schedule"

    mine = list(sdk.deployment_runs.list(deployment_id=dep.id))
    assert [r.id for r in mine] == [r.id for r in scoped]
    assert [r.id for r in sdk.deployment_runs.list(deployment_id=dep.id, trigger_type="manual")] == [
        manual.id
    ]
    assert list(sdk.deployment_runs.list(deployment_id=dep.id, has_error=True)) == []
    first_hour = scoped[-1].created_at
    assert first_hour is not None
    # created_at[gt|gte|lt|lte]: each bound really filters (an ignored filter would return all four).
    assert len(list(sdk.deployment_runs.list(deployment_id=dep.id, created_at_gt=first_hour))) == 3
    assert len(list(sdk.deployment_runs.list(deployment_id=dep.id, created_at_gte=first_hour))) == 4
    assert len(list(sdk.deployment_runs.list(deployment_id=dep.id, created_at_lt=manual.created_at))) == 3
    assert len(list(sdk.deployment_runs.list(deployment_id=dep.id, created_at_lte=first_hour))) == 1
    assert [r.id for r in sdk.deployment_runs.list(created_at_gte=manual.created_at)][-1] == manual.id
    with pytest.raises(qca.BadRequestError) as caught:
        list(sdk.deployment_runs.list(extra_query={"created_at[gt]": "yesterday"}))
    assert caught.value.body["error"]["param"] == "created_at[gt]"
