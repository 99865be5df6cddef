"""The ResourceProvider methods called in-process, against the emulator on loopback (and the real
service when QODER_BASE_URL/QODER_PAT are set): lifecycle, requests made, faults, drift."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from pulumi_qoder.client import client_for
from pulumi_qoder.config import resolve_credentials
from pulumi_qoder.deployment import DeploymentProvider
from pulumi_qoder.errors import QoderAPIError, QoderError
from qoder_emulator.testing import running_emulator

from .conftest import Target, api_calls, deployment_props


def checked(provider: DeploymentProvider, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, props)
    assert result.failures == []
    return result.inputs


def live(target: Target, name: str) -> list[dict[str, Any]]:
    """Non-archived deployments with this name, as the API lists them."""
    with target.api() as api:
        data = api.get("/deployments", params={"limit": 100}).json()["data"]
    return [d for d in data if d["name"] == name and not d.get("archived_at")]


def test_lifecycle_create_read_update_delete(target: Target, provider: DeploymentProvider) -> None:
    inputs = checked(provider, deployment_props(target))
    created = provider.create(inputs)
    outs = created.outs or {}
    assert created.id.startswith("dep_")
    assert outs["status"] == "active" and outs["paused_reason"] is None
    assert isinstance(outs["agent_version"], int) and outs["agent"] == target.agent_id
    assert len(outs["upcoming_runs_at"]) == 5 and outs["upcoming_runs_at"][0].endswith("01:00:00Z")
    assert outs["schedule_summary"] == "at 09:00, every day (Asia/Shanghai)"

    # Reading back what we just wrote is no drift: the stored inputs stay exactly the same.
    read = provider.read(created.id, outs)
    assert read.id == created.id and read.inputs == inputs

    new = checked(
        provider,
        deployment_props(
            target,
            name=inputs["name"],
            schedule={"expression": "30 9 * * 1-5", "timezone": "Asia/Shanghai"},
            metadata={"owner": "ops"},
            cas_config={"max_retries": 2},
            desired_status="paused",
        ),
    )
    updated = provider.update(created.id, outs, new).outs or {}
    assert updated["status"] == "paused" and updated["paused_reason"] == {"type": "manual"}
    assert updated["schedule"] == {"expression": "30 9 * * 1-5", "timezone": "Asia/Shanghai"}
    assert updated["metadata"] == {"owner": "ops"}  # "team" removed on the server, not just locally
    assert updated["cas_config"] == {"max_retries": 2}
    assert updated["agent_version"] == outs["agent_version"]
    assert provider.read(created.id, updated).inputs == new

    # Back to active, manual-only: unpause + schedule cleared.
    manual = checked(provider, deployment_props(target, name=inputs["name"], schedule=None, metadata=None))
    final = provider.update(created.id, updated, manual).outs or {}
    assert final["status"] == "active" and final["schedule"] is None if "schedule" in final else True
    assert "schedule" not in final and final["schedule_summary"] == "manual only"
    assert final["upcoming_runs_at"] == []

    provider.delete(created.id, final)
    assert provider.read(created.id, final).id == ""  # archived reads as gone
    provider.delete(created.id, final)  # already archived: still done
    assert live(target, inputs["name"]) == []


def test_requests_made_per_operation(emulator_target: Target, emulator_provider: DeploymentProvider) -> None:
    provider = emulator_provider
    emu = emulator_target.emulator
    assert emu is not None
    emu.clear_requests()
    inputs = checked(provider, deployment_props(emulator_target))
    assert provider.diff("dep_x", inputs, inputs).changes is None
    assert api_calls(emu) == []  # check and diff are pure

    dep = provider.create(inputs)
    assert api_calls(emu) == ["POST /deployments"]
    entry = emu.requests()[0]
    assert entry["body"]["agent"] == emulator_target.agent_id

    emu.clear_requests()
    outs = provider.read(dep.id, dep.outs or {}).outs or {}
    assert api_calls(emu) == [f"GET /deployments/{dep.id}"]

    emu.clear_requests()
    new = dict(inputs, schedule={"expression": "0 10 * * *", "timezone": "Asia/Shanghai"})
    new = checked(provider, new)
    outs = provider.update(dep.id, outs, new).outs or {}
    assert api_calls(emu) == [f"POST /deployments/{dep.id}"]
    patch = emu.requests()[0]["body"]
    # Minimal: only the schedule; agent is never re-sent (it would re-pin to the latest version).
    assert patch == {"schedule": {"type": "cron", "expression": "0 10 * * *", "timezone": "Asia/Shanghai"}}

    emu.clear_requests()
    outs = provider.update(dep.id, outs, dict(new, desired_status="paused")).outs or {}
    assert api_calls(emu) == [f"POST /deployments/{dep.id}/pause"]

    emu.clear_requests()
    provider.delete(dep.id, outs)
    assert api_calls(emu) == [f"POST /deployments/{dep.id}/archive"]

    emu.clear_requests()
    paused = provider.create(checked(provider, deployment_props(emulator_target, desired_status="paused")))
    assert api_calls(emu) == ["POST /deployments", f"POST /deployments/{paused.id}/pause"]
    assert (paused.outs or {})["status"] == "paused"
    provider.delete(paused.id, paused.outs or {})


def test_create_survives_commit_then_drop_with_exactly_one_deployment(
    emulator_target: Target, emulator_provider: DeploymentProvider
) -> None:
    provider = emulator_provider
    emu = emulator_target.emulator
    assert emu is not None
    inputs = checked(provider, deployment_props(emulator_target))
    emu.set_faults({"drop_after_commit": {"count": 1, "methods": ["POST"], "path_regex": "/deployments$"}})
    dep = provider.create(inputs)
    assert len(live(emulator_target, inputs["name"])) == 1
    assert live(emulator_target, inputs["name"])[0]["id"] == dep.id
    calls = api_calls(emu)
    assert calls[:2] == ["POST /deployments", "POST /deployments"]  # retried with the same key
    keys = {e.get("idempotency_key") for e in emu.requests() if e["method"] == "POST"}
    assert len(keys) == 1

    # The next `pulumi up` after a crash re-runs create with the same inputs: same deployment.
    again = provider.create(inputs)
    assert again.id == dep.id and len(live(emulator_target, inputs["name"])) == 1

    # Destroy, then up again within 24 h: the plain key replays an archived deployment, so a
    # derived key creates a fresh one. Exactly one live deployment again.
    provider.delete(dep.id, dep.outs or {})
    fresh = provider.create(inputs)
    assert fresh.id != dep.id
    assert [d["id"] for d in live(emulator_target, inputs["name"])] == [fresh.id]
    provider.delete(fresh.id, fresh.outs or {})


def test_retries_on_503_and_429_but_not_on_unsafe_post(
    emulator_target: Target, emulator_provider: DeploymentProvider
) -> None:
    provider = emulator_provider
    emu = emulator_target.emulator
    assert emu is not None
    dep = provider.create(checked(provider, deployment_props(emulator_target)))
    emu.clear_requests()
    emu.set_faults(
        {
            "server_error": {"status": 503, "count": 2, "methods": ["GET"]},
            "rate_limit": {"retry_after": 1, "count": 1, "methods": ["GET"]},
        }
    )
    started = time.monotonic()
    read = provider.read(dep.id, dep.outs or {})
    assert read.id == dep.id
    statuses = [e["status"] for e in emu.requests()]
    assert statuses == [429, 503, 503, 200]
    assert time.monotonic() - started >= 1.0  # Retry-After honoured

    # Archive/pause are safe to repeat (a repeat answers 409, handled); a 503 is retried.
    emu.clear_requests()
    emu.set_faults({"server_error": {"status": 503, "count": 1, "methods": ["POST"]}})
    provider.delete(dep.id, dep.outs or {})
    assert [e["status"] for e in emu.requests()] == [503, 200]

    # A POST that is not known to be safe is sent once.
    emu.clear_requests()
    emu.set_faults({"server_error": {"status": 502, "count": 1}})
    client = client_for(resolve_credentials())
    with pytest.raises(QoderAPIError) as err:
        client.post_action("deployments", dep.id, "run")
    assert err.value.status == 502 and len(emu.requests()) == 1


def test_read_right_after_write_tolerates_stale_answers(
    emulator_target: Target, emulator_provider: DeploymentProvider
) -> None:
    provider = emulator_provider
    emu = emulator_target.emulator
    assert emu is not None
    # A freshly created deployment may briefly read as missing; an update may read as the old version.
    emu.set_faults({"stale_reads": {"reads": 1, "count": 2}})
    dep = provider.create(checked(provider, deployment_props(emulator_target)))
    read = provider.read(dep.id, dep.outs or {})
    assert read.id == dep.id

    outs = read.outs or {}
    new = checked(provider, dict(read.inputs or {}, name=emulator_target.unique()))
    updated = provider.update(dep.id, outs, new).outs or {}
    emu.clear_requests()
    again = provider.read(dep.id, updated)
    assert (again.inputs or {})["name"] == new["name"]
    assert [e["method"] for e in emu.requests()] == ["GET", "GET"]  # one stale answer, then fresh
    provider.delete(dep.id, updated)


def test_refresh_picks_up_edits_made_outside_pulumi(target: Target, provider: DeploymentProvider) -> None:
    dep = provider.create(checked(provider, deployment_props(target)))
    with target.api() as api:
        api.post(
            f"/deployments/{dep.id}",
            json={
                "name": dep.outs["name"] + "-renamed",  # type: ignore[index]
                "schedule": {"type": "cron", "expression": "15 8 * * *", "timezone": "UTC"},
                "metadata": {"team": None, "added": "by-hand"},
            },
        ).raise_for_status()
        api.post(f"/deployments/{dep.id}/pause").raise_for_status()
    read = provider.read(dep.id, dep.outs or {})
    inputs = read.inputs or {}
    assert inputs["name"].endswith("-renamed")
    assert inputs["schedule"] == {"expression": "15 8 * * *", "timezone": "UTC"}
    assert inputs["schedule_summary"] == "at 08:15, every day (UTC)"
    assert inputs["metadata"] == {"added": "by-hand"}
    assert inputs["desired_status"] == "paused"  # a manual pause is an intent
    assert (read.outs or {})["status"] == "paused"
    provider.delete(dep.id, read.outs or {})


def test_tokens_are_resent_on_resource_edits_and_carried_over_on_read(
    emulator_target: Target, emulator_provider: DeploymentProvider
) -> None:
    provider = emulator_provider
    emu = emulator_target.emulator
    assert emu is not None
    repo = {
        "type": "github_repository",
        "url": "https://github.com/acme/app",
        "authorization_token": "ghp_s3cret",
    }
    dep = provider.create(checked(provider, deployment_props(emulator_target, resources=[repo])))
    outs = dep.outs or {}
    assert outs["resources"] == [repo]  # secret in state (the engine marks the key secret)
    read = provider.read(dep.id, outs)
    assert (read.inputs or {})["resources"] == [repo]

    emu.clear_requests()
    more = [repo, {"type": "file", "file_id": "file_abc"}]
    new = checked(provider, dict(read.inputs or {}, resources=more))
    provider.update(dep.id, read.outs or {}, new)
    body = emu.requests()[0]["body"]
    # The whole list is resent, token included (the emulator's request log redacts its value).
    assert body == {"resources": [dict(repo, authorization_token="[REDACTED]"), more[1]]}
    provider.delete(dep.id, outs)


def test_unknown_deployment_is_never_read_as_gone_and_errors_are_one_line(
    emulator_target: Target, emulator_provider: DeploymentProvider
) -> None:
    provider = emulator_provider
    # Deployments are never deleted: an id the API does not know is not "gone" but not visible.
    with pytest.raises(QoderError, match=r"^deployment dep_0+dead was not found at http://127\.0\.0\.1"):
        provider.read("dep_0000000000000000000000000000dead", {})
    bad = checked(provider, deployment_props(emulator_target, agent="agent_0000000000000000000000000000beef"))
    with pytest.raises(QoderAPIError) as err:
        provider.create(bad)
    line = str(err.value)
    assert "\n" not in line
    assert re.match(r"Qoder API 404 not_found_error \(param agent\): .+ \[request req_[0-9a-f]+\]$", line), (
        line
    )


def test_adopt_id_brings_an_existing_deployment_under_management(
    emulator_target: Target, emulator_provider: DeploymentProvider
) -> None:
    provider = emulator_provider
    with emulator_target.api() as api:
        body = deployment_props(emulator_target, metadata={"old": "1"})
        body["schedule"]["type"] = "cron"
        existing = api.post("/deployments", json=body).json()
    wanted = checked(
        provider,
        deployment_props(
            emulator_target, name=existing["name"], adopt_id=existing["id"], desired_status="paused"
        ),
    )
    adopted = provider.create(wanted)
    assert adopted.id == existing["id"]
    outs = adopted.outs or {}
    assert outs["metadata"] == {"team": "platform"} and outs["status"] == "paused"
    assert provider.read(adopted.id, outs).inputs == wanted  # no drift after adoption
    assert len(live(emulator_target, existing["name"])) == 1
    provider.delete(adopted.id, outs)


def test_recreate_after_destroy_does_not_depend_on_the_replay_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Qoder does not document `Idempotent-Replayed`. Without it, a replay still gives itself away:
    # its created_at lags the response's Date. Destroy, then up again with the same inputs a few
    # minutes later must create a fresh deployment, not adopt the archived one.
    with running_emulator(clock="manual", replay_header=False) as emu, emu.api() as api:
        agent = api.post("/agents", json={"name": "a", "model": "ultimate"}).json()["id"]
        env = api.post("/environments", json={"name": "e", "config": {"type": "cloud"}}).json()["id"]
        monkeypatch.setenv("QODER_BASE_URL", emu.base_url)
        monkeypatch.setenv("QODER_PAT", emu.tokens[0])
        provider = DeploymentProvider()
        target = Target("emulator", emu.base_url, emu.tokens[0], agent, env, emu)
        inputs = checked(provider, deployment_props(target))

        first = provider.create(inputs)
        emu.advance(120)
        again = provider.create(inputs)  # a crash re-run: the same deployment, still live
        assert again.id == first.id
        assert all("idempotent-replayed" not in str(e).lower() for e in emu.requests())

        provider.delete(first.id, first.outs or {})
        emu.advance(120)
        emu.clear_requests()
        fresh = provider.create(inputs)
        assert fresh.id != first.id
        # replayed create, a read that finds it archived, then a create under a derived key
        assert api_calls(emu) == ["POST /deployments", f"GET /deployments/{first.id}", "POST /deployments"]
        assert [d["id"] for d in live(target, inputs["name"])] == [fresh.id]
