"""SQLite persistence: one connection behind a lock, JSON documents, durable commits.

Every object is one row: ``seq`` gives a stable creation order (pagination cursors resolve to it),
``account`` is a hash of the owning token (never the token itself), ``data`` is the stored JSON
document. ``next_fire`` (epoch seconds) indexes deployments the scheduler must look at.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Doc = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT,
    next_fire REAL,
    archived INTEGER NOT NULL DEFAULT 0,
    unique_key TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_by_unique_key ON objects (account, kind, unique_key)
    WHERE unique_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS objects_by_kind ON objects (account, kind, seq);
CREATE INDEX IF NOT EXISTS objects_by_parent ON objects (parent, seq);
CREATE INDEX IF NOT EXISTS objects_due ON objects (next_fire) WHERE next_fire IS NOT NULL;
CREATE TABLE IF NOT EXISTS idempotency (
    account TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body BLOB NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (account, key)
);
"""


class Storage:
    """Thread-safe: every public method takes the lock; ``transaction()`` groups several."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before the client sees its response (restart keeps it).
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            if self._depth == 0:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._conn.execute("COMMIT")

    def insert(
        self,
        kind: str,
        account: str,
        doc: Doc,
        *,
        parent: str | None = None,
        next_fire: float | None = None,
        unique_key: str | None = None,
    ) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO objects (id, account, kind, parent, next_fire, archived, unique_key, data)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (doc["id"], account, kind, parent, next_fire, _archived(doc), unique_key, json.dumps(doc)),
            )

    def replace(self, doc: Doc, *, next_fire: float | None = None, unique_key: str | None = None) -> None:
        with self.transaction():
            self._conn.execute(
                "UPDATE objects SET data = ?, next_fire = ?, archived = ?, unique_key = ? WHERE id = ?",
                (json.dumps(doc), next_fire, _archived(doc), unique_key, doc["id"]),
            )

    def find_unique(self, kind: str, account: str, unique_key: str) -> Doc | None:
        with self.lock:
            row = self._conn.execute(
                "SELECT data FROM objects WHERE account = ? AND kind = ? AND unique_key = ?",
                (account, kind, unique_key),
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def delete(self, object_id: str) -> None:
        with self.transaction():
            self._conn.execute("DELETE FROM objects WHERE id = ?", (object_id,))

    def get(self, kind: str, account: str, object_id: str) -> Doc | None:
        with self.lock:
            row = self._conn.execute(
                "SELECT data FROM objects WHERE id = ? AND account = ? AND kind = ?",
                (object_id, account, kind),
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def seq_of(self, kind: str, account: str, object_id: str) -> int | None:
        with self.lock:
            row = self._conn.execute(
                "SELECT seq FROM objects WHERE id = ? AND account = ? AND kind = ?",
                (object_id, account, kind),
            ).fetchone()
        return None if row is None else int(row[0])

    def scan(
        self,
        kind: str,
        account: str,
        *,
        want: int,
        parent: str | None = None,
        include_archived: bool = True,
        seq_below: int | None = None,
        seq_above: int | None = None,
        ascending: bool = False,
        keep: Callable[[Doc], bool] | None = None,
    ) -> list[tuple[int, Doc]]:
        """Up to ``want`` objects in seq order (newest first unless ``ascending``) that pass ``keep``.

        Reads in chunks, so an unfiltered page costs one small indexed query however many objects exist.
        """
        found: list[tuple[int, Doc]] = []
        chunk = max(2 * want, 64)
        while len(found) < want:
            sql = "SELECT seq, data FROM objects WHERE account = ? AND kind = ?"
            args: list[Any] = [account, kind]
            if parent is not None:
                sql += " AND parent = ?"
                args.append(parent)
            if not include_archived:
                sql += " AND archived = 0"
            if seq_below is not None:
                sql += " AND seq < ?"
                args.append(seq_below)
            if seq_above is not None:
                sql += " AND seq > ?"
                args.append(seq_above)
            sql += f" ORDER BY seq {'ASC' if ascending else 'DESC'} LIMIT ?"
            args.append(chunk)
            with self.lock:
                rows = self._conn.execute(sql, args).fetchall()
            for seq, data in rows:
                doc = dict(json.loads(data))
                if keep is None or keep(doc):
                    found.append((int(seq), doc))
            if len(rows) < chunk:
                break
            last = int(rows[-1][0])
            seq_above, seq_below = (last, seq_below) if ascending else (seq_above, last)
        return found[:want]

    def due(self, now_epoch: float) -> list[tuple[str, Doc]]:
        """Deployments whose next fire time is at or before ``now_epoch``, as ``(account, doc)``."""
        with self.lock:
            rows = self._conn.execute(
                "SELECT account, data FROM objects WHERE next_fire IS NOT NULL AND next_fire <= ? ORDER BY seq",
                (now_epoch,),
            ).fetchall()
        return [(str(account), dict(json.loads(data))) for account, data in rows]

    def idempotency_get(self, account: str, key: str) -> tuple[str, int, bytes, float] | None:
        with self.lock:
            row = self._conn.execute(
                "SELECT fingerprint, status, body, created FROM idempotency WHERE account = ? AND key = ?",
                (account, key),
            ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]), bytes(row[2]), float(row[3]))

    def idempotency_put(
        self, account: str, key: str, fingerprint: str, status: int, body: bytes, created: float
    ) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?, ?)",
                (account, key, fingerprint, status, body, created),
            )

    def idempotency_purge(self, older_than: float) -> None:
        with self.transaction():
            self._conn.execute("DELETE FROM idempotency WHERE created < ?", (older_than,))


def _archived(doc: Doc) -> int:
    return 0 if doc.get("archived_at") is None else 1
