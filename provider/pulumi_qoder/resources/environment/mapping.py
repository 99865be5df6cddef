"""An environment between state and wire, both directions, pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core import fields
from ...core.values import JSON, contains_unknown, normalize_numbers, unwrap_secrets
from .check import DEFAULT_CONFIG, DEFAULT_SCOPE, LIMITED_FLAGS, OUTPUT_KEYS, PACKAGE_MANAGERS

__all__ = ["create_body", "environment_to_inputs", "environment_to_outputs", "update_patch"]


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
    if config.get("setup_script"):
        body["setup_script"] = config["setup_script"]
    return body


def create_body(inputs: Mapping[str, Any]) -> JSON:
    """The ``POST /environments`` body for canonical inputs."""
    body: JSON = {"name": inputs["name"], "config": _wire_config(inputs.get("config") or DEFAULT_CONFIG)}
    if inputs.get("description"):
        body["description"] = inputs["description"]
    if inputs.get("scope"):
        body["scope"] = inputs["scope"]
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
        if (old.get("config") or {}).get("setup_script") and "setup_script" not in patch["config"]:
            patch["config"]["setup_script"] = None  # removed: clear it
    if old.get("scope") != new.get("scope"):
        patch["scope"] = new.get("scope") or DEFAULT_SCOPE
    meta = fields.metadata_patch(old.get("metadata"), new.get("metadata"))
    if meta:
        patch["metadata"] = meta
    return patch


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
    if config.get("setup_script"):
        out["setup_script"] = config["setup_script"]
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
    if env.get("scope") and env["scope"] != DEFAULT_SCOPE:
        out["scope"] = env["scope"]
    metadata = fields.user_metadata(env)
    if metadata:
        out["metadata"] = metadata
    return fields.keep_adopt_id(out, prior)


def environment_to_outputs(env: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    return fields.with_server_fields(env, inputs, OUTPUT_KEYS)
