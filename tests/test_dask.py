"""Analysis on a local Dask cluster gives the records of one process, in input order."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed", reason="the [dask] extra is not installed")

from newstrace.ingest import iter_articles  # noqa: E402
from newstrace.model import Article  # noqa: E402
from newstrace.orchestrate import run_batch  # noqa: E402
from newstrace.orchestrate.cluster import DaskAnalyzer, partitions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason=f"no shared corpora at {SHARED}")
SEED = ROOT / "src" / "newstrace" / "data" / "moscow-times-russia-bounties.md"
FIXTURES = [SEED, ROOT / "tests" / "fixtures" / "polnear" / "text" / "smith-plan.txt"]
# Rules only: the point is where the analysis runs, not the tagger (fast, and the same code path).
SETTINGS = {"use_tagger": False, "batch_size": 4}


def _articles() -> list[Article]:
    arts = [a for a in iter_articles([str(p) for p in FIXTURES]) if isinstance(a, Article)]
    # Paragraphs of the seed as articles of their own: several partitions per worker.
    paras = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p) > 200][:6]
    arts += [Article(path=f"para{i}.txt", text=p, meta=arts[0].meta) for i, p in enumerate(paras)]
    return arts


def test_partitions_keep_the_order_and_shrink_as_the_input_runs_out() -> None:
    parts = list(partitions(iter(range(120)), 8, 2, 16))  # the whole input read ahead
    assert [x for part in parts for x in part] == list(range(120))
    sizes = [len(part) for part in parts]
    assert sizes[:10] == [8] * 10
    # the last ones small, so two workers finish within an article or two of each other
    assert sizes[-4:] == [1, 1, 1, 1]
    assert sizes == sorted(sizes, reverse=True)
    # a long stream: full partitions until its end comes within the read-ahead
    streamed = [len(part) for part in partitions(iter(range(1000)), 8, 2, 4)]
    assert sum(streamed) == 1000
    assert streamed[:110] == [8] * 110 and streamed[-1] == 1
    assert list(partitions(iter([]), 8, 2, 4)) == []


@pytest.fixture(scope="module")
def cluster() -> Any:
    with DaskAnalyzer(SETTINGS, workers=2, partition=2) as dask:
        yield dask


@pytest.mark.slow
def test_two_workers_give_the_records_of_one_process(cluster: Any) -> None:
    from newstrace.analysis.pipeline import Analyzer

    arts = _articles()
    local = [r.to_json() for r in Analyzer(**SETTINGS).analyze(arts)]
    assert cluster.workers == 2
    remote = [r.to_json() for r in cluster.analyze(iter(arts))]
    assert [r["path"] for r in remote] == [a.path for a in arts]  # input order kept
    assert remote == local
    assert sum(len(r["attributions"]) for r in remote) > 10


@pytest.mark.slow
def test_ingest_on_the_cluster_stores_what_one_process_stores(cluster: Any, tmp_path: Path) -> None:
    from newstrace.analysis.pipeline import Analyzer

    paths = [str(p) for p in FIXTURES]

    class Keep:  # run_batch closes its analyser; the module's cluster outlives this test
        def analyze(self, arts: Any) -> Any:
            return cluster.analyze(arts)

    one = run_batch(paths, tmp_path / "one.db", lambda: Analyzer(**SETTINGS))
    two = run_batch(paths, tmp_path / "two.db", Keep)
    assert (one.stored, two.stored) == (2, 2)

    def rows(db: Path) -> list[Any]:
        conn = sqlite3.connect(db)
        try:
            return conn.execute(
                "SELECT a.key, a.record, l.copy_of, l.story FROM articles a "
                "JOIN links l ON l.article_seq = a.seq ORDER BY a.seq"
            ).fetchall()
        finally:
            conn.close()

    assert rows(tmp_path / "two.db") == rows(tmp_path / "one.db")


@pytest.mark.slow
def test_workers_embed_what_linking_needs(
    cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each record comes back with the vectors of its statements, stored with it: the vectors
    one process's linking computes, and linking the store embeds none of them again."""
    from newstrace.analysis.pipeline import Analyzer
    from newstrace.linking import embed
    from newstrace.linking.link import link_store, vector_key
    from newstrace.store import open_store

    paths = [str(p) for p in FIXTURES]

    class Keep:
        def analyze_for_store(self, arts: Any) -> Any:
            return cluster.analyze_for_store(arts)

    assert run_batch(paths, tmp_path / "two.db", Keep, link=False).stored == 2
    assert run_batch(paths, tmp_path / "one.db", lambda: Analyzer(**SETTINGS)).stored == 2

    def vectors(db: Path) -> dict[bytes, bytes]:
        conn = sqlite3.connect(db)
        try:
            return dict(conn.execute("SELECT hash, vector FROM sentence_vectors"))
        finally:
            conn.close()

    sent, linked = vectors(tmp_path / "two.db"), vectors(tmp_path / "one.db")
    assert len(sent) > 20
    assert {k: linked.get(k) for k in sent} == sent

    asked: list[str] = []
    real = embed.Embedder.encode

    def encode(self: Any, texts: Any) -> Any:
        asked.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(embed.Embedder, "encode", encode)
    with open_store(tmp_path / "two.db") as store:
        link_store(store)
    assert not {vector_key(t) for t in asked} & set(sent)

    def claims(db: Path) -> list[Any]:
        conn = sqlite3.connect(db)
        try:
            return conn.execute("SELECT id, text, record FROM claims ORDER BY id").fetchall()
        finally:
            conn.close()

    assert claims(tmp_path / "two.db") == claims(tmp_path / "one.db")


@pytest.mark.slow
def test_a_failed_partition_is_one_error_naming_its_articles(cluster: Any) -> None:
    from newstrace.errors import NewstraceError
    from newstrace.orchestrate.cluster import analyze_partition

    settings = cluster.settings
    cluster.settings = {**settings, "no_such_option": 1}  # Analyzer() raises on the worker
    try:
        with pytest.raises(NewstraceError) as caught:
            list(cluster._run(_articles()[:3], analyze_partition))
    finally:
        cluster.settings = settings
    from newstrace.store.db import display_id

    message = str(caught.value)
    assert display_id(_articles()[0]) in message and "TypeError" in message
    assert "rerun the same command" in message and "\n" not in message


@pytest.mark.slow
def test_an_existing_cluster_by_its_scheduler_address(cluster: Any) -> None:
    from newstrace.analysis.pipeline import Analyzer

    arts = _articles()[:3]
    address = cluster.cluster.scheduler_address  # what `dask scheduler` prints
    with DaskAnalyzer(SETTINGS, scheduler=address) as remote:
        assert remote.cluster is None and remote.workers == 2
        got = [r.to_json() for r in remote.analyze(arts)]
    assert got == [r.to_json() for r in Analyzer(**SETTINGS).analyze(arts)]
    assert cluster.client.status == "running"  # closing a client leaves the cluster up


SHARED_PATHS = [
    str(SHARED / "data" / "polnear" / "dev"),
    str(SHARED / "data" / "claims-dev" / "articles.jsonl"),
]


def _tables(db: str | Path, to: Path) -> dict[str, list[str]]:
    """Every exported table of the store at ``db``, as sorted JSON lines."""
    from newstrace.export import export
    from newstrace.store import open_store

    with open_store(db, readonly=True) as store, store.snapshot():
        files = export(store, to, "jsonl")
    return {p.stem: sorted(p.read_text(encoding="utf-8").splitlines()) for p in files}


@pytest.fixture(scope="module")
def one_process(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """PolNeAR dev + claims-dev analysed in one process into SQLite, as exported tables."""
    from newstrace.analysis.pipeline import Analyzer

    tmp = tmp_path_factory.mktemp("one")
    one = run_batch(SHARED_PATHS, tmp / "one.db", lambda: Analyzer(**SETTINGS))
    assert one.stored > 100 and not one.failed
    return _tables(tmp / "one.db", tmp / "tables")


@needs_shared
@pytest.mark.slow
def test_shared_corpora_on_two_workers_link_like_one_process(
    cluster: Any, one_process: dict[str, list[str]], store_db: str, tmp_path: Path
) -> None:
    """Issue 10, acceptance 2: ``--workers 2`` into SQLite or PostgreSQL gives the articles,
    copies, stories, claims and claim members of one process into SQLite."""

    class Keep:  # run_batch closes its analyser; the module's cluster outlives this test
        def analyze_for_store(self, arts: Any) -> Any:  # what `ingest --workers` runs
            return cluster.analyze_for_store(arts)

    two = run_batch(SHARED_PATHS, store_db, Keep)
    assert not two.failed
    got = _tables(store_db, tmp_path / "tables")
    for table, rows in one_process.items():
        assert got[table] == rows, table


def test_without_a_scheduler_it_says_so() -> None:
    from newstrace.errors import UsageError

    with pytest.raises(UsageError, match="no Dask scheduler"):
        DaskAnalyzer(SETTINGS, scheduler="tcp://127.0.0.1:9", timeout=1)
