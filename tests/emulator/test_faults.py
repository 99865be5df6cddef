"""Fault injection and the request log, seen from a real HTTP client."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator

from .conftest import create_agent, create_deployment, create_environment, deployment_body


@pytest.fixture(autouse=True)
def _no_faults(emu: EmulatorHandle) -> None:
    emu.clear_faults()


def names(client: httpx.Client) -> list[str]:
    return [d["name"] for d in client.get("/deployments", params={"limit": 100}).json()["data"]]


def test_drop_after_commit_stores_the_object_and_a_keyed_retry_replays_it(
    emu: EmulatorHandle, client: httpx.Client, refs: dict[str, str]
) -> None:
    emu.set_faults({"drop_after_commit": {"count": 1, "methods": ["POST"], "path_regex": "/deployments$"}})
    body = deployment_body(refs)
    key = {"Idempotency-Key": "drop-1"}
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/deployments", json=body, headers=key)
    assert body["name"] in names(client)  # committed although the client got no response
    retry = client.post("/deployments", json=body, headers=key)
    assert retry.status_code == 200 and retry.headers["idempotent-replayed"] == "true"
    assert names(client).count(body["name"]) == 1
    dropped = [r for r in emu.requests() if r["fault"] == "drop_after_commit"]
    assert dropped[-1]["status"] is None and dropped[-1]["committed_status"] == 200
    assert emu.faults()["drop_after_commit"][0]["remaining"] == 0


def test_server_errors_before_commit_change_nothing(
    emu: EmulatorHandle, client: httpx.Client, refs: dict[str, str]
) -> None:
    emu.set_faults({"server_error": {"status": 503, "count": 2, "methods": ["POST"]}})
    body = deployment_body(refs)
    statuses = [client.post("/deployments", json=body).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert names(client).count(body["name"]) == 1


def test_server_error_after_commit_hides_a_stored_write(
    emu: EmulatorHandle, client: httpx.Client, refs: dict[str, str]
) -> None:
    emu.set_faults({"server_error": {"status": 500, "after_commit": True, "count": 1}})
    body = deployment_body(refs)
    response = client.post("/deployments", json=body)
    assert response.status_code == 500 and response.json()["error"]["type"] == "api_error"
    assert "x-request-id" in response.headers
    assert body["name"] in names(client)


def test_rate_limit_answers_429_with_retry_after(emu: EmulatorHandle, client: httpx.Client) -> None:
    emu.set_faults({"rate_limit": {"count": 1, "retry_after": 3}})
    limited = client.get("/deployments")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
    assert limited.json()["error"]["type"] == "rate_limit_error"
    assert client.get("/deployments").status_code == 200


def test_latency_delays_matching_requests_only(emu: EmulatorHandle, client: httpx.Client) -> None:
    emu.set_faults({"latency": {"ms": 300, "methods": ["GET"], "path_regex": "/agents$"}})
    started = time.perf_counter()
    client.get("/agents").raise_for_status()
    assert time.perf_counter() - started >= 0.3
    started = time.perf_counter()
    client.get("/environments").raise_for_status()
    assert time.perf_counter() - started < 0.3


def test_stale_reads_serve_the_previous_version(
    emu: EmulatorHandle, client: httpx.Client, refs: dict[str, str]
) -> None:
    dep = create_deployment(client, refs, description="v1")
    emu.set_faults({"stale_reads": {"count": 2, "reads": 2}})
    client.post(f"/deployments/{dep['id']}", json={"description": "v2"}).raise_for_status()
    seen = [client.get(f"/deployments/{dep['id']}").json()["description"] for _ in range(3)]
    assert seen == ["v1", "v1", "v2"]
    created = client.post("/deployments", json=deployment_body(refs)).json()
    assert client.get(f"/deployments/{created['id']}").status_code == 404  # not visible yet
    assert client.get(f"/deployments/{created['id']}").status_code == 404
    assert client.get(f"/deployments/{created['id']}").status_code == 200


def test_seeded_probabilities_are_reproducible(emu: EmulatorHandle, client: httpx.Client) -> None:
    def sample() -> list[int]:
        emu.set_faults({"seed": 11, "server_error": {"probability": 0.5, "methods": ["GET"]}})
        return [client.get("/agents").status_code for _ in range(30)]

    first = sample()
    assert set(first) == {200, 500}
    assert sample() == first


@pytest.mark.parametrize(
    ("spec", "param"),
    [
        ({"meteor_strike": {}}, "meteor_strike"),
        ({"server_error": {"probability": 2}}, "server_error.probability"),
        ({"server_error": {"status": 418}}, "server_error.status"),
        ({"latency": [{"ms": 1}, {"min_ms": -1}]}, "latency[1].min_ms"),
        ({"drop_after_commit": {"methods": ["FETCH"]}}, "drop_after_commit.methods"),
        ({"stale_reads": {"path_regex": "("}}, "stale_reads.path_regex"),
        ({"rate_limit": {"count": 1, "colour": "red"}}, "rate_limit.colour"),
    ],
)
def test_bad_fault_specs_are_rejected(emu: EmulatorHandle, spec: dict[str, object], param: str) -> None:
    response = httpx.put(f"{emu.root_url}/_emulator/faults", json=spec)
    assert response.status_code == 400 and response.json()["error"]["param"] == param


def test_request_log_redacts_secrets_and_names_accounts_by_index(
    emu: EmulatorHandle, client: httpx.Client, refs: dict[str, str]
) -> None:
    emu.clear_requests()
    client.post(
        "/vaults",
        json={
            "display_name": "v",
            "credentials": [
                {
                    "mcp_server_url": "https://mcp.example",
                    "type": "static_bearer",
                    "access_token": "vault-secret",
                }
            ],
        },
        headers={"Idempotency-Key": "log-key"},
    ).raise_for_status()
    create_deployment(
        client,
        refs,
        resources=[
            {
                "type": "github_repository",
                "url": "https://github.com/o/r",
                "authorization_token": "ghp_topsecret",
            }
        ],
    )
    emu.now()  # control calls are not logged
    log = emu.requests()
    assert [(r["method"], r["path"], r["status"]) for r in log] == [
        ("POST", "/api/v1/cloud/vaults", 201),
        ("POST", "/api/v1/cloud/deployments", 200),
    ]
    text = str(log)
    assert "vault-secret" not in text and "ghp_topsecret" not in text and "token-alice" not in text
    assert log[0]["body"]["credentials"][0]["access_token"] == "[REDACTED]"
    assert log[0]["idempotency_key"] == "log-key" and log[0]["account"] == 0
    vault = client.get("/vaults").json()["data"][0]
    assert "access_token" not in vault["credentials"][0] and vault["credentials"][0]["id"].startswith(
        "vcred_"
    )
    emu.clear_requests()
    assert emu.requests() == []


def test_date_header_follows_the_emulator_clock_and_replay_marker_can_be_off() -> None:
    start = datetime(2026, 6, 14, 8, 53, 32, tzinfo=UTC)
    with running_emulator(clock="manual", start=start, replay_header=False) as emu, emu.api() as api:
        response = api.get("/deployments")
        assert parsedate_to_datetime(response.headers["date"]) == start
        emu.advance(90)
        body = {"name": "a", "model": "ultimate"}
        created = api.post("/agents", json=body, headers={"Idempotency-Key": "k1"})
        emu.advance(90)
        replay = api.post("/agents", json=body, headers={"Idempotency-Key": "k1"})
        assert replay.json() == created.json()  # still a replay...
        assert "idempotent-replayed" not in replay.headers  # ...just not marked as one
        assert parsedate_to_datetime(replay.headers["date"]) == start + timedelta(seconds=180)


def test_a_retry_sent_while_the_first_request_is_still_running_waits_and_replays(
    emu: EmulatorHandle,
) -> None:
    # A client that timed out retries with the same key while the slow first request still runs.
    # The retry must not create a twin: it waits for the first and replays its answer.
    with emu.api() as setup:
        agent = create_agent(setup, "slow")["id"]
        env = create_environment(setup, "slow")["id"]
    emu.set_faults({"latency": {"ms": 800, "count": 1, "methods": ["POST"], "path_regex": "/deployments$"}})
    body = deployment_body({"agent": agent, "environment_id": env})
    headers = {"Idempotency-Key": "slow-create"}
    answers: list[httpx.Response] = []

    def post() -> None:
        with emu.api() as client:
            answers.append(client.post("/deployments", json=body, headers=headers))

    first = threading.Thread(target=post)
    first.start()
    time.sleep(0.3)  # the first request is now inside its 800 ms of processing
    post()
    first.join()
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    log = [e for e in emu.requests() if e["method"] == "POST" and e["path"].endswith("/deployments")]
    assert sorted(e["replayed"] for e in log) == [False, True]
    with emu.api() as client:
        named = [d for d in client.get("/deployments").json()["data"] if d["name"] == body["name"]]
    assert len(named) == 1
