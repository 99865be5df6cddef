"""The deployment's quirks on the shared lifecycle: destroy archives (the API has no delete), a
replacement archives first (names are unique among live deployments), and ``desired_status``
is applied by pause and unpause after any patch; pauses the service makes are warned about and
undone once their cause is gone (``pauses``)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...core import objects
from ...core.lifecycle import DiffResponse, Lifecycle, ReadResponse
from ...core.values import JSON
from ...wire.errors import QoderAPIError, QoderError
from .check import INPUT_KEYS, check_inputs
from .mapping import create_body, deployment_to_inputs, deployment_to_outputs, update_patch
from .pauses import blocker, error_reason, pause_notice, refresh_notice, still_paused

if TYPE_CHECKING:
    from ...wire.client import QoderClient

__all__ = ["COLLECTION", "DeploymentLifecycle"]

COLLECTION = "deployments"


class DeploymentLifecycle(Lifecycle):
    """Lifecycle of a deployment. Destroy archives (the API has no delete); a replacement archives
    first (names are unique among live deployments); ``desired_status`` is applied by pause and
    unpause after any patch."""

    collection, kind, input_keys = COLLECTION, "deployment", INPUT_KEYS
    # desired_status is an intent: a read right after our write shows the observed status.
    written_keys = (*tuple(k for k in INPUT_KEYS if k != "desired_status"), "status")
    # Unscoped keys predate the other resources; a create interrupted before an upgrade is
    # replayed after it, so they must stay byte-identical.
    key_scope = ""
    delete_before_replace = True
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    update_patch = staticmethod(update_patch)
    to_inputs = staticmethod(deployment_to_inputs)
    to_outputs = staticmethod(deployment_to_outputs)

    def created(self, client: QoderClient, obj: JSON, inputs: Mapping[str, Any]) -> JSON:
        if inputs.get("desired_status") != "paused":
            return obj
        try:
            return _toggle(client, obj["id"], "pause")
        except QoderError as exc:
            # Create must be all or nothing: the engine will not record a failed create.
            with contextlib.suppress(QoderError):
                objects.archive(client, COLLECTION, obj["id"])
            raise QoderError(f"deployment {obj['id']} was created but could not be paused: {exc}") from exc

    def converge(self, client: QoderClient, obj: JSON, inputs: Mapping[str, Any]) -> JSON:
        was = deployment_to_inputs(obj, inputs)["desired_status"]
        dep = super().converge(client, obj, inputs)
        return _set_status(client, dep["id"], was, inputs.get("desired_status", "active")) or dep

    def adoption_changes(self, obj: JSON, inputs: Mapping[str, Any]) -> list[str]:
        changes = super().adoption_changes(obj, inputs)
        if deployment_to_inputs(obj, inputs)["desired_status"] != inputs.get("desired_status", "active"):
            changes.append("desired_status")
        return changes

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffResponse:
        notice = pause_notice(id_, olds, news)
        if notice:
            self.warn(notice)
        return super().diff(id_, olds, news)

    def read(self, id_: str, props: Mapping[str, Any]) -> ReadResponse:
        found = super().read(id_, props)
        inputs = found.inputs
        reason = error_reason(found.outs)
        if not found.id or inputs is None or reason is None:
            return found
        cause = blocker(self.connect(), inputs)
        self.warn(refresh_notice(id_, found.outs, reason, cause))
        if cause is None and inputs.get("desired_status") == "active":
            # The cause of the service's pause is gone: record the pause as the state, so that
            # preview shows resuming it (desired_status "paused" => "active") as a change to review.
            return ReadResponse(
                id_, {**found.outs, "desired_status": "paused"}, {**inputs, "desired_status": "paused"}
            )
        return found

    def apply(
        self, client: QoderClient, id_: str, olds: Mapping[str, Any], old: JSON, new: JSON
    ) -> JSON | None:
        dep = super().apply(client, id_, olds, old, new)
        was, wants = old.get("desired_status", "active"), new.get("desired_status", "active")
        if wants != "active":
            return _set_status(client, id_, was, wants) or dep
        # An error pause the state recorded (preview warned about it), or one seen just now.
        recorded = error_reason(olds) is not None
        if was != "paused" and not recorded:
            return dep
        if recorded or (dep is not None and error_reason(dep)):
            current = dep if dep is not None else client.get_object(COLLECTION, id_)
            if current.get("status") != "paused":
                return current
            reason = error_reason(current)
            cause = blocker(client, current) if reason else None
            if reason and cause:
                self.warn(still_paused(current, reason, cause))  # unpausing would only fail again
                return current
        return _toggle(client, id_, "unpause")


def _set_status(client: QoderClient, id_: str, was: str, wants: str) -> JSON | None:
    """Pause or unpause when the intent changed; the deployment after it, or None if unchanged."""
    if wants == "paused" and was != "paused":
        return _toggle(client, id_, "pause")
    if wants == "active" and was == "paused":
        return _toggle(client, id_, "unpause")
    return None


def _toggle(client: QoderClient, id_: str, action: str) -> JSON:
    try:
        return client.post_action(COLLECTION, id_, action)
    except QoderAPIError as exc:
        # 409: already in the wanted state (or a retried call whose first attempt committed).
        if exc.status != 409:
            raise
        current = client.get_object(COLLECTION, id_)
        if current.get("archived_at"):
            raise
        return current
