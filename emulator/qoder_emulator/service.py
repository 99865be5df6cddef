"""The emulated service: business rules over storage. Handlers in ``app.py`` only translate HTTP.

Every public method takes the caller's ``Account`` and returns response JSON (via ``mapping``).
Writes run inside one storage transaction, so a rejected request changes nothing.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qoder_cron import fire_times, fire_times_between

from . import validation as v
from .clocks import Clock, ManualClock, RealClock
from .errors import conflict, invalid, not_found
from .faults import Faults
from .ids import fmt_micros, fmt_seconds, new_id, parse_time
from .mapping import (
    list_envelope,
    render_agent,
    render_agent_version,
    render_credential,
    render_deployment,
    render_environment,
    render_inline_credential,
    render_run,
    render_vault,
)
from .settings import Settings
from .storage import Doc, Storage

DEFAULT_LIMIT = 20
MAX_LIMIT = 100  # decision #10
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
RUN_STATUSES = ("pending", "running", "completed", "failed", "skipped")
TRIGGER_TYPES = ("manual", "schedule", "retry")


@dataclass(frozen=True)
class Account:
    index: int  # position of the token on the command line: shown in the request log instead of the token
    key: str  # hash of the token: what storage keys objects by, stable across restarts and reorderings


@dataclass
class RequestContext:
    """Per-request scratch space shared by the middleware and the service."""

    writes: list[tuple[str, str, Any]] = field(default_factory=list)


CURRENT_REQUEST: ContextVar[RequestContext | None] = ContextVar("qoder_request", default=None)


@dataclass(frozen=True)
class PageParams:
    limit: int
    after_id: str | None
    before_id: str | None


BEFORE_CURSOR = "before:"  # a ``page`` token that keeps paging toward newer objects


def page_params(
    limit: int | None, after_id: str | None, before_id: str | None, page: str | None
) -> PageParams:
    if page is not None:  # decision #11: ``page`` is an alias of ``after_id`` ...
        if after_id is not None or before_id is not None:
            if page not in (after_id, BEFORE_CURSOR + (before_id or "")):
                raise invalid("page", "page is a cursor of its own; send it without after_id or before_id.")
        elif page.startswith(BEFORE_CURSOR):  # ... or, from a before_id walk, of ``before_id``
            before_id = page[len(BEFORE_CURSOR) :]
        else:
            after_id = page
    if after_id is not None and before_id is not None:
        raise invalid("before_id", "after_id and before_id cannot be used together.")
    if limit is None:
        limit = DEFAULT_LIMIT
    if limit <= 0:
        raise invalid("limit", f"limit must be a positive integer (got {limit}).")
    return PageParams(min(limit, MAX_LIMIT), after_id or None, before_id or None)


CreatedRange = Mapping[str, datetime | None]  # created_at bounds by operator: gt, gte, lt, lte
_CREATED_TESTS: dict[str, Callable[[datetime, datetime], bool]] = {
    "gt": lambda created, bound: created > bound,
    "gte": lambda created, bound: created >= bound,
    "lt": lambda created, bound: created < bound,
    "lte": lambda created, bound: created <= bound,
}


def _created_filter(
    created: CreatedRange, *, name_key: str = "name", name: str | None = None
) -> Callable[[Doc], bool] | None:
    """A ``keep`` predicate for ``created_at[gt|gte|lt|lte]`` and an exact name, or None when unfiltered."""
    bounds = [(_CREATED_TESTS[op], bound) for op, bound in created.items() if bound is not None]
    if not bounds and name is None:
        return None

    def keep(doc: Doc) -> bool:
        moment = parse_time(doc["created_at"])
        return all(test(moment, bound) for test, bound in bounds) and (
            name is None or doc.get(name_key) == name
        )

    return keep


def _epoch(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


class Emulator:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.storage = Storage(settings.db_path)
        self.clock: Clock = (
            ManualClock(settings.start) if settings.clock == "manual" else RealClock(settings.start)
        )
        self.faults = Faults()
        self.faults.configure(dict(settings.faults))
        self.accounts = {
            token: Account(i, hashlib.sha256(token.encode()).hexdigest()[:24])
            for i, token in enumerate(settings.tokens)
        }
        self.request_log: deque[dict[str, Any]] = deque(maxlen=settings.request_log_size)
        self.log_lock = threading.Lock()
        self._fire_lock = threading.Lock()

    def close(self) -> None:
        self.storage.close()

    def now(self) -> datetime:
        return self.clock.now()

    # --- bookkeeping -------------------------------------------------------------------------------

    def _note_write(self, account: Account, object_id: str, previous: Doc | None) -> None:
        ctx = CURRENT_REQUEST.get()
        if ctx is not None:
            ctx.writes.append((account.key, object_id, copy.deepcopy(previous)))

    def _load(self, kind: str, account: Account, object_id: str, what: str, param: str | None = None) -> Doc:
        doc = self.storage.get(kind, account.key, object_id)
        if doc is None:
            raise not_found(what, object_id, param)
        return doc

    def _read(self, kind: str, account: Account, object_id: str, what: str) -> Doc:
        """A GET: may answer the previous version while a stale-read fault is armed."""
        stale, previous = self.faults.stale_view(account.key, object_id)
        if stale:
            if previous is None:
                raise not_found(what, object_id)
            return dict(previous)
        return self._load(kind, account, object_id, what)

    def _page(
        self,
        kind: str,
        account: Account,
        params: PageParams,
        render: Callable[[Doc], Doc],
        *,
        parent: str | None = None,
        include_archived: bool = True,
        keep: Callable[[Doc], bool] | None = None,
    ) -> Doc:
        """Newest first. ``after_id`` pages toward older objects, ``before_id`` toward newer ones."""
        cursor = params.after_id or params.before_id
        cursor_seq: int | None = None
        if cursor is not None:
            cursor_seq = self.storage.seq_of(kind, account.key, cursor)
            if cursor_seq is None:
                raise invalid("after_id" if params.after_id else "before_id", f"Unknown cursor: {cursor}.")

        def scan(want: int, *, below: int | None = None, above: int | None = None) -> list[tuple[int, Doc]]:
            return self.storage.scan(
                kind,
                account.key,
                want=want,
                parent=parent,
                include_archived=include_archived,
                seq_below=below,
                seq_above=above,
                ascending=above is not None,
                keep=keep,
            )

        if params.before_id is not None:
            rows = scan(params.limit + 1, above=cursor_seq)
            has_more = len(rows) > params.limit
            page = list(reversed(rows[: params.limit]))
            # next_page keeps walking the way the client started: toward newer objects.
            next_page = BEFORE_CURSOR + page[0][1]["id"] if has_more and page else None
        else:
            rows = scan(params.limit + 1, below=cursor_seq)
            has_more = len(rows) > params.limit
            page = rows[: params.limit]
            next_page = page[-1][1]["id"] if has_more and page else None
        return list_envelope([render(doc) for _, doc in page], has_more=has_more, next_page=next_page)

    # --- references --------------------------------------------------------------------------------

    def _resolve_agent(self, account: Account, ref: dict[str, Any], param: str) -> dict[str, Any]:
        agent = self._load("agent", account, ref["id"], "Agent", param)
        if agent["archived_at"] is not None:
            raise invalid(param, f"Agent {ref['id']} is archived.")
        version = ref["version"] or agent["version"]
        if version > agent["version"]:
            raise invalid(
                f"{param}.version",
                f"Agent {ref['id']} has no version {version} (latest is {agent['version']}).",
            )
        return {"id": agent["id"], "type": "agent", "version": version}

    def _check_environment(self, account: Account, environment_id: str) -> None:
        env = self._load("environment", account, environment_id, "Environment", "environment_id")
        if env["archived_at"] is not None:
            raise invalid("environment_id", f"Environment {environment_id} is archived.")

    def _check_vaults(self, account: Account, vault_ids: list[str]) -> None:
        for i, vault_id in enumerate(vault_ids):
            vault = self._load("vault", account, vault_id, "Vault", f"vault_ids[{i}]")
            if vault["archived_at"] is not None:
                raise invalid(f"vault_ids[{i}]", f"Vault {vault_id} is archived.")

    def _check_unique_name(self, account: Account, name: str, own_id: str | None) -> None:
        if not self.settings.unique_names:
            return
        clash = self.storage.find_unique("deployment", account.key, name)
        if clash is not None and clash["id"] != own_id:
            raise conflict(f"A deployment named {name!r} already exists ({clash['id']}).", "name")

    # --- deployments -------------------------------------------------------------------------------

    def _next_fire(self, doc: Doc) -> float | None:
        schedule = doc.get("schedule")
        if schedule is None or doc["status"] != "active" or doc["archived_at"] is not None:
            return None
        upcoming = fire_times(schedule["expression"], schedule["timezone"], parse_time(doc["_cursor"]), 1)
        return _epoch(upcoming[0]) if upcoming else None

    def _unique_key(self, doc: Doc) -> str | None:
        return str(doc["name"]) if doc["archived_at"] is None and self.settings.unique_names else None

    def _save_deployment(self, account: Account, doc: Doc, previous: Doc | None) -> None:
        if previous is None:
            self.storage.insert(
                "deployment",
                account.key,
                doc,
                next_fire=self._next_fire(doc),
                unique_key=self._unique_key(doc),
            )
        else:
            self.storage.replace(doc, next_fire=self._next_fire(doc), unique_key=self._unique_key(doc))
        self._note_write(account, doc["id"], previous)

    def create_deployment(self, account: Account, body: Any) -> Doc:
        fields = v.deployment_create(body)
        now = self.now()
        with self.storage.transaction():
            agent = self._resolve_agent(account, fields["agent"], "agent")
            self._check_environment(account, fields["environment_id"])
            self._check_vaults(account, fields["vault_ids"])
            self._check_unique_name(account, fields["name"], None)
            stamp = fmt_seconds(now)
            doc: Doc = {
                "id": new_id("dep"),
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
            self._save_deployment(account, doc, None)
        return render_deployment(doc, now)

    def get_deployment(self, account: Account, deployment_id: str) -> Doc:
        return render_deployment(self._read("deployment", account, deployment_id, "Deployment"), self.now())

    def list_deployments(
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
        created_keep = _created_filter(created)

        def keep(doc: Doc) -> bool:
            return (
                (status is None or doc["status"] == status)
                and (agent_id is None or doc["agent"]["id"] == agent_id)
                and (created_keep is None or created_keep(doc))
            )

        now = self.now()
        filtered = status is not None or agent_id is not None or created_keep is not None
        return self._page(
            "deployment",
            account,
            params,
            lambda d: render_deployment(d, now),
            include_archived=include_archived,
            keep=keep if filtered else None,
        )

    def _mutable_deployment(self, account: Account, deployment_id: str) -> Doc:
        doc = self._load("deployment", account, deployment_id, "Deployment")
        if doc["archived_at"] is not None:  # decision #9
            raise conflict(f"Deployment {deployment_id} is archived and can no longer be changed.")
        return doc

    def update_deployment(self, account: Account, deployment_id: str, body: Any) -> Doc:
        now = self.now()
        with self.storage.transaction():
            previous = self._mutable_deployment(account, deployment_id)
            changes = v.deployment_update(body, previous["metadata"])
            doc = copy.deepcopy(previous)
            if "agent" in changes:
                changes["agent"] = self._resolve_agent(account, changes["agent"], "agent")
            if "environment_id" in changes:
                self._check_environment(account, changes["environment_id"])
            if "vault_ids" in changes:
                self._check_vaults(account, changes["vault_ids"])
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
                self._save_deployment(account, doc, previous)
        return render_deployment(doc, now)

    def archive_deployment(self, account: Account, deployment_id: str) -> Doc:
        now = self.now()
        with self.storage.transaction():
            previous = self._load("deployment", account, deployment_id, "Deployment")
            if previous["archived_at"] is not None:
                raise conflict(f"Deployment {deployment_id} is already archived.")
            doc = copy.deepcopy(previous)
            # The rename frees the name for a new deployment (section 7.1).
            doc.update(
                name=f"{doc['name']}_archived_{int(now.timestamp())}",
                archived_at=fmt_seconds(now),
                updated_at=fmt_seconds(now),
            )
            self._save_deployment(account, doc, previous)
        return render_deployment(doc, now)

    def pause_deployment(self, account: Account, deployment_id: str) -> Doc:
        now = self.now()
        with self.storage.transaction():
            previous = self._mutable_deployment(account, deployment_id)
            if previous["status"] == "paused":
                raise conflict(f"Deployment {deployment_id} is already paused.")
            doc = {
                **copy.deepcopy(previous),
                "status": "paused",
                "paused_reason": {"type": "manual"},
                "updated_at": fmt_seconds(now),
            }
            self._save_deployment(account, doc, previous)
        return render_deployment(doc, now)

    def unpause_deployment(self, account: Account, deployment_id: str) -> Doc:
        now = self.now()
        with self.storage.transaction():
            previous = self._mutable_deployment(account, deployment_id)
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
            self._save_deployment(account, doc, previous)
        return render_deployment(doc, now)

    def run_deployment(self, account: Account, deployment_id: str, body: Any) -> Doc:
        if body is not None:
            v.check_fields(v.require_object(body, None), "", set())
        now = self.now()
        with self.storage.transaction():
            doc = self._mutable_deployment(account, deployment_id)
            if doc["status"] != "active":
                raise conflict(f"Deployment {deployment_id} is paused; unpause it before running it.")
            runs = self._fire(account, doc, {"type": "manual"}, now)
        return render_run(runs[0])

    # --- runs --------------------------------------------------------------------------------------

    def _failure(self, account: Account, doc: Doc) -> tuple[str, str] | None:
        """Why a run of ``doc`` would fail right now, as ``(error type, message)``."""
        agent = self.storage.get("agent", account.key, doc["agent"]["id"])
        if agent is not None and agent["archived_at"] is not None:
            return "agent_archived_error", f"Agent {agent['id']} is archived."
        env = self.storage.get("environment", account.key, doc["environment_id"])
        if env is None:
            return "environment_not_found_error", f"Environment {doc['environment_id']} not found."
        if env["archived_at"] is not None:
            return "environment_archived_error", f"Environment {env['id']} is archived."
        for vault_id in doc["vault_ids"]:
            vault = self.storage.get("vault", account.key, vault_id)
            if vault is None:
                return "vault_not_found_error", f"Vault {vault_id} not found."
            if vault["archived_at"] is not None:
                return "vault_archived_error", f"Vault {vault_id} is archived."
        return None

    def _fire(self, account: Account, doc: Doc, trigger: dict[str, Any], at: datetime) -> list[Doc]:
        """Record one trigger (plus its retries) and update the deployment. Returns the runs."""
        previous = copy.deepcopy(doc)
        failure = self._failure(account, doc)
        retries = doc["metadata"]["cas_config"]["config"]["max_retries"] if failure else 0
        runs = []
        for attempt in range(1, retries + 2):
            stamp = fmt_micros(at)
            run: Doc = {
                "id": new_id("drun"),
                "type": "deployment_run",
                "deployment_id": doc["id"],
                "agent": dict(doc["agent"]),
                "status": "failed" if failure else "completed",
                "session_id": None if failure else new_id("sess"),
                "error": None if failure is None else {"type": failure[0], "message": failure[1]},
                "trigger_context": trigger if attempt == 1 else {"type": "retry"},
                "triggered_at": stamp,
                "created_at": stamp,
                "completed_at": stamp,
                "duration_ms": None if failure else 0,
                "cas_run_extras": {
                    "attempt": attempt,
                    "turn_id": None if failure else new_id("turn"),
                    "started_at": stamp,
                },
            }
            self.storage.insert("run", account.key, run, parent=doc["id"])
            runs.append(run)
        stats = doc["_stats"]
        stats["total_runs"] += len(runs)
        stats["last_triggered_at"] = fmt_seconds(at)
        if failure:
            stats["total_failures"] += len(runs)
            stats["consecutive_failures"] += len(runs)
        else:
            stats["consecutive_failures"] = 0
        if doc.get("schedule") is not None:
            # The Qoder example shows manual runs moving last_run_at too (section 7.3).
            doc["schedule"]["last_run_at"] = fmt_seconds(at)
        if failure and trigger["type"] == "schedule" and failure[0] in AUTO_PAUSE_ERRORS:
            doc.update(
                status="paused",
                paused_reason={"type": "error", "error": {"type": failure[0]}},
                updated_at=fmt_seconds(at),
            )
        self._save_deployment(account, doc, previous)
        return runs

    def fire_due(self) -> int:
        """Fire every scheduled run due up to now, in time order. Returns how many triggers fired."""
        with self._fire_lock, self.storage.transaction():
            now = self.now()
            accounts = {a.key: a for a in self.accounts.values()}
            due: list[tuple[datetime, int, str, str]] = []
            docs: dict[str, tuple[Account, Doc]] = {}
            for order, (account_key, doc) in enumerate(self.storage.due(now.timestamp())):
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
                self._fire(account, doc, {"type": "schedule", "scheduled_at": fmt_seconds(moment)}, moment)
                fired += 1
            for _, doc in docs.values():
                doc["_cursor"] = fmt_micros(now)
                self.storage.replace(doc, next_fire=self._next_fire(doc), unique_key=self._unique_key(doc))
            return fired

    def get_run(self, account: Account, run_id: str, deployment_id: str | None = None) -> Doc:
        if deployment_id is not None:
            self._load("deployment", account, deployment_id, "Deployment")
        run = self._read("run", account, run_id, "Deployment run")
        if deployment_id is not None and run["deployment_id"] != deployment_id:
            raise not_found("Deployment run", run_id)
        return render_run(run)

    def list_runs(
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
            self._load("deployment", account, deployment_id, "Deployment")
        if status is not None:
            v.one_of(status, "status", RUN_STATUSES)
        if trigger_type is not None:
            v.one_of(trigger_type, "trigger_type", TRIGGER_TYPES)

        created_keep = _created_filter(created)

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
        return self._page(
            "run", account, params, render_run, parent=deployment_id, keep=keep if filtered else None
        )

    # --- agents ------------------------------------------------------------------------------------

    _AGENT_VERSIONED = (
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

    def _resolve_multiagent(self, account: Account, team: Doc | None) -> Doc | None:
        """Pin each member agent to a version, like a deployment's string ``agent``."""
        if team is None:
            return None
        members = []
        for i, member in enumerate(team["agents"]):
            if member["type"] == "agent":
                member = self._resolve_agent(account, member, f"multiagent.agents[{i}]")
            members.append(member)
        return {**team, "agents": members}

    def create_agent(self, account: Account, body: Any) -> Doc:
        fields = v.agent_create(body)
        if "multiagent" in fields:
            fields["multiagent"] = self._resolve_multiagent(account, fields["multiagent"])
        stamp = fmt_seconds(self.now())
        doc: Doc = {
            "type": "agent",
            "id": new_id("agent"),
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
        doc["_versions"] = [self._agent_snapshot(doc)]
        with self.storage.transaction():
            self.storage.insert("agent", account.key, doc)
            self._note_write(account, doc["id"], None)
        return render_agent(doc)

    def _agent_snapshot(self, doc: Doc) -> Doc:
        return copy.deepcopy({k: doc[k] for k in (*self._AGENT_VERSIONED, "version", "updated_at")})

    def get_agent(self, account: Account, agent_id: str, version: int | None = None) -> Doc:
        doc = self._read("agent", account, agent_id, "Agent")
        if version is None:
            return render_agent(doc)
        for snapshot in doc["_versions"]:
            if snapshot["version"] == version:
                return render_agent_version(doc, snapshot)
        raise not_found("Agent version", f"{agent_id} v{version}", "version")

    def list_agents(
        self,
        account: Account,
        params: PageParams,
        *,
        include_archived: bool,
        created: CreatedRange,
    ) -> Doc:
        return self._page(
            "agent",
            account,
            params,
            render_agent,
            include_archived=include_archived,
            keep=_created_filter(created),
        )

    def update_agent(self, account: Account, agent_id: str, body: Any) -> Doc:
        with self.storage.transaction():
            previous = self._load("agent", account, agent_id, "Agent")
            if previous["archived_at"] is not None:
                raise conflict(f"Agent {agent_id} is archived and can no longer be changed.")
            version, changes = v.agent_update(body, previous)
            if "multiagent" in changes:
                changes["multiagent"] = self._resolve_multiagent(account, changes["multiagent"])
            if version is not None and version != previous["version"]:  # optimistic concurrency
                raise conflict(
                    f"Agent {agent_id} is at version {previous['version']}, the request was based "
                    f"on version {version}; fetch it again and retry.",
                    "version",
                )
            doc = copy.deepcopy(previous)
            doc.update(changes)
            if any(doc[k] != previous[k] for k in self._AGENT_VERSIONED):
                doc["version"] += 1
                doc["updated_at"] = fmt_seconds(self.now())
                doc["_versions"].append(self._agent_snapshot(doc))
                self.storage.replace(doc)
                self._note_write(account, agent_id, previous)
        return render_agent(doc)

    def archive_agent(self, account: Account, agent_id: str) -> Doc:
        with self.storage.transaction():
            previous = self._load("agent", account, agent_id, "Agent")
            if previous["archived_at"] is not None:
                raise conflict(f"Agent {agent_id} is already archived.")
            stamp = fmt_seconds(self.now())
            doc = {**copy.deepcopy(previous), "archived_at": stamp, "updated_at": stamp}
            self.storage.replace(doc)
            self._note_write(account, agent_id, previous)
        return render_agent(doc)

    def list_agent_versions(
        self, account: Account, agent_id: str, limit: int | None, page: str | None
    ) -> Doc:
        """Newest version first; ``next_page`` is ``v<N>``: the versions older than N."""
        doc = self._load("agent", account, agent_id, "Agent")
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

    # --- environments ------------------------------------------------------------------------------

    def create_environment(self, account: Account, body: Any) -> Doc:
        fields = v.environment_create(body)
        stamp = fmt_seconds(self.now())
        doc: Doc = {
            "id": new_id("env"),
            "type": "environment",
            **fields,
            "status": "ready",
            "archived_at": None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self.storage.transaction():
            self.storage.insert("environment", account.key, doc)
            self._note_write(account, doc["id"], None)
        return render_environment(doc)

    def get_environment(self, account: Account, environment_id: str) -> Doc:
        return render_environment(self._read("environment", account, environment_id, "Environment"))

    def list_environments(
        self,
        account: Account,
        params: PageParams,
        *,
        include_archived: bool,
        created: CreatedRange,
    ) -> Doc:
        return self._page(
            "environment",
            account,
            params,
            render_environment,
            include_archived=include_archived,
            keep=_created_filter(created),
        )

    def update_environment(self, account: Account, environment_id: str, body: Any) -> Doc:
        with self.storage.transaction():
            previous = self._load("environment", account, environment_id, "Environment")
            if previous["archived_at"] is not None:
                raise conflict(f"Environment {environment_id} is archived and can no longer be changed.")
            doc = {**copy.deepcopy(previous), **v.environment_update(body, previous)}
            if doc != previous:
                doc["updated_at"] = fmt_seconds(self.now())
                self.storage.replace(doc)
                self._note_write(account, environment_id, previous)
        return render_environment(doc)

    def archive_environment(self, account: Account, environment_id: str) -> Doc:
        with self.storage.transaction():
            previous = self._load("environment", account, environment_id, "Environment")
            if previous["archived_at"] is not None:
                raise conflict(f"Environment {environment_id} is already archived.")
            stamp = fmt_seconds(self.now())
            doc = {**copy.deepcopy(previous), "archived_at": stamp, "updated_at": stamp}
            self.storage.replace(doc)
            self._note_write(account, environment_id, previous)
        return render_environment(doc)

    def delete_environment(self, account: Account, environment_id: str) -> Doc:
        with self.storage.transaction():
            previous = self._load("environment", account, environment_id, "Environment")
            self.storage.delete(environment_id)
            self._note_write(account, environment_id, previous)
        return {"id": environment_id, "type": "environment_deleted"}

    # --- vaults ------------------------------------------------------------------------------------

    def create_vault(self, account: Account, body: Any) -> Doc:
        fields = v.vault_create(body)
        stamp = fmt_seconds(self.now())
        vault_id = new_id("vault")
        doc: Doc = {
            "id": vault_id,
            "type": "vault",
            "display_name": fields["display_name"],
            "status": "active",
            "metadata": fields["metadata"],
            "archived_at": None,
            "created_at": stamp,
            "updated_at": stamp,
            "_credential_ids": [],
        }
        # Inline credentials are ordinary credential objects too: the sub-resource sees them.
        credentials = [
            self._new_credential(vault_id, {"display_name": None, "metadata": {}, "auth": auth}, stamp)
            for auth in map(v.inline_credential_auth, fields["credentials"])
        ]
        doc["_credential_ids"] = [c["id"] for c in credentials]
        with self.storage.transaction():
            self.storage.insert("vault", account.key, doc)
            for credential in credentials:
                self.storage.insert("credential", account.key, credential, parent=vault_id)
            self._note_write(account, vault_id, None)
        return self._render_vault(account, doc)

    def _render_vault(self, account: Account, doc: Doc) -> Doc:
        ids = doc.get("_credential_ids")
        if ids is None:  # a vault stored before credentials became a sub-resource
            return render_vault(doc, doc.get("credentials") or [])
        found = {c["id"]: c for c in self._credentials_of(account, doc["id"]) if c["id"] in ids}
        return render_vault(doc, [render_inline_credential(found[i]) for i in ids if i in found])

    def _credentials_of(self, account: Account, vault_id: str) -> list[Doc]:
        rows = self.storage.scan("credential", account.key, want=1_000_000, parent=vault_id, ascending=True)
        return [doc for _, doc in rows]

    def get_vault(self, account: Account, vault_id: str) -> Doc:
        return self._render_vault(account, self._read("vault", account, vault_id, "Vault"))

    def list_vaults(
        self,
        account: Account,
        params: PageParams,
        *,
        include_archived: bool,
        name: str | None,
        created: CreatedRange,
    ) -> Doc:
        keep = _created_filter(created, name_key="display_name", name=name)
        return self._page(
            "vault",
            account,
            params,
            lambda d: self._render_vault(account, d),
            include_archived=include_archived,
            keep=keep,
        )

    def archive_vault(self, account: Account, vault_id: str) -> Doc:
        with self.storage.transaction():
            previous = self._load("vault", account, vault_id, "Vault")
            if previous["archived_at"] is not None:
                raise conflict(f"Vault {vault_id} is already archived.")
            stamp = fmt_seconds(self.now())
            doc = {**copy.deepcopy(previous), "status": "archived", "archived_at": stamp, "updated_at": stamp}
            self.storage.replace(doc)
            self._note_write(account, vault_id, previous)
        return self._render_vault(account, doc)

    def delete_vault(self, account: Account, vault_id: str) -> Doc:
        with self.storage.transaction():
            previous = self._load("vault", account, vault_id, "Vault")
            for credential in self._credentials_of(account, vault_id):
                self.storage.delete(credential["id"])
            self.storage.delete(vault_id)
            self._note_write(account, vault_id, previous)
        return {"id": vault_id, "type": "vault_deleted"}

    # --- vault credentials -------------------------------------------------------------------------

    @staticmethod
    def _new_credential(vault_id: str, fields: Doc, stamp: str) -> Doc:
        return {
            "id": new_id("vcred"),
            "type": "vault_credential",
            "vault_id": vault_id,
            "display_name": fields["display_name"],
            "auth": fields["auth"],
            "metadata": fields["metadata"],
            "status": "active",
            "archived_at": None,
            "created_at": stamp,
            "updated_at": stamp,
        }

    def _credential(self, account: Account, vault_id: str, credential_id: str, *, read: bool = False) -> Doc:
        self._load("vault", account, vault_id, "Vault")
        doc = (
            self._read("credential", account, credential_id, "Credential")
            if read
            else self._load("credential", account, credential_id, "Credential")
        )
        if doc["vault_id"] != vault_id:
            raise not_found("Credential", credential_id)
        return doc

    def create_credential(self, account: Account, vault_id: str, body: Any) -> Doc:
        fields = v.credential_create(body)
        with self.storage.transaction():
            vault = self._load("vault", account, vault_id, "Vault")
            if vault["archived_at"] is not None:
                raise conflict(f"Vault {vault_id} is archived; it takes no new credentials.")
            doc = self._new_credential(vault_id, fields, fmt_seconds(self.now()))
            self.storage.insert("credential", account.key, doc, parent=vault_id)
            self._note_write(account, doc["id"], None)
        return render_credential(doc)

    def get_credential(self, account: Account, vault_id: str, credential_id: str) -> Doc:
        return render_credential(self._credential(account, vault_id, credential_id, read=True))

    def list_credentials(
        self, account: Account, vault_id: str, params: PageParams, *, include_archived: bool, name: str | None
    ) -> Doc:
        self._load("vault", account, vault_id, "Vault")
        keep = None if name is None else (lambda d: d["display_name"] == name)
        return self._page(
            "credential",
            account,
            params,
            render_credential,
            parent=vault_id,
            include_archived=include_archived,
            keep=keep,
        )

    def update_credential(self, account: Account, vault_id: str, credential_id: str, body: Any) -> Doc:
        with self.storage.transaction():
            previous = self._credential(account, vault_id, credential_id)
            if previous["archived_at"] is not None:
                raise conflict(f"Credential {credential_id} is archived and can no longer be changed.")
            changes, rotated = v.credential_update(body, previous)
            doc = {**copy.deepcopy(previous), **changes}
            if doc != previous or rotated:
                doc["updated_at"] = fmt_seconds(self.now())
                self.storage.replace(doc)
                self._note_write(account, credential_id, previous)
        return render_credential(doc)

    def archive_credential(self, account: Account, vault_id: str, credential_id: str) -> Doc:
        with self.storage.transaction():
            previous = self._credential(account, vault_id, credential_id)
            if previous["archived_at"] is not None:
                raise conflict(f"Credential {credential_id} is already archived.")
            stamp = fmt_seconds(self.now())
            doc = {**copy.deepcopy(previous), "status": "archived", "archived_at": stamp, "updated_at": stamp}
            self.storage.replace(doc)
            self._note_write(account, credential_id, previous)
        return render_credential(doc)

    def delete_credential(self, account: Account, vault_id: str, credential_id: str) -> Doc:
        with self.storage.transaction():
            previous = self._credential(account, vault_id, credential_id)
            self.storage.delete(credential_id)
            self._note_write(account, credential_id, previous)
        return {"id": credential_id, "type": "vault_credential_deleted"}
