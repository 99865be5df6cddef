"""Agents: versioned on every real change; references to them pin a version."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from .. import validation as v
from ..errors import conflict, invalid, not_found
from ..ids import fmt_seconds
from ..mapping import list_envelope, render_agent, render_agent_version
from ..storage import Doc
from .collection import Account, Collection, CreatedRange, PageParams, created_filter, page_params

if TYPE_CHECKING:
    from ..service import Emulator

VERSIONED = (
    "name",
    "description",
    "model",
    "system",
    "tools",
    "mcp_servers",
    "skills",
    "metadata",
    "multiagent",
)


class Agents:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.items = Collection(emulator, "agent", "Agent")

    def resolve(self, account: Account, ref: dict[str, Any], param: str) -> dict[str, Any]:
        """``{"id", "version"|None}`` -> a pinned reference; 404 when missing, 400 when archived."""
        agent = self.items.load(account, ref["id"], param)
        if agent["archived_at"] is not None:
            raise invalid(param, f"Agent {ref['id']} is archived.")
        version = ref["version"] or agent["version"]
        if version > agent["version"]:
            raise invalid(
                f"{param}.version",
                f"Agent {ref['id']} has no version {version} (latest is {agent['version']}).",
            )
        return {"id": agent["id"], "type": "agent", "version": version}

    def _resolve_team(self, account: Account, team: Doc | None) -> Doc | None:
        """Pin each member agent to a version, like a deployment's string ``agent``."""
        if team is None:
            return None
        members = [
            self.resolve(account, m, f"multiagent.agents[{i}]") if m["type"] == "agent" else m
            for i, m in enumerate(team["agents"])
        ]
        return {**team, "agents": members}

    @staticmethod
    def _snapshot(doc: Doc) -> Doc:
        return copy.deepcopy({k: doc[k] for k in (*VERSIONED, "version", "updated_at")})

    def create(self, account: Account, body: Any) -> Doc:
        fields = v.agent_create(body)
        if "multiagent" in fields:
            fields["multiagent"] = self._resolve_team(account, fields["multiagent"])
        stamp = fmt_seconds(self.emulator.now())
        doc: Doc = {
            "type": "agent",
            "id": self.emulator.new_id("agent"),
            "name": fields["name"],
            "description": "",
            "model": fields["model"],
            "system": "",
            "tools": [],
            "mcp_servers": [],
            "skills": [],
            "metadata": {},
            "multiagent": None,
            "default_environment": "",
            "version": 1,
            "archived_at": None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        doc.update(fields)
        doc["_versions"] = [self._snapshot(doc)]
        with self.emulator.storage.transaction():
            self.items.insert(account, doc)
        return render_agent(doc)

    def get(self, account: Account, agent_id: str, version: int | None = None) -> Doc:
        doc = self.items.read(account, agent_id)
        if version is None:
            return render_agent(doc)
        for snapshot in doc["_versions"]:
            if snapshot["version"] == version:
                return render_agent_version(doc, snapshot)
        raise not_found("Agent version", f"{agent_id} v{version}", "version")

    def list(
        self, account: Account, params: PageParams, *, include_archived: bool, created: CreatedRange
    ) -> Doc:
        return self.items.page(
            account, params, render_agent, include_archived=include_archived, keep=created_filter(created)
        )

    def update(self, account: Account, agent_id: str, body: Any) -> Doc:
        with self.emulator.storage.transaction():
            previous = self.items.mutable(account, agent_id)
            version, changes = v.agent_update(body, previous)
            if "multiagent" in changes:
                changes["multiagent"] = self._resolve_team(account, changes["multiagent"])
            if version is not None and version != previous["version"]:  # optimistic concurrency
                raise conflict(
                    f"Agent {agent_id} is at version {previous['version']}, the request was based "
                    f"on version {version}; fetch it again and retry.",
                    "version",
                )
            doc = copy.deepcopy(previous)
            doc.update(changes)
            if any(doc.get(k) != previous.get(k) for k in VERSIONED):
                doc["version"] += 1
                doc["updated_at"] = fmt_seconds(self.emulator.now())
                doc["_versions"].append(self._snapshot(doc))
                self.items.replace(account, doc, previous)
        return render_agent(doc)

    def archive(self, account: Account, agent_id: str) -> Doc:
        return render_agent(self.items.archive(account, agent_id))

    def versions(self, account: Account, agent_id: str, limit: int | None, page: str | None) -> Doc:
        """Newest version first; ``next_page`` is ``v<N>``: the versions older than N."""
        doc = self.items.load(account, agent_id)
        size = page_params(limit, None, None, None).limit
        below = doc["version"] + 1
        if page is not None:
            if not re.fullmatch(r"v[1-9][0-9]*", page):
                raise invalid("page", f"Unknown cursor: {page}.")
            below = int(page[1:])
        snapshots = [s for s in reversed(doc["_versions"]) if s["version"] < below]
        shown = snapshots[:size]
        has_more = len(snapshots) > size
        return list_envelope(
            [render_agent_version(doc, s) for s in shown],
            has_more=has_more,
            next_page=f"v{shown[-1]['version']}" if has_more else None,
        )
