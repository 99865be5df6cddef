"""The SDK's auto-pager in both directions, request ids, and errors as typed exceptions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import qca

from qoder_emulator.testing import EmulatorHandle

from .conftest import TOKENS, error_of, sdk_client

EMPTY_MESSAGE: Any = [{"type": "user.message", "content": ""}]
BLOCKS: Any = [{"type": "user.message", "content": [{"type": "text", "text": "go"}]}]


@pytest.fixture(scope="module")
def refs(sdk: qca.Managed) -> dict[str, Any]:
    agent = sdk.agents.create(name="pager", model="ultimate")
    env = sdk.environments.create(name="pager")
    assert agent.id is not None and env.id is not None
    return {"agent": agent.id, "environment_id": env.id}


def test_auto_pager_walks_forward_and_backward(emu: EmulatorHandle) -> None:
    bob = sdk_client(emu, TOKENS[1])  # a fresh account: the list holds exactly these
    made = [str(bob.vaults.create(display_name=f"v{i}").id) for i in range(7)]  # v0 oldest ... v6 newest
    newest_first = list(reversed(made))
    assert [v.id for v in bob.vaults.list(limit=3)] == newest_first
    first = bob.vaults.list(limit=3)
    assert first.has_more and first.next_page == first.last_id
    # Starting with before_id the pager must keep going toward newer objects, each one once.
    backward = [str(v.id) for v in bob.vaults.list(before_id=made[1], limit=2)]
    assert sorted(backward) == sorted(made[2:]) and len(backward) == 5
    pages = list(bob.vaults.list(before_id=made[1], limit=2).iter_pages())
    assert [[v.id for v in p.data] for p in pages] == [[made[3], made[2]], [made[5], made[4]], [made[6]]]
    assert pages[-1].has_more is False and pages[-1].next_page is None
    # after_id keeps walking toward older ones.
    assert [v.id for v in bob.vaults.list(after_id=made[5], limit=2)] == list(reversed(made[:5]))
    with pytest.raises(qca.BadRequestError) as both:
        bob.vaults.list(after_id=made[5], before_id=made[1])
    assert error_of(both.value)["param"] == "before_id"


def test_runs_page_backward_through_the_sdk(
    emu: EmulatorHandle, sdk: qca.Managed, refs: dict[str, Any]
) -> None:
    dep = sdk.deployments.create(name="paged-runs", initial_events=BLOCKS, **refs)
    assert dep.id is not None
    runs = [str(sdk.deployments.run(dep.id).id) for _ in range(5)]
    assert [r.id for r in sdk.deployments.runs.list(dep.id, limit=2)] == list(reversed(runs))
    assert sorted(
        r.id or "" for r in sdk.deployments.runs.list(dep.id, before_id=runs[0], limit=2)
    ) == sorted(runs[1:])
    assert [r.id for r in sdk.deployment_runs.list(deployment_id=dep.id, after_id=runs[2], limit=1)] == [
        runs[1],
        runs[0],
    ]


def test_request_id_under_both_header_names(emu: EmulatorHandle, sdk: qca.Managed) -> None:
    response = httpx.get(f"{emu.base_url}/agents", headers={"Authorization": f"Bearer {TOKENS[0]}"})
    assert response.headers["request-id"] == response.headers["x-request-id"]
    assert response.headers["request-id"].startswith("req_")
    with pytest.raises(qca.NotFoundError) as missing:
        sdk.agents.retrieve("agent_missing")
    assert missing.value.request_id is not None and missing.value.request_id.startswith("req_")


@pytest.mark.parametrize(
    ("schedule", "param"),
    [
        ({"type": "cron", "expression": "0 9 * *", "timezone": "UTC"}, "schedule.expression"),
        ({"type": "cron", "expression": "61 9 * * *", "timezone": "UTC"}, "schedule.expression"),
        ({"type": "cron", "expression": "0 9 * * *", "timezone": "Mars/Olympus"}, "schedule.timezone"),
    ],
)
def test_bad_schedule_is_a_typed_400(
    sdk: qca.Managed, refs: dict[str, Any], schedule: Any, param: str
) -> None:
    with pytest.raises(qca.BadRequestError) as caught:
        sdk.deployments.create(name="bad", initial_events=BLOCKS, schedule=schedule, **refs)
    assert caught.value.status_code == 400 and caught.value.type == "invalid_request_error"
    assert error_of(caught.value)["param"] == param


def test_event_errors_name_the_path(sdk: qca.Managed, refs: dict[str, Any]) -> None:
    with pytest.raises(qca.BadRequestError) as caught:
        sdk.deployments.create(
            name="bad-event",
            initial_events=EMPTY_MESSAGE,
            **refs,
        )
    assert error_of(caught.value)["param"] == "initial_events[0].content"


def test_unknown_ids_wrong_token_and_idempotency_conflict(
    emu: EmulatorHandle, sdk: qca.Managed, refs: dict[str, Any]
) -> None:
    for call in (
        lambda: sdk.deployments.retrieve("dep_missing"),
        lambda: sdk.deployment_runs.retrieve("drun_missing"),
        lambda: sdk.environments.retrieve("env_missing"),
        lambda: sdk.vaults.retrieve("vault_missing"),
    ):
        with pytest.raises(qca.NotFoundError) as missing:
            call()
        assert missing.value.status_code == 404 and missing.value.type == "not_found_error"
    with pytest.raises(qca.NotFoundError) as ref:
        sdk.deployments.create(
            name="x", initial_events=BLOCKS, agent="agent_missing", environment_id=refs["environment_id"]
        )
    assert error_of(ref.value)["param"] == "agent"

    stranger = qca.Managed(pat="wrong-token", base_url=emu.base_url, max_retries=0)
    with pytest.raises(qca.AuthenticationError) as denied:
        stranger.deployments.list()
    assert denied.value.status_code == 401 and denied.value.type == "authentication_error"

    key = {"Idempotency-Key": "conformance-key-1"}
    first = sdk.deployments.create(name="idem", initial_events=BLOCKS, extra_headers=key, **refs)
    again = sdk.deployments.create(name="idem", initial_events=BLOCKS, extra_headers=key, **refs)
    assert first.id == again.id
    with pytest.raises(qca.ConflictError) as conflict:
        sdk.deployments.create(name="idem-2", initial_events=BLOCKS, extra_headers=key, **refs)
    assert conflict.value.status_code == 409 and conflict.value.type == "conflict_error"
    assert error_of(conflict.value)["param"] == "Idempotency-Key"


def test_unknown_route_is_a_json_404_saying_no_route(emu: EmulatorHandle, sdk: qca.Managed) -> None:
    wrong_base = qca.Managed(pat=TOKENS[0], base_url=f"{emu.root_url}/api/v2", max_retries=0)
    with pytest.raises(qca.NotFoundError) as caught:
        wrong_base.agents.list()
    assert "No route" in error_of(caught.value)["message"]
