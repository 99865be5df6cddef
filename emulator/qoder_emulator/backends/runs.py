"""Deployment runs: read-only here (``firing`` records them), per deployment or across them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .. import validation as v
from ..errors import not_found
from ..ids import parse_time
from ..mapping import render_run
from ..storage import Doc
from .collection import Account, Collection, CreatedRange, PageParams, created_filter

if TYPE_CHECKING:
    from ..service import Emulator

RUN_STATUSES = ("pending", "running", "completed", "failed", "skipped")
TRIGGER_TYPES = ("manual", "schedule", "retry")


class Runs:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.items = Collection(emulator, "run", "Deployment run")

    def get(self, account: Account, run_id: str, deployment_id: str | None = None) -> Doc:
        if deployment_id is not None:
            self.emulator.deployments.items.load(account, deployment_id)
        run = self.items.read(account, run_id)
        if deployment_id is not None and run["deployment_id"] != deployment_id:
            raise not_found("Deployment run", run_id)
        return render_run(run)

    def list(
        self,
        account: Account,
        params: PageParams,
        *,
        deployment_id: str | None,
        scoped: bool,
        status: str | None,
        trigger_type: str | None,
        has_error: bool | None,
        triggered_after: datetime | None,
        triggered_before: datetime | None,
        created: CreatedRange,
    ) -> Doc:
        if scoped and deployment_id is not None:
            self.emulator.deployments.items.load(account, deployment_id)
        if status is not None:
            v.one_of(status, "status", RUN_STATUSES)
        if trigger_type is not None:
            v.one_of(trigger_type, "trigger_type", TRIGGER_TYPES)
        created_keep = created_filter(created)

        def keep(run: Doc) -> bool:
            triggered = parse_time(run["triggered_at"])
            return (
                (created_keep is None or created_keep(run))
                and (status is None or run["status"] == status)
                and (trigger_type is None or run["trigger_context"]["type"] == trigger_type)
                and (has_error is None or (run["error"] is not None) == has_error)
                and (triggered_after is None or triggered >= triggered_after)
                and (triggered_before is None or triggered <= triggered_before)
            )

        filtered = created_keep is not None or any(
            x is not None for x in (status, trigger_type, has_error, triggered_after, triggered_before)
        )
        return self.items.page(
            account, params, render_run, parent=deployment_id, keep=keep if filtered else None
        )
