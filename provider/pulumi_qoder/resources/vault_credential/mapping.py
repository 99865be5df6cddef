"""A vault credential between state and wire, both directions, pure.

The service never returns secrets, so reading a credential back carries each secret over from the
prior state (the same ``auth.type``); a secret changed outside this stack cannot be detected."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...core import fields
from ...core.values import JSON, normalize_numbers, unwrap_secrets
from .check import AUTH_FIELDS, OUTPUT_KEYS, canonical_auth

__all__ = [
    "create_body",
    "credential_to_inputs",
    "credential_to_outputs",
    "credentials_path",
    "update_patch",
]

# Per auth type, the fields the update endpoint takes (besides ``type``).
UPDATABLE: dict[str, tuple[str, ...]] = {
    "static_bearer": ("token",),
    "mcp_oauth": ("access_token", "expires_at", "refresh"),
    "environment_variable": ("secret_value", "networking", "injection_location"),
}
UPDATABLE_REFRESH = ("refresh_token", "scope", "token_endpoint_auth")
SECRETS = ("token", "access_token", "secret_value")


def credentials_path(vault_id: str) -> str:
    """The credentials collection of one vault, as the client's ``collection`` argument."""
    return f"vaults/{vault_id}/credentials"


def create_body(inputs: Mapping[str, Any]) -> JSON:
    """The ``POST /vaults/{vault_id}/credentials`` body for canonical inputs."""
    body: JSON = {"auth": dict(inputs["auth"])}
    if inputs.get("display_name"):
        body["display_name"] = inputs["display_name"]
    if inputs.get("metadata"):
        body["metadata"] = dict(inputs["metadata"])
    return body


def _refresh_patch(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> JSON | None:
    old, new = old or {}, new or {}
    patch = {k: new.get(k) for k in UPDATABLE_REFRESH if old.get(k) != new.get(k)}
    return patch or None


def update_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> JSON:
    """The ``POST /vaults/{vault_id}/credentials/{id}`` body turning ``old`` into ``new``: the
    changed updatable ``auth`` fields (with ``type``, which the API requires) and a key-level
    metadata patch. Fields the endpoint cannot change are replacements (see ``check``)."""
    patch: JSON = {}
    old_auth, new_auth = old.get("auth") or {}, new.get("auth") or {}
    kind = new_auth.get("type")
    if old_auth != new_auth and kind in UPDATABLE and old_auth.get("type") == kind:
        auth: JSON = {}
        for key in UPDATABLE[kind]:
            if old_auth.get(key) == new_auth.get(key):
                continue
            if key == "refresh":
                refresh = _refresh_patch(old_auth.get(key), new_auth.get(key))
                if refresh:
                    auth[key] = refresh
            else:
                auth[key] = new_auth.get(key)
        if auth:
            patch["auth"] = {"type": kind, **auth}
    meta = fields.metadata_patch(old.get("metadata"), new.get("metadata"))
    if meta:
        patch["metadata"] = meta
    return patch


def _same_instant(a: Any, b: Any) -> bool:
    try:
        return datetime.fromisoformat(str(a)) == datetime.fromisoformat(str(b))
    except ValueError:
        return False


def _auth_with_secrets(server: Mapping[str, Any], prior: Any) -> dict[str, Any]:
    """The server's ``auth`` (no secrets) with the prior state's secrets and spelling."""
    kind = str(server.get("type"))
    auth = canonical_auth({k: x for k, x in server.items() if k in AUTH_FIELDS.get(kind, ())})
    prior = prior if isinstance(prior, Mapping) and prior.get("type") == kind else {}
    for key in SECRETS:
        if key in AUTH_FIELDS.get(kind, ()) and prior.get(key) is not None:
            auth[key] = prior[key]
    if auth.get("expires_at") is not None and _same_instant(auth["expires_at"], prior.get("expires_at")):
        auth["expires_at"] = prior["expires_at"]
    refresh = auth.get("refresh")
    if isinstance(refresh, Mapping):
        refresh = {k: x for k, x in refresh.items() if x is not None}
        known = prior.get("refresh") if isinstance(prior.get("refresh"), Mapping) else {}
        if known.get("refresh_token") is not None:
            refresh["refresh_token"] = known["refresh_token"]
        endpoint = refresh.get("token_endpoint_auth")
        known_endpoint = known.get("token_endpoint_auth")
        if isinstance(endpoint, Mapping):
            endpoint = {k: x for k, x in endpoint.items() if x is not None}
            if (
                isinstance(known_endpoint, Mapping)
                and known_endpoint.get("type") == endpoint.get("type")
                and known_endpoint.get("client_secret") is not None
            ):
                endpoint["client_secret"] = known_endpoint["client_secret"]
            refresh["token_endpoint_auth"] = endpoint
        auth["refresh"] = refresh
    return auth


def credential_to_inputs(cred: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical inputs describing the credential as the server has it, secrets from ``prior``."""
    cred = normalize_numbers(cred)
    prior = unwrap_secrets(dict(prior))
    out: dict[str, Any] = {"vault_id": cred.get("vault_id") or prior.get("vault_id")}
    if cred.get("display_name"):
        out["display_name"] = cred["display_name"]
    out["auth"] = _auth_with_secrets(cred.get("auth") or {}, prior.get("auth"))
    metadata = fields.user_metadata(cred)
    if metadata:
        out["metadata"] = metadata
    return fields.keep_adopt_id(out, prior)


def credential_to_outputs(cred: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    return fields.with_server_fields(cred, inputs, OUTPUT_KEYS)
