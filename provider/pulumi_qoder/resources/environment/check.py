"""Preview-time rules of an environment and one canonical spelling of its inputs. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...core import fields
from ...core import validators as v
from ...core.failures import CheckFailure, Failures
from ...core.values import is_unknown, plain_news

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_SCOPE",
    "INPUT_KEYS",
    "LIMITED_FLAGS",
    "OUTPUT_KEYS",
    "PACKAGE_MANAGERS",
    "check_inputs",
]

INPUT_KEYS = ("name", "description", "config", "scope", "metadata", "adopt_id")
OUTPUT_KEYS = ("status", "created_at", "updated_at", "archived_at")
PACKAGE_MANAGERS = ("apt", "cargo", "gem", "go", "npm", "pip")
NETWORKING_TYPES = ("unrestricted", "limited")
LIMITED_FLAGS = ("allow_package_managers", "allow_mcp_servers")
# A bare host name (no scheme, port or path); a leading "*." wildcard is allowed.
HOST_RE = re.compile(
    r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$"
)
DEFAULT_CONFIG: dict[str, Any] = {"type": "cloud"}
SCOPES = ("organization", "account")
DEFAULT_SCOPE = "account"  # what the service reports when none was given
MAX_SETUP_SCRIPT = 65536  # the emulator's bound (the SDK has none)

# ------------------------------------------------------------------------------------------------
# check: validation + canonical inputs
# ------------------------------------------------------------------------------------------------


def host_name(f: Failures, path: str, value: Any) -> bool:
    """A host name such as ``api.github.com`` (no scheme, port or path), <= 253 characters."""
    if not v.string(f, path, value, min_len=1, max_len=253) or is_unknown(value):
        return is_unknown(value) or False
    if not HOST_RE.match(value):
        f.add(path, f'"{value}" is not a host name (write it like api.example.com: no scheme, port or path)')
        return False
    return True


def _check_networking(f: Failures, value: Any) -> Any:
    path = "config.networking"
    if is_unknown(value) or not v.is_mapping(f, path, value) or is_unknown(value):
        return value
    kind = value.get("type")
    if kind is None:
        f.add(f"{path}.type", "is required: unrestricted or limited")
        return value
    if not v.one_of(f, f"{path}.type", kind, NETWORKING_TYPES) or is_unknown(kind):
        return value
    if kind == "unrestricted":
        for key in value:
            if key != "type":
                f.add(f"{path}.{key}", "only applies to limited networking (type: limited)")
        return {"type": "unrestricted"}
    v.fields(f, path, value, ("type", "allowed_hosts", *LIMITED_FLAGS), what="limited networking")
    out: dict[str, Any] = {"type": "limited"}
    hosts = value.get("allowed_hosts")
    valid = hosts is not None and v.string_list(
        f, f"{path}.allowed_hosts", hosts, max_items=256, item=host_name, expected="a list of host names"
    )
    if valid and (is_unknown(hosts) or hosts):
        out["allowed_hosts"] = hosts
    for flag in LIMITED_FLAGS:
        flag_value = value.get(flag)
        if flag_value is None:
            continue
        if not is_unknown(flag_value) and not isinstance(flag_value, bool):
            f.add(f"{path}.{flag}", f"must be true or false, got {v.type_name(flag_value)}")
        elif flag_value is not False:  # false is the API default: spelling it out is no change
            out[flag] = flag_value
    return out


def _check_packages(f: Failures, value: Any) -> Any:
    path = "config.packages"
    if is_unknown(value) or not v.is_mapping(f, path, value) or is_unknown(value):
        return value
    v.fields(f, path, value, ("type", *PACKAGE_MANAGERS), what="packages (the package managers)")
    if "type" in value:
        v.one_of(f, f"{path}.type", value["type"], ("packages",))
    out: dict[str, Any] = {}
    for manager in PACKAGE_MANAGERS:
        names = value.get(manager)
        if names is None:
            continue
        item = lambda ff, p, x: v.string(ff, p, x, min_len=1, max_len=256)  # noqa: E731
        listed = v.string_list(
            f, f"{path}.{manager}", names, max_items=500, item=item, expected="a list of package names"
        )
        if listed and (is_unknown(names) or names):
            out[manager] = names
    return out or None


def _check_config(f: Failures, value: Any) -> Any:
    if value is None:
        return dict(DEFAULT_CONFIG)
    if is_unknown(value) or not v.is_mapping(f, "config", value) or is_unknown(value):
        return value
    v.fields(f, "config", value, ("type", "networking", "packages", "setup_script"), what="config")
    if value.get("type") is not None:
        v.one_of(f, "config.type", value["type"], ("cloud",))
    out: dict[str, Any] = {"type": "cloud"}
    if value.get("networking") is not None:
        out["networking"] = _check_networking(f, value["networking"])
    if value.get("packages") is not None:
        packages = _check_packages(f, value["packages"])
        if packages is not None:
            out["packages"] = packages
    if value.get("setup_script") not in (None, ""):
        v.string(f, "config.setup_script", value["setup_script"], max_len=MAX_SETUP_SCRIPT)
        out["setup_script"] = value["setup_script"]
    return out


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate ``news`` and return canonical inputs (defaults and empty values left out)."""
    news = plain_news(news)
    f = Failures()
    fields.unexpected_keys(f, news, INPUT_KEYS, OUTPUT_KEYS)
    out: dict[str, Any] = {}
    if news.get("name") is None:
        f.add("name", "is required")
    else:
        v.string(f, "name", news["name"], min_len=1, max_len=256)
        out["name"] = news["name"]
    if news.get("description") not in (None, ""):
        v.string(f, "description", news["description"], max_len=1024)
        out["description"] = news["description"]
    out["config"] = _check_config(f, news.get("config"))
    if news.get("scope") is not None:
        v.one_of(f, "scope", news["scope"], SCOPES)
        if news["scope"] != DEFAULT_SCOPE:  # the default spelled out is no change
            out["scope"] = news["scope"]
    fields.check_metadata_and_adopt_id(f, news, out, "env_")
    return out, f.items
