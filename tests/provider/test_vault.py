"""Vault provider methods in-process against the emulator: check rules, tokens carried (the API
never returns them), no in-place update, destroy deletes."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_qoder.errors import QoderError
from pulumi_qoder.vault import VaultProvider, check_inputs, create_body

from .conftest import Target

TOKEN = "ghp_vault_test_token_0123456789"


@pytest.fixture
def vaults(target: Target, monkeypatch: pytest.MonkeyPatch) -> VaultProvider:
    monkeypatch.setenv("QODER_BASE_URL", target.base_url)
    monkeypatch.setenv("QODER_PAT", target.token)
    return VaultProvider()


def vault_props(target: Target, **overrides: Any) -> dict[str, Any]:
    base = {
        "display_name": target.unique("vault"),
        "credentials": [
            {
                "mcp_server_url": "https://mcp.github.example.com/sse",
                "protocol": "sse",
                "access_token": TOKEN,
            },
            {"mcp_server_url": "https://mcp.linear.example.com/mcp", "access_token": "lin_token_42"},
        ],
        "metadata": {"team": "platform"},
    }
    base.update(overrides)
    return base


def failures(news: dict[str, Any]) -> dict[str, str]:
    _, found = check_inputs(news)
    return {f.property: f.reason for f in found}


def test_check_names_the_property_and_the_rule() -> None:
    found = failures(
        {
            "credentials": [
                {"mcp_server_url": "mcp.example.com", "access_token": "t", "protocol": "websocket"},
                {"mcp_server_url": "https://a.example.com", "type": "oauth"},
                {"mcp_server_url": "https://a.example.com", "access_token": "t"},
            ],
            "credential_ids": ["vcred_x"],
        }
    )
    assert found["display_name"] == "display_name: is required"
    assert found["credentials[0].mcp_server_url"].startswith(
        'credentials[0].mcp_server_url: "mcp.example.com" is not an http(s) URL'
    )
    assert (
        found["credentials[0].protocol"]
        == 'credentials[0].protocol: "websocket" is not one of sse, streamable_http'
    )
    assert found["credentials[1].access_token"].startswith("credentials[1].access_token: is required")
    assert found["credentials[1].type"] == 'credentials[1].type: "oauth" is not one of static_bearer'
    assert found["credentials[2].mcp_server_url"] == (
        "credentials[2].mcp_server_url: a second credential for https://a.example.com: "
        "give each MCP server one credential"
    )
    assert found["credential_ids"] == "credential_ids: is an output and cannot be set"


def test_defaults_are_canonical_and_spelled_out_on_the_wire() -> None:
    short, _ = check_inputs(
        {
            "display_name": "v",
            "credentials": [{"mcp_server_url": "https://m.example.com", "access_token": "t"}],
        }
    )
    long, _ = check_inputs(
        {
            "display_name": "v",
            "credentials": [
                {
                    "mcp_server_url": "https://m.example.com",
                    "access_token": "t",
                    "protocol": "streamable_http",
                    "type": "static_bearer",
                }
            ],
        }
    )
    assert short == long
    assert create_body(short)["credentials"] == [
        {
            "mcp_server_url": "https://m.example.com",
            "protocol": "streamable_http",
            "type": "static_bearer",
            "access_token": "t",
        }
    ]


def test_lifecycle_tokens_carried_no_update_delete(target: Target, vaults: VaultProvider) -> None:
    inputs, _ = check_inputs(vault_props(target))
    created = vaults.create(inputs)
    outs = created.outs or {}
    assert created.id.startswith("vault_") and outs["status"] == "active"
    assert [c.startswith("vcred_") for c in outs["credential_ids"]] == [True, True]
    with target.api() as api:
        server = api.get(f"/vaults/{created.id}").json()
    assert TOKEN not in str(server)  # write-only on the service ...
    # ... so refresh takes each token from state, matched by URL: no phantom diff, no lost token.
    read = vaults.read(created.id, outs)
    assert read.inputs == inputs and (read.outs or {})["credentials"][0]["access_token"] == TOKEN

    # A __provider-only update (package upgrade) is a no-op; a real change must not be "applied".
    assert (vaults.update(created.id, outs, inputs).outs or {})["credential_ids"] == outs["credential_ids"]
    rotated, _ = check_inputs(
        vault_props(target, display_name=inputs["display_name"], metadata={"team": "ops"})
    )
    with pytest.raises(QoderError, match="metadata cannot change in place"):
        vaults.update(created.id, outs, rotated)

    vaults.delete(created.id, outs)
    vaults.delete(created.id, outs)  # gone already: done
    with target.api() as api:
        assert api.get(f"/vaults/{created.id}").status_code == 404
    assert vaults.read(created.id, outs).id == ""
