"""Paging (``page`` -> ``next_page``), the CMA headers, request ids and typed errors."""

from __future__ import annotations

import anthropic
import httpx
import pytest

from qoder_emulator.testing import EmulatorHandle

from .conftest import BLOCKS, TOKENS, error_of, sdk_client


def test_list_envelope_is_data_and_next_page_and_the_sdk_pages_through_it(emu: EmulatorHandle) -> None:
    bob = sdk_client(emu, TOKENS[1])  # a fresh account: the list holds exactly these
    made = [bob.beta.vaults.create(display_name=f"v{i}").id for i in range(7)]
    newest_first = list(reversed(made))
    assert [v.id for v in bob.beta.vaults.list(limit=3)] == newest_first  # auto-paging, 3 requests
    pages = list(bob.beta.vaults.list(limit=3).iter_pages())
    assert [[v.id for v in p.data] for p in pages] == [newest_first[:3], newest_first[3:6], newest_first[6:]]
    assert pages[-1].next_page is None and not pages[-1].has_next_page()
    # Walking by hand with the opaque cursor gives the same pages.
    first = bob.beta.vaults.list(limit=3)
    assert first.next_page is not None
    second = bob.beta.vaults.list(limit=3, page=first.next_page)
    assert [v.id for v in second.data] == newest_first[3:6]
    with emu.api(TOKENS[1]) as raw:
        envelope = raw.get("/vaults", params={"limit": 3}).json()
    assert set(envelope) == {"data", "next_page"}


def test_runs_page_with_the_sdk(emu: EmulatorHandle) -> None:
    carol = sdk_client(emu, TOKENS[2])
    agent = carol.beta.agents.create(name="pager", model="claude-sonnet-4-6")
    env = carol.beta.environments.create(name="pager")
    dep = carol.beta.deployments.create(
        name="paged", agent=agent.id, environment_id=env.id, initial_events=BLOCKS
    )
    runs = [carol.beta.deployments.run(dep.id).id for _ in range(5)]
    listed = carol.beta.deployment_runs.list(deployment_id=dep.id, limit=2)
    assert [r.id for r in listed] == list(reversed(runs))
    assert len(list(listed.iter_pages())) == 3


def test_request_id_header_and_body_agree_on_typed_errors(sdk: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError) as missing:
        sdk.beta.deployments.retrieve("depl_missing")
    body = missing.value.body
    assert isinstance(body, dict) and missing.value.request_id is not None
    assert body["request_id"] == missing.value.request_id
    assert error_of(missing.value)["type"] == "not_found_error"


def test_authentication_x_api_key_bearer_and_bad_key(emu: EmulatorHandle) -> None:
    bad = sdk_client(emu, "not-a-key")
    with pytest.raises(anthropic.AuthenticationError):
        bad.beta.agents.list()
    headers = {"anthropic-version": "2023-06-01", "anthropic-beta": "managed-agents-2026-04-01"}
    with httpx.Client(base_url=emu.root_url + "/v1", headers=headers) as raw:
        assert raw.get("/agents", headers={"x-api-key": TOKENS[0]}).status_code == 200
        assert raw.get("/agents", headers={"Authorization": f"Bearer {TOKENS[0]}"}).status_code == 200
        assert raw.get("/agents").status_code == 401


def test_beta_and_version_headers_are_required(emu: EmulatorHandle) -> None:
    with httpx.Client(base_url=emu.root_url + "/v1", headers={"x-api-key": TOKENS[0]}) as raw:
        emu.clear_requests()
        no_beta = raw.get("/agents", headers={"anthropic-version": "2023-06-01"})
        assert no_beta.status_code == 400
        assert "managed-agents-2026-04-01" in no_beta.json()["error"]["message"]
        assert no_beta.json()["request_id"] == no_beta.headers["request-id"]
        (logged,) = emu.requests()  # rejected inside the request log, as the x-api-key account
        assert logged["request_id"] == no_beta.headers["request-id"] and logged["status"] == 400
        assert logged["account"] == 0
        other_beta = raw.get(
            "/agents", headers={"anthropic-version": "2023-06-01", "anthropic-beta": "files-api-2025-04-14"}
        )
        assert other_beta.status_code == 400
        no_version = raw.get("/agents", headers={"anthropic-beta": "managed-agents-2026-04-01"})
        assert no_version.status_code == 400
        assert no_version.json()["error"]["message"] == "anthropic-version: header is required"
        # A comma list that contains the token is enough (the SDK sends that with betas=[...]).
        both = raw.get(
            "/agents",
            headers={
                "anthropic-version": "2023-06-01",
                "anthropic-beta": "files-api-2025-04-14, managed-agents-2026-04-01",
            },
        )
        assert both.status_code == 200


def test_only_v1_and_no_scoped_run_routes(
    emu: EmulatorHandle, sdk: anthropic.Anthropic, refs: dict[str, str]
) -> None:
    dep = sdk.beta.deployments.create(name="scoped", initial_events=BLOCKS, **refs)  # type: ignore[arg-type]
    with emu.api() as raw:
        assert raw.get(f"/deployments/{dep.id}/runs").status_code == 404
        assert raw.get(f"/deployments/{dep.id}").status_code == 200
        assert raw.get(emu.root_url + f"/api/v1/cloud/deployments/{dep.id}").status_code == 404


def test_idempotency_key_is_not_honoured(sdk: anthropic.Anthropic, refs: dict[str, str]) -> None:
    """CMA's SDK never sends the header; the flavor ignores it, so a client cannot lean on it."""
    key = {"Idempotency-Key": "same-key"}
    first = sdk.beta.deployments.create(name="idem-1", initial_events=BLOCKS, extra_headers=key, **refs)  # type: ignore[arg-type]
    second = sdk.beta.deployments.create(name="idem-2", initial_events=BLOCKS, extra_headers=key, **refs)  # type: ignore[arg-type]
    assert first.id != second.id and second.name == "idem-2"
