"""An agent between state and wire, both directions, pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core import fields
from ...core.values import JSON, normalize_numbers, unwrap_secrets
from .check import LIST_KEYS, OUTPUT_KEYS, TEXT_KEYS

__all__ = ["agent_to_inputs", "agent_to_outputs", "create_body", "update_patch"]


def create_body(inputs: Mapping[str, Any]) -> JSON:
    """The ``POST /agents`` body for canonical inputs."""
    body: JSON = {"name": inputs["name"], "model": inputs["model"]}
    for key in (*TEXT_KEYS, *LIST_KEYS, "metadata"):
        if inputs.get(key):
            body[key] = inputs[key]
    return body


def update_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> JSON:
    """The fields of ``POST /agents/{id}`` that turn ``old`` into ``new`` (without ``version``).

    Removed text is sent as ``""`` and removed lists as ``[]`` (lists are replaced whole);
    metadata is a key-level patch with ``null`` for removed keys.
    """
    patch: JSON = {}
    for key in ("name", "model"):
        if old.get(key) != new.get(key):
            patch[key] = new[key]
    for key in TEXT_KEYS:
        if old.get(key) != new.get(key):
            patch[key] = new.get(key) or ""
    for key in LIST_KEYS:
        if old.get(key) != new.get(key):
            patch[key] = list(new.get(key) or [])
    meta = fields.metadata_patch(old.get("metadata"), new.get("metadata"))
    if meta:
        patch["metadata"] = meta
    return patch


def _effort(value: Any) -> Any:
    """``"high"`` and ``{"type": "high"}`` are the same effort."""
    return value.get("type") if isinstance(value, Mapping) else value


def _model_like_prior(server: Any, prior: Any) -> Any:
    """The server's model in the user's spelling when they mean the same (``"x"`` ==
    ``{"id": "x"}``; an effort as a string or as ``{"type": ...}``)."""
    if isinstance(server, str):
        return dict(prior) if isinstance(prior, Mapping) and dict(prior) == {"id": server} else server
    if not isinstance(server, Mapping):
        return server
    server = {k: x for k, x in server.items() if x is not None}
    if set(server) <= {"id"} and prior == server.get("id"):
        return prior
    if (
        isinstance(prior, Mapping)
        and set(prior) == set(server)
        and all(
            prior[k] == x or (k == "effort" and _effort(prior[k]) == _effort(x)) for k, x in server.items()
        )
    ):
        return dict(prior)
    return server


def agent_to_inputs(agent: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical inputs describing the agent as the server has it (refresh, import)."""
    agent = normalize_numbers(agent)
    prior = normalize_numbers(unwrap_secrets(dict(prior)))
    out: dict[str, Any] = {
        "name": agent["name"],
        "model": _model_like_prior(agent.get("model"), prior.get("model")),
    }
    for key in (*TEXT_KEYS, *LIST_KEYS):
        if agent.get(key):
            out[key] = agent[key]
    metadata = fields.user_metadata(agent)
    if metadata:
        out["metadata"] = metadata
    return fields.keep_adopt_id(out, prior)


def agent_to_outputs(agent: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Full outputs: the inputs as the server has them, plus the server-managed fields."""
    return fields.with_server_fields(normalize_numbers(agent), inputs, OUTPUT_KEYS)
