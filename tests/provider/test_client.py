"""The wire client at the transport seam (httpx ``MockTransport``): what a server cannot produce on
demand. Retries and their delays, what is never retried, replay detection, error parsing, and the
SDK's headers and timeouts on every request."""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from pulumi_qoder.wire.client import QoderClient, RetryPolicy
from pulumi_qoder.wire.config import Credentials
from pulumi_qoder.wire.errors import QoderAPIError, QoderTransportError

BASE = "https://qoder.test/api/v1/cloud"
Handler = Callable[[httpx.Request], httpx.Response]


class Wire:
    """A scripted server: one answer (or exception) per request, in order; records requests and sleeps."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(self, *, workspace_id: str | None = None, token_source: str = "QODER_PAT") -> QoderClient:
        credentials = Credentials(
            base_url=BASE, token="tok", workspace_id=workspace_id, token_source=token_source
        )
        http = httpx.Client(transport=httpx.MockTransport(self.handle))
        return QoderClient(credentials, retry=RetryPolicy(), http_client=http, sleep=self.sleeps.append)


def ok(body: Mapping[str, object], **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


def error(status: int, kind: str, message: str, **headers: str) -> httpx.Response:
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return httpx.Response(status, json=body, headers=headers)


DEP = {"id": "dep_1", "name": "daily", "created_at": "2026-11-29T09:00:00Z"}


def test_retry_after_in_seconds_is_honoured() -> None:
    wire = Wire(error(429, "rate_limit_error", "slow down", **{"Retry-After": "2"}), ok(DEP))
    assert wire.client().get_object("deployments", "dep_1") == DEP
    assert wire.sleeps == [2.0]
    # Each attempt says which retry it is, as the SDK's own retries would.
    assert [r.headers.get("x-qoder-retry-count") for r in wire.requests] == ["0", "1"]


def test_retry_after_as_an_http_date_is_honoured_and_capped() -> None:
    soon = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    late = email.utils.format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    wire = Wire(
        error(503, "api_error", "busy", **{"Retry-After": soon}),
        error(503, "api_error", "busy", **{"Retry-After": late}),
        ok(DEP),
    )
    wire.client().get_object("deployments", "dep_1")
    assert 1.0 < wire.sleeps[0] <= 3.0
    assert wire.sleeps[1] == RetryPolicy().max_retry_after  # two hours is not waited out


def test_5xx_is_retried_a_bounded_number_of_times_then_fails_naming_the_url() -> None:
    wire = Wire(*[error(502, "api_error", "bad gateway") for _ in range(4)])
    with pytest.raises(QoderAPIError) as err:
        wire.client().get_object("deployments", "dep_1")
    assert len(wire.requests) == RetryPolicy().max_attempts
    assert len(wire.sleeps) == 3 and all(0 <= s <= 8 for s in wire.sleeps)  # jittered backoff
    assert err.value.status == 502
    assert str(err.value) == f"Qoder API 502 api_error: bad gateway (GET {BASE}/deployments/dep_1)"


def test_transport_errors_are_retried_then_one_line_naming_the_url() -> None:
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    wire = Wire(refused, refused, refused, refused)
    with pytest.raises(QoderTransportError) as err:
        wire.client().list_objects("deployments", limit=5)
    assert len(wire.requests) == 4
    line = str(err.value)
    assert line == (
        f"Qoder API GET {BASE}/deployments: ConnectError: [Errno 111] Connection refused (after 4 attempts)"
    )
    assert err.value.hint == "the URL comes from QODER_BASE_URL"
    # No chained httpx/SDK traceback behind the line.
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_a_timeout_is_a_transport_error_too() -> None:
    wire = Wire(*[httpx.ReadTimeout("timed out") for _ in range(4)])
    with pytest.raises(QoderTransportError, match=r"GET .*/agents/agent_1: timed out \(ReadTimeout\)"):
        wire.client().get_object("agents", "agent_1")


def test_an_unsafe_post_is_never_retried() -> None:
    # POST /run has no idempotency key and its repeat would start a second run.
    for failure in (
        error(503, "api_error", "busy"),
        error(429, "rate_limit_error", "slow"),
        httpx.ReadError("reset"),
    ):
        wire = Wire(failure)
        with pytest.raises((QoderAPIError, QoderTransportError)):
            wire.client().post_action("deployments", "dep_1", "run")
        assert len(wire.requests) == 1 and wire.sleeps == []


def test_archive_pause_unpause_are_retried_because_a_repeat_answers_409() -> None:
    wire = Wire(httpx.ReadError("reset"), ok(DEP))
    wire.client().post_action("deployments", "dep_1", "archive")
    assert [r.url.path for r in wire.requests] == ["/api/v1/cloud/deployments/dep_1/archive"] * 2


def test_create_sends_its_key_on_every_attempt_and_detects_replays() -> None:
    fresh_date = email.utils.format_datetime(datetime(2026, 11, 29, 9, 0, 1, tzinfo=UTC), usegmt=True)
    late_date = email.utils.format_datetime(datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC), usegmt=True)
    wire = Wire(
        error(500, "api_error", "oops"),
        ok(DEP, Date=fresh_date),
        ok(DEP, **{"Idempotent-Replayed": "true", "Date": fresh_date}),
        ok(DEP, Date=late_date),  # no header: created_at lags Date by an hour
    )
    client = wire.client()
    body = {"name": "daily", "agent": "agent_1", "environment_id": "env_1", "initial_events": []}
    assert client.create_object("deployments", body, idempotency_key="k1") == (DEP, False)
    assert client.create_object("deployments", body, idempotency_key="k1") == (DEP, True)
    assert client.create_object("deployments", body, idempotency_key="k1") == (DEP, True)
    assert {r.headers["idempotency-key"] for r in wire.requests} == {"k1"}
    assert json.loads(wire.requests[0].content) == body


def test_update_keys_differ_per_call_but_not_per_retry() -> None:
    wire = Wire(error(503, "api_error", "busy"), ok(DEP), ok(DEP))
    client = wire.client()
    client.update_object("deployments", "dep_1", {"description": None})
    client.update_object("deployments", "dep_1", {"description": None})
    keys = [r.headers["idempotency-key"] for r in wire.requests]
    assert keys[0] == keys[1] != keys[2]
    assert json.loads(wire.requests[0].content) == {"description": None}  # null clears


def test_error_envelope_is_parsed_into_one_line() -> None:
    body = {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": "bad cron", "param": "schedule"},
    }
    wire = Wire(httpx.Response(400, json=body, headers={"x-request-id": "req_42"}))
    with pytest.raises(QoderAPIError) as err:
        wire.client().update_object("deployments", "dep_1", {"name": "x"})
    e = err.value
    assert (e.status, e.error_type, e.param, e.request_id, e.envelope) == (
        400,
        "invalid_request_error",
        "schedule",
        "req_42",
        True,
    )
    assert str(e) == (
        f"Qoder API 400 invalid_request_error (param schedule): bad cron (POST {BASE}/deployments/dep_1) [request req_42]"
    )


def test_only_the_apis_own_not_found_means_not_found() -> None:
    page = "<html><head><title>404 Not Found</title></head><body>" + "x" * 400 + "</body></html>"
    answers = {
        "api": error(404, "not_found_error", "Deployment dep_1 not found."),
        "html": httpx.Response(404, text=page, headers={"content-type": "text/html"}),
        "route": error(404, "not_found_error", "No route for /deployments/dep_1."),
        "plain": httpx.Response(404, text="404 page not found"),
    }
    seen = {}
    for name, answer in answers.items():
        with pytest.raises(QoderAPIError) as err:
            Wire(answer).client().get_object("deployments", "dep_1")
        seen[name] = err.value
    assert [n for n, e in seen.items() if e.is_not_found] == ["api"]
    html = seen["html"]
    assert "\n" not in str(html) and len(str(html)) < 200  # summarised, not pasted
    assert 'an HTML page titled "404 Not Found", not the Qoder API\'s JSON' in str(html)
    assert html.hint == f"is {BASE} (from QODER_BASE_URL) the Qoder API's base URL?"


def test_401_says_where_the_token_came_from() -> None:
    wire = Wire(error(401, "authentication_error", "Invalid API key or token."))
    with pytest.raises(QoderAPIError) as err:
        wire.client(token_source="stack config qoder:token").get_object("agents", "agent_1")
    assert (
        err.value.hint == f"the token comes from stack config qoder:token: check that it is valid for {BASE}"
    )


def test_sdk_headers_timeouts_and_workspace_are_on_the_wire() -> None:
    wire = Wire(ok(DEP), ok(DEP))
    wire.client(workspace_id="ws_7").get_object("deployments", "dep_1")
    wire.client().get_object("deployments", "dep_1")
    with_ws, without = wire.requests
    assert with_ws.headers["qoder-workspace-id"] == "ws_7" and "qoder-workspace-id" not in without.headers
    assert with_ws.headers["authorization"] == "Bearer tok"
    assert with_ws.headers["user-agent"].startswith("qca-python/")
    # The SDK's timeouts: a create that takes minutes is not cut at 30 s.
    assert with_ws.headers["x-qoder-timeout"] == "600"
    assert with_ws.extensions["timeout"]["read"] == 600.0


def test_fields_the_sdk_does_not_type_still_reach_the_body() -> None:
    wire = Wire(ok({"id": "vault_1"}))
    body = {"display_name": "keys", "credentials": [{"mcp_server_url": "https://m.example"}]}
    wire.client().create_object("vaults", body, idempotency_key="k")
    assert json.loads(wire.requests[0].content) == body
