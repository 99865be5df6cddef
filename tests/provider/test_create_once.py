"""Create exactly once per *declared* resource (issue 10, section 3): the idempotency key is
unique per resource (its hidden ``__resource_key``), a re-run of the same resource gets its own
object back, and a re-run after a crash with the program edited meanwhile finds the object the
crashed run committed instead of failing on the name or making a twin."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_qoder.core.fields import MARKER_KEY
from pulumi_qoder.core.idempotency import resource_key
from pulumi_qoder.core.values import RESOURCE_KEY
from pulumi_qoder.deployment import DeploymentProvider
from pulumi_qoder.dynamic import DynamicProvider
from pulumi_qoder.environment import EnvironmentProvider
from pulumi_qoder.errors import QoderAPIError

from .conftest import Target, api_calls, deployment_props


def checked(provider: DynamicProvider, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, props)
    assert result.failures == []
    return dict(result.inputs or {})


def key(name: str, type_: str = "dynamic/qoder:Environment") -> str:
    return resource_key("proj", "dev", type_, name)


@pytest.fixture(autouse=True)
def _env(emulator_target: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    assert emulator_target.emulator is not None
    emulator_target.emulator.clear_requests()
    monkeypatch.setenv("QODER_BASE_URL", emulator_target.base_url)
    monkeypatch.setenv("QODER_PAT", emulator_target.token)


def test_identical_resources_get_their_own_objects(emulator_target: Target) -> None:
    provider = EnvironmentProvider()
    same = {"name": emulator_target.unique("env")}
    first = provider.create(checked(provider, {**same, RESOURCE_KEY: key("a")}))
    second = provider.create(checked(provider, {**same, RESOURCE_KEY: key("b")}))
    assert first.id != second.id
    # Destroying one leaves the other readable.
    provider.delete(first.id, first.outs or {})
    assert provider.read(second.id, second.outs or {}).id == second.id
    # The key survives create and refresh (in inputs and outputs), so it is stable in state.
    read = provider.read(second.id, second.outs or {})
    assert (read.inputs or {})[RESOURCE_KEY] == key("b") == (read.outs or {})[RESOURCE_KEY]


def test_a_rerun_of_the_same_resource_gets_its_object_back(emulator_target: Target) -> None:
    provider = EnvironmentProvider()
    inputs = checked(provider, {"name": emulator_target.unique("env"), RESOURCE_KEY: key("a")})
    first = provider.create(inputs)
    again = provider.create(inputs)  # a crash after the POST, then `up` again
    assert again.id == first.id


def test_crash_then_edit_finds_the_committed_deployment_and_updates_it(emulator_target: Target) -> None:
    emu = emulator_target.emulator
    assert emu is not None
    provider = DeploymentProvider()
    rkey = key("daily", "dynamic/qoder:Deployment")
    props = deployment_props(emulator_target, **{RESOURCE_KEY: rkey})
    crashed = provider.create(checked(provider, props))  # committed, but the engine never recorded it
    edited = checked(provider, {**props, "description": "edited before the re-run"})
    emu.clear_requests()
    again = provider.create(edited)
    assert again.id == crashed.id
    assert (again.outs or {})["description"] == "edited before the re-run"
    assert (again.outs or {}).get("metadata") == {"team": "platform"}  # the marker stays hidden
    assert api_calls(emu) == [
        "POST /deployments",  # 409: the name is taken (by our own deployment)
        "GET /deployments",  # found by name, and the marker says it is ours
        f"POST /deployments/{crashed.id}",  # brought up to date
    ]
    with emulator_target.api() as api:
        live = [
            d
            for d in api.get("/deployments", params={"limit": 100}).json()["data"]
            if d["name"] == props["name"] and not d.get("archived_at")
        ]
    assert [d["id"] for d in live] == [crashed.id]
    assert live[0]["metadata"][MARKER_KEY] == rkey


def test_a_name_taken_by_someone_elses_deployment_still_fails(emulator_target: Target) -> None:
    provider = DeploymentProvider()
    props = deployment_props(emulator_target)
    with emulator_target.api() as api:
        body = {**props, "schedule": {**props["schedule"], "type": "cron"}}
        assert api.post("/deployments", json=body).status_code == 200  # made by hand, no marker
    with pytest.raises(QoderAPIError) as err:
        provider.create(checked(provider, {**props, RESOURCE_KEY: key("x", "dynamic/qoder:Deployment")}))
    assert err.value.status == 409


def test_the_marker_makes_way_for_sixteen_user_metadata_keys(emulator_target: Target) -> None:
    provider = DeploymentProvider()
    full = {f"k{i}": "v" for i in range(16)}
    rkey = key("meta", "dynamic/qoder:Deployment")
    # Created with all 16 keys: no marker sent (the API allows 16 besides cas_config).
    props = deployment_props(emulator_target, metadata=full, **{RESOURCE_KEY: rkey})
    created = provider.create(checked(provider, props))
    assert (created.outs or {})["metadata"] == full
    # Created with a few keys (marked), then grown to 16: the marker is dropped in the same update.
    props = deployment_props(emulator_target, metadata={"team": "a"}, **{RESOURCE_KEY: rkey})
    small = provider.create(checked(provider, props))
    with emulator_target.api() as api:
        assert MARKER_KEY in api.get(f"/deployments/{small.id}").json()["metadata"]
    grown = provider.update(small.id, small.outs or {}, checked(provider, {**props, "metadata": full}))
    assert (grown.outs or {})["metadata"] == full
    with emulator_target.api() as api:
        assert MARKER_KEY not in api.get(f"/deployments/{small.id}").json()["metadata"]
