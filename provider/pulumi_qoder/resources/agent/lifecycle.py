"""The agent's quirk on the shared lifecycle: every update carries the version it was computed
against, and a 409 says the agent moved on outside this stack."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...core.lifecycle import Lifecycle
from ...core.values import JSON, normalize_numbers
from ...wire.errors import QoderAPIError, QoderError
from .check import INPUT_KEYS, check_inputs
from .mapping import agent_to_inputs, agent_to_outputs, create_body, update_patch

if TYPE_CHECKING:
    from ...wire.client import QoderClient

__all__ = ["COLLECTION", "AgentLifecycle"]

COLLECTION = "agents"


class AgentLifecycle(Lifecycle):
    """Lifecycle of an agent: every update carries the version it was computed against."""

    collection, kind, input_keys = COLLECTION, "agent", INPUT_KEYS
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    update_patch = staticmethod(update_patch)
    to_inputs = staticmethod(agent_to_inputs)
    to_outputs = staticmethod(agent_to_outputs)

    def update_body(self, patch: JSON, current: Mapping[str, Any]) -> JSON:
        # Optimistic concurrency: the service answers 409 when the agent moved on meanwhile.
        return {"version": normalize_numbers(current.get("version")), **patch}

    def looks_stale(self, obj: JSON, prior: Mapping[str, Any]) -> bool:
        # Every write increments the version: a higher one is news (an edit elsewhere, believed at
        # once), a lower one a stale replica; only an equal one needs the generic comparison.
        seen, known = normalize_numbers(obj.get("version")), normalize_numbers(prior.get("version"))
        if isinstance(seen, int) and isinstance(known, int) and seen != known:
            return seen < known
        return super().looks_stale(obj, prior)

    def apply(
        self, client: QoderClient, id_: str, olds: Mapping[str, Any], old: JSON, new: JSON
    ) -> JSON | None:
        try:
            return super().apply(client, id_, olds, old, new)
        except QoderAPIError as exc:
            if exc.is_conflict:
                version = normalize_numbers(olds.get("version"))
                raise QoderError(
                    f"agent {id_} was changed outside this stack: the update was computed "
                    f"against version {version}, which is no longer current. Run `pulumi "
                    f"refresh` to take in the service's version, review, then `pulumi up`. ({exc})"
                ) from exc
            raise
