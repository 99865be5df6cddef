"""Deployments: unique names, merge-patch updates, pause/unpause, manual runs."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .. import validation as v
from ..errors import conflict
from ..ids import fmt_micros, fmt_seconds
from ..mapping import render_deployment, render_run
from ..storage import Doc
from .collection import Account, Collection, CreatedRange, PageParams, created_filter

if TYPE_CHECKING:
    from ..service import Emulator


class Deployments:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.items = Collection(emulator, "deployment", "Deployment")

    def _check_unique_name(self, account: Account, name: str, own_id: str | None) -> None:
        if not self.emulator.settings.unique_names:
            return
        clash = self.emulator.storage.find_unique("deployment", account.key, name)
        if clash is not None and clash["id"] != own_id:
            raise conflict(f"A deployment named {name!r} already exists ({clash['id']}).", "name")

    def unique_key(self, doc: Doc) -> str | None:
        return (
            str(doc["name"]) if doc["archived_at"] is None and self.emulator.settings.unique_names else None
        )

    def save(self, account: Account, doc: Doc, previous: Doc | None) -> None:
        """Store ``doc`` with its scheduler index (next fire time) and unique-name key."""
        next_fire, unique_key = self.emulator.firing.next_fire(doc), self.unique_key(doc)
        if previous is None:
            self.items.insert(account, doc, next_fire=next_fire, unique_key=unique_key)
        else:
            self.items.replace(account, doc, previous, next_fire=next_fire, unique_key=unique_key)

    def create(self, account: Account, body: Any) -> Doc:
        fields = v.deployment_create(body)
        emulator = self.emulator
        now = emulator.now()
        with emulator.storage.transaction():
            agent = emulator.agents.resolve(account, fields["agent"], "agent")
            emulator.environments.check_usable(account, fields["environment_id"])
            emulator.vaults.check_usable(account, fields["vault_ids"])
            self._check_unique_name(account, fields["name"], None)
            stamp = fmt_seconds(now)
            doc: Doc = {
                "id": self.emulator.new_id("deployment"),
                "type": "deployment",
                **fields,
                "agent": agent,
                "status": "active",
                "paused_reason": None,
                "archived_at": None,
                "created_at": stamp,
                "updated_at": stamp,
                "_cursor": fmt_micros(now),
                "_stats": {"consecutive_failures": 0, "total_failures": 0, "total_runs": 0},
            }
            self.save(account, doc, None)
        return render_deployment(doc, now)

    def get(self, account: Account, deployment_id: str) -> Doc:
        return render_deployment(self.items.read(account, deployment_id), self.emulator.now())

    def list(
        self,
        account: Account,
        params: PageParams,
        *,
        status: str | None,
        include_archived: bool,
        agent_id: str | None,
        created: CreatedRange,
    ) -> Doc:
        if status is not None:
            v.one_of(status, "status", ("active", "paused"))
        created_keep = created_filter(created)

        def keep(doc: Doc) -> bool:
            return (
                (status is None or doc["status"] == status)
                and (agent_id is None or doc["agent"]["id"] == agent_id)
                and (created_keep is None or created_keep(doc))
            )

        now = self.emulator.now()
        filtered = status is not None or agent_id is not None or created_keep is not None
        return self.items.page(
            account,
            params,
            lambda d: render_deployment(d, now),
            include_archived=include_archived,
            keep=keep if filtered else None,
        )

    def update(self, account: Account, deployment_id: str, body: Any) -> Doc:
        emulator = self.emulator
        now = emulator.now()
        with emulator.storage.transaction():
            previous = self.items.mutable(account, deployment_id)  # decision #9
            changes = v.deployment_update(body, previous["metadata"])
            doc = copy.deepcopy(previous)
            if "agent" in changes:
                changes["agent"] = emulator.agents.resolve(account, changes["agent"], "agent")
            if "environment_id" in changes:
                emulator.environments.check_usable(account, changes["environment_id"])
            if "vault_ids" in changes:
                emulator.vaults.check_usable(account, changes["vault_ids"])
            if "name" in changes:
                self._check_unique_name(account, changes["name"], deployment_id)
            if "schedule" in changes:
                old = doc.get("schedule") or {}
                if changes["schedule"] is not None and "last_run_at" in old:
                    changes["schedule"]["last_run_at"] = old["last_run_at"]
                doc["_cursor"] = fmt_micros(now)  # a new schedule never backfills
            doc.update(changes)
            if doc != previous:
                doc["updated_at"] = fmt_seconds(now)
                self.save(account, doc, previous)
        return render_deployment(doc, now)

    def archive(self, account: Account, deployment_id: str) -> Doc:
        now = self.emulator.now()
        with self.emulator.storage.transaction():
            previous = self.items.load(account, deployment_id)
            if previous["archived_at"] is not None:
                raise conflict(f"Deployment {deployment_id} is already archived.")
            doc = copy.deepcopy(previous)
            # The rename frees the name for a new deployment (section 7.1).
            if self.emulator.flavor.archive_renames:
                doc["name"] = f"{doc['name']}_archived_{int(now.timestamp())}"
            doc.update(archived_at=fmt_seconds(now), updated_at=fmt_seconds(now))
            self.save(account, doc, previous)
        return render_deployment(doc, now)

    def pause(self, account: Account, deployment_id: str) -> Doc:
        now = self.emulator.now()
        with self.emulator.storage.transaction():
            previous = self.items.mutable(account, deployment_id)
            if previous["status"] == "paused":
                raise conflict(f"Deployment {deployment_id} is already paused.")
            doc = {
                **copy.deepcopy(previous),
                "status": "paused",
                "paused_reason": {"type": "manual"},
                "updated_at": fmt_seconds(now),
            }
            self.save(account, doc, previous)
        return render_deployment(doc, now)

    def unpause(self, account: Account, deployment_id: str) -> Doc:
        now = self.emulator.now()
        with self.emulator.storage.transaction():
            previous = self.items.mutable(account, deployment_id)
            if previous["status"] != "paused":
                raise conflict(f"Deployment {deployment_id} is not paused.")
            # Missed fires are not backfilled: the schedule restarts from now.
            doc = {
                **copy.deepcopy(previous),
                "status": "active",
                "paused_reason": None,
                "updated_at": fmt_seconds(now),
                "_cursor": fmt_micros(now),
            }
            self.save(account, doc, previous)
        return render_deployment(doc, now)

    def run(self, account: Account, deployment_id: str, body: Any) -> Doc:
        if body is not None:
            v.check_fields(v.require_object(body, None), "", set())
        now = self.emulator.now()
        with self.emulator.storage.transaction():
            doc = self.items.mutable(account, deployment_id)
            if doc["status"] != "active" and not self.emulator.flavor.manual_run_while_paused:
                raise conflict(f"Deployment {deployment_id} is paused; unpause it before running it.")
            runs = self.emulator.firing.fire(account, doc, {"type": "manual"}, now)
        return render_run(runs[0])
