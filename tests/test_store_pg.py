"""The PostgreSQL store: the same schema, queries and results as SQLite, its migrations, and
concurrent ingests from several processes into one database.

Tests that need a server take the ``pg_db`` / ``store_db`` fixtures (conftest.py): a schema of
their own in the database at ``NEWSTRACE_TEST_PG``; without it they are skipped, with the reason.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "linking"))

import records as R  # noqa: E402

from newstrace.cli import cli  # noqa: E402
from newstrace.errors import StoreError  # noqa: E402
from newstrace.linking.link import link_store  # noqa: E402
from newstrace.model import AnalyzedArticle, Article, ArticleMeta  # noqa: E402
from newstrace.orchestrate import run_batch  # noqa: E402
from newstrace.store import Store, open_store  # noqa: E402
from newstrace.store.pg import LINK_LOCK, LOCK, UNLOCK, redact, translate  # noqa: E402
from newstrace.store.pgschema import PG_MIGRATIONS  # noqa: E402
from newstrace.store.schema import MIGRATIONS, SCHEMA_VERSION  # noqa: E402

SEED_TEXT = R.SEED.read_text(encoding="utf-8")
PARAS = [p for p in SEED_TEXT.split("\n\n") if len(p) > 120][:8]


def _linked() -> list[AnalyzedArticle]:
    """The seed, an AP confirmation, a copy of the AFP story, and paragraphs as short articles."""
    paras = [
        AnalyzedArticle(
            Article(
                path=f"p{i}.txt",
                text=p,
                id=f"para-{i}",
                meta=ArticleMeta(title=p[:40], published=f"2020-07-0{i + 1}"),
            )
        )
        for i, p in enumerate(PARAS)
    ]
    return [R.seed_analyzed(), R.confirm_analyzed(), R.copy_analyzed(), *paras]


def linking_of(store: Store) -> tuple[set[frozenset[str]], dict[str, str], set[frozenset[Any]]]:
    """What linking decided, whatever the insertion order: stories as a partition of article
    ids, each copy's original (by id), claims as sets of (article id, attribution index)."""
    rows = store.articles()
    ids = {r.seq: r.id for r in rows}
    by_key = {r.key: r.id for r in rows}
    groups: dict[str, set[str]] = {}
    for r in rows:
        assert r.story, f"{r.id} is not linked"
        groups.setdefault(r.story, set()).add(r.id)
    copies = {r.id: by_key[r.copy_of] for r in rows if r.copy_of}
    members: dict[str, set[tuple[str, int]]] = {}
    for cid, seq, idx in store.conn.execute(
        "SELECT claim_id, article_seq, idx FROM claim_members"
    ).fetchall():
        members.setdefault(cid, set()).add((ids[seq], idx))
    claims = {frozenset(m) for m in members.values()}
    return {frozenset(g) for g in groups.values()}, copies, claims


# -- without a server ---------------------------------------------------------------------------
def test_sqlite_dialect_is_translated() -> None:
    assert translate("SELECT x FROM t WHERE a = ? AND b IN (?, ?)", True) == (
        "SELECT x FROM t WHERE a = %s AND b IN (%s, %s)"
    )
    # a literal '?' and '%' stay what they are
    assert translate("SELECT '?', x FROM t WHERE y LIKE 'a%' AND z = ?", True) == (
        "SELECT '?', x FROM t WHERE y LIKE 'a%%' AND z = %s"
    )
    assert translate("INSERT OR IGNORE INTO m (a, b) VALUES (?, ?)", True) == (
        "INSERT INTO m (a, b) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    )
    assert translate("SELECT 'a%'", False) == "SELECT 'a%'"


def test_every_sqlite_migration_has_a_postgresql_twin() -> None:
    # A new SQLite step (MIGRATIONS) needs its step in store/pgschema.py too.
    assert len(PG_MIGRATIONS) == len(MIGRATIONS) == SCHEMA_VERSION


def test_messages_never_show_the_password() -> None:
    assert redact("postgresql://nt:s3cret@db.example:5433/news") == (
        "postgresql://nt:***@db.example:5433/news"
    )
    assert redact("postgresql:///news") == "postgresql:///news"


def test_no_server_is_one_store_error_naming_the_fix() -> None:
    url = "postgresql://nt:s3cret@127.0.0.1:1/news"
    with pytest.raises(StoreError, match="cannot connect") as info:
        open_store(url)
    msg = str(info.value)
    assert "s3cret" not in msg and "is the server running" in msg and "\n" not in msg
    res = CliRunner().invoke(cli, ["articles", "--db", url])
    assert res.exit_code == StoreError.exit_code
    assert res.stderr.startswith("newstrace: error: postgresql://nt:***@127.0.0.1:1/news")


def test_serve_says_it_reads_sqlite_only() -> None:
    pytest.importorskip("fastapi", reason="the [web] extra is not installed")
    res = CliRunner().invoke(cli, ["serve", "--db", "postgresql://nt:s3cret@127.0.0.1:1/news"])
    assert res.exit_code == StoreError.exit_code
    assert "serve reads SQLite stores only" in res.stderr and "s3cret" not in res.stderr


# -- schema and migrations ----------------------------------------------------------------------
def _version(url: str) -> int:
    with open_store(url) as store:
        return int(store.conn.execute("SELECT version FROM newstrace_schema").fetchone()[0])


def test_pg_schema_version_and_reopen(pg_db: str) -> None:
    assert _version(pg_db) == SCHEMA_VERSION
    assert _version(pg_db) == SCHEMA_VERSION  # reopening migrates nothing
    with open_store(pg_db) as store:
        tables = {
            r[0]
            for r in store.conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        }
    assert {"articles", "attributions", "links", "claims", "claim_members", "state"} <= tables
    assert "sentence_vectors" in tables


def test_pg_newer_schema_is_refused(pg_db: str) -> None:
    with open_store(pg_db) as store:
        store.conn.execute("UPDATE newstrace_schema SET version = ?", (SCHEMA_VERSION + 1,))
    for readonly in (False, True):
        with pytest.raises(StoreError, match="newer than this newstrace"):
            open_store(pg_db, readonly=readonly)


def test_pg_another_programs_tables_are_refused_and_left_alone(pg_db: str) -> None:
    import psycopg

    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="not a newstrace database"):
        open_store(pg_db)
    with psycopg.connect(pg_db, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
    assert tables == [("invoices",)]


def test_pg_reader_needs_a_store(pg_db: str) -> None:
    with pytest.raises(StoreError, match="no newstrace store"):
        open_store(pg_db, readonly=True)
    res = CliRunner().invoke(cli, ["stories", "--db", pg_db])
    assert res.exit_code == StoreError.exit_code and "ingest" in res.stderr


def test_pg_store_keyed_by_url_first_is_rekeyed(pg_db: str) -> None:
    # The same migration step as on SQLite (schema.rekey) runs on PostgreSQL's rows.
    import psycopg

    url = "https://news.example/wire"
    art = Article(path="a.jsonl:1", text=SEED_TEXT, id="w-1", meta=ArticleMeta(url=url))
    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE newstrace_schema (version INTEGER NOT NULL)")
        for script in PG_MIGRATIONS[:3]:
            assert isinstance(script, str)
            conn.execute(script)
        conn.execute("INSERT INTO newstrace_schema VALUES (3)")
        conn.execute(
            "INSERT INTO articles (seq, key, path, input_id, url, record) "
            "VALUES (1, %s, %s, %s, %s, %s)",
            (url, art.path, art.id, url, json.dumps(AnalyzedArticle(art).to_json())),
        )
        conn.execute("INSERT INTO links VALUES (1, %s, NULL)", (url,))
    with open_store(pg_db) as store:
        assert [r.key for r in store.articles()] == ["id:w-1"]
        assert store.conn.execute("SELECT copy_of FROM links").fetchone() == ("id:w-1",)
    assert _version(pg_db) == SCHEMA_VERSION


# -- the same results on both backends ----------------------------------------------------------
def _run(*args: str) -> str:
    res = CliRunner().invoke(cli, list(args))
    assert res.exit_code == 0, res.output
    return res.stdout


def test_pg_gives_the_results_of_sqlite(pg_db: str, tmp_path: Path) -> None:
    outputs = {}
    for name, db in (("sqlite", str(tmp_path / "n.db")), ("pg", pg_db)):
        with open_store(db) as store:
            for rec in _linked():
                assert store.add(rec)
            link_store(store)
        got = {
            cmd: _run(cmd, "--db", db, "--format", "json")
            for cmd in ("articles", "stories", "claims")
        }
        got["trace"] = _run("trace", "Russia offered bounties to kill US troops", "--db", db)
        _run("export", "--db", db, "--to", str(tmp_path / name), "--format", "jsonl")
        for f in sorted((tmp_path / name).iterdir()):
            got[f.name] = f.read_text(encoding="utf-8")
        outputs[name] = got
    assert outputs["pg"].keys() == outputs["sqlite"].keys()
    for what, text in outputs["sqlite"].items():
        assert outputs["pg"][what] == text, what
    assert len(json.loads(outputs["pg"]["claims"])) > 3


@pytest.mark.parametrize("begin", [True, False])
def test_pg_reader_sees_one_snapshot_and_never_writes(pg_db: str, begin: bool) -> None:
    recs = _linked()
    with open_store(pg_db) as writer:
        writer.add(recs[0])
        with open_store(pg_db, readonly=True) as reader:
            if begin:  # what the commands do (as on SQLite); a reader is in one snapshot anyway
                reader.conn.execute("BEGIN")
            assert reader.count() == 1
            writer.add(recs[1])  # committed meanwhile
            assert reader.count() == 1 and len(reader.articles()) == 1
            assert len(list(reader.records())) == 1
            reader.conn.execute("ROLLBACK")  # the next read is a new snapshot
            assert reader.count() == 2
            with pytest.raises(StoreError, match="read-only"):
                reader.conn.execute("DELETE FROM articles")
            assert reader.count() == 2  # still usable after the refused write
        with open_store(pg_db, readonly=True) as later:
            assert later.count() == 2


def test_pg_linking_is_one_repeatable_read_transaction(pg_db: str) -> None:
    with open_store(pg_db) as store:
        with store.linking():
            level = store.conn.execute("SHOW transaction_isolation").fetchone()[0]
            assert store.conn.in_transaction
            with store._tx():  # the tables replaced inside it join it
                store.set_state("probe", "1")
            assert store.conn.in_transaction
        assert level == "repeatable read" and not store.conn.in_transaction
        assert store.state("probe") == "1"
        with store.snapshot():
            assert store.conn.execute("SHOW transaction_isolation").fetchone()[0] == (
                "repeatable read"
            )
        store.conn.execute("BEGIN IMMEDIATE")  # SQLite's dialect: a plain BEGIN
        assert store.conn.execute("SHOW transaction_isolation").fetchone()[0] == "read committed"
        store.conn.execute("ROLLBACK")


def test_pg_add_from_two_connections_stores_once(pg_db: str) -> None:
    seed = R.seed_analyzed()
    with open_store(pg_db) as a, open_store(pg_db) as b:
        assert a.add(seed) is True
        assert b.add(seed) is False
        assert b.count() == 1
        n = b.conn.execute("SELECT count(*) FROM attributions").fetchone()[0]
        assert n == len(seed.attributions)


def test_pg_a_waiting_linker_links_what_was_stored_meanwhile(pg_db: str) -> None:
    recs = _linked()
    with open_store(pg_db) as other:
        for rec in recs[:3]:
            other.add(rec)
        other.conn.execute(LOCK, (LINK_LOCK,))  # another linker
        done: list[Any] = []

        def linker() -> None:
            with open_store(pg_db) as store:
                done.append(link_store(store))

        thread = threading.Thread(target=linker)
        thread.start()
        time.sleep(1.0)
        assert thread.is_alive() and not done  # waits for the lock
        other.add(recs[3])  # stored while the linker waits
        assert other.state("links_stale") == "1"
        other.conn.execute(UNLOCK, (LINK_LOCK,))
        thread.join(60)
        assert done and done[0].articles == 4
        assert all(a.story for a in other.articles())
        assert other.state("links_stale") == "0"


def _hold_linking(db: str, ready: Any) -> None:
    with open_store(db) as store, store.linking():
        store.conn.execute("DELETE FROM links")  # half-way through writing its links
        ready.set()
        time.sleep(600)


def test_pg_a_linker_killed_mid_way_leaves_no_lock_and_no_half_links(pg_db: str) -> None:
    with open_store(pg_db) as store:
        for rec in _linked()[:4]:
            store.add(rec)
        link_store(store)
        before = linking_of(store)
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_hold_linking, args=(pg_db, ready))
    proc.start()
    assert ready.wait(120)
    proc.kill()  # SIGKILL: no cleanup runs in it
    proc.join(30)
    with open_store(pg_db) as store:
        assert linking_of(store) == before  # its transaction never committed
        store.add(_linked()[4])
        started = time.monotonic()
        assert link_store(store).articles >= 1  # the lock went with its session
        assert time.monotonic() - started < 60
        assert store.state("links_stale") == "0"


# -- concurrent ingests -------------------------------------------------------------------------
def _ingest_part(db: str, part: list[int], barrier: Any) -> None:
    recs = _linked()
    barrier.wait()
    summary = run_batch(
        ["x"], db, lambda: None, reader=lambda _paths: iter([recs[i] for i in part])
    )
    assert summary.failed == 0


def test_concurrent_ingests_into_postgresql_equal_one_ingest(pg_db: str, tmp_path: Path) -> None:
    n = len(_linked())
    # Two overlapping batches (articles 3-6 in both), in different orders.
    parts = [list(range(0, 7)), list(range(n - 1, 2, -1))]
    # spawn, not fork: this process may hold ONNX Runtime threads (the embedder), which a
    # forked child would inherit half-copied.
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_ingest_part, args=(pg_db, p, barrier)) for p in parts]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
    assert [p.exitcode for p in procs] == [0, 0]
    one = str(tmp_path / "one.db")
    run_batch(["x"], one, lambda: None, reader=lambda _paths: iter(_linked()))
    with open_store(pg_db, readonly=True) as shared, open_store(one, readonly=True) as single:
        assert shared.count() == single.count() == n  # no article twice, none lost
        got, want = linking_of(shared), linking_of(single)
        assert shared.state("links_stale") == "0"
        n_attr = "SELECT count(*) FROM attributions"
        assert (
            shared.conn.execute(n_attr).fetchone()[0] == single.conn.execute(n_attr).fetchone()[0]
        )
    assert got[0] == want[0]  # stories
    assert got[1] == want[1] and got[1]  # copies
    assert got[2] == want[2] and len(got[2]) > 3  # claims


# -- acceptance 2 ---------------------------------------------------------------------------------
SHARED = Path(__file__).resolve().parents[2] / "shared"
POLNEAR_DEV = SHARED / "data" / "polnear" / "dev"
FOOTER = "\n\nCopyright 2018 Daily Example. All rights reserved. Sign up for our newsletter."
CLAIMS_DEV = SHARED / "data" / "claims-dev" / "articles.jsonl"


@pytest.mark.slow
@pytest.mark.skipif(
    not (POLNEAR_DEV.exists() and CLAIMS_DEV.exists()),
    reason=f"needs {POLNEAR_DEV} and {CLAIMS_DEV} (only CI and developers have them)",
)
def test_dask_ingest_into_postgresql_links_as_one_process_into_sqlite(
    pg_db: str, tmp_path: Path
) -> None:
    pytest.importorskip("distributed", reason="the [dask] extra is not installed")
    # The corpora hold no republished text; two republications of a claims-dev article (another
    # id, outlet and day; one with a footer) give the copy detection something to agree on.
    first = json.loads(CLAIMS_DEV.read_text(encoding="utf-8").splitlines()[0])
    reposts = tmp_path / "reposts.jsonl"
    with reposts.open("w", encoding="utf-8") as f:
        for i, (outlet, footer) in enumerate((("wire.example", ""), ("daily.example", FOOTER))):
            rec = {
                **first,
                "id": f"repost-{i}",
                "url": f"https://{outlet}/{i}",
                "source_domain": outlet,
                "date_publish": f"2018-04-{18 + i}",
                "maintext": first["maintext"] + footer,
            }
            f.write(json.dumps(rec) + "\n")
    paths = [str(POLNEAR_DEV), str(CLAIMS_DEV), str(reposts)]
    sqlite_db = str(tmp_path / "one.db")
    env = {"NEWSTRACE_DB": ""}
    for args in (["--workers", "2", "--db", pg_db], ["--db", sqlite_db]):
        res = CliRunner(env=env).invoke(cli, ["ingest", *paths, "--no-progress", *args])
        assert res.exit_code == 0, res.output
    with open_store(pg_db, readonly=True) as pg, open_store(sqlite_db, readonly=True) as lite:
        assert pg.count() == lite.count() == 111
        got, want = linking_of(pg), linking_of(lite)
    assert got[0] == want[0]  # stories
    assert got[1] == want[1] == {"repost-0": "wcl50-0_L", "repost-1": "wcl50-0_L"}  # copies
    assert got[2] == want[2] and len(got[2]) > 50  # claims


def test_a_story_that_moves_and_mentions_a_new_medium_is_linked_once(
    store_db: str, tmp_path: Path
) -> None:
    # Found by the concurrent-ingest test: the third batch brings a medium no linked article
    # came from, which a story of the first batches mentions; that story's article has just
    # joined a bigger story, and its claims were computed (and written) twice.
    recs = _linked()
    batches = ([10, 2, 8, 7], [1, 3, 6], [0], [5, 4, 9])
    with open_store(store_db) as store:
        for batch in batches:
            for i in batch:
                store.add(recs[i])
            link_store(store)
        got = linking_of(store)
    one = str(tmp_path / "one.db")
    everything = [recs[i] for i in sorted(i for b in batches for i in b)]
    run_batch(["x"], one, lambda: None, reader=lambda _paths: iter(everything))
    with open_store(one, readonly=True) as single:
        assert got == linking_of(single)
