"""Single-object calls with the tolerance the lifecycle needs: a read that may say "gone", a
read that waits out a stale replica after our own write, adoption, archive and delete that
treat "already done" as done.

Never lose track of an object: only the API's own not-found answer may mean "gone", and even
that only where it can be true. Deployments and agents are never deleted (an archived one still
reads back), so their not-found means "not visible with these credentials at this URL" and fails
loudly, keeping the state. Environments and vaults can be deleted: their not-found is believed
once these credentials demonstrably see this stack, i.e. another object the engine asked this
process about reads back.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..wire.errors import QoderAPIError, QoderError
from .values import JSON

if TYPE_CHECKING:
    from ..wire.client import QoderClient

__all__ = ["NEVER_DELETED", "adopt", "archive", "delete", "get_fresh", "get_or_none", "known_readable"]

# A read right after our own write may briefly see a stale replica: retried after 0.25, 0.5, 1 s.
STALE_READ_RETRIES = 4
STALE_READ_DELAY = 0.25
# The API has no delete for these: an archived one still answers 200 with `archived_at`.
NEVER_DELETED = frozenset({"deployments", "agents"})
# How long a not-found of a deletable object waits for a sibling to confirm the credentials (the
# engine sends a refresh's reads in parallel, so siblings arrive within moments).
SIBLING_WAIT = 2.0
SIBLING_PROBES = 3


@dataclass
class _Seen:
    """What one client (one set of credentials) has seen in this process, by (collection, id)."""

    asked: dict[tuple[str, str], None] = field(default_factory=dict)  # ordered set
    readable: set[tuple[str, str]] = field(default_factory=set)
    missing: set[tuple[str, str]] = field(default_factory=set)  # gone: deleted by us, or confirmed
    # Answered not-found when probed as a sibling: not a confirmation (with another account's
    # token every sibling answers so), only a reason not to probe it again.
    unconfirmed: set[tuple[str, str]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


_SEEN: weakref.WeakKeyDictionary[Any, _Seen] = weakref.WeakKeyDictionary()
_SEEN_LOCK = threading.Lock()


def _seen(client: QoderClient) -> _Seen:
    with _SEEN_LOCK:
        seen = _SEEN.get(client)
        if seen is None:
            seen = _SEEN[client] = _Seen()
        return seen


def _asked(client: QoderClient, collection: str, id_: str) -> None:
    seen = _seen(client)
    with seen.lock:
        seen.asked[(collection, id_)] = None


def known_readable(client: QoderClient, collection: str, id_: str) -> None:
    """Record that ``id_`` answered these credentials (read, written or created)."""
    seen = _seen(client)
    with seen.lock:
        seen.asked[(collection, id_)] = None
        seen.readable.add((collection, id_))


def _kind(collection: str) -> str:
    return collection.removesuffix("s")


def _lost(client: QoderClient, collection: str, id_: str, why: str, hint: str) -> QoderError:
    creds = client.credentials
    return QoderError(
        f"{_kind(collection)} {id_} was not found at {client.url(collection)} with the token from "
        f"{creds.token_source}; {why}",
        hint=hint,
    )


def _sibling_reads(client: QoderClient, collection: str, id_: str) -> bool:
    """Whether another object this process was asked about reads back with these credentials
    (waiting briefly for one to be asked about, probing a few)."""
    seen, me = _seen(client), (collection, id_)
    probed: set[tuple[str, str]] = set()
    deadline = time.monotonic() + SIBLING_WAIT
    while True:
        with seen.lock:
            if seen.readable - {me}:
                return True
            skip = probed | seen.missing | seen.unconfirmed
            candidates = [k for k in seen.asked if k != me and k not in skip]
        for other in candidates[:SIBLING_PROBES]:
            probed.add(other)
            if get_or_none(client, *other) is None:
                with seen.lock:
                    seen.unconfirmed.add(other)
            else:
                known_readable(client, *other)
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def confirm_gone(client: QoderClient, collection: str, id_: str) -> None:
    """Return when the API's not-found for ``id_`` can be believed; raise otherwise."""
    seen = _seen(client)
    with seen.lock:
        if (collection, id_) in seen.missing:  # deleted by this process, or already confirmed
            return
    keep = "state is unchanged: fix qoder:token / qoder:baseUrl (or QODER_PAT / QODER_BASE_URL) and run again"
    if collection in NEVER_DELETED:
        raise _lost(
            client,
            collection,
            id_,
            f"the API never deletes {collection} (an archived one still reads back), so this token or "
            "URL does not see it",
            keep,
        )
    if not _sibling_reads(client, collection, id_):
        raise _lost(
            client,
            collection,
            id_,
            "no other object of this stack reads back with these credentials either, so a wrong token "
            "or URL is likelier than a deletion",
            f"{keep}; if it was deleted on purpose, `pulumi state delete` it",
        )
    with _seen(client).lock:
        _seen(client).missing.add((collection, id_))


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
    few times with backoff, then believed (it was a real out-of-band change). ``None`` (gone)
    only when :func:`confirm_gone` believes it; otherwise it raises and the state is kept.
    """
    _asked(client, collection, id_)
    obj: JSON | None = None
    for attempt in range(STALE_READ_RETRIES):
        obj = get_or_none(client, collection, id_)
        if not prior.get("updated_at"):
            break
        # Archived is terminal: no replica is staler than an archived answer.
        if obj is not None and (obj.get("archived_at") or not looks_stale(obj, prior)):
            break
        if attempt < STALE_READ_RETRIES - 1:
            time.sleep(STALE_READ_DELAY * 2**attempt)
    if obj is None:
        confirm_gone(client, collection, id_)
    else:
        known_readable(client, collection, id_)
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
    """``POST /{collection}/{id}/archive``; already archived (409) is the goal, and so is gone
    (the API's not-found) where :func:`confirm_gone` believes it."""
    _asked(client, collection, id_)
    try:
        client.post_action(collection, id_, "archive")
    except QoderAPIError as exc:
        if exc.is_conflict:
            known_readable(client, collection, id_)
            return
        if not exc.is_not_found:
            raise
        confirm_gone(client, collection, id_)
        return
    known_readable(client, collection, id_)


def delete(client: QoderClient, collection: str, id_: str) -> None:
    """``DELETE /{collection}/{id}``; gone is the goal where :func:`confirm_gone` believes it.
    Repeating a DELETE is harmless."""
    _asked(client, collection, id_)
    try:
        client.delete_object(collection, id_)
    except QoderAPIError as exc:
        if not exc.is_not_found:
            raise
        confirm_gone(client, collection, id_)
        return
    known_readable(client, collection, id_)  # these credentials see this stack ...
    with _seen(client).lock:
        _seen(client).missing.add((collection, id_))  # ... and this object is gone by our hand
