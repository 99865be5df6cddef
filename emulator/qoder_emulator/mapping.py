"""Stored documents -> response JSON. Pure functions: the only input besides the document is ``now``.

Stored documents keep private bookkeeping under keys starting with ``_``; they never leave here.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from qoder_cron import fire_times

from .ids import fmt_seconds, parse_time

Doc = dict[str, Any]
UPCOMING_COUNT = 5


def public(doc: Doc) -> Doc:
    return {k: copy.deepcopy(v) for k, v in doc.items() if not k.startswith("_")}


def upcoming_runs(doc: Doc, now: datetime) -> list[datetime]:
    """Next fire instants strictly after ``now`` (and after the scheduler's cursor); none when archived."""
    schedule = doc.get("schedule")
    if schedule is None or doc.get("archived_at") is not None:
        return []
    after = max(now, parse_time(doc["_cursor"])) if "_cursor" in doc else now
    return fire_times(schedule["expression"], schedule["timezone"], after, UPCOMING_COUNT)


def render_deployment(doc: Doc, now: datetime) -> Doc:
    out = public(doc)
    out.setdefault("budget", None)  # stored before budgets were accepted
    upcoming = upcoming_runs(doc, now)
    if out.get("schedule") is not None:
        out["schedule"]["upcoming_runs_at"] = [fmt_seconds(t) for t in upcoming]
    cas = out["metadata"]["cas_config"]
    stats = dict(doc.get("_stats", {}))
    # While paused nothing fires, but the API still shows what would run (section 7.2).
    stats["next_trigger_at"] = fmt_seconds(upcoming[0]) if upcoming else None
    cas["stats"] = stats
    return out


def render_agent(doc: Doc) -> Doc:
    out = public(doc)
    out["instructions"] = out.get("system", "")
    out["archived"] = out.get("archived_at") is not None
    return out


def render_agent_version(doc: Doc, snapshot: Doc) -> Doc:
    return render_agent({**doc, **snapshot})


def render_environment(doc: Doc) -> Doc:
    out = public(doc)
    out.setdefault("scope", "account")  # stored before scopes were accepted
    out["archived"] = out.get("archived_at") is not None
    return out


def render_vault(doc: Doc, inline_credentials: Sequence[Doc]) -> Doc:
    """The vault with the credentials given inline at create, in the documented flat shape."""
    return {**public(doc), "credentials": [dict(c) for c in inline_credentials]}


def render_credential(doc: Doc) -> Doc:
    return public(doc)


def render_inline_credential(doc: Doc) -> Doc:
    """A credential in the flat shape ``POST /vaults`` documents (``type`` is the auth type there)."""
    auth = doc["auth"]
    return {
        "id": doc["id"],
        "vault_id": doc["vault_id"],
        "mcp_server_url": auth["mcp_server_url"],
        "protocol": auth.get("protocol", "streamable_http"),
        "type": auth["type"],
        "status": doc["status"],
        "archived_at": doc["archived_at"],
        "created_at": doc["created_at"],
        "updated_at": doc["updated_at"],
    }


def render_run(doc: Doc) -> Doc:
    return public(doc)


def list_envelope(items: Sequence[Doc], *, has_more: bool, next_page: str | None) -> Doc:
    """The Qoder list envelope; ``next_page`` continues in the direction the client is paging."""
    return {
        "data": list(items),
        "first_id": items[0]["id"] if items else None,
        "last_id": items[-1]["id"] if items else None,
        "has_more": has_more,
        "next_page": next_page,
    }
