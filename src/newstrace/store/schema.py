"""The SQLite schema, its version, and the migration hook.

``SCHEMA_VERSION`` is stored in ``PRAGMA user_version``. A database written by an older
version is brought up to date by running each step of ``MIGRATIONS`` in order, each in its own
transaction; a database from a *newer* newstrace is refused rather than silently misread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from newstrace.errors import StoreError

SCHEMA_VERSION = 6

# Version 1. ``articles.record`` holds the full AnalyzedArticle JSON (the public contract), so
# every other table can be rebuilt from it; the flattened columns exist for queries only.
# ``seq`` is the insertion order, the tie-break when two articles carry the same date.
_V1 = """
CREATE TABLE articles (
    seq        INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    path       TEXT NOT NULL,
    input_id   TEXT,
    url        TEXT,
    title      TEXT,
    publisher  TEXT,
    published  TEXT,
    agencies   TEXT NOT NULL DEFAULT '[]',
    record     TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE attributions (
    article_seq  INTEGER NOT NULL REFERENCES articles(seq) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    source       TEXT,
    source_type  TEXT,
    anonymous    INTEGER NOT NULL DEFAULT 0,
    cue          TEXT,
    content      TEXT,
    kind         TEXT,
    stance       TEXT,
    hedges       TEXT NOT NULL DEFAULT '[]',
    channel      TEXT,
    via          TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (article_seq, idx)
);
CREATE INDEX attributions_source ON attributions(source);

-- Recomputed by linking over the whole store: copy_of is the key of the earliest version.
CREATE TABLE links (
    article_seq  INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,
    copy_of      TEXT,
    story        TEXT
);
CREATE INDEX links_story ON links(story);

CREATE TABLE claims (
    id      TEXT PRIMARY KEY,
    story   TEXT,
    text    TEXT NOT NULL,
    record  TEXT NOT NULL
);
CREATE TABLE claim_members (
    claim_id     TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    article_seq  INTEGER NOT NULL,
    idx          INTEGER NOT NULL,
    PRIMARY KEY (claim_id, article_seq, idx)
);

CREATE TABLE state (
    name   TEXT PRIMARY KEY,
    value  TEXT
);
"""


# Version 2 (the web app, ``newstrace serve``): full-text search over titles, texts, the resolved
# names of sources and claim texts (FTS5), kept current by triggers so that no writer has to know
# about it, plus the indexes the pages look rows up by. ``article_fts`` keeps its own copy of the
# text (``articles.record`` is JSON, which FTS5 cannot index directly); ``claim_fts`` indexes
# ``claims.text`` in place (external content).
_V2 = """
CREATE VIRTUAL TABLE article_fts USING fts5(
    title, text, sources, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER article_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_fts (rowid, title, text, sources) VALUES (
        new.seq,
        coalesce(new.title, ''),
        coalesce(json_extract(new.record, '$.text'), ''),
        coalesce((SELECT group_concat(json_extract(value, '$.source.resolved'), ' ; ')
                  FROM json_each(new.record, '$.attributions')), '')
    );
END;
CREATE TRIGGER article_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_fts WHERE rowid = old.seq;
END;
CREATE TRIGGER article_fts_update AFTER UPDATE OF title, record ON articles BEGIN
    DELETE FROM article_fts WHERE rowid = old.seq;
    INSERT INTO article_fts (rowid, title, text, sources) VALUES (
        new.seq,
        coalesce(new.title, ''),
        coalesce(json_extract(new.record, '$.text'), ''),
        coalesce((SELECT group_concat(json_extract(value, '$.source.resolved'), ' ; ')
                  FROM json_each(new.record, '$.attributions')), '')
    );
END;
INSERT INTO article_fts (rowid, title, text, sources)
    SELECT seq, coalesce(title, ''), coalesce(json_extract(record, '$.text'), ''),
           coalesce((SELECT group_concat(json_extract(value, '$.source.resolved'), ' ; ')
                     FROM json_each(record, '$.attributions')), '')
    FROM articles;

CREATE VIRTUAL TABLE claim_fts USING fts5(
    text, content = 'claims', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER claim_fts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claim_fts (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER claim_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claim_fts (claim_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER claim_fts_update AFTER UPDATE OF text ON claims BEGIN
    INSERT INTO claim_fts (claim_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO claim_fts (rowid, text) VALUES (new.rowid, new.text);
END;
INSERT INTO claim_fts (claim_fts) VALUES ('rebuild');

-- Look-ups of the pages: an article by its display id (input id, else path), an outlet's
-- articles, a story's claims, an article's claim memberships.
CREATE INDEX articles_display ON articles(coalesce(input_id, path));
CREATE INDEX articles_publisher ON articles(publisher, published);
CREATE INDEX claims_story ON claims(story);
CREATE INDEX claim_members_article ON claim_members(article_seq, idx);
"""

# Version 3 (claims as propositions): the sentence embeddings of each claim's statements
# (k x 384 float32, little-endian, in member order), so that ``trace`` ranks claims by meaning
# without re-embedding the store.
_V3 = """
ALTER TABLE claims ADD COLUMN vector BLOB;
"""


def rekey(conn: sqlite3.Connection) -> None:
    """Version 4 (issue 7, identity): ``articles.key`` becomes input id, else URL, else text
    hash (``store.identity``); it was URL first. Each row's key is recomputed from its stored
    ``input_id`` and ``url`` (rows with neither keep their text hash), and ``links.copy_of``
    (which holds keys) follows. Two old rows that would now share a key (one page stored under
    two URLs with one id) keep their old keys: both stay valid, nothing is merged or lost."""
    from newstrace.store.identity import key_for

    rows = conn.execute("SELECT seq, key, input_id, url FROM articles ORDER BY seq").fetchall()
    taken = {str(r[1]) for r in rows}
    renamed: dict[str, str] = {}
    for seq, old, input_id, url in rows:
        new = key_for(input_id, url, None) or old
        if new == old or new in taken:
            continue
        conn.execute("UPDATE articles SET key = ? WHERE seq = ?", (new, seq))
        taken.discard(old)
        taken.add(new)
        renamed[old] = new
    for old, new in renamed.items():
        conn.execute("UPDATE links SET copy_of = ? WHERE copy_of = ?", (new, old))


# MIGRATIONS[i] takes a database at version i to version i + 1: an SQL script, or a function
# for steps that must rewrite data (e.g. re-deriving columns from ``articles.record``). Add a
# step here (never edit an old one) whenever the schema changes, and bump SCHEMA_VERSION.
# Version 5: sentence embeddings cached by the sha1 of the sentence (float16, 384 values), so
# that relinking re-embeds nothing it has seen and copies share their vectors. A cache: it may
# be emptied at any time (``DELETE FROM sentence_vectors``) and refills itself.
_V5 = """
CREATE TABLE sentence_vectors (
    hash    BLOB PRIMARY KEY,
    vector  BLOB NOT NULL
) WITHOUT ROWID;
"""


# Version 6 (incremental linking, ``linking.index``): the indexes linking keeps so that adding
# k articles costs what the k articles cost. Written by every linking, rebuilt whole by a full
# relink (``newstrace relink``); a store migrated to this version relinks fully once (linking
# keeps a fingerprint of its parameters in ``state``).
# - ``copy_signatures``: each article's whole-text MinHash signature (128 uint32, little-endian),
#   its number of distinct shingles and whether it is long enough to be linked;
# - ``copy_bands``: its LSH bucket per band (whole-text bands, then lead bands; the uint64 key
#   stored as the signed 64-bit integer with the same bits);
# - ``story_features``: its story features (term and name hashes as int64 arrays, float32
#   weights), day number, instant and content key;
# - ``story_edges``: each article's kept neighbours in the story similarity graph (src keeps
#   dst), the similarity as the float32 value it was computed as;
# - ``media_names``: normalised names of media seen (claims' provenance tells media apart).
_V6 = """
CREATE TABLE copy_signatures (
    article_seq  INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,
    size         INTEGER NOT NULL,
    ok           INTEGER NOT NULL,
    signature    BLOB NOT NULL
);
CREATE TABLE copy_bands (
    band         INTEGER NOT NULL,
    bucket       BIGINT NOT NULL,
    article_seq  BIGINT NOT NULL,
    PRIMARY KEY (band, bucket, article_seq)
) WITHOUT ROWID;
CREATE TABLE story_features (
    article_seq  INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,
    day          INTEGER,
    seconds      REAL,
    content_key  BLOB NOT NULL,
    terms        BLOB NOT NULL,
    weights      BLOB NOT NULL,
    names        BLOB NOT NULL
);
CREATE INDEX story_features_day ON story_features(day);
CREATE TABLE story_edges (
    src  BIGINT NOT NULL,
    dst  BIGINT NOT NULL,
    sim  REAL NOT NULL,
    PRIMARY KEY (src, dst)
) WITHOUT ROWID;
CREATE INDEX story_edges_dst ON story_edges(dst);
CREATE TABLE media_names (
    name  TEXT PRIMARY KEY
);
CREATE INDEX links_copy_of ON links(copy_of);
"""


MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [_V1, _V2, _V3, rekey, _V5, _V6]


def _statements(script: str) -> list[str]:
    """A migration script's statements, one by one (a trigger's BEGIN ... END is one)."""
    out: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip().strip(";").strip():
                out.append(pending.strip())
            pending = ""
    if pending.strip():
        out.append(pending.strip())
    return out


def migrate(conn: sqlite3.Connection, path: str) -> None:
    """Bring the database at ``conn`` to ``SCHEMA_VERSION``."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: database schema version {version} is newer than this newstrace "
            f"({SCHEMA_VERSION})",
            hint="upgrade newstrace, or ingest into a new --db file",
        )
    for step in range(version, SCHEMA_VERSION):
        todo = MIGRATIONS[step]
        try:
            # The write lock first, then the version again: two processes opening one new
            # store at once must not both run a step (the second would find its tables made).
            conn.execute("BEGIN IMMEDIATE")
            if int(conn.execute("PRAGMA user_version").fetchone()[0]) > step:
                conn.execute("COMMIT")
                continue
            if isinstance(todo, str):
                for statement in _statements(todo):
                    conn.execute(statement)
            else:
                todo(conn)
            conn.execute(f"PRAGMA user_version = {step + 1}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(
                f"{path}: could not migrate the database to version {step + 1}: {exc}"
            ) from exc
