"""The store and ``ingest``: idempotent reruns, interrupted runs, keys, schema version.

Tests taking ``store_db`` run on SQLite and on PostgreSQL (conftest.py; skipped without
NEWSTRACE_TEST_PG)."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "linking"))

import records as R  # noqa: E402

from newstrace.errors import StoreError  # noqa: E402
from newstrace.linking.ingest import ingest  # noqa: E402
from newstrace.model import AnalyzedArticle, Article, ArticleMeta, Failure  # noqa: E402
from newstrace.store import article_key, open_store  # noqa: E402
from newstrace.store.schema import MIGRATIONS, SCHEMA_VERSION  # noqa: E402

SEED_TEXT = R.SEED.read_text(encoding="utf-8")
# Real paragraphs of the seed, each made into its own small article (no URL: keyed by text).
PARAS = [p for p in SEED_TEXT.split("\n\n") if len(p) > 120][:6]


def articles() -> list[Article]:
    return [
        Article(path=f"p{i}.txt", text=p, meta=ArticleMeta(title=p[:40], published="2020-06-27"))
        for i, p in enumerate(PARAS)
    ]


class FakeAnalyzer:
    """Stands in for the spaCy analyser: counts what it is asked to analyse, can crash."""

    def __init__(self, crash_after: int | None = None) -> None:
        self.seen: list[str] = []
        self.crash_after = crash_after

    def analyze(self, arts: Iterable[Article]) -> Iterator[AnalyzedArticle]:
        for a in arts:
            if self.crash_after is not None and len(self.seen) == self.crash_after:
                raise KeyboardInterrupt  # the user pressed Ctrl-C mid-batch
            self.seen.append(a.path)
            yield AnalyzedArticle(a)


def reader(items: Sequence[Article | Failure]):  # type: ignore[no-untyped-def]
    return lambda _paths: iter(items)


def test_rerun_stores_nothing_and_skips_before_analysis(store_db: str) -> None:
    db = store_db
    first = FakeAnalyzer()
    s1 = ingest(["x"], db, lambda: first, reader=reader(articles()))
    assert (s1.stored, s1.skipped, s1.failed) == (len(PARAS), 0, 0)
    second = FakeAnalyzer()
    s2 = ingest(["x"], db, lambda: second, reader=reader(articles()))
    assert (s2.stored, s2.skipped, s2.failed) == (0, len(PARAS), 0)
    assert second.seen == []  # nothing re-analysed
    assert s2.line() == f"0 stored, {len(PARAS)} skipped, 0 failed"
    with open_store(db) as store:
        assert store.count() == len(PARAS)


def test_interrupted_ingest_keeps_finished_articles_and_resumes(store_db: str) -> None:
    db = store_db
    with pytest.raises(KeyboardInterrupt):
        ingest(["x"], db, lambda: FakeAnalyzer(crash_after=3), reader=reader(articles()))
    with open_store(db) as store:
        assert store.count() == 3
        assert store.state("links_stale") == "1"
    with open_store(db) as store:  # reading an unlinked store links it first
        from newstrace.linking.query import ensure_linked, stories

        ensure_linked(store)
        assert sum(len(s["articles"]) for s in stories(store)) == 3
        assert store.state("links_stale") == "0"
        store.set_state("links_stale", "1")
    resumed = FakeAnalyzer()
    s = ingest(["x"], db, lambda: resumed, reader=reader(articles()))
    assert (s.stored, s.skipped) == (len(PARAS) - 3, 3)
    assert resumed.seen == [f"p{i}.txt" for i in range(3, len(PARAS))]
    with open_store(db) as store:
        assert store.count() == len(PARAS)
        keys = [a.key for a in store.articles()]
        assert len(set(keys)) == len(keys)
        assert all(a.story for a in store.articles())  # linking ran on the resumed run
        assert store.state("links_stale") == "0"


def test_failures_are_counted_and_the_rest_stored(store_db: str) -> None:
    items: list[Article | Failure] = [
        *articles()[:2],
        Failure("bad.html", "not valid UTF-8"),
        articles()[2],
    ]
    s = ingest(["x"], store_db, FakeAnalyzer, reader=reader(items))
    assert (s.stored, s.skipped, s.failed) == (3, 0, 1)
    assert s.failures == [Failure("bad.html", "not valid UTF-8")]


def test_duplicate_within_one_run_is_skipped(store_db: str) -> None:
    arts = articles()[:2]
    twin = Article(path="twin.txt", text=arts[0].text, meta=ArticleMeta())
    s = ingest(["x"], store_db, FakeAnalyzer, reader=reader([*arts, twin]))
    assert (s.stored, s.skipped) == (2, 1)
    assert s.skips == [("twin.txt", "same text as p0.txt, read earlier")]


def test_key_is_id_else_url_else_text_hash() -> None:
    seed = R.seed_analyzed()
    assert article_key(seed) == R.SEED_URL  # its id is its URL
    a = articles()[0]
    assert article_key(a).startswith("sha256:") and len(article_key(a)) == 7 + 64
    assert article_key(a) == article_key(Article(path="other", text=a.text, meta=ArticleMeta()))
    url = "https://news.example/a"
    assert article_key(Article(path="f", text="x", meta=ArticleMeta(url=url))) == url
    by_id = Article(path="f.jsonl:1", text="x", id="wcl50-0_L", meta=ArticleMeta(url=url))
    assert article_key(by_id) == "id:wcl50-0_L"


def _wire(rid: str, published: str, publisher: str) -> Article:
    meta = ArticleMeta(title="Russia bounties", published=published, publisher=publisher)
    return Article(path="wire.jsonl", text=SEED_TEXT, id=rid, meta=meta)


def test_same_text_under_another_id_is_stored_and_marked_a_copy(store_db: str) -> None:
    # Issue 7: three republished copies of one text vanished at ingest ("6 skipped", unnamed).
    db = store_db
    items = [
        _wire("yahoo-1", "2020-06-27T16:40:00Z", "Yahoo News"),
        _wire("afp-1", "2020-06-27T09:05:00-04:00", "AFP"),  # 13:05 UTC
        _wire("mt-1", "2020-06-27T15:00:00+02:00", "The Moscow Times"),  # 13:00 UTC
    ]
    s = ingest(["x"], db, FakeAnalyzer, reader=reader(items))
    assert (s.stored, s.skipped, s.skips) == (3, 0, [])
    with open_store(db) as store:
        rows = {r.id: r for r in store.articles()}
    # 15:00+02:00 is 13:00 UTC, five minutes before AFP's 13:05 UTC: the earliest by instant
    assert rows["mt-1"].copy_of is None
    assert rows["afp-1"].copy_of == rows["yahoo-1"].copy_of == "id:mt-1"
    again = ingest(["x"], db, FakeAnalyzer, reader=reader(items))
    assert again.skips == [(i.id, "already stored") for i in items]


def test_store_keyed_by_url_first_is_rekeyed(tmp_path: Path) -> None:
    # A store written before schema 4 keyed an article with an id and a URL by its URL; the
    # migration gives it its id key, and a rerun finds everything stored.
    db = tmp_path / "old.db"
    url = "https://news.example/wire"
    items = [
        Article(path="a.jsonl:1", text=SEED_TEXT, id="w-1", meta=ArticleMeta(url=url)),
        Article(path="a.jsonl:2", text=PARAS[0], id=None, meta=ArticleMeta()),
    ]
    conn = sqlite3.connect(db, isolation_level=None)
    for step, script in enumerate(MIGRATIONS[:3]):  # the schema as version 3 left it
        assert isinstance(script, str)
        conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {step + 1}; COMMIT;")
    for seq, (art, key) in enumerate(zip(items, (url, article_key(items[1])), strict=True), 1):
        conn.execute(
            "INSERT INTO articles (seq, key, path, input_id, url, record) VALUES (?,?,?,?,?,?)",
            (seq, key, art.path, art.id, art.meta.url, json.dumps(AnalyzedArticle(art).to_json())),
        )
    conn.execute("INSERT INTO links (article_seq, copy_of, story) VALUES (2, ?, NULL)", (url,))
    conn.close()
    with open_store(db) as store:
        keys = [r.key for r in store.articles()]
        copy_of = store.conn.execute("SELECT copy_of FROM links WHERE article_seq = 2").fetchone()
    assert keys[0] == "id:w-1" and keys[1].startswith("sha256:")
    assert copy_of == ("id:w-1",)
    s = ingest(["x"], db, FakeAnalyzer, reader=reader(items), link=False)
    assert (s.stored, s.skipped) == (0, 2)


def test_round_trip_and_flattened_attributions(store_db: str) -> None:
    seed = R.seed_analyzed()
    with open_store(store_db) as store:
        assert store.add(seed) is True
        assert store.add(seed) is False
        back = store.get(R.SEED_URL)
        assert back is not None and back.to_json() == seed.to_json()
        row = store.article(R.SEED_URL)
        assert row is not None
        assert (row.publisher, row.published, row.agencies) == (
            "The Moscow Times",
            "2020-06-27",
            ("AFP",),
        )
        assert row.id == str(R.SEED)  # no input id: the path
        n = store.conn.execute(
            "SELECT COUNT(*) FROM attributions WHERE stance IN ('deny', 'dismiss')"
        ).fetchone()[0]
        assert n == 4


def test_wal_mode_and_schema_version(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    with open_store(db) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with open_store(db) as store:  # reopening does not migrate twice
        assert store.count() == 0


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(db)


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    db.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        open_store(db)


POLNEAR_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev"


@pytest.mark.slow
@pytest.mark.skipif(not POLNEAR_DEV.exists(), reason="needs ../shared/data/polnear/dev")
def test_links_do_not_depend_on_ingest_order(tmp_path: Path) -> None:
    # Issue 11, item 9: PolNeAR dev ingested forward and reversed gave 74 vs 75 stories. The
    # whole linking (copies, then stories through the originals) is compared, with two
    # same-day versions of the seed whose original only a tie-break can pick.
    items = []
    for f in sorted((POLNEAR_DEV / "text").glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        meta = ArticleMeta(title=text.split("\n", 1)[0], published=f.stem.split("_")[1])
        items.append(Article(path=str(f), text=text, id=f.stem, meta=meta))
    for rid, text in (("seed-a", SEED_TEXT), ("seed-b", SEED_TEXT.replace(" said", " says"))):
        items.append(Article(path=rid, text=text, id=rid, meta=ArticleMeta(published="2020-06-27")))

    def links(order: list[Article], name: str) -> tuple[set[frozenset[str]], dict[str, str]]:
        db = tmp_path / name
        ingest(["x"], db, FakeAnalyzer, reader=reader(order))
        with open_store(db) as store:
            rows = store.articles()
        groups: dict[str, set[str]] = {}
        for r in rows:
            groups.setdefault(r.story or r.id, set()).add(r.id)
        return {frozenset(g) for g in groups.values()}, {r.id: r.copy_of for r in rows if r.copy_of}

    forward, reverse = links(items, "f.db"), links(items[::-1], "r.db")
    assert forward == reverse
    assert len(forward[1]) == 1  # the seed pair: one copy, the same original both ways
    assert len(forward[0]) < len(items)
