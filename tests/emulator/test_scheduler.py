"""The manual clock and the scheduler: DST, fired runs, auto-pause, no backfill, idempotency expiry."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator

from .conftest import create_agent, create_deployment, create_environment, deployment_body

# Hand-computed from the tz rules: 2026 US DST starts 8 Mar, ends 1 Nov; EU starts 29 Mar, ends 25 Oct.
DST_CASES = [
    (
        "new-york-spring-forward",
        "America/New_York",
        "30 2 * * *",
        datetime(2026, 3, 6, 12, tzinfo=UTC),
        [
            "2026-03-07T07:30:00Z",
            "2026-03-09T06:30:00Z",
            "2026-03-10T06:30:00Z",
            "2026-03-11T06:30:00Z",
            "2026-03-12T06:30:00Z",
        ],
    ),
    (
        "new-york-fall-back",
        "America/New_York",
        "30 1 * * *",
        datetime(2026, 10, 30, 12, tzinfo=UTC),
        [
            "2026-10-31T05:30:00Z",
            "2026-11-01T05:30:00Z",
            "2026-11-01T06:30:00Z",
            "2026-11-02T06:30:00Z",
            "2026-11-03T06:30:00Z",
        ],
    ),
    (
        "berlin-spring-forward",
        "Europe/Berlin",
        "30 2 * * *",
        datetime(2026, 3, 27, 12, tzinfo=UTC),
        [
            "2026-03-28T01:30:00Z",
            "2026-03-30T00:30:00Z",
            "2026-03-31T00:30:00Z",
            "2026-04-01T00:30:00Z",
            "2026-04-02T00:30:00Z",
        ],
    ),
    (
        "berlin-fall-back",
        "Europe/Berlin",
        "30 2 * * *",
        datetime(2026, 10, 23, 12, tzinfo=UTC),
        [
            "2026-10-24T00:30:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-25T01:30:00Z",
            "2026-10-26T01:30:00Z",
            "2026-10-27T01:30:00Z",
        ],
    ),
]


@pytest.mark.parametrize(
    ("case", "tz", "expression", "start", "expected"), DST_CASES, ids=[c[0] for c in DST_CASES]
)
def test_dst_upcoming_runs_and_fired_runs(
    case: str, tz: str, expression: str, start: datetime, expected: list[str]
) -> None:
    with running_emulator(start=start) as emu, emu.api() as client:
        refs = {"agent": create_agent(client)["id"], "environment_id": create_environment(client)["id"]}
        dep = create_deployment(
            client, refs, schedule={"type": "cron", "expression": expression, "timezone": tz}
        )
        assert dep["schedule"]["upcoming_runs_at"] == expected
        emu.set_clock(datetime.fromisoformat(expected[-1]))
        runs = client.get(f"/deployments/{dep['id']}/runs").json()["data"]
        assert [r["trigger_context"]["scheduled_at"] for r in reversed(runs)] == expected
        assert all(r["trigger_context"]["type"] == "schedule" and r["status"] == "completed" for r in runs)
        after = client.get(f"/deployments/{dep['id']}").json()
        assert after["schedule"]["last_run_at"] == expected[-1]
        assert after["metadata"]["cas_config"]["stats"]["total_runs"] == 5


HOURLY = {"type": "cron", "expression": "0 * * * *", "timezone": "UTC"}


def fresh(client: httpx.Client) -> dict[str, str]:
    return {"agent": create_agent(client)["id"], "environment_id": create_environment(client)["id"]}


def runs_of(client: httpx.Client, deployment_id: str) -> list[dict[str, object]]:
    return list(client.get(f"/deployments/{deployment_id}/runs", params={"limit": 100}).json()["data"])


@pytest.mark.parametrize(
    ("archive", "error_type"),
    [("agent", "agent_archived_error"), ("environment", "environment_archived_error")],
)
def test_archiving_a_dependency_auto_pauses_on_the_next_fire(
    emu: EmulatorHandle, client: httpx.Client, archive: str, error_type: str
) -> None:
    refs = fresh(client)
    dep = create_deployment(client, refs, schedule=HOURLY)
    emu.advance(3600)
    assert [r["status"] for r in runs_of(client, dep["id"])] == ["completed"]
    target = refs["agent"] if archive == "agent" else refs["environment_id"]
    client.post(f"/{archive}s/{target}/archive").raise_for_status()
    emu.advance(3600)
    runs = runs_of(client, dep["id"])
    assert [r["status"] for r in runs] == ["failed", "completed"]
    assert runs[0]["error"]["type"] == error_type and runs[0]["session_id"] is None  # type: ignore[index]
    body = client.get(f"/deployments/{dep['id']}").json()
    assert body["status"] == "paused"
    assert body["paused_reason"] == {"type": "error", "error": {"type": error_type}}
    stats = body["metadata"]["cas_config"]["stats"]
    assert (stats["total_runs"], stats["total_failures"], stats["consecutive_failures"]) == (2, 1, 1)
    emu.advance(3 * 3600)
    assert len(runs_of(client, dep["id"])) == 2  # paused: nothing fires
    failed = client.get("/deployment_runs", params={"deployment_id": dep["id"], "has_error": "true"}).json()[
        "data"
    ]
    assert [r["id"] for r in failed] == [runs[0]["id"]]


def test_pause_suppresses_fires_and_unpause_does_not_backfill(
    emu: EmulatorHandle, client: httpx.Client
) -> None:
    dep = create_deployment(client, fresh(client), schedule=HOURLY)
    client.post(f"/deployments/{dep['id']}/pause").raise_for_status()
    emu.advance(5 * 3600)
    assert runs_of(client, dep["id"]) == []
    client.post(f"/deployments/{dep['id']}/unpause").raise_for_status()
    assert runs_of(client, dep["id"]) == []
    emu.advance(3600)
    assert len(runs_of(client, dep["id"])) == 1


def test_runs_fire_in_time_order_across_deployments_and_filters_work(
    emu: EmulatorHandle, client: httpx.Client
) -> None:
    refs = fresh(client)
    start = emu.now()
    a = create_deployment(
        client, refs, schedule={"type": "cron", "expression": "*/20 * * * *", "timezone": "UTC"}
    )
    b = create_deployment(
        client, refs, schedule={"type": "cron", "expression": "*/30 * * * *", "timezone": "UTC"}
    )
    manual = client.post(f"/deployments/{a['id']}/run").json()
    emu.advance(3600)
    ours = {a["id"], b["id"]}
    runs = [
        r
        for r in client.get("/deployment_runs", params={"limit": 100}).json()["data"]
        if r["deployment_id"] in ours
    ]
    times = [r["triggered_at"] for r in runs]
    assert times == sorted(times, reverse=True)
    scheduled = [r for r in runs if r["trigger_context"]["type"] == "schedule"]
    assert len(scheduled) == 3 + 2
    assert all(datetime.fromisoformat(r["trigger_context"]["scheduled_at"]) > start for r in scheduled)
    only_manual = client.get(f"/deployments/{a['id']}/runs", params={"trigger_type": "manual"}).json()["data"]
    assert [r["id"] for r in only_manual] == [manual["id"]]
    assert client.get("/deployment_runs", params={"trigger_type": "weekly"}).status_code == 400


def test_retries_record_retry_runs(emu: EmulatorHandle, client: httpx.Client) -> None:
    refs = fresh(client)
    dep = create_deployment(
        client, refs, schedule=HOURLY, metadata={"cas_config": {"config": {"max_retries": 2}}}
    )
    client.post(f"/environments/{refs['environment_id']}", json={"name": "renamed"}).raise_for_status()
    client.delete(f"/environments/{refs['environment_id']}").raise_for_status()
    emu.advance(3600)
    runs = list(reversed(runs_of(client, dep["id"])))
    assert [r["trigger_context"]["type"] for r in runs] == ["schedule", "retry", "retry"]  # type: ignore[index]
    assert {r["error"]["type"] for r in runs} == {"environment_not_found_error"}  # type: ignore[index]
    assert client.get(f"/deployments/{dep['id']}").json()["paused_reason"]["error"]["type"] == (
        "environment_not_found_error"
    )


def test_archived_deployment_never_fires(emu: EmulatorHandle, client: httpx.Client) -> None:
    dep = create_deployment(client, fresh(client), schedule=HOURLY)
    client.post(f"/deployments/{dep['id']}/archive").raise_for_status()
    emu.advance(2 * 3600)
    assert runs_of(client, dep["id"]) == []


def test_clock_control_rules(emu: EmulatorHandle) -> None:
    now = emu.now()
    backwards = httpx.put(f"{emu.root_url}/_emulator/clock", json={"now": "2000-01-01T00:00:00Z"})
    assert backwards.status_code == 400 and backwards.json()["error"]["param"] == "now"
    both = httpx.put(
        f"{emu.root_url}/_emulator/clock", json={"now": "2100-01-01T00:00:00Z", "advance_seconds": 1}
    )
    assert both.status_code == 400
    assert emu.now() == now
    emu.advance(90)
    assert (emu.now() - now).total_seconds() == 90


def test_idempotency_keys_expire_after_24_hours(emu: EmulatorHandle, client: httpx.Client) -> None:
    refs = fresh(client)
    body = deployment_body(refs, schedule=None)
    key = {"Idempotency-Key": "expiring"}
    first = client.post("/deployments", json=body, headers=key).json()
    emu.advance(23 * 3600)
    assert client.post("/deployments", json=body, headers=key).json()["id"] == first["id"]
    emu.advance(2 * 3600)
    # Expired: the key is fresh again, and the name clash proves the request really ran.
    again = client.post("/deployments", json=body, headers=key)
    assert again.status_code == 409 and again.json()["error"]["param"] == "name"


def test_real_clock_mode_refuses_manual_moves() -> None:
    with running_emulator(clock="real") as emu:
        response = httpx.put(f"{emu.root_url}/_emulator/clock", json={"advance_seconds": 60})
        assert response.status_code == 409
        assert abs((emu.now() - datetime.now(UTC)).total_seconds()) < 5


def test_real_clock_background_loop_fires_a_minute_boundary_by_itself() -> None:
    # The real clock starts 1.5 s before a minute boundary; nobody moves it: the background
    # scheduler must record the 12:00 run on its own, within a few real seconds.
    boundary = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)  # 12:00 in Asia/Shanghai
    with (
        running_emulator(clock="real", start=boundary - timedelta(seconds=1.5), tick_seconds=0.1) as emu,
        emu.api() as client,
    ):
        refs = {"agent": create_agent(client)["id"], "environment_id": create_environment(client)["id"]}
        dep = create_deployment(
            client, refs, schedule={"type": "cron", "expression": "* * * * *", "timezone": "Asia/Shanghai"}
        )
        assert dep["schedule"]["upcoming_runs_at"][0] == "2026-06-15T04:00:00Z"
        assert "last_run_at" not in dep["schedule"]

        deadline = time.monotonic() + 10
        runs: list[dict[str, object]] = []
        while time.monotonic() < deadline and not runs:
            runs = client.get(f"/deployments/{dep['id']}/runs").json()["data"]
            time.sleep(0.1)
        assert [r["trigger_context"] for r in runs] == [
            {"type": "schedule", "scheduled_at": "2026-06-15T04:00:00Z"}
        ]
        after = client.get(f"/deployments/{dep['id']}").json()
        assert after["schedule"]["last_run_at"] == "2026-06-15T04:00:00Z"
        assert after["schedule"]["upcoming_runs_at"][0] == "2026-06-15T04:01:00Z"
