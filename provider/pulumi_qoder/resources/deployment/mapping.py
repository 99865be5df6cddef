"""A deployment between state and wire, both directions, pure: ``create_body`` and
``update_patch`` (canonical inputs -> request), ``deployment_to_inputs`` and
``deployment_to_outputs`` (API object -> state)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...core import fields
from ...core.values import JSON, normalize_numbers, unwrap_secrets
from .check import (
    CAS_CONFIG_KEYS,
    CAS_DEFAULTS,
    _canonical_expression,
    canonical_resource,
    schedule_summary,
)

__all__ = ["create_body", "deployment_to_inputs", "deployment_to_outputs", "update_patch"]


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
    # Only when set: an unchanged body keeps its create idempotency key across upgrades.
    if inputs.get("environment_variables"):
        body["environment_variables"] = inputs["environment_variables"]
    if inputs.get("budget"):
        body["budget"] = _wire_budget(inputs["budget"])
    return body


def _wire_budget(budget: Mapping[str, Any]) -> JSON:
    # Qoder's max_credit_cost or CMA's max_list_cost money, whichever check let through.
    return {"type": "limit", **{k: budget[k] for k in ("max_credit_cost", "max_list_cost") if k in budget}}


def update_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> JSON:
    """The minimal merge-patch for ``POST /deployments/{id}`` turning ``old`` into ``new``.

    Both are canonical inputs. ``null`` clears description, schedule, resources and vault_ids;
    removed metadata keys are sent as ``null``; lists are sent whole; ``agent`` only when it
    changed (sending a bare id again would silently re-pin to the latest version).
    ``null`` also clears ``budget``; ``""`` clears ``environment_variables``.
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
    if old.get("environment_variables") != new.get("environment_variables"):
        patch["environment_variables"] = new.get("environment_variables") or ""
    if old.get("budget") != new.get("budget"):
        patch["budget"] = _wire_budget(new["budget"]) if new.get("budget") else None
    meta = fields.metadata_patch(old.get("metadata"), new.get("metadata"))
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
            "expression": _canonical_expression(dep["schedule"]["expression"]),
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
    metadata = fields.user_metadata(dep)
    if metadata:
        out["metadata"] = metadata
    cas = _cas_from_wire(dep.get("metadata") or {})
    if cas:
        out["cas_config"] = cas
    if dep.get("environment_variables"):
        out["environment_variables"] = dep["environment_variables"]
    budget = dep.get("budget")
    if isinstance(budget, Mapping) and budget.get("max_credit_cost") is not None:
        out["budget"] = {"max_credit_cost": str(budget["max_credit_cost"])}
    elif isinstance(budget, Mapping) and isinstance(budget.get("max_list_cost"), Mapping):  # CMA
        money = budget["max_list_cost"]
        out["budget"] = {
            "max_list_cost": {"currency": money.get("currency"), "amount": str(money.get("amount"))}
        }
    out["desired_status"] = _desired_status(dep, prior.get("desired_status") or "active")
    fields.keep_adopt_id(out, prior)
    out["schedule_summary"] = schedule_summary(out.get("schedule"))
    return out


def _consecutive_failures(dep: Mapping[str, Any]) -> int | None:
    """Failed runs in a row (``metadata.cas_config.stats``, a Qoder extension); None if not reported."""
    cas = (dep.get("metadata") or {}).get("cas_config")
    stats = cas.get("stats") if isinstance(cas, Mapping) else None
    count = stats.get("consecutive_failures") if isinstance(stats, Mapping) else None
    return int(count) if isinstance(count, int | float) else None


def deployment_to_outputs(dep: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Full outputs: the inputs as the server has them, plus everything server-managed."""
    dep = normalize_numbers(dep)
    sched = dep.get("schedule") or {}
    agent = dep.get("agent")
    outs = dict(inputs)
    outs.update(
        status=dep.get("status"),
        paused_reason=dep.get("paused_reason"),
        consecutive_failures=_consecutive_failures(dep),
        agent_version=agent.get("version") if isinstance(agent, Mapping) else None,
        # The service lists what would run if unpaused; while paused, nothing will run.
        upcoming_runs_at=[] if dep.get("status") == "paused" else list(sched.get("upcoming_runs_at") or []),
        last_run_at=sched.get("last_run_at"),
        created_at=dep.get("created_at"),
        updated_at=dep.get("updated_at"),
        archived_at=dep.get("archived_at"),
    )
    return outs
