"""A vault between state and wire, both directions, pure (the create body is the only write)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core import fields
from ...core.values import JSON, normalize_numbers, unwrap_secrets
from .check import CREDENTIAL_FIELDS, CREDENTIAL_TYPE, DEFAULT_PROTOCOL, OUTPUT_KEYS, canonical_credential

__all__ = ["create_body", "vault_to_inputs", "vault_to_outputs"]


def _wire_credential(cred: Mapping[str, Any]) -> JSON:
    return {
        "mcp_server_url": cred["mcp_server_url"],
        "protocol": cred.get("protocol", DEFAULT_PROTOCOL),
        "type": cred.get("type", CREDENTIAL_TYPE),
        "access_token": cred["access_token"],
    }


def create_body(inputs: Mapping[str, Any]) -> JSON:
    """The ``POST /vaults`` body for canonical inputs (the only write the API offers)."""
    body: JSON = {
        "display_name": inputs["display_name"],
        "credentials": [_wire_credential(c) for c in inputs.get("credentials") or []],
    }
    if inputs.get("metadata"):
        body["metadata"] = dict(inputs["metadata"])
    return body


def _live_credentials(vault: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        c
        for c in vault.get("credentials") or []
        if isinstance(c, Mapping) and not c.get("archived_at") and c.get("status", "active") == "active"
    ]


def _credentials_with_tokens(server: list[Mapping[str, Any]], prior: Any) -> list[dict[str, Any]]:
    """Server credentials in canonical form, each with the token the prior state had for the same
    MCP server URL (the API never returns tokens). A credential added outside this stack has no
    known token and comes back without one: the next preview then asks for it."""
    tokens: dict[Any, Any] = {}
    for cred in prior if isinstance(prior, list) else []:
        if isinstance(cred, Mapping) and cred.get("access_token") is not None:
            tokens.setdefault(cred.get("mcp_server_url"), cred["access_token"])
    out = []
    for cred in server:
        canon = canonical_credential({k: x for k, x in cred.items() if k in CREDENTIAL_FIELDS})
        token = tokens.get(cred.get("mcp_server_url"))
        if token is not None:
            canon["access_token"] = token
        out.append(canon)
    return out


def vault_to_inputs(vault: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical inputs describing the vault as the server has it, tokens from ``prior``."""
    vault = normalize_numbers(vault)
    prior = unwrap_secrets(dict(prior))
    out: dict[str, Any] = {"display_name": vault["display_name"]}
    creds = _credentials_with_tokens(_live_credentials(vault), prior.get("credentials"))
    if creds:
        out["credentials"] = creds
    metadata = fields.user_metadata(vault)
    if metadata:
        out["metadata"] = metadata
    return fields.keep_adopt_id(out, prior)


def vault_to_outputs(vault: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    outs = fields.with_server_fields(vault, inputs, OUTPUT_KEYS)
    outs["credential_ids"] = [c.get("id") for c in _live_credentials(vault)]
    return outs
