"""Create exactly once: a create ``Idempotency-Key`` derived from the declared resource and the
request, replays recognised, a replayed object that was archived since not mistaken for a live
one, and a deployment committed by a crashed run found again after the program was edited."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..wire.errors import QoderError
from .fields import MARKER_KEY, METADATA_RULES
from .objects import get_or_none, known_readable
from .values import JSON

if TYPE_CHECKING:
    from ..wire.client import QoderClient

__all__ = ["MARKED", "create_once", "find_marked", "idempotency_key", "resource_key"]

MAX_ARCHIVED_REPLAYS = 5
# Collections whose objects carry the resource key in metadata: names are unique among live
# deployments, so a create that conflicts on the name can look its own object up.
MARKED = frozenset({"deployments"})
LIST_PAGE = 100


def resource_key(project: str, stack: str, type_: str, name: str) -> str:
    """The declared resource, as a short hash (what the URN names, minus the parent chain)."""
    return hashlib.sha256(f"{project}\x1f{stack}\x1f{type_}\x1f{name}".encode()).hexdigest()[:24]


def idempotency_key(
    body: Mapping[str, Any], after: str | None = None, *, scope: str = "", identity: str = ""
) -> str:
    """An ``Idempotency-Key`` derived from the declared resource (``identity``, its resource key)
    and the canonical create body (and ``scope``, the collection): two resources with the same
    inputs get two objects, while a retry, or the next ``up`` after a crash mid-create, sends the
    same key and gets the object created the first time instead of a twin. ``after`` (an id the
    plain key replays but that is archived or gone) derives the next key, so destroy-then-up within
    the key's 24 hours creates anew.

    Without ``identity`` the bytes are those of the versions before it: keep them.
    """
    material = json.dumps(body, sort_keys=True, separators=(",", ":"))
    if scope:
        material = scope + "|" + material
    if identity:
        material = identity + "|" + material
    if after:
        material += "|after:" + after
    return "pulumi-qoder-" + hashlib.sha256(material.encode()).hexdigest()[:40]


def _gone(obj: JSON | None) -> bool:
    return obj is None or bool(obj.get("archived_at")) or obj.get("archived") is True


def marked_body(collection: str, body: JSON, identity: str) -> JSON:
    """``body`` with the resource key in its metadata, for the collections that carry it."""
    metadata = body.get("metadata") or {}
    user_keys = [k for k in metadata if k != "cas_config"]
    if not identity or collection not in MARKED or len(user_keys) >= METADATA_RULES["max_keys"]:
        return body  # (no room left: the user's keys come first)
    return {**body, "metadata": {**metadata, MARKER_KEY: identity}}


def create_once(
    client: QoderClient, collection: str, body: JSON, *, key_scope: str, identity: str = ""
) -> JSON:
    """``POST /{collection}`` exactly once per declared resource (see :func:`idempotency_key`)."""
    body = marked_body(collection, body, identity)
    key = idempotency_key(body, scope=key_scope, identity=identity)
    for _ in range(MAX_ARCHIVED_REPLAYS):
        obj, replayed = client.create_object(collection, body, idempotency_key=key)
        if replayed or _gone(obj):
            # A replay repeats the original answer; only a fresh read says whether that object
            # was archived or deleted since (destroy, then up again within 24 h).
            obj = get_or_none(client, collection, obj["id"]) or {"id": obj["id"], "archived": True}
        if not _gone(obj):
            known_readable(client, collection, obj["id"])
            return obj
        key = idempotency_key(body, after=str(obj["id"]), scope=key_scope, identity=identity)
    raise QoderError(
        f"creating in {collection} kept replaying archived objects (last {obj['id']}); retry after 24 h"
    )


def find_marked(client: QoderClient, collection: str, name: Any, identity: str) -> JSON | None:
    """The live object named ``name`` that this declared resource created (its marker says so):
    what a crashed run committed before the program was edited. ``None`` when there is none, or
    the object of that name belongs to someone else."""
    if not identity or collection not in MARKED or not isinstance(name, str):
        return None
    params: dict[str, Any] = {"limit": LIST_PAGE}
    while True:
        page = client.list_objects(collection, **params)
        for obj in page.get("data") or []:
            if obj.get("name") == name and not obj.get("archived_at"):
                marker = (obj.get("metadata") or {}).get(MARKER_KEY)
                return obj if marker == identity else None
        last = (page.get("data") or [{}])[-1].get("id")
        if not page.get("has_more") or not last:
            return None
        params["after_id"] = last
