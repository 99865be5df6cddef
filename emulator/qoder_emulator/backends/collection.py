"""What every backend shares: the caller's account, list paging and filters, and ``Collection``,
the generic store of one kind of object (get, read, list, save, archive, delete written once).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import conflict, invalid, not_found
from ..ids import fmt_seconds, parse_time
from ..mapping import list_envelope
from ..storage import Doc

if TYPE_CHECKING:
    from ..service import Emulator

DEFAULT_LIMIT = 20
MAX_LIMIT = 100  # decision #10
BEFORE_CURSOR = "before:"  # a ``page`` token that keeps paging toward newer objects


@dataclass(frozen=True)
class Account:
    index: int  # position of the token on the command line: shown in the request log instead of the token
    key: str  # hash of the token: what storage keys objects by, stable across restarts and reorderings


@dataclass
class RequestContext:
    """Per-request scratch space shared by the middleware and the backends."""

    writes: list[tuple[str, str, Any]] = field(default_factory=list)


CURRENT_REQUEST: ContextVar[RequestContext | None] = ContextVar("qoder_request", default=None)


@dataclass(frozen=True)
class PageParams:
    limit: int
    after_id: str | None
    before_id: str | None


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


def created_filter(
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


class Collection:
    """The objects of one ``kind`` (``"agent"``, ...) for every account, in storage."""

    def __init__(self, emulator: Emulator, kind: str, what: str, deleted_type: str | None = None) -> None:
        self.emulator = emulator
        self.kind = kind
        self.what = what  # in messages: "Agent agent_x not found."
        self.deleted_type = deleted_type or f"{kind}_deleted"

    @property
    def storage(self) -> Any:
        return self.emulator.storage

    def note_write(self, account: Account, object_id: str, previous: Doc | None) -> None:
        """Remember the previous version: the stale-reads fault serves it after this request."""
        ctx = CURRENT_REQUEST.get()
        if ctx is not None:
            ctx.writes.append((account.key, object_id, copy.deepcopy(previous)))

    def load(self, account: Account, object_id: str, param: str | None = None) -> Doc:
        doc: Doc | None = self.storage.get(self.kind, account.key, object_id)
        if doc is None:
            raise not_found(self.what, object_id, param)
        return doc

    def read(self, account: Account, object_id: str) -> Doc:
        """A GET: may answer the previous version while a stale-read fault is armed."""
        stale, previous = self.emulator.faults.stale_view(account.key, object_id)
        if stale:
            if previous is None:
                raise not_found(self.what, object_id)
            return dict(previous)
        return self.load(account, object_id)

    def insert(self, account: Account, doc: Doc, *, parent: str | None = None, **index: Any) -> None:
        self.storage.insert(self.kind, account.key, doc, parent=parent, **index)
        self.note_write(account, doc["id"], None)

    def replace(self, account: Account, doc: Doc, previous: Doc, **index: Any) -> None:
        self.storage.replace(doc, **index)
        self.note_write(account, doc["id"], previous)

    def page(
        self,
        account: Account,
        params: PageParams,
        render: Callable[[Doc], Doc],
        *,
        parent: str | None = None,
        include_archived: bool = True,
        keep: Callable[[Doc], bool] | None = None,
    ) -> Doc:
        """Newest first. ``after_id`` pages toward older objects, ``before_id`` toward newer ones;
        ``next_page`` continues in the direction the client is paging."""
        storage = self.storage
        cursor = params.after_id or params.before_id
        cursor_seq: int | None = None
        if cursor is not None:
            cursor_seq = storage.seq_of(self.kind, account.key, cursor)
            if cursor_seq is None:
                raise invalid("after_id" if params.after_id else "before_id", f"Unknown cursor: {cursor}.")

        def scan(want: int, *, below: int | None = None, above: int | None = None) -> list[tuple[int, Doc]]:
            rows: list[tuple[int, Doc]] = storage.scan(
                self.kind,
                account.key,
                want=want,
                parent=parent,
                include_archived=include_archived,
                seq_below=below,
                seq_above=above,
                ascending=above is not None,
                keep=keep,
            )
            return rows

        if params.before_id is not None:
            rows = scan(params.limit + 1, above=cursor_seq)
            has_more = len(rows) > params.limit
            page = list(reversed(rows[: params.limit]))
            next_page = BEFORE_CURSOR + page[0][1]["id"] if has_more and page else None
        else:
            rows = scan(params.limit + 1, below=cursor_seq)
            has_more = len(rows) > params.limit
            page = rows[: params.limit]
            next_page = page[-1][1]["id"] if has_more and page else None
        return list_envelope([render(doc) for _, doc in page], has_more=has_more, next_page=next_page)

    def archive(self, account: Account, object_id: str, **changes: Any) -> Doc:
        """Set ``archived_at`` (and ``changes``); a second archive is 409. Returns the stored doc."""
        with self.storage.transaction():
            previous = self.load(account, object_id)
            if previous["archived_at"] is not None:
                raise conflict(f"{self.what} {object_id} is already archived.")
            stamp = fmt_seconds(self.emulator.now())
            doc = {**copy.deepcopy(previous), **changes, "archived_at": stamp, "updated_at": stamp}
            self.replace(account, doc, previous)
        return doc

    def mutable(self, account: Account, object_id: str) -> Doc:
        """The stored doc, for an update: an archived object can no longer change (409)."""
        doc = self.load(account, object_id)
        if doc["archived_at"] is not None:
            raise conflict(f"{self.what} {object_id} is archived and can no longer be changed.")
        return doc

    def delete(self, account: Account, object_id: str) -> Doc:
        with self.storage.transaction():
            previous = self.load(account, object_id)
            self.storage.delete(object_id)
            self.note_write(account, object_id, previous)
        return {"id": object_id, "type": self.deleted_type}
