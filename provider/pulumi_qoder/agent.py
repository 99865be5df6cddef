"""``Agent``: a Qoder Cloud Agents agent (model, system prompt, tools, MCP servers, skills).

Same layout as ``deployment.py``: typed args, ``check_inputs`` (every rule at preview time, one
canonical spelling), one pure mapping per direction (``create_body``/``update_patch`` and
``agent_to_inputs``/``agent_to_outputs``) and a small stateless provider.

Versions: every successful update increments the agent's ``version`` (optimistic concurrency:
an update must carry the version it was computed against, 409 otherwise). The version is an
output, so a deployment that pins ``{"id": agent.id, "version": agent.version}`` follows the
agent in the same ``up``, while one that names only ``agent.id`` keeps the version it resolved
at create. Destroy archives: the API has no delete for agents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from . import _objects as objects
from . import validators as v
from ._base import Failures, is_unknown, normalize_numbers, plain_news, unwrap_secrets
from .client import JSON, QoderClient
from .errors import QoderAPIError, QoderError

__all__ = [
    "Agent",
    "AgentArgs",
    "AgentProvider",
    "CustomSkillArgs",
    "ModelArgs",
    "agent_to_inputs",
    "agent_to_outputs",
    "check_inputs",
    "create_body",
    "update_patch",
]

COLLECTION = "agents"

# ------------------------------------------------------------------------------------------------
# Typed arguments (the schema)
# ------------------------------------------------------------------------------------------------


@dataclass
class ModelArgs:
    """A model as an object (``{"id": ...}``); a plain model id string works as well."""

    id: pulumi.Input[str]
    speed: pulumi.Input[str] | None = None


@dataclass
class CustomSkillArgs:
    skill_id: pulumi.Input[str]
    type: str = field(default="custom", init=False)


@dataclass
class AgentArgs:
    """Inputs of an :class:`Agent`. ``tools`` and ``mcp_servers`` are the API's objects as dicts."""

    name: pulumi.Input[str]
    model: pulumi.Input[str | ModelArgs | Mapping[str, Any]]
    system: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    tools: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    mcp_servers: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None
    skills: pulumi.Input[Sequence[pulumi.Input[CustomSkillArgs | Mapping[str, Any]]]] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    adopt_id: pulumi.Input[str] | None = None
    """An existing agent to take over at create (instead of creating one); see docs/resources.md."""


INPUT_KEYS = (
    "name",
    "model",
    "system",
    "description",
    "tools",
    "mcp_servers",
    "skills",
    "metadata",
    "adopt_id",
)
OUTPUT_KEYS = ("version", "created_at", "updated_at", "archived_at")
LIST_KEYS = ("tools", "mcp_servers", "skills")
TEXT_KEYS = ("system", "description")
# Section 14: skills <= 20. Tools and MCP servers have no documented bound; these are the
# emulator's, generous enough for any real agent and catching runaway generated lists early.
LIST_LIMITS = {"tools": 128, "mcp_servers": 20, "skills": 20}
MAX_TEXT = 100_000

# ------------------------------------------------------------------------------------------------
# check: validation + canonical inputs
# ------------------------------------------------------------------------------------------------


def _check_model(f: Failures, value: Any) -> Any:
    if isinstance(value, str) or is_unknown(value):
        v.string(f, "model", value, min_len=1, max_len=256)
        return value
    if not isinstance(value, Mapping):
        f.add("model", 'must be a model id string or an object {"id": ...}')
        return value
    extra = set(value) - {"id", "speed"}
    if extra:
        f.add("model", f"unknown field(s) {', '.join(sorted(extra))}; expected id and speed")
    if value.get("id") is None:
        f.add("model.id", "is required")
    else:
        v.string(f, "model.id", value["id"], min_len=1, max_len=256)
    if value.get("speed") is not None:
        v.string(f, "model.speed", value["speed"], min_len=1)
    return {k: x for k, x in value.items() if x is not None}


def _check_items(f: Failures, key: str, value: Any) -> Any:
    """A list of API objects, each with a ``type``; skills also need a ``skill_id``."""
    if not v.is_list(f, key, value, max_items=LIST_LIMITS[key]) or is_unknown(value):
        return value
    for i, item in enumerate(value):
        path = f"{key}[{i}]"
        if is_unknown(item) or not v.is_mapping(f, path, item) or is_unknown(item):
            continue
        v.string(f, f"{path}.type", item.get("type"), min_len=1)
        if key == "skills":
            v.string(f, f"{path}.skill_id", item.get("skill_id"), min_len=1)
    return list(value) or None


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """Validate ``news`` and return canonical inputs: secrets unwrapped, numbers as ints, empty
    strings, lists and maps left out (they mean the same as not setting the property)."""
    news = plain_news(news)
    f = Failures()
    objects.unexpected_keys(f, news, INPUT_KEYS, OUTPUT_KEYS)
    out: dict[str, Any] = {}
    if news.get("name") is None:
        f.add("name", "is required")
    else:
        v.string(f, "name", news["name"], min_len=1, max_len=256)
        out["name"] = news["name"]
    if news.get("model") is None:
        f.add("model", 'is required (a model id such as "ultimate", or {"id": ...})')
    else:
        out["model"] = _check_model(f, news["model"])
    for key in TEXT_KEYS:
        if news.get(key) not in (None, ""):
            v.string(f, key, news[key], max_len=MAX_TEXT)
            out[key] = news[key]
    for key in LIST_KEYS:
        if news.get(key) is not None:
            checked = _check_items(f, key, news[key])
            if checked is not None:
                out[key] = checked
    objects.check_metadata_and_adopt_id(f, news, out, "agent_")
    return out, f.items


# ------------------------------------------------------------------------------------------------
# inputs -> wire
# ------------------------------------------------------------------------------------------------


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
    meta = objects.metadata_patch(old.get("metadata"), new.get("metadata"))
    if meta:
        patch["metadata"] = meta
    return patch


# ------------------------------------------------------------------------------------------------
# wire -> state
# ------------------------------------------------------------------------------------------------


def _model_like_prior(server: Any, prior: Any) -> Any:
    """The server's model in the user's spelling when they mean the same (``"x"`` == ``{"id": "x"}``)."""
    if isinstance(server, Mapping) and set(server) <= {"id"} and prior == server.get("id"):
        return prior
    if isinstance(server, str) and isinstance(prior, Mapping) and dict(prior) == {"id": server}:
        return dict(prior)
    return dict(server) if isinstance(server, Mapping) else server


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
    metadata = objects.user_metadata(agent)
    if metadata:
        out["metadata"] = metadata
    return objects.keep_adopt_id(out, prior)


def agent_to_outputs(agent: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Full outputs: the inputs as the server has them, plus the server-managed fields."""
    return objects.with_server_fields(normalize_numbers(agent), inputs, OUTPUT_KEYS)


# ------------------------------------------------------------------------------------------------
# The provider
# ------------------------------------------------------------------------------------------------


class AgentProvider(objects.ObjectProvider):
    """Lifecycle of an agent: every update carries the version it was computed against."""

    collection, kind, input_keys = COLLECTION, "agent", INPUT_KEYS
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    update_patch = staticmethod(update_patch)
    to_inputs = staticmethod(agent_to_inputs)
    to_outputs = staticmethod(agent_to_outputs)

    def update_body(self, patch: JSON, current: Mapping[str, Any]) -> JSON:
        # Optimistic concurrency: the service answers 409 when the agent moved on meanwhile.
        return {"version": normalize_numbers(current.get("version")), **patch}

    def looks_stale(self, obj: JSON, prior: Mapping[str, Any]) -> bool:
        # Every write increments the version: a higher one is news (an edit elsewhere, believed at
        # once), a lower one a stale replica; only an equal one needs the generic comparison.
        seen, known = normalize_numbers(obj.get("version")), normalize_numbers(prior.get("version"))
        if isinstance(seen, int) and isinstance(known, int) and seen != known:
            return seen < known
        return super().looks_stale(obj, prior)

    def apply(
        self, client: QoderClient, id_: str, olds: Mapping[str, Any], old: JSON, new: JSON
    ) -> JSON | None:
        try:
            return super().apply(client, id_, olds, old, new)
        except QoderAPIError as exc:
            if exc.is_conflict:
                version = normalize_numbers(olds.get("version"))
                raise QoderError(
                    f"agent {id_} was changed outside this stack: the update was computed "
                    f"against version {version}, which is no longer current. Run `pulumi "
                    f"refresh` to take in the service's version, review, then `pulumi up`. ({exc})"
                ) from exc
            raise


# ------------------------------------------------------------------------------------------------
# The resource
# ------------------------------------------------------------------------------------------------


class Agent(pulumi.dynamic.Resource, module="qoder", name="Agent"):
    """A Qoder agent. ``version`` increments on every update; destroying it archives it."""

    name: pulumi.Output[str]
    model: pulumi.Output[Any]
    system: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    tools: pulumi.Output[list[dict[str, Any]] | None]
    mcp_servers: pulumi.Output[list[dict[str, Any]] | None]
    skills: pulumi.Output[list[dict[str, Any]] | None]
    metadata: pulumi.Output[dict[str, str] | None]
    adopt_id: pulumi.Output[str | None]
    version: pulumi.Output[int]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    archived_at: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: AgentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = objects.collect_props("Agent", args, kwargs, INPUT_KEYS, OUTPUT_KEYS)
        super().__init__(AgentProvider(), resource_name, props, opts)
