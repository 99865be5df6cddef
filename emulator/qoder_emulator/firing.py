"""Schedule firing: which deployments are due, what a run records, auto-pause, retries.

Runs complete instantly; a run fails when its agent, environment or a vault is archived or gone.
"""

from __future__ import annotations

import copy
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from qoder_cron import fire_times, fire_times_between

from .backends.collection import Account
from .ids import fmt_micros, fmt_seconds, parse_time
from .storage import Doc

if TYPE_CHECKING:
    from .service import Emulator

# Auto-pause types reachable in the emulator (section 9); every one of them pauses (decision #6).
AUTO_PAUSE_ERRORS = frozenset(
    {
        "agent_archived_error",
        "environment_archived_error",
        "environment_not_found_error",
        "vault_archived_error",
        "vault_not_found_error",
    }
)


class Firing:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._lock = threading.Lock()

    @staticmethod
    def next_fire(doc: Doc) -> float | None:
        """When the scheduler must next look at ``doc`` (epoch seconds), or None."""
        schedule = doc.get("schedule")
        if schedule is None or doc["status"] != "active" or doc["archived_at"] is not None:
            return None
        upcoming = fire_times(schedule["expression"], schedule["timezone"], parse_time(doc["_cursor"]), 1)
        return upcoming[0].timestamp() if upcoming else None

    def _failure(self, account: Account, doc: Doc) -> tuple[str, str] | None:
        """Why a run of ``doc`` would fail right now, as ``(error type, message)``."""
        storage = self.emulator.storage
        agent = storage.get("agent", account.key, doc["agent"]["id"])
        if agent is not None and agent["archived_at"] is not None:
            return "agent_archived_error", f"Agent {agent['id']} is archived."
        env = storage.get("environment", account.key, doc["environment_id"])
        if env is None:
            return "environment_not_found_error", f"Environment {doc['environment_id']} not found."
        if env["archived_at"] is not None:
            return "environment_archived_error", f"Environment {env['id']} is archived."
        for vault_id in doc["vault_ids"]:
            vault = storage.get("vault", account.key, vault_id)
            if vault is None:
                return "vault_not_found_error", f"Vault {vault_id} not found."
            if vault["archived_at"] is not None:
                return "vault_archived_error", f"Vault {vault_id} is archived."
        return None

    def fire(self, account: Account, doc: Doc, trigger: dict[str, Any], at: datetime) -> list[Doc]:
        """Record one trigger (plus its retries) and update the deployment. Returns the runs."""
        previous = copy.deepcopy(doc)
        failure = self._failure(account, doc)
        retries = doc["metadata"]["cas_config"]["config"]["max_retries"] if failure else 0
        runs = []
        for attempt in range(1, retries + 2):
            stamp = fmt_micros(at)
            run: Doc = {
                "id": self.emulator.new_id("run"),
                "type": "deployment_run",
                "deployment_id": doc["id"],
                "agent": dict(doc["agent"]),
                "status": "failed" if failure else "completed",
                "session_id": None if failure else self.emulator.new_id("session"),
                "error": None if failure is None else {"type": failure[0], "message": failure[1]},
                "trigger_context": trigger if attempt == 1 else {"type": "retry"},
                "triggered_at": stamp,
                "created_at": stamp,
                "completed_at": stamp,
                "duration_ms": None if failure else 0,
                "cas_run_extras": {
                    "attempt": attempt,
                    "turn_id": None if failure else self.emulator.new_id("turn"),
                    "started_at": stamp,
                },
            }
            self.emulator.storage.insert("run", account.key, run, parent=doc["id"])
            runs.append(run)
        stats = doc["_stats"]
        stats["total_runs"] += len(runs)
        stats["last_triggered_at"] = fmt_seconds(at)
        if failure:
            stats["total_failures"] += len(runs)
            stats["consecutive_failures"] += len(runs)
        else:
            stats["consecutive_failures"] = 0
        manual_counts = self.emulator.flavor.manual_run_sets_last_run_at or trigger["type"] != "manual"
        if doc.get("schedule") is not None and manual_counts:
            # The Qoder example shows manual runs moving last_run_at too (section 7.3).
            doc["schedule"]["last_run_at"] = fmt_seconds(at)
        if failure and trigger["type"] == "schedule" and failure[0] in AUTO_PAUSE_ERRORS:
            doc.update(
                status="paused",
                paused_reason={"type": "error", "error": {"type": failure[0]}},
                updated_at=fmt_seconds(at),
            )
        self.emulator.deployments.save(account, doc, previous)
        return runs

    def fire_due(self) -> int:
        """Fire every scheduled run due up to now, in time order. Returns how many triggers fired."""
        emulator = self.emulator
        storage = emulator.storage
        with self._lock, storage.transaction():
            now = emulator.now()
            accounts = {a.key: a for a in emulator.accounts.values()}
            due: list[tuple[datetime, int, str, str]] = []
            docs: dict[str, tuple[Account, Doc]] = {}
            for order, (account_key, doc) in enumerate(storage.due(now.timestamp())):
                if account_key not in accounts:  # an account whose token is no longer configured
                    continue
                docs[doc["id"]] = (accounts[account_key], doc)
                schedule = doc["schedule"]
                for moment in fire_times_between(
                    schedule["expression"], schedule["timezone"], parse_time(doc["_cursor"]), now
                ):
                    due.append((moment, order, account_key, doc["id"]))
            due.sort()
            fired = 0
            for moment, _, _, deployment_id in due:
                account, doc = docs[deployment_id]
                if doc["status"] != "active":  # auto-paused by an earlier fire in this batch
                    continue
                self.fire(account, doc, {"type": "schedule", "scheduled_at": fmt_seconds(moment)}, moment)
                fired += 1
            for _, doc in docs.values():
                doc["_cursor"] = fmt_micros(now)
                storage.replace(
                    doc, next_fire=self.next_fire(doc), unique_key=emulator.deployments.unique_key(doc)
                )
            return fired
