"""Pauses the service makes (``paused_reason.type == "error"``): how they are seen and when
``up`` may undo them.

The rules (docs/provider.md, "Pauses"):

* ``refresh`` records the observed pause (``status``, ``paused_reason``; ``upcoming_runs_at`` is
  empty while paused). ``preview`` and ``up`` then warn, naming the deployment and the reason.
* With ``desired_status="active"`` an error pause is undone once its cause is gone: the agent,
  environment and vaults the deployment runs on are all live again. When refresh finds that, it
  records the pause as the state (``desired_status: "paused"``), so preview shows resuming it as
  one reviewed change; when an update points the deployment at live objects, the same ``up``
  resumes it. While the cause remains, ``up`` warns and leaves it paused: unpausing would only
  make the next run fail and pause it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...core.objects import get_or_none

if TYPE_CHECKING:
    from ...wire.client import QoderClient

__all__ = ["blocker", "error_reason", "pause_notice", "refresh_notice", "still_paused"]

# The auto-pause reasons whose cause the provider can see (fact sheet section 9), in words.
CAUSES = {
    "agent_archived_error": "its agent was archived",
    "environment_archived_error": "its environment was archived",
    "environment_not_found_error": "its environment was deleted",
    "vault_archived_error": "one of its vaults was archived",
    "vault_not_found_error": "one of its vaults was deleted",
}
# Which input a fix of each cause changes (any of them for a reason not listed).
FIXED_BY = {
    "agent_archived_error": ("agent",),
    "environment_archived_error": ("environment_id",),
    "environment_not_found_error": ("environment_id",),
    "vault_archived_error": ("vault_ids",),
    "vault_not_found_error": ("vault_ids",),
}
REFERENCES = ("agent", "environment_id", "vault_ids")


def error_reason(dep: Mapping[str, Any]) -> str | None:
    """The error type of an automatic pause of ``dep`` (server object or state), else None."""
    if dep.get("status") != "paused":
        return None
    reason = dep.get("paused_reason")
    if not isinstance(reason, Mapping) or reason.get("type") != "error":
        return None
    error = reason.get("error")
    return str(error["type"]) if isinstance(error, Mapping) and error.get("type") else "unknown_error"


def _reason_in_words(reason: str) -> str:
    return f"{reason} ({CAUSES.get(reason, 'its scheduled runs failed')})"


def blocker(client: QoderClient, dep: Mapping[str, Any]) -> str | None:
    """What still stops ``dep`` (server object or inputs) from running: the first of its agent,
    environment and vaults that is archived or gone. None when all are live (one GET each)."""
    agent = dep.get("agent")
    agent_id = agent.get("id") if isinstance(agent, Mapping) else agent
    refs = [("agents", agent_id, "agent"), ("environments", dep.get("environment_id"), "environment")]
    refs += [("vaults", vault_id, "vault") for vault_id in dep.get("vault_ids") or []]
    for collection, id_, noun in refs:
        if not isinstance(id_, str) or not id_:
            continue
        obj = get_or_none(client, collection, id_)
        if obj is None:
            return f"its {noun} {id_} does not exist"
        if obj.get("archived_at"):
            return f"its {noun} {id_} is archived"
    return None


def _head(id_: str, dep: Mapping[str, Any], reason: str) -> str:
    head = f'deployment "{dep.get("name")}" ({id_}) is paused by the service: {_reason_in_words(reason)}'
    failures = dep.get("consecutive_failures")
    if isinstance(failures, int | float) and failures > 0:
        head += f" after {int(failures)} consecutive failed run{'s' if failures > 1 else ''}"
    return head


def refresh_notice(id_: str, outs: Mapping[str, Any], reason: str, cause: str | None) -> str:
    """What ``refresh`` says of an error pause it records: whether ``up`` will resume it."""
    head = _head(id_, outs, reason)
    if cause is None:
        return (
            f"{head}; its agent, environment and vaults are live again: `up` resumes it "
            '("paused" => "active") unless the program says desired_status "paused"'
        )
    return f"{head}; it stays paused while {cause}"


def still_paused(dep: Mapping[str, Any], reason: str, cause: str) -> str:
    """The warning when ``up`` leaves an error pause in place."""
    return (
        f'deployment "{dep.get("name")}" ({dep.get("id")}) stays paused by the service: '
        f"{_reason_in_words(reason)}, and {cause}; `up` resumes it once it runs on live objects"
    )


def pause_notice(id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> str | None:
    """The preview/up warning for a deployment whose state (``olds``: the outputs the last
    refresh or up recorded) shows an automatic pause; None when it shows none. Pure: no call."""
    reason = error_reason(olds)
    if reason is None:
        return None
    head = _head(id_, olds, reason)
    if (news.get("desired_status") or "active") == "paused":
        return f"{head}; it stays paused (desired_status is paused)"
    if olds.get("desired_status") == "paused":
        return (
            f"{head}; at the last refresh its agent, environment and vaults were live: this update resumes it"
        )
    fixes = [k for k in FIXED_BY.get(reason, REFERENCES) if k in news and news.get(k) != olds.get(k)]
    if fixes:
        return f"{head}; this update changes its {' and '.join(fixes)}: `up` resumes it if they are live"
    return (
        f"{head}; `up` leaves it paused while the cause remains "
        "(point it at a live agent, environment or vault and `up` resumes it)"
    )
