"""Incremental linking gives exactly the full relink's links (issue 10, item 1).

The shared corpora (claims-dev and PolNeAR dev) are analysed once per session with the fast
profile (``analyze --format jsonl``: ``ingest`` stores such records without parsing), then
ingested into fresh stores in one batch, in many small batches and in other orders; every
store must hold the same stories (partitions of article keys), the same copy_of and the same
claims (sets of member (article key, attribution index)) as ``newstrace relink`` of the same
store. A hand-made synthetic store (benchmarks/linking.py's builder: near-copies, dense days)
checks the same without spaCy, fast.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newstrace.linking.link import link_store
from newstrace.model import AnalyzedArticle
from newstrace.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
if not SHARED.exists():
    SHARED = Path("/work/shared/data")


def links_of(db: Path) -> tuple[Any, ...]:
    """(stories as a partition of keys, copy_of per key, claims as sets of members)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        keys = dict(conn.execute("SELECT seq, key FROM articles"))
        stories: dict[str, set[str]] = {}
        copies = {}
        for seq, copy_of, story in conn.execute("SELECT article_seq, copy_of, story FROM links"):
            stories.setdefault(story, set()).add(keys[seq])
            copies[keys[seq]] = copy_of
        assert len(copies) == len(keys), "an article without links"
        claims: dict[str, set[tuple[str, int]]] = {}
        for cid, seq, idx in conn.execute("SELECT claim_id, article_seq, idx FROM claim_members"):
            claims.setdefault(cid, set()).add((keys[seq], idx))
        return (
            sorted(sorted(v) for v in stories.values()),
            sorted(copies.items()),
            sorted(sorted(v) for v in claims.values()),
        )
    finally:
        conn.close()


def ingest_batches(records: list[AnalyzedArticle], db: Path, sizes: list[int]) -> None:
    with open_store(db) as store:
        at = 0
        for size in sizes:
            for rec in records[at : at + size]:
                store.add(rec)
            at += size
            link_store(store)
        assert at == len(records)


def relinked(db: Path) -> tuple[Any, ...]:
    with open_store(db) as store:
        link_store(store, full=True)
    return links_of(db)


def _synthetic(tmp: Path, n: int) -> list[AnalyzedArticle]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import linking as bench  # benchmarks/linking.py
    finally:
        sys.path.pop(0)
    db = tmp / "synthetic.db"
    bench.build(n, str(db), seed=3)
    with open_store(db) as store:
        return [rec for _row, rec in store.records()]


@pytest.mark.slow
def test_incremental_equals_full_on_a_synthetic_store(tmp_path: Path) -> None:
    if not (SHARED / "polnear").exists():
        pytest.skip("needs ../shared (the synthetic texts come from its corpora)")
    records = _synthetic(tmp_path, 240)
    one = tmp_path / "one.db"
    ingest_batches(records, one, [len(records)])
    expected = links_of(one)
    assert any(c for _k, c in expected[1]), "no copies: a weak test store"
    assert any(len(s) > 1 for s in expected[0]), "no story of two articles: a weak test store"
    shuffled = records[:]
    random.Random(5).shuffle(shuffled)
    many = tmp_path / "many.db"
    # a first batch, then batches of 1 to 40 (the small ones go the incremental way)
    ingest_batches(shuffled, many, [120, 1, 1, 3, 40, 7, 1, 20, 25, 22])
    assert links_of(many) == expected
    assert relinked(many) == expected


@pytest.fixture(scope="session")
def shared_records(tmp_path_factory: pytest.TempPathFactory) -> list[AnalyzedArticle]:
    """claims-dev + PolNeAR dev, analysed once (fast profile)."""
    if not (SHARED / "claims-dev").exists() or not (SHARED / "polnear").exists():
        pytest.skip("needs ../shared/data (claims-dev, polnear)")
    out = tmp_path_factory.mktemp("records") / "records.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from newstrace.cli import main; main()",
                "analyze",
                "--profile",
                "fast",
                "--format",
                "jsonl",
                str(SHARED / "claims-dev" / "articles.jsonl"),
                str(SHARED / "polnear" / "dev" / "text"),
            ],
            stdout=fh,
            check=True,
        )
    import json

    return [
        AnalyzedArticle.from_json(json.loads(line))
        for line in out.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@pytest.mark.slow
def test_incremental_equals_full_on_the_shared_corpora(
    shared_records: list[AnalyzedArticle], tmp_path: Path
) -> None:
    records = shared_records
    one = tmp_path / "one.db"
    ingest_batches(records, one, [len(records)])
    expected = links_of(one)
    assert relinked(one) == expected
    rng = random.Random(10)
    for name, order in (
        ("reversed", records[::-1]),
        ("shuffled", rng.sample(records, len(records))),
    ):
        db = tmp_path / f"{name}.db"
        sizes = [60] + [1] * 5 + [3] * 5 + [10] * 4
        sizes.append(len(order) - sum(sizes))
        ingest_batches(order, db, sizes)
        assert links_of(db) == expected, name
        assert relinked(db) == expected, name
