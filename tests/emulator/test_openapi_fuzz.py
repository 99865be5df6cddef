"""/openapi.json tells the truth: OpenAPI 3.1, real response schemas, the status codes served.

Property-based requests generated from it: no 5xx without an injected fault, and every response
conforms to the schema it declares (status code, content type, body). Bounded: a few examples per
operation, so the whole run stays within seconds.
"""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from qoder_emulator.testing import EmulatorHandle

from .conftest import TOKENS, create_agent, create_environment

EXAMPLES_PER_OPERATION = 12
API = "/api/v1/cloud"


def test_openapi_is_valid_3_1_with_both_prefixes_and_real_responses(emu: EmulatorHandle) -> None:
    spec = httpx.get(f"{emu.root_url}/openapi.json").json()
    validate(spec)  # raises on an invalid document
    assert spec["openapi"].startswith("3.1")
    paths = spec["paths"]
    for path in (
        "/deployments",
        "/deployments/{deployment_id}/run",
        "/deployment_runs/{run_id}",
        "/agents/{agent_id}/versions",
        "/vaults/{vault_id}",
        "/vaults/{vault_id}/credentials/{credential_id}/archive",
    ):
        assert API + path in paths and "/v1" + path in paths  # decision #16: both prefixes
    assert not any(p.startswith("/_emulator") for p in paths)

    def created(path: str) -> dict[str, Any]:
        responses: dict[str, Any] = paths[API + path]["post"]["responses"]
        return responses

    # The status codes actually served: 201 for agents/environments/vaults/credentials, 200 for
    # deployments (#1); 400 (never 422) for bad input, in the error envelope.
    assert "201" in created("/agents") and "200" not in created("/agents")
    assert "201" in created("/vaults/{vault_id}/credentials")
    assert "200" in created("/deployments") and "201" not in created("/deployments")
    for path_item in paths.values():
        for operation in path_item.values():
            responses = operation["responses"]
            assert "422" not in responses
            assert responses["400"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorEnvelope"
            }
            ok = next(v for k, v in responses.items() if k.startswith("2"))
            assert ok["content"]["application/json"]["schema"] != {}  # a real response schema
    schemas = spec["components"]["schemas"]
    assert {"Deployment", "DeploymentCreate", "Credential", "CredentialCreate", "ErrorEnvelope"} <= set(
        schemas
    )
    assert schemas["Deployment"]["additionalProperties"] is False


def test_generated_requests_get_conforming_answers_and_no_server_error(emu: EmulatorHandle) -> None:
    with emu.api() as client:  # give generated references a chance to hit something real
        create_agent(client)
        create_environment(client)
    emu.clear_requests()
    schema = schemathesis.openapi.from_url(f"{emu.root_url}/openapi.json")
    auth = {"Authorization": f"Bearer {TOKENS[0]}"}
    failures: list[str] = []
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())  # type: ignore[union-attr]
        if op.path.startswith(API)  # /v1 serves the same routes: fuzz them once
    ]
    assert len(operations) >= 30
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    for operation in operations:
        strategy = operation.as_strategy()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def check(case: Any) -> None:
            response = case.call(base_url=emu.root_url, headers=auth, timeout=10)
            try:
                case.validate_response(response, checks=checks)
            except Exception as exc:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {exc}"[:600])
            assert "x-request-id" in response.headers

        check()
    assert failures == []
    statuses = [r["status"] for r in emu.requests()]
    # The run really exercised the API: hundreds of requests, some accepted and some rejected.
    assert len(statuses) > 10 * len(operations) // 2
    assert {200, 201, 400, 404} <= set(statuses)
