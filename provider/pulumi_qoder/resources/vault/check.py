"""Preview-time rules of a vault and one canonical spelling of its inputs. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...core import fields
from ...core import validators as v
from ...core.failures import CheckFailure, Failures
from ...core.values import is_unknown, plain_news

__all__ = [
    "CREDENTIAL_FIELDS",
    "INPUT_KEYS",
    "OUTPUT_KEYS",
    "REPLACE_ON_CHANGES",
    "SECRET_OUTPUTS",
    "canonical_credential",
    "check_inputs",
]

INPUT_KEYS = ("display_name", "credentials", "metadata", "adopt_id")
OUTPUT_KEYS = ("status", "credential_ids", "created_at", "updated_at", "archived_at")
# All real inputs: there is no update endpoint, so a change can only be applied by a new vault.
REPLACE_ON_CHANGES = ["display_name", "credentials", "metadata"]
SECRET_OUTPUTS = ["credentials"]
PROTOCOLS = ("sse", "streamable_http")
DEFAULT_PROTOCOL = "streamable_http"
CREDENTIAL_TYPE = "static_bearer"
CREDENTIAL_FIELDS = ("mcp_server_url", "protocol", "type", "access_token")
URL_RE = re.compile(r"^https?://[^\s/]+")

# ------------------------------------------------------------------------------------------------
# check: validation + canonical inputs
# ------------------------------------------------------------------------------------------------


def http_url(f: Failures, path: str, value: Any) -> bool:
    """An absolute http(s) URL of at most 2048 characters."""
    if not v.string(f, path, value, min_len=1, max_len=2048) or is_unknown(value):
        return is_unknown(value) or False
    if not URL_RE.match(value):
        f.add(path, f'"{value}" is not an http(s) URL such as https://mcp.example.com/sse')
        return False
    return True


def canonical_credential(cred: Mapping[str, Any]) -> dict[str, Any]:
    """Known fields only; the API defaults (``streamable_http``, ``static_bearer``) left out."""
    out = {k: cred[k] for k in CREDENTIAL_FIELDS if cred.get(k) is not None}
    if out.get("protocol") == DEFAULT_PROTOCOL:
        del out["protocol"]
    if out.get("type") == CREDENTIAL_TYPE:
        del out["type"]
    return out


def _check_credential(f: Failures, path: str, cred: Any) -> Any:
    if (
        is_unknown(cred)
        or not v.is_mapping(f, path, cred, expected="a credential object")
        or is_unknown(cred)
    ):
        return cred
    v.fields(f, path, cred, CREDENTIAL_FIELDS, what="a credential")
    if cred.get("mcp_server_url") is None:
        f.add(f"{path}.mcp_server_url", "is required")
    else:
        http_url(f, f"{path}.mcp_server_url", cred["mcp_server_url"])
    if cred.get("access_token") is None:
        f.add(f"{path}.access_token", "is required (the bearer token sent to the MCP server)")
    else:
        v.string(f, f"{path}.access_token", cred["access_token"], min_len=1, max_len=8192)
    if cred.get("protocol") is not None:
        v.one_of(f, f"{path}.protocol", cred["protocol"], PROTOCOLS)
    if cred.get("type") is not None:
        v.one_of(f, f"{path}.type", cred["type"], (CREDENTIAL_TYPE,))
    return canonical_credential(cred)


def _check_credentials(f: Failures, value: Any) -> Any:
    if not v.is_list(f, "credentials", value, max_items=50, expected="a list of credentials") or is_unknown(
        value
    ):
        return value
    creds = [_check_credential(f, f"credentials[{i}]", c) for i, c in enumerate(value)]
    # Stricter than the API on purpose: tokens are never read back, so refresh pairs each token
    # with its credential by URL; two credentials for one URL could not be told apart.
    seen: set[str] = set()
    for i, cred in enumerate(creds):
        url = cred.get("mcp_server_url") if isinstance(cred, Mapping) else None
        if isinstance(url, str) and not is_unknown(url):
            if url in seen:
                f.add(
                    f"credentials[{i}].mcp_server_url",
                    f"a second credential for {url}: give each MCP server one credential",
                )
            seen.add(url)
    return creds or None


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate ``news`` and return canonical inputs (defaults and empty values left out)."""
    news = plain_news(news)
    f = Failures()
    fields.unexpected_keys(f, news, INPUT_KEYS, OUTPUT_KEYS)
    out: dict[str, Any] = {}
    if news.get("display_name") is None:
        f.add("display_name", "is required")
    else:
        v.string(f, "display_name", news["display_name"], min_len=1, max_len=255)
        out["display_name"] = news["display_name"]
    if news.get("credentials") is not None:
        creds = _check_credentials(f, news["credentials"])
        if creds is not None:
            out["credentials"] = creds
    fields.check_metadata_and_adopt_id(f, news, out, "vault_")
    return out, f.items
