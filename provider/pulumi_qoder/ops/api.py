"""Reads and the manual run, on the provider's own client and credential resolution.

The one seam to the wire layer: the imports below and the client methods ``get_object``,
``list_objects`` and ``post_action`` (the ones every resource uses). Moving or rebuilding the
client changes these lines only. Runs are read through the global ``/deployment_runs``
collection (filtered by ``deployment_id``), which the provider's generic collection methods and
the official SDK both reach; status and time are filtered here, the same on either.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pulumi_qoder.wire.config import resolve_credentials
from pulumi_qoder.wire.errors import QoderAPIError, QoderError

__all__ = ["JSON", "Api", "NotFoundError", "parse_time"]

JSON = dict[str, Any]
PAGE_SIZE = 100
TERMINAL_RUN_STATUSES = frozenset({"completed", "failed", "skipped"})


class NotFoundError(QoderError):
    """No object answers to the name or id given (one line, names what was looked for)."""


class _Client(Protocol):
    def get_object(self, collection: str, id_: str) -> JSON: ...
    def list_objects(self, collection: str, **params: Any) -> JSON: ...
    def post_action(self, collection: str, id_: str, action: str) -> JSON: ...


def parse_time(text: str) -> datetime:
    """An API timestamp (RFC 3339, ``Z`` or an offset, any sub-second precision) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class Api:
    client: _Client

    @classmethod
    def connect(cls, config: Mapping[str, Any] | None = None) -> Api:
        """The client for credentials from ``config`` (``qoder:*`` keys) or else the environment,
        resolved exactly as the provider resolves them."""
        from pulumi_qoder.wire.connect import client_for  # httpx and the SDK load only here

        return cls(client_for(resolve_credentials(config)))

    # -- objects --------------------------------------------------------------------------------

    def deployment(self, id_: str) -> JSON:
        return self.client.get_object("deployments", id_)

    def agent(self, id_: str) -> JSON:
        return self.client.get_object("agents", id_)

    def environment(self, id_: str) -> JSON:
        return self.client.get_object("environments", id_)

    def _pages(self, collection: str, **params: Any) -> Iterator[JSON]:
        after: str | None = None
        while True:
            page = self.client.list_objects(
                collection, limit=PAGE_SIZE, **params, **({"after_id": after} if after else {})
            )
            data = page.get("data") or []
            yield from data
            after = page.get("last_id") or (data[-1].get("id") if data else None)
            if not page.get("has_more") or not after:
                return

    def deployments(
        self, *, status: str | None = None, include_archived: bool = False, agent_id: str | None = None
    ) -> Iterator[JSON]:
        """Every deployment, newest first, across pages."""
        filters: dict[str, Any] = {"status": status, "agent_id": agent_id}
        if include_archived:
            filters["include_archived"] = True
        return self._pages("deployments", **{k: v for k, v in filters.items() if v is not None})

    def find_deployment(self, ref: str) -> JSON:
        """A deployment by id, or else by name (its current name: archiving renames it)."""
        try:
            return self.deployment(ref)
        except QoderAPIError as exc:
            if exc.status not in (400, 404):
                raise
        matches = [d for d in self.deployments() if d.get("name") == ref]
        if len(matches) == 1:
            return matches[0]
        if matches:
            ids = ", ".join(str(d.get("id")) for d in matches)
            raise NotFoundError(f"{len(matches)} deployments are named {ref!r} ({ids}); give the id")
        raise NotFoundError(f"no deployment with id or name {ref!r} (archived ones are found by id only)")

    # -- runs -----------------------------------------------------------------------------------

    def runs(
        self,
        deployment_id: str,
        *,
        status: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[JSON]:
        """Runs of one deployment, newest first: ``status`` and ``since`` (trigger time) filter them."""
        found: list[JSON] = []
        for run in self._pages("deployment_runs", deployment_id=deployment_id):
            triggered = run.get("triggered_at") or run.get("created_at")
            if since is not None and isinstance(triggered, str) and parse_time(triggered) < since:
                break  # newest first: everything after this is older still
            if status is None or run.get("status") == status:
                found.append(run)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def run(self, run_id: str) -> JSON:
        return self.client.get_object("deployment_runs", run_id)

    def run_now(self, deployment_id: str) -> JSON:
        """``POST /deployments/{id}/run``: start a run now (the deployment must be active)."""
        return self.client.post_action("deployments", deployment_id, "run")
