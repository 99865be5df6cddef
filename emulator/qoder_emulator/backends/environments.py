"""Environments: updated in place; delete really deletes (runs of deployments using it then fail)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .. import validation as v
from ..errors import invalid
from ..ids import fmt_seconds
from ..mapping import render_environment
from ..storage import Doc
from .collection import Account, Collection, CreatedRange, PageParams, created_filter

if TYPE_CHECKING:
    from ..service import Emulator


class Environments:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.items = Collection(emulator, "environment", "Environment")

    def check_usable(self, account: Account, environment_id: str) -> None:
        env = self.items.load(account, environment_id, "environment_id")
        if env["archived_at"] is not None:
            raise invalid("environment_id", f"Environment {environment_id} is archived.")

    def create(self, account: Account, body: Any) -> Doc:
        fields = v.environment_create(body)
        stamp = fmt_seconds(self.emulator.now())
        doc: Doc = {
            "id": self.emulator.new_id("environment"),
            "type": "environment",
            **fields,
            "status": "ready",
            "archived_at": None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self.emulator.storage.transaction():
            self.items.insert(account, doc)
        return render_environment(doc)

    def get(self, account: Account, environment_id: str) -> Doc:
        return render_environment(self.items.read(account, environment_id))

    def list(
        self, account: Account, params: PageParams, *, include_archived: bool, created: CreatedRange
    ) -> Doc:
        return self.items.page(
            account,
            params,
            render_environment,
            include_archived=include_archived,
            keep=created_filter(created),
        )

    def update(self, account: Account, environment_id: str, body: Any) -> Doc:
        with self.emulator.storage.transaction():
            previous = self.items.mutable(account, environment_id)
            doc = {**copy.deepcopy(previous), **v.environment_update(body, previous)}
            if doc != previous:
                doc["updated_at"] = fmt_seconds(self.emulator.now())
                self.items.replace(account, doc, previous)
        return render_environment(doc)

    def archive(self, account: Account, environment_id: str) -> Doc:
        return render_environment(self.items.archive(account, environment_id))

    def delete(self, account: Account, environment_id: str) -> Doc:
        return self.items.delete(account, environment_id)
