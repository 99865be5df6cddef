"""Preview-time rules of a vault credential and one canonical spelling of its inputs. Pure.

The rules are the official SDK's types (``StaticBearerCreateParams``, ``MCPOAuthCreateParams``,
``EnvironmentVariableCreateParams``) with the emulator's limits (secrets <= 8192 characters,
URLs http(s) <= 2048)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...core import fields
from ...core import validators as v
from ...core.failures import CheckFailure, Failures
from ...core.values import contains_unknown, is_unknown, plain_news

__all__ = [
    "AUTH_FIELDS",
    "AUTH_TYPES",
    "INPUT_KEYS",
    "OUTPUT_KEYS",
    "REPLACE_ON_CHANGES",
    "SECRET_OUTPUTS",
    "canonical_auth",
    "check_inputs",
]

INPUT_KEYS = ("vault_id", "display_name", "auth", "metadata", "adopt_id")
OUTPUT_KEYS = ("status", "created_at", "updated_at", "archived_at")
AUTH_TYPES = ("static_bearer", "mcp_oauth", "environment_variable")
AUTH_FIELDS: dict[str, tuple[str, ...]] = {
    "static_bearer": ("type", "token", "mcp_server_url"),
    "mcp_oauth": ("type", "access_token", "mcp_server_url", "expires_at", "refresh"),
    "environment_variable": ("type", "secret_name", "secret_value", "networking", "injection_location"),
}
REFRESH_FIELDS = ("client_id", "refresh_token", "token_endpoint", "token_endpoint_auth", "resource", "scope")
TOKEN_ENDPOINT_AUTH_TYPES = ("none", "client_secret_basic", "client_secret_post")
# What the update endpoint cannot change (the SDK's update params: auth secrets, expires_at,
# refresh scope and endpoint auth, networking, injection_location; and metadata). Any of these
# changing replaces the credential, never the vault.
REPLACE_ON_CHANGES = [
    "vault_id",
    "display_name",
    "auth.type",
    "auth.mcp_server_url",
    "auth.secret_name",
    "auth.refresh.client_id",
    "auth.refresh.token_endpoint",
    "auth.refresh.resource",
]
SECRET_OUTPUTS = ["auth"]
MAX_SECRET = 8192
ENV_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
URL_RE = re.compile(r"^https?://[^\s/]+")


def _url(f: Failures, path: str, value: Any) -> None:
    if value is None:
        f.add(path, "is required (an http(s) URL)")
    elif (
        v.string(f, path, value, min_len=1, max_len=2048)
        and not is_unknown(value)
        and not URL_RE.match(value)
    ):
        f.add(path, f'"{value}" is not an http(s) URL such as https://mcp.example.com/sse')


def _secret(f: Failures, path: str, value: Any, what: str) -> None:
    if value is None:
        f.add(path, f"is required ({what})")
    else:
        v.string(f, path, value, min_len=1, max_len=MAX_SECRET)


def _only(f: Failures, path: str, value: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    """Each unknown field fails at its own path, as the API names it (``auth.header``)."""
    v.fields(f, path, value, allowed)


def _timestamp(f: Failures, path: str, value: Any) -> None:
    """An RFC 3339 timestamp such as ``2030-01-01T00:00:00Z`` (the API parses it)."""
    if not v.string(f, path, value, min_len=1) or is_unknown(value):
        return
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        f.add(path, f'"{value}" is not an RFC 3339 timestamp such as 2030-01-01T00:00:00Z')


def _host(f: Failures, path: str, value: Any) -> bool:
    return v.string(f, path, value, min_len=1, max_len=253)


def _check_refresh(f: Failures, path: str, value: Any) -> None:
    if not v.is_mapping(f, path, value) or is_unknown(value):
        return
    _only(f, path, value, REFRESH_FIELDS)
    if value.get("client_id") is None:
        f.add(f"{path}.client_id", "is required")
    else:
        v.string(f, f"{path}.client_id", value["client_id"], min_len=1, max_len=1024)
    _secret(f, f"{path}.refresh_token", value.get("refresh_token"), "the OAuth refresh token")
    _url(f, f"{path}.token_endpoint", value.get("token_endpoint"))
    for key in ("resource", "scope"):
        if value.get(key) is not None:
            v.string(f, f"{path}.{key}", value[key], max_len=2048)
    endpoint_auth, epath = value.get("token_endpoint_auth"), f"{path}.token_endpoint_auth"
    if endpoint_auth is None:
        f.add(epath, 'is required ({"type": "none"} or a client_secret_basic/client_secret_post)')
    elif v.is_mapping(f, epath, endpoint_auth) and not is_unknown(endpoint_auth):
        _only(f, epath, endpoint_auth, ("type", "client_secret"))
        kind = endpoint_auth.get("type")
        if v.one_of(f, f"{epath}.type", kind, TOKEN_ENDPOINT_AUTH_TYPES) and kind != "none":
            _secret(f, f"{epath}.client_secret", endpoint_auth.get("client_secret"), f"with {kind}")
        elif kind == "none" and endpoint_auth.get("client_secret") is not None:
            f.add(f"{epath}.client_secret", 'is not used with type "none"')


def _check_networking(f: Failures, path: str, value: Any) -> None:
    if value is None:
        f.add(path, 'is required ({"type": "unrestricted"} or {"type": "limited", "allowed_hosts": [...]})')
        return
    if not v.is_mapping(f, path, value) or is_unknown(value):
        return
    kind = value.get("type")
    if not v.one_of(f, f"{path}.type", kind, ("unrestricted", "limited")):
        return
    if kind == "unrestricted":
        _only(f, path, value, ("type",))
        return
    _only(f, path, value, ("type", "allowed_hosts"))
    if value.get("allowed_hosts") is None:
        f.add(f"{path}.allowed_hosts", 'is required with type "limited"')
    else:
        v.string_list(
            f,
            f"{path}.allowed_hosts",
            value["allowed_hosts"],
            max_items=256,
            item=_host,
            expected="a list of host names",
        )


def _check_injection(f: Failures, path: str, value: Any) -> None:
    if not v.is_mapping(f, path, value) or is_unknown(value):
        return
    _only(f, path, value, ("body", "header"))
    for key in ("body", "header"):
        item = value.get(key)
        if item is not None and not is_unknown(item) and not isinstance(item, bool):
            f.add(f"{path}.{key}", f"must be true or false, got {v.type_name(item)}")


def canonical_auth(auth: Mapping[str, Any]) -> dict[str, Any]:
    """Known fields only, unset ones left out (so spelling out a default is no change)."""
    kind = auth.get("type")
    keys = AUTH_FIELDS.get(kind, tuple(auth)) if isinstance(kind, str) else tuple(auth)
    out = {k: auth[k] for k in keys if auth.get(k) is not None}
    if isinstance(out.get("refresh"), Mapping):
        out["refresh"] = {k: x for k, x in out["refresh"].items() if x is not None}
    if isinstance(out.get("injection_location"), Mapping):
        location = {k: x for k, x in out["injection_location"].items() if x is not None}
        if location:
            out["injection_location"] = location
        else:
            del out["injection_location"]
    return out


def _check_auth(f: Failures, value: Any) -> Any:
    if value is None:
        f.add("auth", "is required (static_bearer, mcp_oauth or environment_variable)")
        return value
    if not v.is_mapping(f, "auth", value) or is_unknown(value):
        return value
    kind = value.get("type")
    if not v.one_of(f, "auth.type", kind, AUTH_TYPES) or is_unknown(kind):
        return value
    _only(f, "auth", value, AUTH_FIELDS[kind])
    if kind == "static_bearer":
        _secret(f, "auth.token", value.get("token"), "the bearer token sent to the MCP server")
        _url(f, "auth.mcp_server_url", value.get("mcp_server_url"))
    elif kind == "mcp_oauth":
        _secret(f, "auth.access_token", value.get("access_token"), "the OAuth access token")
        _url(f, "auth.mcp_server_url", value.get("mcp_server_url"))
        if value.get("expires_at") is not None:
            _timestamp(f, "auth.expires_at", value["expires_at"])
        if value.get("refresh") is not None:
            _check_refresh(f, "auth.refresh", value["refresh"])
    else:
        name = value.get("secret_name")
        if name is None:
            f.add("auth.secret_name", "is required (the environment variable's name)")
        elif (
            v.string(f, "auth.secret_name", name, min_len=1, max_len=256)
            and not is_unknown(name)
            and not ENV_VAR_NAME.fullmatch(name)
        ):
            f.add(
                "auth.secret_name", f'"{name}" is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)'
            )
        _secret(f, "auth.secret_value", value.get("secret_value"), "the environment variable's value")
        _check_networking(f, "auth.networking", value.get("networking"))
        if value.get("injection_location") is not None:
            _check_injection(f, "auth.injection_location", value["injection_location"])
    return value if contains_unknown(value) else canonical_auth(value)


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate ``news`` and return canonical inputs (unset and empty values left out)."""
    news = plain_news(news)
    f = Failures()
    fields.unexpected_keys(f, news, INPUT_KEYS, OUTPUT_KEYS)
    out: dict[str, Any] = {}
    if news.get("vault_id") is None:
        f.add("vault_id", 'is required (the id "vault_..." of the vault holding the credential)')
    else:
        v.id_with_prefix(f, "vault_id", news["vault_id"], "vault_")
        out["vault_id"] = news["vault_id"]
    if news.get("display_name") not in (None, ""):
        v.string(f, "display_name", news["display_name"], max_len=255)
        out["display_name"] = news["display_name"]
    auth = _check_auth(f, news.get("auth"))
    if auth is not None:
        out["auth"] = auth
    fields.check_metadata_and_adopt_id(f, news, out, "vcred_")
    return out, f.items
