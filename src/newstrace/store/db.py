"""The article store: SQLite (stdlib ``sqlite3``) in WAL mode, one transaction per article.

One transaction per article is what makes ingest resumable: an interrupted run keeps every
article it finished, and a rerun skips them by key (``has_article``) before analysing anything.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from newstrace.errors import StoreError
from newstrace.model import AnalyzedArticle, Article
from newstrace.store.identity import key_for
from newstrace.store.schema import SCHEMA_VERSION, migrate

DEFAULT_DB = "newstrace.db"
# ``--db`` values that name a PostgreSQL database (``store.pg``) rather than a SQLite file.
SCHEMES = ("postgresql://", "postgres://")
# Width of the claim centroids (all-MiniLM-L6-v2 sentence embeddings).
VECTOR_DIM = 384
# (claim id, story, text, record, [(article_seq, attribution idx)], statement vectors or None)
ClaimRow = tuple[str, str | None, str, dict[str, Any], list[tuple[int, int]], np.ndarray | None]


def article_key(article: Article | AnalyzedArticle) -> str:
    """The identity of an article in the store: its input id, else its URL, else the sha256 of
    its text (``store.identity``: the same text under another id or URL is another article,
    which linking marks as a copy)."""
    art = article.article if isinstance(article, AnalyzedArticle) else article
    key = key_for(art.id, art.meta.url, art.text)
    assert key is not None  # the text is given
    return key


def is_url(db: object) -> bool:
    """True when ``db`` names a PostgreSQL database (``postgresql://…``), not a SQLite file."""
    return isinstance(db, str) and db.startswith(SCHEMES)


def display_id(article: Article | AnalyzedArticle) -> str:
    """The id shown to users: the input record's id when it has one, else its path."""
    art = article.article if isinstance(article, AnalyzedArticle) else article
    return art.id or art.path


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """One row of ``articles``: what ``newstrace articles`` lists."""

    seq: int
    key: str
    id: str
    path: str
    url: str | None
    title: str | None
    publisher: str | None
    published: str | None
    agencies: tuple[str, ...]
    copy_of: str | None = None
    story: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "path": self.path,
            "url": self.url,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published,
            "agencies": list(self.agencies),
            "copy_of": self.copy_of,
            "story": self.story,
        }


_ROW = (
    "a.seq, a.key, a.input_id, a.path, a.url, a.title, a.publisher, a.published, a.agencies, "
    "l.copy_of, l.story"
)


def _row(r: tuple[Any, ...]) -> StoredArticle:
    return StoredArticle(
        seq=r[0],
        key=r[1],
        id=r[2] or r[3],
        path=r[3],
        url=r[4],
        title=r[5],
        publisher=r[6],
        published=r[7],
        agencies=tuple(json.loads(r[8] or "[]")),
        copy_of=r[9],
        story=r[10],
    )


class Store:
    """An open store. Use ``open_store``; close it (or use it as a context manager)."""

    # Opened with ``open_store(readonly=True)``: writers (linking) must leave it alone.
    readonly: bool = False

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    def has_article(self, key: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM articles WHERE key = ?", (key,)).fetchone() is not None
        )

    def add(
        self, analyzed: AnalyzedArticle, vectors: Mapping[bytes, np.ndarray] | None = None
    ) -> bool:
        """Store one analysed article in its own transaction: True if stored, False if known.
        ``vectors``: sentence vectors computed with it (``linking.link.article_vectors``),
        kept for linking in the same transaction."""
        key = article_key(analyzed)
        meta = analyzed.article.meta
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            if self.has_article(key):
                self.conn.execute("ROLLBACK")
                return False
            cur = self.conn.execute(
                "INSERT INTO articles (key, path, input_id, url, title, publisher, published, "
                "agencies, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            )
            seq = cur.lastrowid
            self.conn.executemany(
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
            self.set_state("links_stale", "1")
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: could not store {key}: {exc}") from exc
        return True

    def set_state(self, name: str, value: str) -> None:
        """Record a value in ``state`` (inside the caller's transaction, if any)."""
        self.conn.execute(
            "INSERT INTO state (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def state(self, name: str) -> str | None:
        row = self.conn.execute("SELECT value FROM state WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def replace_links(self, links: Iterable[tuple[int, str | None, str | None]]) -> None:
        """Replace every (article_seq, copy_of key, story id) row in one transaction."""
        with self._tx():
            self.conn.execute("DELETE FROM links")
            self.conn.executemany(
                "INSERT INTO links (article_seq, copy_of, story) VALUES (?, ?, ?)", links
            )

    def replace_claims(
        self, claims: Iterable[ClaimRow], stories: Iterable[str] | None = None
    ) -> None:
        """Replace all claims: (id, story, text, record, [(article_seq, attribution idx)],
        the (k, 384) sentence vectors of its k statements or None). With ``stories``, only
        the claims of those stories are replaced (incremental linking); ``claims`` must then
        belong to them."""
        with self._tx():
            if stories is None:
                self.conn.execute("DELETE FROM claim_members")
                self.conn.execute("DELETE FROM claims")
            else:
                for sid in sorted(set(stories)):
                    self.conn.execute(
                        "DELETE FROM claim_members WHERE claim_id IN "
                        "(SELECT id FROM claims WHERE story = ?)",
                        (sid,),
                    )
                    self.conn.execute("DELETE FROM claims WHERE story = ?", (sid,))
            for cid, story, text, record, members, vector in claims:
                self.conn.execute(
                    "INSERT INTO claims (id, story, text, record, vector) VALUES (?, ?, ?, ?, ?)",
                    (
                        cid,
                        story,
                        text,
                        json.dumps(record, ensure_ascii=False),
                        None if vector is None else vector.astype("<f4").tobytes(),
                    ),
                )
                self.conn.executemany(
                    "INSERT OR IGNORE INTO claim_members (claim_id, article_seq, idx) "
                    "VALUES (?, ?, ?)",
                    [(cid, s, i) for s, i in members],
                )
            self.set_state("links_stale", "0")

    def claim_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every claim id with the unit centroid of its statement vectors (zeros where none)."""
        ids: list[str] = []
        rows: list[np.ndarray] = []
        for cid, blob in self.conn.execute("SELECT id, vector FROM claims ORDER BY rowid"):
            ids.append(cid)
            if blob:
                centroid = np.frombuffer(blob, dtype="<f4").reshape(-1, VECTOR_DIM).mean(axis=0)
                rows.append(centroid / (float(np.linalg.norm(centroid)) or 1.0))
            else:
                rows.append(np.zeros(VECTOR_DIM, dtype="<f4"))
        return ids, (np.vstack(rows) if rows else np.zeros((0, VECTOR_DIM), dtype="<f4"))

    def cached_vectors(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        """Sentence vectors already computed, by key (see ``cache_vectors``)."""
        out: dict[bytes, np.ndarray] = {}
        for lo in range(0, len(keys), 500):
            chunk = keys[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self.conn.execute(
                f"SELECT hash, vector FROM sentence_vectors WHERE hash IN ({marks})", chunk
            ):
                out[bytes(key)] = np.frombuffer(blob, dtype="<f2").astype(np.float32)
        return out

    def cache_vectors(self, vectors: Mapping[bytes, np.ndarray]) -> None:
        """Keep sentence vectors (float16) for the next linking (inside the caller's
        transaction, if any)."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO sentence_vectors (hash, vector) VALUES (?, ?)",
            [(k, v.astype("<f2").tobytes()) for k, v in vectors.items()],
        )

    def claim_statement_vectors(self, claim_id: str) -> np.ndarray:
        """The sentence vectors of a claim's statements, one row each (k, 384)."""
        row = self.conn.execute("SELECT vector FROM claims WHERE id = ?", (claim_id,)).fetchone()
        if row is None or not row[0]:
            return np.zeros((0, VECTOR_DIM), dtype="<f4")
        return np.frombuffer(row[0], dtype="<f4").reshape(-1, VECTOR_DIM)

    def _tx(self) -> _Transaction:
        return _Transaction(self)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one committed state of the store (one read transaction; in WAL
        mode writers go on meanwhile). Inside a transaction already (PostgreSQL's linking,
        a caller's): that one."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT 1 FROM articles LIMIT 1").fetchall()  # fixes the snapshot
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def linking(self) -> AbstractContextManager[None]:
        """Held around a whole linking (``link_store``). On SQLite nothing: one process links
        a file at a time, and each table is replaced in one transaction. PostgreSQL
        (``store.pg``) serializes linkers and gives each one snapshot."""
        return nullcontext()

    # -- reading ---------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def articles(self) -> list[StoredArticle]:
        """Every stored article in insertion order, with its links when linking has run."""
        rows = self.conn.execute(
            f"SELECT {_ROW} FROM articles a LEFT JOIN links l ON l.article_seq = a.seq "
            "ORDER BY a.seq"
        )
        return [_row(r) for r in rows]

    def article(self, key: str) -> StoredArticle | None:
        r = self.conn.execute(
            f"SELECT {_ROW} FROM articles a LEFT JOIN links l ON l.article_seq = a.seq "
            "WHERE a.key = ?",
            (key,),
        ).fetchone()
        return None if r is None else _row(r)

    def get(self, key: str) -> AnalyzedArticle | None:
        """The full analysed article stored under ``key``."""
        row = self.conn.execute("SELECT record FROM articles WHERE key = ?", (key,)).fetchone()
        return None if row is None else AnalyzedArticle.from_json(json.loads(row[0]))

    def get_seq(self, seq: int) -> AnalyzedArticle | None:
        row = self.conn.execute("SELECT record FROM articles WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else AnalyzedArticle.from_json(json.loads(row[0]))

    def records(self) -> Iterator[tuple[StoredArticle, AnalyzedArticle]]:
        """Stream every article with its full record, in insertion order (constant memory)."""
        cur = self.conn.cursor()
        cur.execute(
            f"SELECT {_ROW}, a.record FROM articles a LEFT JOIN links l ON l.article_seq = a.seq "
            "ORDER BY a.seq"
        )
        while True:
            batch = cur.fetchmany(256)
            if not batch:
                return
            for r in batch:
                yield _row(r[:-1]), AnalyzedArticle.from_json(json.loads(r[-1]))

    def claim_records(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT record FROM claims ORDER BY rowid")
        return [json.loads(r[0]) for r in rows]

    def claim_record(self, claim_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT record FROM claims WHERE id = ?", (claim_id,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))


class _Transaction:
    """A write transaction of its own, or part of the one open already (linking writes links,
    claims and its indexes in one)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.outer = False

    def __enter__(self) -> None:
        self.outer = bool(self.store.conn.in_transaction)
        if not self.outer:
            self.store.conn.execute("BEGIN IMMEDIATE")

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        conn = self.store.conn
        if self.outer:
            return
        if t is None:
            conn.execute("COMMIT")
        else:
            conn.execute("ROLLBACK")
            if isinstance(e, sqlite3.Error):
                raise StoreError(f"{self.store.path}: write failed: {e}") from e


def open_store(path: str | Path = DEFAULT_DB, *, readonly: bool = False) -> Store:
    """Open (creating and migrating as needed) the SQLite store at ``path``, or the PostgreSQL
    store at a ``postgresql://user:pass@host/dbname`` URL (``store.pg``: same interface).

    ``readonly``: for commands that only read (``articles``, ``stories``, ``trace``, …). The file
    is opened with SQLite's ``mode=ro``: nothing is created, migrated or switched to WAL, and a
    file that is not a newstrace store (or one that needs migrating) is refused with a
    StoreError. A writable open also refuses another program's database rather than adding
    tables to it.
    """
    if is_url(path):
        from newstrace.store.pg import open_pg

        return open_pg(str(path), readonly=readonly)
    spath = str(path)
    if readonly:
        return _open_readonly(spath)
    try:
        if spath != ":memory:":
            Path(spath).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per article.
        conn = sqlite3.connect(spath, isolation_level=None, timeout=30)
        _check_ours(conn, spath)
        _switch_to_wal(conn)
        # NORMAL is durable across application crashes in WAL mode (only an OS crash or power
        # loss may drop the last commits), and it makes per-article commits cheap.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(
            f"{spath}: cannot open the database: {exc}",
            hint="check that the path is a writable file and not another program's database",
        ) from exc
    try:
        migrate(conn, spath)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{spath}: not a newstrace database: {exc}") from exc
    return Store(conn, spath)


def _switch_to_wal(conn: sqlite3.Connection, wait_s: float = 30.0) -> None:
    # Switching a new file to WAL needs a moment alone with it; SQLite answers "locked" at
    # once, without its busy timeout, when another process opening the same new store holds it.
    deadline = time.monotonic() + wait_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _check_ours(conn: sqlite3.Connection, path: str) -> int:
    """The schema version of a newstrace store (0 for an empty file); StoreError for a file
    that is another program's database. Reads only."""
    # One statement, so one snapshot: read apart, another process's migration could commit
    # between the two reads (version 0, tables present) and a new store look foreign.
    rows = conn.execute(
        "SELECT (SELECT user_version FROM pragma_user_version), name FROM sqlite_master"
        " WHERE type = 'table'"
        " UNION ALL SELECT (SELECT user_version FROM pragma_user_version), NULL"
    ).fetchall()
    version = int(rows[0][0])
    tables = {name for _, name in rows if name is not None}
    if (version == 0 and tables) or (version > 0 and "articles" not in tables):
        conn.close()
        raise StoreError(
            f"{path}: not a newstrace database (it holds other tables)",
            hint="name a new or existing newstrace store with --db",
        )
    return version


def _open_readonly(path: str) -> Store:
    if path == ":memory:" or not Path(path).is_file():
        raise StoreError(
            f"{path}: no such database", hint="run `newstrace ingest PATH... --db FILE` first"
        )
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
        version = _check_ours(conn, path)
    except sqlite3.Error as exc:
        raise StoreError(
            f"{path}: cannot read the database: {exc}",
            hint="check that it is a newstrace store (made by `newstrace ingest`)",
        ) from exc
    if version != SCHEMA_VERSION:
        conn.close()
        if version == 0:
            raise StoreError(
                f"{path}: empty file, not a newstrace database yet",
                hint="run `newstrace ingest PATH... --db FILE` first",
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path}: database schema version {version} is newer than this newstrace "
                f"({SCHEMA_VERSION})",
                hint="upgrade newstrace",
            )
        raise StoreError(
            f"{path}: store written by an older newstrace (schema {version} < {SCHEMA_VERSION})",
            hint="run `newstrace ingest PATH... --db FILE` once to upgrade it",
        )
    store = Store(conn, path)
    store.readonly = True
    return store
