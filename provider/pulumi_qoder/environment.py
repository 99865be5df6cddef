"""``Environment``: the sandbox a deployment's sessions run in (cloud, networking, packages).

Same layout as ``deployment.py``: typed args, ``check_inputs``, one pure mapping per direction,
a small stateless provider.

Destroy **archives** the environment rather than deleting it. Why: ``DELETE /environments/{id}``
needs an admin token (403 otherwise) and may fail while sessions reference the environment
(section 14), so a routine ``pulumi destroy`` with an ordinary PAT would fail half-way; archive
works with any token, is what agents and deployments get too, and keeps past runs' environment
resolvable. The cost: archived environments accumulate in the account (hidden from the default
list).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from . import _objects as objects
from . import validators as v
from ._base import (
    Failures,
    contains_unknown,
    is_unknown,
    normalize_numbers,
    plain_news,
    unwrap_secrets,
)
from .client import JSON

__all__ = [
    "Environment",
    "EnvironmentArgs",
    "EnvironmentConfigArgs",
    "EnvironmentProvider",
    "LimitedNetworkingArgs",
    "PackagesArgs",
    "UnrestrictedNetworkingArgs",
    "check_inputs",
    "create_body",
    "environment_to_inputs",
    "environment_to_outputs",
    "update_patch",
]

COLLECTION = "environments"

# ------------------------------------------------------------------------------------------------
# Typed arguments (the schema)
# ------------------------------------------------------------------------------------------------


@dataclass
class UnrestrictedNetworkingArgs:
    """Outbound network access to any host."""

    type: str = field(default="unrestricted", init=False)


@dataclass
class LimitedNetworkingArgs:
    """Outbound access only to ``allowed_hosts`` (plus package registries / MCP servers if allowed)."""

    allowed_hosts: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    allow_package_managers: pulumi.Input[bool] | None = None
    allow_mcp_servers: pulumi.Input[bool] | None = None
    type: str = field(default="limited", init=False)


@dataclass
class PackagesArgs:
    """Packages installed into each session, per package manager."""

    apt: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    cargo: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    gem: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    go: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    npm: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    pip: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None


@dataclass
class EnvironmentConfigArgs:
    """A cloud environment. Without ``networking`` the service's default applies."""

    networking: (
        pulumi.Input[UnrestrictedNetworkingArgs | LimitedNetworkingArgs | Mapping[str, Any]] | None
    ) = None
    packages: pulumi.Input[PackagesArgs | Mapping[str, Any]] | None = None
    type: str = field(default="cloud", init=False)


@dataclass
class EnvironmentArgs:
    """Inputs of an :class:`Environment`. ``config`` defaults to a plain cloud environment."""

    name: pulumi.Input[str]
    description: pulumi.Input[str] | None = None
    config: pulumi.Input[EnvironmentConfigArgs | Mapping[str, Any]] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    adopt_id: pulumi.Input[str] | None = None
    """An existing environment to take over at create; see docs/resources.md."""


INPUT_KEYS = ("name", "description", "config", "metadata", "adopt_id")
OUTPUT_KEYS = ("status", "created_at", "updated_at", "archived_at")
PACKAGE_MANAGERS = ("apt", "cargo", "gem", "go", "npm", "pip")
NETWORKING_TYPES = ("unrestricted", "limited")
LIMITED_FLAGS = ("allow_package_managers", "allow_mcp_servers")
# A bare host name (no scheme, port or path); a leading "*." wildcard is allowed.
HOST_RE = re.compile(
    r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$"
)
DEFAULT_CONFIG: dict[str, Any] = {"type": "cloud"}

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
        extra = set(value) - {"type"}
        if extra:
            f.add(path, f"{', '.join(sorted(extra))} only apply to limited networking")
        return {"type": "unrestricted"}
    extra = set(value) - {"type", "allowed_hosts", *LIMITED_FLAGS}
    if extra:
        f.add(
            path,
            f"unknown field(s) {', '.join(sorted(extra))}; expected allowed_hosts, {', '.join(LIMITED_FLAGS)}",
        )
    out: dict[str, Any] = {"type": "limited"}
    hosts = value.get("allowed_hosts")
    valid = hosts is not None and v.string_list(
        f, f"{path}.allowed_hosts", hosts, max_items=256, item=host_name
    )
    if valid and (is_unknown(hosts) or hosts):
        out["allowed_hosts"] = hosts
    for flag in LIMITED_FLAGS:
        flag_value = value.get(flag)
        if flag_value is None:
            continue
        if not is_unknown(flag_value) and not isinstance(flag_value, bool):
            f.add(f"{path}.{flag}", f"must be true or false, got {flag_value!r}")
        elif flag_value is not False:  # false is the API default: spelling it out is no change
            out[flag] = flag_value
    return out


def _check_packages(f: Failures, value: Any) -> Any:
    path = "config.packages"
    if is_unknown(value) or not v.is_mapping(f, path, value) or is_unknown(value):
        return value
    extra = set(value) - {"type", *PACKAGE_MANAGERS}
    if extra:
        f.add(
            path,
            f"unknown package manager(s) {', '.join(sorted(extra))}; expected {', '.join(PACKAGE_MANAGERS)}",
        )
    if "type" in value:
        v.one_of(f, f"{path}.type", value["type"], ("packages",))
    out: dict[str, Any] = {}
    for manager in PACKAGE_MANAGERS:
        names = value.get(manager)
        if names is None:
            continue
        item = lambda ff, p, x: v.string(ff, p, x, min_len=1, max_len=256)  # noqa: E731
        if v.string_list(f, f"{path}.{manager}", names, max_items=500, item=item) and (
            is_unknown(names) or names
        ):
            out[manager] = names
    return out or None


def _check_config(f: Failures, value: Any) -> Any:
    if value is None:
        return dict(DEFAULT_CONFIG)
    if is_unknown(value) or not v.is_mapping(f, "config", value) or is_unknown(value):
        return value
    extra = set(value) - {"type", "networking", "packages"}
    if extra:
        f.add("config", f"unknown field(s) {', '.join(sorted(extra))}; expected networking and packages")
    if value.get("type") is not None:
        v.one_of(f, "config.type", value["type"], ("cloud",))
    out: dict[str, Any] = {"type": "cloud"}
    if value.get("networking") is not None:
        out["networking"] = _check_networking(f, value["networking"])
    if value.get("packages") is not None:
        packages = _check_packages(f, value["packages"])
        if packages is not None:
            out["packages"] = packages
    return out


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """Validate ``news`` and return canonical inputs (defaults and empty values left out)."""
    news = plain_news(news)
    f = Failures()
    objects.unexpected_keys(f, news, INPUT_KEYS, OUTPUT_KEYS)
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
    objects.check_metadata_and_adopt_id(f, news, out, "env_")
    return out, f.items


# ------------------------------------------------------------------------------------------------
# inputs -> wire
# ------------------------------------------------------------------------------------------------


def _wire_config(config: Mapping[str, Any]) -> JSON:
    body: JSON = {"type": "cloud"}
    net = config.get("networking")
    if net is not None:
        body["networking"] = dict(net)
        if net.get("type") == "limited":
            body["networking"] = {
                "type": "limited",
                "allowed_hosts": list(net.get("allowed_hosts") or []),
                **{flag: bool(net.get(flag, False)) for flag in LIMITED_FLAGS},
            }
    if config.get("packages"):
        body["packages"] = {
            "type": "packages",
            **{m: list(config["packages"].get(m) or []) for m in PACKAGE_MANAGERS},
        }
    return body


def create_body(inputs: Mapping[str, Any]) -> JSON:
    """The ``POST /environments`` body for canonical inputs."""
    body: JSON = {"name": inputs["name"], "config": _wire_config(inputs.get("config") or DEFAULT_CONFIG)}
    if inputs.get("description"):
        body["description"] = inputs["description"]
    if inputs.get("metadata"):
        body["metadata"] = dict(inputs["metadata"])
    return body


def update_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> JSON:
    """The minimal ``POST /environments/{id}`` patch; ``config`` is sent whole (the API wants
    ``config.type`` with any config change), metadata as a key-level patch."""
    patch: JSON = {}
    if old.get("name") != new.get("name"):
        patch["name"] = new["name"]
    if old.get("description") != new.get("description"):
        patch["description"] = new.get("description") or ""
    if old.get("config") != new.get("config"):
        patch["config"] = _wire_config(new.get("config") or DEFAULT_CONFIG)
    meta = objects.metadata_patch(old.get("metadata"), new.get("metadata"))
    if meta:
        patch["metadata"] = meta
    return patch


# ------------------------------------------------------------------------------------------------
# wire -> state
# ------------------------------------------------------------------------------------------------


def _config_from_wire(config: Mapping[str, Any] | None, prior: Any) -> dict[str, Any]:
    """The server's config in canonical form. The service may fill in ``networking`` when none
    was sent; when the prior inputs had none and the server reports unrestricted, keep none."""
    config = config or {}
    out: dict[str, Any] = {"type": "cloud"}
    net = config.get("networking")
    if isinstance(net, Mapping):
        if net.get("type") == "limited":
            limited: dict[str, Any] = {"type": "limited"}
            if net.get("allowed_hosts"):
                limited["allowed_hosts"] = list(net["allowed_hosts"])
            limited.update({flag: True for flag in LIMITED_FLAGS if net.get(flag)})
            out["networking"] = limited
        elif not (
            isinstance(prior, Mapping)
            and prior.get("networking") is None
            and net.get("type") == "unrestricted"
        ):
            out["networking"] = {"type": net.get("type")}
    packages = config.get("packages")
    if isinstance(packages, Mapping):
        kept = {m: list(packages[m]) for m in PACKAGE_MANAGERS if packages.get(m)}
        if kept:
            out["packages"] = kept
    return out


def environment_to_inputs(env: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical inputs describing the environment as the server has it (refresh, import)."""
    env = normalize_numbers(env)
    prior = normalize_numbers(unwrap_secrets(dict(prior)))
    out: dict[str, Any] = {"name": env["name"]}
    if env.get("description"):
        out["description"] = env["description"]
    prior_config = prior.get("config")
    out["config"] = _config_from_wire(
        env.get("config"), None if contains_unknown(prior_config) else prior_config
    )
    metadata = objects.user_metadata(env)
    if metadata:
        out["metadata"] = metadata
    return objects.keep_adopt_id(out, prior)


def environment_to_outputs(env: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    return objects.with_server_fields(env, inputs, OUTPUT_KEYS)


# ------------------------------------------------------------------------------------------------
# The provider
# ------------------------------------------------------------------------------------------------


class EnvironmentProvider(objects.ObjectProvider):
    """Lifecycle of an environment; destroy archives it (why not DELETE: module docstring)."""

    collection, kind, input_keys = COLLECTION, "environment", INPUT_KEYS
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    update_patch = staticmethod(update_patch)
    to_inputs = staticmethod(environment_to_inputs)
    to_outputs = staticmethod(environment_to_outputs)


# ------------------------------------------------------------------------------------------------
# The resource
# ------------------------------------------------------------------------------------------------


class Environment(pulumi.dynamic.Resource, module="qoder", name="Environment"):
    """A Qoder cloud environment. Destroying it archives it."""

    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    config: pulumi.Output[dict[str, Any]]
    metadata: pulumi.Output[dict[str, str] | None]
    adopt_id: pulumi.Output[str | None]
    status: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    archived_at: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: EnvironmentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = objects.collect_props("Environment", args, kwargs, INPUT_KEYS, OUTPUT_KEYS)
        super().__init__(EnvironmentProvider(), resource_name, props, opts)
