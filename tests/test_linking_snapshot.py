"""Readers never see a store half-linked (issue 11, item 2).

Linking reads one snapshot and writes links, indexes and claims in one transaction. Before,
links were committed first and claims a transaction later, so a reader in between saw stories
whose claims were gone and claims of stories that no longer existed. Here a linking (a relink
and an incremental one) runs in another process while this one reads, each read in its own
snapshot, as fast as it can: every read must see every claim's story among the stories of the
links, every article linked or none, and the claim count of one linking or the other.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newstrace.linking.link import link_store
from newstrace.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
if not SHARED.exists():
    SHARED = Path("/work/shared/data")

pytestmark = pytest.mark.slow

LINK = """
import sys
from newstrace.linking.link import link_store
from newstrace.store import open_store
with open_store(sys.argv[1]) as store:
    link_store(store, full=sys.argv[2] == "full")
"""


def _poll(db: Path, proc: subprocess.Popen[bytes]) -> list[tuple[int, int, int]]:
    """(orphan claims, claim count, linked articles) of every read while ``proc`` runs."""
    seen = []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    try:
        while proc.poll() is None:
            conn.execute("BEGIN")
            orphans = conn.execute(
                "SELECT COUNT(*) FROM claims WHERE story NOT IN (SELECT story FROM links)"
            ).fetchone()[0]
            claims = conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
            linked = conn.execute("SELECT COUNT(*) FROM links").fetchone()[0]
            conn.execute("COMMIT")
            seen.append((orphans, claims, linked))
            time.sleep(0.005)
    finally:
        conn.close()
    return seen


def test_readers_during_linking_see_one_linking_or_the_other(tmp_path: Path) -> None:
    if not (SHARED / "polnear").exists():
        pytest.skip("needs ../shared (the synthetic texts come from its corpora)")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import linking as bench  # benchmarks/linking.py
    finally:
        sys.path.pop(0)
    db = tmp_path / "store.db"
    bench.build(300, str(db), seed=4)
    with open_store(db) as store:
        records = [rec for _row, rec in store.records()]
    # a store of 240 linked articles, then 60 more stored and linked by another process
    db2 = tmp_path / "live.db"
    with open_store(db2) as store:
        for rec in records[:240]:
            store.add(rec)
        before = link_store(store)
        for rec in records[240:]:
            store.add(rec)
    for mode in ("incremental", "full"):
        proc = subprocess.Popen([sys.executable, "-c", LINK, str(db2), mode])
        seen = _poll(db2, proc)
        assert proc.wait() == 0
        with open_store(db2) as store:
            after = link_store(store)  # nothing new: the stored linking
        assert len(seen) >= 10, "the linking ended before the reader could look"
        assert all(orphans == 0 for orphans, _c, _l in seen), seen
        # every read sees the linking before or the one after, nothing in between
        states = {(c, n) for _o, c, n in seen}
        assert states <= {(before.claims, before.articles), (after.claims, after.articles)}, states
        before = after
