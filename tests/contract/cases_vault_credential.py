"""Vault credential rows (``POST /vaults/{vault_id}/credentials``; SDK ``VaultCredentialCreateParams``:
``auth`` is ``StaticBearerCreateParams``, ``MCPOAuthCreateParams`` or ``EnvironmentVariableCreateParams``)."""

from __future__ import annotations

from typing import Any

from .harness import ACCEPTS, DROP, Case, Differs

BEARER = {"type": "static_bearer", "token": "ghp_secret", "mcp_server_url": "https://mcp.github.test/"}
OAUTH = {"type": "mcp_oauth", "access_token": "at", "mcp_server_url": "https://mcp.linear.test/"}
REFRESH = {
    "client_id": "client",
    "refresh_token": "rt",
    "token_endpoint": "https://auth.linear.test/token",
    "token_endpoint_auth": {"type": "client_secret_post", "client_secret": "cs"},
}
ENV_VAR = {
    "type": "environment_variable",
    "secret_name": "API_KEY",
    "secret_value": "sk",
    "networking": {"type": "unrestricted"},
}


def auth(base: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """``auth``: ``base`` overridden by ``fields`` (``DROP`` removes one)."""
    merged = {**base, **fields}
    return {"auth": {k: v for k, v in merged.items() if v is not DROP}}


def refresh(**fields: Any) -> dict[str, Any]:
    merged = {**REFRESH, **fields}
    return auth(OAUTH, refresh={k: v for k, v in merged.items() if v is not DROP})


def limited(**fields: Any) -> dict[str, Any]:
    return auth(ENV_VAR, networking={"type": "limited", **fields})


CASES: list[Case] = [
    # --- valid bodies ----------------------------------------------------------------------------
    Case("minimal: a static bearer token"),
    Case("display_name and metadata", {"display_name": "GitHub", "metadata": {"owner": "ops"}}),
    Case("mcp_oauth", auth(OAUTH)),
    Case(
        "mcp_oauth with expiry and refresh",
        auth(OAUTH, expires_at="2030-01-01T00:00:00Z", refresh={**REFRESH, "scope": "read"}),
    ),
    Case("mcp_oauth refresh with token_endpoint_auth none", refresh(token_endpoint_auth={"type": "none"})),
    Case("environment_variable, unrestricted", auth(ENV_VAR)),
    Case(
        "environment_variable, limited, injected in a header",
        auth(
            ENV_VAR,
            networking={"type": "limited", "allowed_hosts": ["api.openai.test"]},
            injection_location={"header": True, "body": False},
        ),
    ),
    # --- auth ------------------------------------------------------------------------------------
    Case("auth: required", {"auth": DROP}, rejects="auth"),
    Case("auth: an object", {"auth": "ghp_secret"}, rejects="auth"),
    Case("auth.type: required", auth(BEARER, type=DROP), rejects="auth.type"),
    Case(
        "auth.type: static_bearer, mcp_oauth, environment_variable",
        auth(BEARER, type="api_key"),
        rejects="auth.type",
    ),
    Case("static_bearer: token required", auth(BEARER, token=DROP), rejects="auth.token"),
    Case("static_bearer: token not empty", auth(BEARER, token=""), rejects="auth.token"),
    Case("static_bearer: token <= 8192", auth(BEARER, token="t" * 8193), rejects="auth.token"),
    Case(
        "static_bearer: mcp_server_url required",
        auth(BEARER, mcp_server_url=DROP),
        rejects="auth.mcp_server_url",
    ),
    Case(
        "static_bearer: mcp_server_url http(s)",
        auth(BEARER, mcp_server_url="ftp://mcp.test/"),
        rejects="auth.mcp_server_url",
    ),
    Case(
        "static_bearer: mcp_server_url <= 2048",
        auth(BEARER, mcp_server_url="https://m.test/" + "p" * 2040),
        rejects="auth.mcp_server_url",
    ),
    Case("static_bearer: unknown field", auth(BEARER, header="X-Token"), rejects="auth.header"),
    Case(
        "static_bearer: protocol",
        auth(BEARER, protocol="sse"),
        differs=Differs(
            "auth.protocol",
            ACCEPTS,
            "the provider follows the SDK (StaticBearerCreateParams has no protocol, and its update cannot change one); "
            "the emulator also serves the Qoder docs' inline credential field",
        ),
    ),
    Case("mcp_oauth: access_token required", auth(OAUTH, access_token=DROP), rejects="auth.access_token"),
    Case("mcp_oauth: expires_at RFC 3339", auth(OAUTH, expires_at="tomorrow"), rejects="auth.expires_at"),
    Case("mcp_oauth: refresh an object", auth(OAUTH, refresh="rt"), rejects="auth.refresh"),
    Case("refresh: client_id required", refresh(client_id=DROP), rejects="auth.refresh.client_id"),
    Case(
        "refresh: refresh_token required", refresh(refresh_token=DROP), rejects="auth.refresh.refresh_token"
    ),
    Case(
        "refresh: token_endpoint http(s)",
        refresh(token_endpoint="auth.test/token"),
        rejects="auth.refresh.token_endpoint",
    ),
    Case(
        "refresh: token_endpoint_auth required",
        refresh(token_endpoint_auth=DROP),
        rejects="auth.refresh.token_endpoint_auth",
    ),
    Case("refresh: unknown field", refresh(audience="x"), rejects="auth.refresh.audience"),
    Case(
        "token_endpoint_auth.type: none, client_secret_basic, client_secret_post",
        refresh(token_endpoint_auth={"type": "jwt"}),
        rejects="auth.refresh.token_endpoint_auth.type",
    ),
    Case(
        "token_endpoint_auth: client_secret required with client_secret_basic",
        refresh(token_endpoint_auth={"type": "client_secret_basic"}),
        rejects="auth.refresh.token_endpoint_auth.client_secret",
    ),
    Case(
        "token_endpoint_auth: no client_secret with none",
        refresh(token_endpoint_auth={"type": "none", "client_secret": "cs"}),
        rejects="auth.refresh.token_endpoint_auth.client_secret",
    ),
    Case(
        "environment_variable: secret_name required",
        auth(ENV_VAR, secret_name=DROP),
        rejects="auth.secret_name",
    ),
    Case(
        "environment_variable: secret_name a variable name",
        auth(ENV_VAR, secret_name="1-KEY"),
        rejects="auth.secret_name",
    ),
    Case(
        "environment_variable: secret_value required",
        auth(ENV_VAR, secret_value=DROP),
        rejects="auth.secret_value",
    ),
    Case(
        "environment_variable: networking required", auth(ENV_VAR, networking=DROP), rejects="auth.networking"
    ),
    Case(
        "networking.type: unrestricted or limited",
        auth(ENV_VAR, networking={"type": "open"}),
        rejects="auth.networking.type",
    ),
    Case("limited networking: allowed_hosts required", limited(), rejects="auth.networking.allowed_hosts"),
    Case(
        "limited networking: allowed_hosts a list",
        limited(allowed_hosts="a.test"),
        rejects="auth.networking.allowed_hosts",
    ),
    Case(
        "limited networking: host <= 253",
        limited(allowed_hosts=["a" * 250 + ".test"]),
        rejects="auth.networking.allowed_hosts[0]",
    ),
    Case(
        "unrestricted networking: no allowed_hosts",
        auth(ENV_VAR, networking={"type": "unrestricted", "allowed_hosts": ["a.test"]}),
        rejects="auth.networking.allowed_hosts",
    ),
    Case(
        "injection_location: booleans",
        auth(ENV_VAR, injection_location={"header": "yes"}),
        rejects="auth.injection_location.header",
    ),
    Case(
        "injection_location: unknown field",
        auth(ENV_VAR, injection_location={"query": True}),
        rejects="auth.injection_location.query",
    ),
    # --- display_name, metadata, the vault ---------------------------------------------------------
    Case("display_name: <= 255 characters", {"display_name": "d" * 256}, rejects="display_name"),
    Case("display_name: a string", {"display_name": 7}, rejects="display_name"),
    Case("metadata: <= 16 keys", {"metadata": {f"k{i}": "v" for i in range(17)}}, rejects="metadata"),
    Case("vault_id: a vault id (emulator: 404 on the path)", {"vault_id": "vlt_1"}, rejects="vault_id"),
    Case(
        "vault_id: must exist",
        {"vault_id": "vault_0000000000000000000000000000dead"},
        differs=Differs(ACCEPTS, "vault_id", "existence is known only to the service"),
    ),
    Case("unknown property", {"name": "gh"}, rejects="name"),
    Case(
        "adopt_id: a credential id",
        {"adopt_id": "vault_1"},
        differs=Differs(
            "adopt_id", ACCEPTS, "a provider input (which object to take over), not a body field"
        ),
    ),
]
