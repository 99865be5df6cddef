"""Vault rows (fact sheet section 14: ``POST /vaults`` with inline credentials)."""

from __future__ import annotations

from typing import Any

from .harness import ACCEPTS, DROP, Case, Differs

CRED = {"mcp_server_url": "https://mcp.github.test/", "access_token": "ghp_secret"}
# Spelled out with the provider's defaults: a rejected property reaches the API as written.
FULL = {**CRED, "protocol": "streamable_http", "type": "static_bearer"}


def cred(**fields: Any) -> dict[str, Any]:
    """``credentials``: one credential, ``FULL`` overridden by ``fields``."""
    merged = {**FULL, **fields}
    return {"credentials": [{k: v for k, v in merged.items() if v is not DROP}]}


CASES: list[Case] = [
    # --- valid bodies ----------------------------------------------------------------------------
    Case("minimal: a display name"),
    Case("one credential", cred()),
    Case("credential over sse", cred(protocol="sse")),
    Case(
        "two credentials for two servers",
        {"credentials": [CRED, {**CRED, "mcp_server_url": "https://mcp.linear.test/"}]},
    ),
    Case("metadata", {"metadata": {"owner": "ops"}}),
    # --- display_name ------------------------------------------------------------------------------
    Case("display_name: required", {"display_name": DROP}, rejects="display_name"),
    Case("display_name: not empty", {"display_name": ""}, rejects="display_name"),
    Case("display_name: <= 255 characters", {"display_name": "v" * 256}, rejects="display_name"),
    Case("display_name: a string", {"display_name": 7}, rejects="display_name"),
    # --- credentials -------------------------------------------------------------------------------
    Case("credentials: a list", {"credentials": CRED}, rejects="credentials"),
    Case(
        "credentials: <= 50",
        {"credentials": [{**CRED, "mcp_server_url": f"https://m{i}.test/"} for i in range(51)]},
        rejects="credentials",
    ),
    Case("credentials[0]: an object", {"credentials": ["ghp_secret"]}, rejects="credentials[0]"),
    Case("mcp_server_url: required", cred(mcp_server_url=DROP), rejects="credentials[0].mcp_server_url"),
    Case(
        "mcp_server_url: http(s)",
        cred(mcp_server_url="ftp://mcp.test/"),
        rejects="credentials[0].mcp_server_url",
    ),
    Case(
        "mcp_server_url: <= 2048",
        cred(mcp_server_url="https://m.test/" + "p" * 2040),
        rejects="credentials[0].mcp_server_url",
    ),
    Case("access_token: required", cred(access_token=DROP), rejects="credentials[0].access_token"),
    Case("access_token: not empty", cred(access_token=""), rejects="credentials[0].access_token"),
    Case("access_token: <= 8192", cred(access_token="t" * 8193), rejects="credentials[0].access_token"),
    Case("protocol: sse or streamable_http", cred(protocol="ws"), rejects="credentials[0].protocol"),
    Case("type: static_bearer", cred(type="oauth"), rejects="credentials[0].type"),
    Case("credential: unknown field", cred(expires_at="2030-01-01"), rejects="credentials[0].expires_at"),
    Case(
        "two credentials for one MCP server URL",
        {"credentials": [FULL, {**FULL, "access_token": "other"}]},
        differs=Differs(
            "credentials[1].mcp_server_url",
            ACCEPTS,
            "deliberately stricter: the API never returns tokens, so the provider pairs each token with its credential "
            "by URL on refresh; two for one URL cannot be told apart. The API (docs: 'a vault can hold multiple "
            "credentials') accepts them",
        ),
    ),
    # --- metadata, provider-only inputs ------------------------------------------------------------
    Case("metadata: <= 16 keys", {"metadata": {f"k{i}": "v" for i in range(17)}}, rejects="metadata"),
    Case("unknown property", {"name": "x"}, rejects="name"),
    Case(
        "adopt_id: a vault id",
        {"adopt_id": "dep_1"},
        differs=Differs(
            "adopt_id", ACCEPTS, "a provider input (which object to take over), not a body field"
        ),
    ),
]
