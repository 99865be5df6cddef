"""Property-based requests generated from /openapi.json: no 5xx without an injected fault.

Bounded: a few examples per operation, so the whole run stays within a few seconds.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from qoder_emulator.testing import EmulatorHandle

from .conftest import TOKENS, create_agent, create_environment

EXAMPLES_PER_OPERATION = 12


def test_openapi_describes_the_public_routes(emu: EmulatorHandle) -> None:
    import httpx

    spec = httpx.get(f"{emu.root_url}/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/v1/cloud/deployments",
        "/api/v1/cloud/deployments/{deployment_id}/run",
        "/api/v1/cloud/deployment_runs/{run_id}",
        "/api/v1/cloud/agents/{agent_id}/versions",
        "/api/v1/cloud/vaults/{vault_id}",
    } <= paths
    assert not any(p.startswith("/_emulator") or p.startswith("/v1/") for p in paths)


def test_generated_requests_never_get_a_server_error(emu: EmulatorHandle) -> None:
    with emu.api() as client:  # give generated references a chance to hit something real
        create_agent(client)
        create_environment(client)
    emu.clear_requests()
    schema = schemathesis.openapi.from_url(f"{emu.root_url}/openapi.json")
    auth = {"Authorization": f"Bearer {TOKENS[0]}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 25
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
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code} {response.text[:200]}"
                )
            assert "x-request-id" in response.headers

        check()
    assert failures == []
    statuses = [r["status"] for r in emu.requests()]
    # The run really exercised the API: hundreds of requests, some accepted and some rejected.
    assert len(statuses) > 10 * len(operations) // 2
    assert {200, 201, 400, 404} <= set(statuses)
