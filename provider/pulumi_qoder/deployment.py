"""``Deployment``: a Qoder Cloud Agents deployment (agent + cron schedule + environment + events).

Layout, in the spirit of pulumi-go-provider's ``infer``:

* typed args dataclasses: the schema users write against;
* ``check_inputs``: every API rule at preview time, and one canonical spelling of the inputs;
* one pure mapping per direction: ``create_body`` and ``update_patch`` (inputs -> wire),
  ``deployment_to_inputs`` and ``deployment_to_outputs`` (wire -> state);
* ``DeploymentProvider``: the shared ``ObjectProvider`` lifecycle over those, plus pause/unpause.

Property keys are the API's snake_case field names, so ``preview --diff`` prints paths such as
``schedule.expression``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
from pulumi.runtime import rpc

import qoder_cron as cron

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
from ._objects import idempotency_key  # re-exported: in this module's __all__
from .client import JSON, QoderClient
from .errors import QoderAPIError, QoderError

__all__ = [
    "BranchCheckoutArgs",
    "CasConfigArgs",
    "CommitCheckoutArgs",
    "DefineOutcomeEventArgs",
    "Deployment",
    "DeploymentArgs",
    "DeploymentProvider",
    "FileResourceArgs",
    "FileRubricArgs",
    "GithubRepositoryResourceArgs",
    "MemoryStoreResourceArgs",
    "PinnedAgentArgs",
    "ScheduleArgs",
    "SystemMessageEventArgs",
    "TextBlockArgs",
    "TextRubricArgs",
    "UserMessageEventArgs",
    "check_inputs",
    "create_body",
    "deployment_to_inputs",
    "deployment_to_outputs",
    "idempotency_key",
    "update_patch",
]

COLLECTION = "deployments"

# ------------------------------------------------------------------------------------------------
# Typed arguments (the schema)
# ------------------------------------------------------------------------------------------------


@dataclass
class ScheduleArgs:
    """A cron schedule: 5 POSIX fields, evaluated on the wall clock of an IANA time zone."""

    expression: pulumi.Input[str]
    timezone: pulumi.Input[str]


@dataclass
class PinnedAgentArgs:
    """An agent pinned to one version (a bare id string means the latest version at create)."""

    id: pulumi.Input[str]
    version: pulumi.Input[int]


@dataclass
class TextBlockArgs:
    text: pulumi.Input[str]
    type: str = field(default="text", init=False)


@dataclass
class UserMessageEventArgs:
    """``content`` is a string or a list of content blocks (text, image, document)."""

    content: pulumi.Input[str | Sequence[Any]]
    type: str = field(default="user.message", init=False)


@dataclass
class SystemMessageEventArgs:
    content: pulumi.Input[str | Sequence[Any]]
    type: str = field(default="system.message", init=False)


@dataclass
class TextRubricArgs:
    content: pulumi.Input[str]
    type: str = field(default="text", init=False)


@dataclass
class FileRubricArgs:
    file_id: pulumi.Input[str]
    type: str = field(default="file", init=False)


@dataclass
class DefineOutcomeEventArgs:
    description: pulumi.Input[str]
    rubric: pulumi.Input[TextRubricArgs | FileRubricArgs | Mapping[str, Any]]
    max_iterations: pulumi.Input[int] | None = None
    type: str = field(default="user.define_outcome", init=False)


@dataclass
class BranchCheckoutArgs:
    name: pulumi.Input[str]
    type: str = field(default="branch", init=False)


@dataclass
class CommitCheckoutArgs:
    sha: pulumi.Input[str]
    type: str = field(default="commit", init=False)


@dataclass
class GithubRepositoryResourceArgs:
    """A repository mounted into each session. ``authorization_token`` is write-only: the API
    never echoes it, and this package keeps it secret in state."""

    url: pulumi.Input[str]
    authorization_token: pulumi.Input[str]
    mount_path: pulumi.Input[str] | None = None
    checkout: pulumi.Input[BranchCheckoutArgs | CommitCheckoutArgs | Mapping[str, Any]] | None = None
    type: str = field(default="github_repository", init=False)


@dataclass
class FileResourceArgs:
    file_id: pulumi.Input[str]
    mount_path: pulumi.Input[str] | None = None
    type: str = field(default="file", init=False)


@dataclass
class MemoryStoreResourceArgs:
    memory_store_id: pulumi.Input[str]
    access: pulumi.Input[Literal["read_write", "read_only"]] | None = None
    instructions: pulumi.Input[str] | None = None
    type: str = field(default="memory_store", init=False)


@dataclass
class CasConfigArgs:
    """Execution settings, sent as ``metadata.cas_config``. Omitted fields mean the API default."""

    max_retries: pulumi.Input[int] | None = None
    timeout_ms: pulumi.Input[int] | None = None
    max_concurrent: pulumi.Input[int] | None = None
    session_strategy: pulumi.Input[str] | None = None


EventArgs = UserMessageEventArgs | SystemMessageEventArgs | DefineOutcomeEventArgs
ResourceArgs = GithubRepositoryResourceArgs | FileResourceArgs | MemoryStoreResourceArgs


@dataclass
class DeploymentArgs:
    """Inputs of a :class:`Deployment`. Plain dicts with the API's field names work everywhere a
    nested args class is accepted."""

    name: pulumi.Input[str]
    agent: pulumi.Input[str | PinnedAgentArgs | Mapping[str, Any]]
    environment_id: pulumi.Input[str]
    initial_events: pulumi.Input[Sequence[pulumi.Input[EventArgs | Mapping[str, Any]]]]
    description: pulumi.Input[str] | None = None
    schedule: pulumi.Input[ScheduleArgs | Mapping[str, Any]] | None = None
    resources: pulumi.Input[Sequence[pulumi.Input[ResourceArgs | Mapping[str, Any]]]] | None = None
    vault_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    cas_config: pulumi.Input[CasConfigArgs | Mapping[str, Any]] | None = None
    desired_status: pulumi.Input[Literal["active", "paused"]] | None = None
    adopt_id: pulumi.Input[str] | None = None
    """Bring an existing deployment (``dep_...``) under management instead of creating one: the
    first ``up`` reads it and patches it to match these inputs. (``pulumi import`` and the
    ``import_`` option do not work for dynamic resources: the engine's import read carries no
    serialized provider.) Only used at create; later changes to it are ignored."""


# ------------------------------------------------------------------------------------------------
# API rules and defaults (shared/api/deployments-api.md sections 4, 10, 11, 12)
# ------------------------------------------------------------------------------------------------

INPUT_KEYS = (
    "name",
    "description",
    "agent",
    "environment_id",
    "schedule",
    "initial_events",
    "resources",
    "vault_ids",
    "metadata",
    "cas_config",
    "desired_status",
    "adopt_id",
)
COMPUTED_INPUT_KEYS = ("schedule_summary",)
OUTPUT_KEYS = (
    "status",
    "paused_reason",
    "agent_version",
    "upcoming_runs_at",
    "last_run_at",
    "created_at",
    "updated_at",
    "archived_at",
)
MANUAL_ONLY = "manual only"
EVENT_TYPES = ("user.message", "user.define_outcome", "system.message")
STARTING_EVENT_TYPES = ("user.message", "user.define_outcome")
BLOCK_TYPES = ("text", "image", "document", "redacted")
CAS_DEFAULTS: dict[str, Any] = {
    "session_strategy": "new_session",
    "max_retries": 0,
    "timeout_ms": 300000,
    "max_concurrent": 1,
}
CAS_CONFIG_KEYS = ("max_retries", "timeout_ms", "max_concurrent")
# Not documented; the emulator's contract (kept equal so preview fails where apply would).
CAS_LIMITS = {"max_retries": (0, 10), "timeout_ms": (1000, 86_400_000), "max_concurrent": (1, 100)}
DEFINE_OUTCOME_DEFAULT_ITERATIONS = 3
MEMORY_STORE_DEFAULT_ACCESS = "read_write"
RESOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    "github_repository": ("type", "url", "authorization_token", "mount_path", "checkout"),
    "file": ("type", "file_id", "mount_path"),
    "memory_store": ("type", "memory_store_id", "access", "instructions"),
}


def _default_mount_path(resource: Mapping[str, Any]) -> str | None:
    """The mount path the API picks when none is given, so that spelling it out is no change."""
    if resource.get("type") == "github_repository" and isinstance(resource.get("url"), str):
        repo = resource["url"].rstrip("/").rsplit("/", 1)[-1]
        return f"/workspace/{repo.removesuffix('.git')}"
    if resource.get("type") == "file" and isinstance(resource.get("file_id"), str):
        return f"/mnt/session/uploads/{resource['file_id']}"
    return None


# ------------------------------------------------------------------------------------------------
# check: validation + canonical inputs
# ------------------------------------------------------------------------------------------------


def _check_agent(f: Failures, value: Any) -> Any:
    if isinstance(value, str) or is_unknown(value):
        v.id_with_prefix(f, "agent", value, "agent_")
        return value
    if not isinstance(value, Mapping):
        f.add("agent", 'must be an agent id string or an object {"id": ..., "version": N}')
        return value
    extra = set(value) - {"id", "version", "type"}
    if extra:
        f.add("agent", f"unknown field(s) {', '.join(sorted(extra))}; expected id and version")
    if "type" in value:
        v.one_of(f, "agent.type", value["type"], ("agent",))
    if "id" not in value:
        f.add("agent.id", "is required")
        return value
    v.id_with_prefix(f, "agent.id", value["id"], "agent_")
    if value.get("version") is None:
        return value["id"]  # {id} alone means the same as the bare id: latest version
    v.integer(f, "agent.version", value["version"], minimum=1)
    return {"id": value["id"], "version": value["version"]}


def _check_schedule(f: Failures, value: Any) -> Any:
    if value is None or is_unknown(value):
        return value
    if not v.is_mapping(f, "schedule", value):
        return value
    extra = set(value) - {"expression", "timezone", "type"}
    if extra:
        f.add("schedule", f"unknown field(s) {', '.join(sorted(extra))}; expected expression and timezone")
    if "type" in value:
        v.one_of(f, "schedule.type", value["type"], ("cron",))
    out = {}
    for key in ("expression", "timezone"):
        if key not in value:
            f.add(f"schedule.{key}", "is required when a schedule is given (omit schedule for manual-only)")
    expr = value.get("expression")
    if "expression" in value and v.cron_expression(f, "schedule.expression", expr):
        out["expression"] = expr if is_unknown(expr) else cron.canonical_expression(expr)
    tz = value.get("timezone")
    if "timezone" in value and v.iana_timezone(f, "schedule.timezone", tz):
        out["timezone"] = tz
    return out


def _check_content(f: Failures, path: str, value: Any, *, text_only: bool) -> None:
    if is_unknown(value):
        return
    if isinstance(value, str):
        v.string(f, path, value, min_len=1)
        return
    if not v.is_list(f, path, value, min_items=1):
        return
    allowed = ("text",) if text_only else BLOCK_TYPES
    for i, block in enumerate(value):
        bpath = f"{path}[{i}]"
        if is_unknown(block) or not v.is_mapping(f, bpath, block) or is_unknown(block):
            continue
        if v.one_of(f, f"{bpath}.type", block.get("type"), allowed) and block.get("type") == "text":
            v.string(f, f"{bpath}.text", block.get("text"), min_len=1)
        elif block.get("type") in ("image", "document"):
            v.is_mapping(f, f"{bpath}.source", block.get("source"))


def _check_event(f: Failures, path: str, event: Any) -> Any:
    if is_unknown(event) or not v.is_mapping(f, path, event):
        return event
    kind = event.get("type")
    if not v.one_of(f, f"{path}.type", kind, EVENT_TYPES) or is_unknown(kind):
        return event
    if kind in ("user.message", "system.message"):
        _check_content(f, f"{path}.content", event.get("content"), text_only=kind == "system.message")
        return dict(event)
    out = dict(event)
    v.string(f, f"{path}.description", event.get("description"), min_len=1)
    rubric = event.get("rubric")
    if rubric is None:
        f.add(f"{path}.rubric", "is required for user.define_outcome")
    elif (
        v.is_mapping(f, f"{path}.rubric", rubric)
        and not is_unknown(rubric)
        and v.one_of(f, f"{path}.rubric.type", rubric.get("type"), ("text", "file"))
    ):
        if rubric.get("type") == "text":
            v.string(f, f"{path}.rubric.content", rubric.get("content"), min_len=1, max_len=262144)
        elif rubric.get("type") == "file":
            v.string(f, f"{path}.rubric.file_id", rubric.get("file_id"), min_len=1, max_len=128)
    if event.get("max_iterations") is not None:
        v.integer(f, f"{path}.max_iterations", event["max_iterations"], minimum=1, maximum=20)
        if event["max_iterations"] == DEFINE_OUTCOME_DEFAULT_ITERATIONS:
            del out["max_iterations"]  # the API default: spelling it out is no change
    return out


def _check_events(f: Failures, value: Any) -> Any:
    if value is None:
        f.add("initial_events", "is required (1-50 events delivered to the agent on each run)")
        return value
    if is_unknown(value) or not v.is_list(f, "initial_events", value, min_items=1, max_items=50):
        return value
    events = [_check_event(f, f"initial_events[{i}]", e) for i, e in enumerate(value)]
    kinds = [e.get("type") for e in events if isinstance(e, Mapping)]
    if not contains_unknown(value) and not any(k in STARTING_EVENT_TYPES for k in kinds):
        f.add("initial_events", "must include a user.message or user.define_outcome event to start each run")
    return events


def canonical_resource(resource: Mapping[str, Any]) -> dict[str, Any]:
    """One spelling of a resource: known fields only, API defaults left out."""
    kind = resource.get("type")
    keys = RESOURCE_FIELDS.get(kind, tuple(resource)) if isinstance(kind, str) else tuple(resource)
    out = {k: resource[k] for k in keys if resource.get(k) is not None}
    if out.get("mount_path") is not None and out.get("mount_path") == _default_mount_path(out):
        del out["mount_path"]
    if kind == "memory_store" and out.get("access") == MEMORY_STORE_DEFAULT_ACCESS:
        del out["access"]
    return out


def _check_resource(f: Failures, path: str, res: Any) -> Any:
    if is_unknown(res) or not v.is_mapping(f, path, res):
        return res
    kind = res.get("type")
    if not v.one_of(f, f"{path}.type", kind, tuple(RESOURCE_FIELDS)) or is_unknown(kind):
        return res
    extra = set(res) - set(RESOURCE_FIELDS[kind])
    if extra:
        f.add(path, f"unknown field(s) {', '.join(sorted(extra))} for a {kind} resource")
    if kind == "github_repository":
        url = res.get("url")
        if (
            v.string(f, f"{path}.url", url, min_len=1, max_len=2048)
            and not is_unknown(url)
            and not url.startswith(("https://", "http://"))
        ):
            f.add(f"{path}.url", f'"{url}" must be an http(s) URL')
        if res.get("authorization_token") is None:
            f.add(f"{path}.authorization_token", "is required for a github_repository resource")
        else:
            v.string(f, f"{path}.authorization_token", res["authorization_token"], min_len=1, max_len=4096)
        checkout = res.get("checkout")
        if (
            checkout is not None
            and v.is_mapping(f, f"{path}.checkout", checkout)
            and not is_unknown(checkout)
            and v.one_of(f, f"{path}.checkout.type", checkout.get("type"), ("branch", "commit"))
        ):
            if checkout.get("type") == "branch":
                v.string(f, f"{path}.checkout.name", checkout.get("name"), min_len=1, max_len=255)
            else:
                sha = checkout.get("sha")
                if (
                    v.string(f, f"{path}.checkout.sha", sha, min_len=7, max_len=64)
                    and not is_unknown(sha)
                    and any(c not in "0123456789abcdefABCDEF" for c in sha)
                ):
                    f.add(f"{path}.checkout.sha", f'"{sha}" must be 7-64 hex digits')
    elif kind == "file":
        v.string(f, f"{path}.file_id", res.get("file_id"), min_len=1, max_len=128)
    else:
        v.id_with_prefix(f, f"{path}.memory_store_id", res.get("memory_store_id"), "memstore_")
        if res.get("access") is not None:
            v.one_of(f, f"{path}.access", res["access"], ("read_write", "read_only"))
        if res.get("instructions") is not None:
            v.string(f, f"{path}.instructions", res["instructions"], max_len=4096)
    if res.get("mount_path") is not None:
        v.string(f, f"{path}.mount_path", res["mount_path"], min_len=1, max_len=4096)
    return res if contains_unknown(res) else canonical_resource(res)


def _check_cas_config(f: Failures, value: Any) -> Any:
    if value is None or is_unknown(value) or not v.is_mapping(f, "cas_config", value):
        return value
    extra = set(value) - set(CAS_DEFAULTS)
    if extra:
        f.add(
            "cas_config", f"unknown field(s) {', '.join(sorted(extra))}; expected {', '.join(CAS_DEFAULTS)}"
        )
    for key, (low, high) in CAS_LIMITS.items():
        if value.get(key) is not None:
            v.integer(f, f"cas_config.{key}", value[key], minimum=low, maximum=high)
    if value.get("session_strategy") is not None:
        v.string(f, "cas_config.session_strategy", value["session_strategy"], min_len=1)
    # Defaults are left out: an explicit default and an omitted field mean the same.
    return {k: x for k, x in value.items() if x is not None and CAS_DEFAULTS.get(k) != x}


def schedule_summary(sched: Any) -> Any:
    """The schedule in words, or ``manual only``; unknown while the schedule is unknown."""
    if sched is None:
        return MANUAL_ONLY
    if contains_unknown(sched) or not isinstance(sched, Mapping):
        return rpc.UNKNOWN
    try:
        return cron.describe(sched["expression"], sched["timezone"])
    except (KeyError, ValueError):
        return f"{sched.get('expression')} ({sched.get('timezone')})"


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """Validate ``news`` against every documented API rule and return canonical inputs.

    Unknown values pass through unvalidated. Canonical means: secrets unwrapped (the engine keeps
    secretness per key), numbers as ints, cron whitespace collapsed, empty lists/maps and API
    defaults left out, ``desired_status`` defaulted, ``schedule_summary`` computed.
    """
    news = plain_news(news)
    f = Failures()
    for key in news:
        if key in OUTPUT_KEYS:
            f.add(key, "is an output of the deployment and cannot be set")
        elif key not in INPUT_KEYS and key not in COMPUTED_INPUT_KEYS:
            f.add(key, f"is not a Deployment property (expected one of {', '.join(INPUT_KEYS)})")
    out: dict[str, Any] = {}

    if news.get("name") is None:
        f.add("name", "is required")
    else:
        v.string(f, "name", news["name"], min_len=1, max_len=256)
        out["name"] = news["name"]
    if news.get("description") not in (None, ""):
        v.string(f, "description", news["description"], max_len=2048)
        out["description"] = news["description"]
    if news.get("agent") is None:
        f.add("agent", 'is required (an agent id "agent_..." or {"id": ..., "version": N})')
    else:
        out["agent"] = _check_agent(f, news["agent"])
    if news.get("environment_id") is None:
        f.add("environment_id", 'is required (an environment id "env_...")')
    else:
        v.id_with_prefix(f, "environment_id", news["environment_id"], "env_")
        out["environment_id"] = news["environment_id"]
    sched = _check_schedule(f, news.get("schedule"))
    if sched is not None:
        out["schedule"] = sched
    out["initial_events"] = _check_events(f, news.get("initial_events"))

    resources = news.get("resources")
    if resources is not None and v.is_list(f, "resources", resources, max_items=500):
        checked = (
            resources
            if is_unknown(resources)
            else [_check_resource(f, f"resources[{i}]", r) for i, r in enumerate(resources)]
        )
        if is_unknown(checked) or checked:
            out["resources"] = checked
    vault_ids = news.get("vault_ids")
    if (
        vault_ids is not None
        and v.string_list(f, "vault_ids", vault_ids, max_items=50)
        and (is_unknown(vault_ids) or vault_ids)
    ):
        if not contains_unknown(vault_ids):
            for i, vid in enumerate(vault_ids):
                if vault_ids.index(vid) != i:
                    f.add(f"vault_ids[{i}]", f'duplicate vault id "{vid}"')
        out["vault_ids"] = vault_ids
    metadata = news.get("metadata")
    if (
        metadata is not None
        and v.string_map(
            f,
            "metadata",
            metadata,
            reserved={"cas_config": "is reserved: set execution settings with the cas_config input"},
            **objects.METADATA_RULES,
        )
        and (is_unknown(metadata) or metadata)
    ):
        out["metadata"] = metadata
    cas = _check_cas_config(f, news.get("cas_config"))
    if cas is not None and (is_unknown(cas) or cas):
        out["cas_config"] = cas
    desired = news.get("desired_status")
    if desired is None:
        out["desired_status"] = "active"
    else:
        v.one_of(f, "desired_status", desired, ("active", "paused"))
        out["desired_status"] = desired
    adopt_id = objects.check_adopt_id(f, news, "dep_")
    if adopt_id is not None:
        out["adopt_id"] = adopt_id
    out["schedule_summary"] = schedule_summary(out.get("schedule"))
    if "initial_events" in out and out["initial_events"] is None:
        del out["initial_events"]
    return out, f.items


# ------------------------------------------------------------------------------------------------
# inputs -> wire
# ------------------------------------------------------------------------------------------------


def _wire_agent(agent: Any) -> Any:
    if isinstance(agent, Mapping):
        return {"type": "agent", "id": agent["id"], "version": agent["version"]}
    return agent


def _wire_schedule(sched: Mapping[str, Any]) -> JSON:
    return {"type": "cron", "expression": sched["expression"], "timezone": sched["timezone"]}


def _wire_cas(cas: Mapping[str, Any], keys: Sequence[str] | None = None) -> JSON:
    """``metadata.cas_config`` for the given keys (all set ones by default); a key that is not set
    is sent with its API default, which is how a removed setting is reset."""
    keys = list(cas) if keys is None else list(keys)
    body: JSON = {}
    config = {k: cas.get(k, CAS_DEFAULTS[k]) for k in keys if k in CAS_CONFIG_KEYS}
    if config:
        body["config"] = config
    if "session_strategy" in keys:
        body["session_strategy"] = cas.get("session_strategy", CAS_DEFAULTS["session_strategy"])
    return body


def create_body(inputs: Mapping[str, Any]) -> JSON:
    """The ``POST /deployments`` body for canonical inputs."""
    metadata: JSON = dict(inputs.get("metadata") or {})
    if inputs.get("cas_config"):
        metadata["cas_config"] = _wire_cas(inputs["cas_config"])
    body: JSON = {"name": inputs["name"]}
    if inputs.get("description"):
        body["description"] = inputs["description"]
    body["agent"] = _wire_agent(inputs["agent"])
    body["environment_id"] = inputs["environment_id"]
    if inputs.get("schedule"):
        body["schedule"] = _wire_schedule(inputs["schedule"])
    body["initial_events"] = list(inputs["initial_events"])
    body["resources"] = list(inputs.get("resources") or [])
    body["vault_ids"] = list(inputs.get("vault_ids") or [])
    body["metadata"] = metadata
    return body


def update_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> JSON:
    """The minimal merge-patch for ``POST /deployments/{id}`` turning ``old`` into ``new``.

    Both are canonical inputs. ``null`` clears description, schedule, resources and vault_ids;
    removed metadata keys are sent as ``null``; lists are sent whole; ``agent`` only when it
    changed (sending a bare id again would silently re-pin to the latest version).
    """
    patch: JSON = {}
    for key in ("name", "environment_id", "initial_events"):
        if old.get(key) != new.get(key):
            patch[key] = new[key]
    if old.get("agent") != new.get("agent"):
        patch["agent"] = _wire_agent(new["agent"])
    for key in ("description", "resources", "vault_ids"):
        if old.get(key) != new.get(key):
            patch[key] = new.get(key) or None
    if old.get("schedule") != new.get("schedule"):
        patch["schedule"] = _wire_schedule(new["schedule"]) if new.get("schedule") else None
    meta = objects.metadata_patch(old.get("metadata"), new.get("metadata"))
    old_cas, new_cas = old.get("cas_config") or {}, new.get("cas_config") or {}
    changed = [k for k in CAS_DEFAULTS if old_cas.get(k) != new_cas.get(k)]
    if changed:
        meta["cas_config"] = _wire_cas(new_cas, changed)
    if meta:
        patch["metadata"] = meta
    return patch


# ------------------------------------------------------------------------------------------------
# wire -> state
# ------------------------------------------------------------------------------------------------


def _carry_tokens(server: list[Any], prior: Sequence[Any]) -> list[Any]:
    """The API never echoes repository tokens: take each from the prior resource with that URL."""
    unused = [r for r in prior if isinstance(r, Mapping) and r.get("type") == "github_repository"]
    out = []
    for res in server:
        res = dict(res)
        if res.get("type") == "github_repository" and not res.get("authorization_token"):
            match = next((p for p in unused if p.get("url") == res.get("url")), None)
            if match is not None:
                unused.remove(match)
                if match.get("authorization_token"):
                    res["authorization_token"] = match["authorization_token"]
        out.append(canonical_resource(res))
    return out


def _events_like_prior(server: list[Any], prior: Sequence[Any]) -> list[Any]:
    """Server events in canonical form; a string content the server turned into one text block
    keeps the prior string spelling (same meaning, no drift)."""
    out = []
    for i, event in enumerate(server):
        event = {k: x for k, x in event.items() if x is not None}
        if event.get("type") == "user.define_outcome" and event.get("max_iterations") == 3:
            del event["max_iterations"]
        before = prior[i] if i < len(prior) and isinstance(prior[i], Mapping) else None
        content = event.get("content")
        if (
            before is not None
            and isinstance(before.get("content"), str)
            and content == [{"type": "text", "text": before["content"]}]
        ):
            event["content"] = before["content"]
        out.append(event)
    return out


def _cas_from_wire(metadata: Mapping[str, Any]) -> dict[str, Any]:
    cas = metadata.get("cas_config")
    if not isinstance(cas, Mapping):
        return {}
    config: Mapping[str, Any] = cas["config"] if isinstance(cas.get("config"), Mapping) else {}
    values = {k: config.get(k) for k in CAS_CONFIG_KEYS}
    values["session_strategy"] = cas.get("session_strategy")
    return {k: x for k, x in values.items() if x is not None and CAS_DEFAULTS[k] != x}


def _desired_status(dep: Mapping[str, Any], prior: str) -> str:
    """A manual pause (by anyone) means the owner wants it paused; an automatic pause (type
    ``error``) is an observation, not an intent, so the intent stays as it was."""
    if dep.get("status") != "paused":
        return "active"
    reason = dep.get("paused_reason")
    if isinstance(reason, Mapping) and reason.get("type") == "error":
        return prior
    return "paused"


def deployment_to_inputs(dep: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical inputs describing the deployment as the server has it (refresh, import).

    ``prior`` is the state (or the program's inputs on import): it supplies write-only tokens,
    the user's spelling of equivalent values, and the declared pause intent.
    """
    dep = normalize_numbers(dep)
    prior = normalize_numbers(unwrap_secrets(dict(prior)))
    out: dict[str, Any] = {"name": dep["name"]}
    if dep.get("description"):
        out["description"] = dep["description"]
    agent: Any = dep.get("agent") or {}
    prior_agent = prior.get("agent")
    if isinstance(agent, str):
        out["agent"] = agent
    elif isinstance(prior_agent, str) and prior_agent == agent.get("id"):
        out["agent"] = prior_agent  # "latest at create": the resolved version is an output
    else:
        out["agent"] = {"id": agent.get("id"), "version": agent.get("version")}
    out["environment_id"] = dep.get("environment_id")
    if dep.get("schedule"):
        out["schedule"] = {
            "expression": cron.canonical_expression(dep["schedule"]["expression"]),
            "timezone": dep["schedule"]["timezone"],
        }
    out["initial_events"] = _events_like_prior(
        list(dep.get("initial_events") or []), prior.get("initial_events") or []
    )
    resources = _carry_tokens(list(dep.get("resources") or []), prior.get("resources") or [])
    if resources:
        out["resources"] = resources
    if dep.get("vault_ids"):
        out["vault_ids"] = list(dep["vault_ids"])
    metadata = objects.user_metadata(dep)
    if metadata:
        out["metadata"] = metadata
    cas = _cas_from_wire(dep.get("metadata") or {})
    if cas:
        out["cas_config"] = cas
    out["desired_status"] = _desired_status(dep, prior.get("desired_status") or "active")
    objects.keep_adopt_id(out, prior)
    out["schedule_summary"] = schedule_summary(out.get("schedule"))
    return out


def deployment_to_outputs(dep: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Full outputs: the inputs as the server has them, plus everything server-managed."""
    dep = normalize_numbers(dep)
    sched = dep.get("schedule") or {}
    agent = dep.get("agent")
    outs = dict(inputs)
    outs.update(
        status=dep.get("status"),
        paused_reason=dep.get("paused_reason"),
        agent_version=agent.get("version") if isinstance(agent, Mapping) else None,
        upcoming_runs_at=list(sched.get("upcoming_runs_at") or []),
        last_run_at=sched.get("last_run_at"),
        created_at=dep.get("created_at"),
        updated_at=dep.get("updated_at"),
        archived_at=dep.get("archived_at"),
    )
    return outs


# ------------------------------------------------------------------------------------------------
# The provider
# ------------------------------------------------------------------------------------------------


class DeploymentProvider(objects.ObjectProvider):
    """Lifecycle of a deployment. Destroy archives (the API has no delete); a replacement archives
    first (names are unique among live deployments); ``desired_status`` is applied by pause and
    unpause after any patch."""

    collection, kind, input_keys = COLLECTION, "deployment", INPUT_KEYS
    # desired_status is an intent: a read right after our write shows the observed status.
    written_keys = (*tuple(k for k in INPUT_KEYS if k != "desired_status"), "status")
    # Unscoped keys predate the other resources; a create interrupted before an upgrade is
    # replayed after it, so they must stay byte-identical.
    key_scope = ""
    delete_before_replace = True
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    update_patch = staticmethod(update_patch)
    to_inputs = staticmethod(deployment_to_inputs)
    to_outputs = staticmethod(deployment_to_outputs)

    def created(self, client: QoderClient, obj: JSON, inputs: Mapping[str, Any]) -> JSON:
        if inputs.get("desired_status") != "paused":
            return obj
        try:
            return _toggle(client, obj["id"], "pause")
        except QoderError as exc:
            # Create must be all or nothing: the engine will not record a failed create.
            with contextlib.suppress(QoderError):
                objects.archive(client, COLLECTION, obj["id"])
            raise QoderError(f"deployment {obj['id']} was created but could not be paused: {exc}") from exc

    def converge(self, client: QoderClient, obj: JSON, inputs: Mapping[str, Any]) -> JSON:
        was = deployment_to_inputs(obj, inputs)["desired_status"]
        dep = super().converge(client, obj, inputs)
        return _set_status(client, dep["id"], was, inputs.get("desired_status", "active")) or dep

    def apply(
        self, client: QoderClient, id_: str, olds: Mapping[str, Any], old: JSON, new: JSON
    ) -> JSON | None:
        dep = super().apply(client, id_, olds, old, new)
        was, wants = old.get("desired_status", "active"), new.get("desired_status", "active")
        return _set_status(client, id_, was, wants) or dep


def _set_status(client: QoderClient, id_: str, was: str, wants: str) -> JSON | None:
    """Pause or unpause when the intent changed; the deployment after it, or None if unchanged."""
    if wants == "paused" and was != "paused":
        return _toggle(client, id_, "pause")
    if wants == "active" and was == "paused":
        return _toggle(client, id_, "unpause")
    return None


def _toggle(client: QoderClient, id_: str, action: str) -> JSON:
    try:
        return client.post_action(COLLECTION, id_, action)
    except QoderAPIError as exc:
        # 409: already in the wanted state (or a retried call whose first attempt committed).
        if exc.status != 409:
            raise
        current = client.get_object(COLLECTION, id_)
        if current.get("archived_at"):
            raise
        return current


# ------------------------------------------------------------------------------------------------
# The resource
# ------------------------------------------------------------------------------------------------


def _has_repository(resources: Any) -> bool:
    """Whether ``resources`` (as props: typed args already plain dicts) may hold a token."""
    if not isinstance(resources, list | tuple):
        return resources is not None  # an Output: cannot look inside, so treat it as secret
    return any(
        not isinstance(r, Mapping) or r.get("type") == "github_repository" or "authorization_token" in r
        for r in resources
    )


class Deployment(pulumi.dynamic.Resource, module="qoder", name="Deployment"):
    """A Qoder Cloud Agents deployment. Deleting it archives it (the API has no delete)."""

    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    agent: pulumi.Output[Any]
    environment_id: pulumi.Output[str]
    schedule: pulumi.Output[dict[str, str] | None]
    initial_events: pulumi.Output[list[dict[str, Any]]]
    resources: pulumi.Output[list[dict[str, Any]] | None]
    vault_ids: pulumi.Output[list[str] | None]
    metadata: pulumi.Output[dict[str, str] | None]
    cas_config: pulumi.Output[dict[str, Any] | None]
    desired_status: pulumi.Output[str]
    schedule_summary: pulumi.Output[str]
    status: pulumi.Output[str]
    paused_reason: pulumi.Output[dict[str, Any] | None]
    agent_version: pulumi.Output[int]
    upcoming_runs_at: pulumi.Output[list[str]]
    last_run_at: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    archived_at: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: DeploymentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        outputs = (*COMPUTED_INPUT_KEYS, *OUTPUT_KEYS)
        props = objects.collect_props("Deployment", args, kwargs, INPUT_KEYS, outputs)
        if _has_repository(props["resources"]):
            # Repository tokens are write-only secrets: the whole list is secret in inputs and,
            # because the engine re-marks outputs by key, in outputs too.
            props["resources"] = pulumi.Output.secret(props["resources"])
        # Names are unique among live deployments: a replacement must archive the old one first.
        opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(delete_before_replace=True), opts)
        super().__init__(DeploymentProvider(), resource_name, props, opts)
