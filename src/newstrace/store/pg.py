"""The article store on PostgreSQL (psycopg 3): the tables, queries and ``Store`` interface of the
SQLite store, for several people and machines sharing one database.

``open_store("postgresql://user:pass@host/db")`` returns a ``PgStore``: a ``Store`` whose
connection is a ``PgConnection``, which runs the store's SQLite-dialect SQL on PostgreSQL
(``?`` placeholders, ``INSERT OR IGNORE``, ``BEGIN IMMEDIATE``), so every query is written once
and gives the same rows on both. What differs, and why:

- ``add`` is one ``INSERT … ON CONFLICT (key) DO NOTHING``: two machines storing the same
  article store it once; the second is told it was stored (``False``).
- Linking (``linking()``) holds a session advisory lock (one per store: database and schema)
  and runs in one REPEATABLE READ transaction: two linkers never interleave, a linker sees one
  snapshot of the articles, and a linker that waited for the lock sees every article committed
  before it got it, so no article's links are lost. (The lock is taken before the
  transaction: a transaction-level ``pg_advisory_xact_lock`` would be taken after REPEATABLE
  READ fixed its snapshot, and a waiting linker would then miss the links the one before it
  wrote.)
- ``links_stale`` is not a flag on PostgreSQL but a fact: some article has no ``links`` row.
  Ingests then never write a row that the linker writes too (a REPEATABLE READ linker would fail
  on it with a serialization error).
- Read-only stores (``open_store(url, readonly=True)``) read inside one REPEATABLE READ READ
  ONLY transaction from their first statement: a command's reads see one committed state, and
  never write.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from newstrace.errors import StoreError, one_line
from newstrace.model import AnalyzedArticle
from newstrace.store.db import _ROW, Store, StoredArticle, _row, article_key
from newstrace.store.pgschema import pg_migrate, pg_version
from newstrace.store.schema import SCHEMA_VERSION

# Advisory lock that serializes linking: ('nt' 'ln', the store's schema), so that stores in
# other schemas of the same database link in parallel. Migrations use another key.
LINK_LOCK = 0x6E74_6C6E
LOCK = "SELECT pg_advisory_lock(?, hashtext(current_schema()))"
UNLOCK = "SELECT pg_advisory_unlock(?, hashtext(current_schema()))"
# Names of server-side cursors (unique per process: two streams may be open at once).
_CURSORS = itertools.count(1)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@lru_cache(maxsize=512)
def translate(sql: str, with_params: bool) -> str:
    """SQLite-dialect SQL as psycopg runs it: ``?`` outside string literals becomes ``%s`` (and
    a literal ``%`` is doubled), ``INSERT OR IGNORE`` becomes ``ON CONFLICT DO NOTHING``."""
    head = sql.lstrip()
    if re.match(r"(?i)INSERT\s+OR\s+IGNORE\s+INTO\b", head):
        sql = re.sub(r"(?i)^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", "INSERT INTO", sql)
        sql = sql.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    if not with_params:
        return sql
    out = []
    quoted = False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        if ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


class PgConnection:
    """A psycopg connection that runs the store's SQL: ``execute`` / ``executemany`` take
    SQLite-dialect SQL (``?``, ``INSERT OR IGNORE``, ``BEGIN [IMMEDIATE]``, ``COMMIT``,
    ``ROLLBACK``; ``ON CONFLICT … DO UPDATE`` is both dialects), return psycopg cursors
    (``fetchone``, ``fetchall``, ``fetchmany``, iteration), and raise every database error as a
    one-line ``StoreError``.

    A writer's connection is in autocommit, its transactions explicit, as on SQLite. A reader's
    (``readonly``) is always inside one REPEATABLE READ READ ONLY transaction, opened by its
    first statement: everything it reads until ``ROLLBACK`` / ``COMMIT`` is one snapshot, and
    its ``BEGIN`` changes nothing."""

    def __init__(self, raw: Any, label: str, readonly: bool) -> None:
        self.raw = raw
        self.label = label
        self.readonly = readonly

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(self.raw.info.transaction_status != TransactionStatus.IDLE)

    def _error(self, exc: Exception) -> StoreError:
        msg = one_line(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
        return StoreError(f"{self.label}: {msg}")

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        import psycopg

        word = sql.strip().split(None, 1)[0].upper() if sql.strip() else ""
        if word == "BEGIN":
            if self.readonly:  # already (or at its next statement) in its snapshot
                return self.raw.cursor()
            # SQLite's BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE] (IMMEDIATE: take the write lock now)
            # is a plain BEGIN here: row locks and unique keys do that work. PostgreSQL's own
            # (BEGIN ISOLATION LEVEL …) runs as written.
            if re.fullmatch(r"(?i)\s*BEGIN(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?\s*;?\s*", sql):
                sql = "BEGIN"
        elif word == "PRAGMA":
            raise StoreError(
                f"{self.label}: {sql.strip()!r} is SQLite only",
                hint="this command reads SQLite stores only; use a --db FILE",
            )
        cur = self.raw.cursor()
        try:
            if params:
                cur.execute(translate(sql, True), tuple(params))
            else:
                cur.execute(translate(sql, False))
        except psycopg.Error as exc:
            if self.readonly:  # a failed statement ends the snapshot; the next one starts anew
                self.rollback()
            raise self._error(exc) from exc
        return cur

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        import psycopg

        cur = self.raw.cursor()
        batch = [tuple(r) for r in rows]
        if not batch:
            return cur
        try:
            cur.executemany(translate(sql, True), batch)
        except psycopg.Error as exc:
            raise self._error(exc) from exc
        return cur

    def commit(self) -> None:
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        import psycopg

        try:
            if self.in_transaction:
                self.raw.execute("ROLLBACK")
        except psycopg.Error:  # the connection is gone: nothing to roll back
            pass

    def close(self) -> None:
        self.raw.close()


class PgStore(Store):
    """A store in a PostgreSQL database: ``Store``'s methods, with the few that need
    PostgreSQL's own SQL or locking overridden."""

    conn: PgConnection  # type: ignore[assignment]

    def __init__(self, conn: PgConnection, path: str) -> None:
        self.conn = conn
        self.path = path

    # -- writing ---------------------------------------------------------------------------
    def add(
        self, analyzed: AnalyzedArticle, vectors: Mapping[bytes, np.ndarray] | None = None
    ) -> bool:
        """Store one analysed article in its own transaction: True if stored, False if known
        (stored before, or meanwhile by another machine: the unique key decides).
        ``vectors``: as ``Store.add``."""
        key = article_key(analyzed)
        meta = analyzed.article.meta
        conn = self.conn
        try:
            conn.execute("BEGIN")
            row = conn.execute(
                "INSERT INTO articles (key, path, input_id, url, title, publisher, published, "
                "agencies, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (key) DO NOTHING RETURNING seq",
                (
                    key,
                    analyzed.article.path,
                    analyzed.article.id,
                    meta.url,
                    meta.title,
                    meta.publisher,
                    meta.published,
                    json.dumps(meta.agencies),
                    json.dumps(analyzed.to_json(), ensure_ascii=False),
                ),
            ).fetchone()
            if row is None:
                conn.rollback()
                return False
            seq = row[0]
            conn.executemany(
                "INSERT INTO attributions (article_seq, idx, source, source_type, anonymous, cue, "
                "content, kind, stance, hedges, channel, via) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        seq,
                        i,
                        a.source.resolved if a.source else None,
                        a.source.type if a.source else None,
                        int(bool(a.source and a.source.anonymous)),
                        a.cue.text if a.cue else None,
                        a.content.text if a.content else None,
                        a.kind,
                        a.stance,
                        json.dumps(list(a.hedges)),
                        a.channel,
                        json.dumps(list(a.via)),
                    )
                    for i, a in enumerate(analyzed.attributions)
                ],
            )
            if vectors:
                self.cache_vectors(vectors)
            conn.execute("COMMIT")
        except BaseException as exc:
            conn.rollback()
            if isinstance(exc, StoreError):
                why = str(exc).removeprefix(f"{self.path}: ")
                raise StoreError(f"{self.path}: could not store {key}: {why}") from exc
            raise
        return True

    def set_state(self, name: str, value: str) -> None:
        if name == "links_stale":
            return  # a fact on PostgreSQL (see ``state``), never written
        super().set_state(name, value)

    def state(self, name: str) -> str | None:
        if name == "links_stale":
            # Stale when an article has no links row: linking writes one for every article.
            row = self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM articles a WHERE NOT EXISTS "
                "(SELECT 1 FROM links l WHERE l.article_seq = a.seq))"
            ).fetchone()
            return "1" if row[0] else "0"
        return super().state(name)

    @contextmanager
    def linking(self) -> Iterator[None]:
        """Hold the linking lock, and run the whole linking in one REPEATABLE READ transaction
        (its reads one snapshot, its writes all or nothing)."""
        conn = self.conn
        conn.execute(LOCK, (LINK_LOCK,))
        try:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            try:
                yield
            except BaseException:
                conn.rollback()
                raise
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.rollback()
            conn.execute(UNLOCK, (LINK_LOCK,))

    def _tx(self) -> Any:
        return _PgTransaction(self.conn)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one committed state (a REPEATABLE READ transaction; a reader is
        always in one, and inside linking, linking's)."""
        conn = self.conn
        if conn.readonly or conn.in_transaction:
            yield
            return
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try:
            yield
        finally:
            conn.rollback()

    # -- reading ---------------------------------------------------------------------------
    def records(self) -> Iterator[tuple[StoredArticle, AnalyzedArticle]]:
        """Every article with its full record, in insertion order, streamed from a server-side
        cursor (constant memory)."""
        import psycopg

        conn = self.conn
        name = f"records_{next(_CURSORS)}"
        # Outside a transaction the cursor must outlive the statement's implicit one.
        cur = conn.raw.cursor(name, withhold=not conn.in_transaction)
        try:
            cur.execute(
                f"SELECT {_ROW}, a.record FROM articles a "
                "LEFT JOIN links l ON l.article_seq = a.seq ORDER BY a.seq"
            )
            while True:
                batch = cur.fetchmany(256)
                if not batch:
                    return
                for r in batch:
                    yield _row(r[:-1]), AnalyzedArticle.from_json(json.loads(r[-1]))
        except psycopg.Error as exc:
            raise conn._error(exc) from exc
        finally:
            with suppress(psycopg.Error):
                cur.close()


class _PgTransaction:
    """``Store._tx`` on PostgreSQL: a transaction of its own, or part of the one open already
    (linking writes links and claims inside its own)."""

    def __init__(self, conn: PgConnection) -> None:
        self.conn = conn
        self.outer = False

    def __enter__(self) -> None:
        self.outer = self.conn.in_transaction
        if not self.outer:
            self.conn.execute("BEGIN")

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.outer:
            return
        if t is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.rollback()


def open_pg(url: str, *, readonly: bool = False) -> PgStore:
    """Open (creating the tables and migrating as needed, unless ``readonly``) the store in the
    PostgreSQL database at ``url``."""
    label = redact(url)
    try:
        import psycopg
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"{label}: PostgreSQL stores need psycopg",
            hint="pip install 'newstrace[postgres]'",
        ) from exc
    try:
        raw = psycopg.connect(url, autocommit=not readonly, connect_timeout=10)
        if readonly:
            # One snapshot per reader, and a reader never writes, even by mistake.
            raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            raw.read_only = True
    except psycopg.Error as exc:
        raise StoreError(
            f"{label}: cannot connect: {one_line(str(exc).strip().splitlines()[0])}",
            hint="is the server running? check the URL, user and password",
        ) from exc
    conn = PgConnection(raw, label, readonly)
    try:
        if readonly:
            _check_readable(conn, label)
        else:
            pg_migrate(conn, label)
    except BaseException:
        conn.close()
        raise
    store = PgStore(conn, label)
    store.readonly = readonly
    return store


def _check_readable(conn: PgConnection, label: str) -> None:
    version = pg_version(conn)
    if version is None:
        raise StoreError(
            f"{label}: not a newstrace database (its schema holds other tables)",
            hint="name the database or schema that `newstrace ingest --db URL` wrote",
        )
    if version == 0:
        raise StoreError(
            f"{label}: no newstrace store in this database yet",
            hint="run `newstrace ingest PATH... --db URL` first",
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{label}: database schema version {version} is newer than this newstrace "
            f"({SCHEMA_VERSION})",
            hint="upgrade newstrace",
        )
    if version < SCHEMA_VERSION:
        raise StoreError(
            f"{label}: store written by an older newstrace (schema {version} < {SCHEMA_VERSION})",
            hint="run `newstrace ingest PATH... --db URL` once to upgrade it",
        )
