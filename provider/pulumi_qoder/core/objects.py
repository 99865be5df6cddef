"""Single-object calls with the tolerance the lifecycle needs: a read that may say "gone", a
read that waits out a stale replica after our own write, adoption, archive and delete that
treat "already done" as done."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..wire.errors import QoderAPIError, QoderError
from .values import JSON

if TYPE_CHECKING:
    from ..wire.client import QoderClient

__all__ = ["adopt", "archive", "delete", "get_fresh", "get_or_none"]

# A read right after our own write may briefly see a stale replica: retried after 0.25, 0.5, 1 s.
STALE_READ_RETRIES = 4
STALE_READ_DELAY = 0.25


def get_or_none(client: QoderClient, collection: str, id_: str) -> JSON | None:
    """``GET /{collection}/{id}``; ``None`` when the service says it does not exist."""
    try:
        return client.get_object(collection, id_)
    except QoderAPIError as exc:
        if exc.is_not_found:
            return None
        raise


def get_fresh(
    client: QoderClient,
    collection: str,
    id_: str,
    prior: Mapping[str, Any],
    looks_stale: Callable[[JSON, Mapping[str, Any]], bool],
) -> JSON | None:
    """GET, tolerating a briefly stale replica right after our own write.

    With an ``updated_at`` in ``prior`` (the state), an answer is suspect when ``looks_stale``
    says so, and a 404 is suspect too (a just-created object). Suspect answers are retried a
    few times with backoff, then believed (it was a real out-of-band change).
    """
    obj: JSON | None = None
    for attempt in range(STALE_READ_RETRIES):
        obj = get_or_none(client, collection, id_)
        if not prior.get("updated_at"):
            return obj
        # Archived is terminal: no replica is staler than an archived answer.
        if obj is not None and (obj.get("archived_at") or not looks_stale(obj, prior)):
            return obj
        if attempt < STALE_READ_RETRIES - 1:
            time.sleep(STALE_READ_DELAY * 2**attempt)
    return obj


def adopt(client: QoderClient, collection: str, id_: str) -> JSON:
    """The existing object to take over; a clear error when it does not exist or is archived."""
    obj = get_or_none(client, collection, id_)
    if obj is None:
        raise QoderError(f"adopt_id: {id_} was not found in {collection} (wrong id, or another account's)")
    if obj.get("archived_at"):
        raise QoderError(f"adopt_id: {id_} is archived and can no longer be managed")
    return obj


def archive(client: QoderClient, collection: str, id_: str) -> None:
    """``POST /{collection}/{id}/archive``; already archived (409) or gone (404) is the goal."""
    try:
        client.post_action(collection, id_, "archive")
    except QoderAPIError as exc:
        if exc.status not in (404, 409):
            raise


def delete(client: QoderClient, collection: str, id_: str) -> None:
    """``DELETE /{collection}/{id}``; gone (404) is the goal. Repeating a DELETE is harmless."""
    try:
        client.delete_object(collection, id_)
    except QoderAPIError as exc:
        if exc.status != 404:
            raise
