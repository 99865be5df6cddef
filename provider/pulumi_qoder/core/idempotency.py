"""Create exactly once: a create ``Idempotency-Key`` derived from the request, replays
recognised, and a replayed object that was archived since not mistaken for a live one."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..wire.errors import QoderError
from .objects import get_or_none, known_readable
from .values import JSON

if TYPE_CHECKING:
    from ..wire.client import QoderClient

__all__ = ["create_once", "idempotency_key"]

MAX_ARCHIVED_REPLAYS = 5


def idempotency_key(body: Mapping[str, Any], after: str | None = None, *, scope: str = "") -> str:
    """An ``Idempotency-Key`` derived from the canonical create body (and ``scope``, the collection):
    the next ``up`` after a crash mid-create sends the same key and gets the object created the
    first time instead of a twin. ``after`` (an id the plain key replays but that is archived or
    gone) derives the next key, so destroy-then-up within the key's 24 hours creates anew.

    The bytes hashed must never change: a create interrupted before an upgrade is replayed after it.
    """
    material = json.dumps(body, sort_keys=True, separators=(",", ":"))
    if scope:
        material = scope + "|" + material
    if after:
        material += "|after:" + after
    return "pulumi-qoder-" + hashlib.sha256(material.encode()).hexdigest()[:40]


def _gone(obj: JSON | None) -> bool:
    return obj is None or bool(obj.get("archived_at")) or obj.get("archived") is True


def create_once(client: QoderClient, collection: str, body: JSON, *, key_scope: str) -> JSON:
    """``POST /{collection}`` exactly once per logical object (see :func:`idempotency_key`)."""
    key = idempotency_key(body, scope=key_scope)
    for _ in range(MAX_ARCHIVED_REPLAYS):
        obj, replayed = client.create_object(collection, body, idempotency_key=key)
        if replayed or _gone(obj):
            # A replay repeats the original answer; only a fresh read says whether that object
            # was archived or deleted since (destroy, then up again within 24 h).
            obj = get_or_none(client, collection, obj["id"]) or {"id": obj["id"], "archived": True}
        if not _gone(obj):
            known_readable(client, collection, obj["id"])
            return obj
        key = idempotency_key(body, after=str(obj["id"]), scope=key_scope)
    raise QoderError(
        f"creating in {collection} kept replaying archived objects (last {obj['id']}); retry after 24 h"
    )
