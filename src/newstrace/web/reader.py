"""Read-only access to the store for the web app: a pool of ``mode=ro`` SQLite connections, one
read transaction per page, a deadline on every query, and a generation number that changes
whenever another process (an ``ingest``) commits to the store.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newstrace.errors import StoreError
from newstrace.store import Store
from newstrace.store.db import is_url
from newstrace.store.pg import redact
from newstrace.store.schema import SCHEMA_VERSION, migrate


class QueryTimeout(Exception):
    """A page's queries ran past the request time limit (SQLite interrupted them)."""


def prepare(path: str) -> None:
    """Check that ``path`` is a newstrace store and bring its schema up to date (the only write
    ``serve`` ever makes, once, before it serves anything). Raises StoreError."""
    if is_url(path):
        # The pages' search is SQLite FTS5 and their reads SQLite read-only connections.
        raise StoreError(
            f"{redact(path)}: newstrace serve reads SQLite stores only",
            hint="ingest the same inputs (or their `analyze --format jsonl` records) into a "
            "--db FILE and serve that; articles, stories, claims, trace and export read "
            "PostgreSQL",
        )
    p = Path(path)
    if not p.is_file():
        raise StoreError(
            f"{path}: no such database", hint="run `newstrace ingest PATH... --db FILE` first"
        )
    conn = sqlite3.connect(_uri(path, "ro"), uri=True)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a newstrace database: {exc}") from exc
    finally:
        conn.close()
    if version == 0 or "articles" not in tables:
        raise StoreError(
            f"{path}: not a newstrace database",
            hint="run `newstrace ingest PATH... --db FILE` to make one",
        )
    if version < SCHEMA_VERSION:
        try:
            rw = sqlite3.connect(path, isolation_level=None, timeout=30)
            try:
                migrate(rw, path)
            finally:
                rw.close()
        except sqlite3.Error as exc:
            raise StoreError(
                f"{path}: the store needs upgrading to schema {SCHEMA_VERSION} and cannot be "
                f"written: {exc}",
                hint="run `newstrace ingest --db FILE` once with write access, then serve",
            ) from exc
    elif version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: database schema version {version} is newer than this newstrace "
            f"({SCHEMA_VERSION})",
            hint="upgrade newstrace",
        )


def _uri(path: str, mode: str) -> str:
    return Path(path).resolve().as_uri() + f"?mode={mode}"


class Reader:
    """Read-only connections to one store, shared by the server's threads."""

    def __init__(self, path: str, time_limit: float = 5.0) -> None:
        self.path = path
        self.time_limit = time_limit
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._probe = self._connect()
        self._seen = -1
        self._generation = 0

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            _uri(self.path, "ro"), uri=True, isolation_level=None, check_same_thread=False
        )
        # A reader never writes, even by mistake (mode=ro already refuses; this says why).
        conn.execute("PRAGMA query_only = 1")
        conn.execute("PRAGMA busy_timeout = 2000")
        with self._lock:
            self._all.append(conn)
        return conn

    def generation(self) -> int:
        """A number that changes after any commit by another connection: the key of cached
        pages. ``PRAGMA data_version`` changes for a connection whenever another one commits."""
        with self._lock:
            v = int(self._probe.execute("PRAGMA data_version").fetchone()[0])
            if v != self._seen:
                self._seen = v
                self._generation += 1
            return self._generation

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """A Store whose reads all see one committed state (one read transaction), cut off
        when they take longer than ``time_limit`` seconds."""
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            conn = self._connect()
        deadline = time.monotonic() + self.time_limit
        conn.set_progress_handler(lambda: time.monotonic() > deadline, 20_000)
        try:
            conn.execute("BEGIN")
            try:
                yield Store(conn, self.path)
            except sqlite3.OperationalError as exc:
                if "interrupted" in str(exc):
                    raise QueryTimeout(str(exc)) from exc
                raise
            finally:
                conn.set_progress_handler(None, 0)
                if conn.in_transaction:
                    conn.execute("COMMIT")
        finally:
            conn.set_progress_handler(None, 0)
            self._pool.put(conn)

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
