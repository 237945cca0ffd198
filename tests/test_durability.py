"""Durability (issue 11): ``ingest`` killed with SIGKILL at random points and rerun ends in the
same store as an uninterrupted run; readers polling during an ingest never fail; two ingests
into one store at once give the same store as one.

"The same store": every table but ``state`` row for row (articles with their full records,
attributions, copies and stories in ``links``, claims and their members), and ``PRAGMA
integrity_check`` is ``ok`` after every kill. Slow: about a dozen real ingest processes.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "src" / "newstrace" / "data" / "moscow-times-russia-bounties.md"
ENV = dict(os.environ, PYTHONPATH=str(ROOT / "src"), NEWSTRACE_PROFILE="fast")
CMD = [sys.executable, "-c", "from newstrace.cli import main; main()"]

pytestmark = pytest.mark.slow

TOPICS = [
    ("bridge", "the bridge will reopen in May", "Transport Minister Ana Ruiz", "Reuters"),
    ("vaccine", "the vaccine cut infections by half", "health officials", "AP"),
    ("pipeline", "the pipeline leaked for a week", "an environmental group", "AFP"),
    ("election", "turnout reached a record high", "the electoral commission", "Reuters"),
    ("port", "the port strike will end on Friday", "union leader Tom Hale", "AP"),
    ("satellite", "the satellite lost contact on Monday", "the space agency", "AFP"),
    ("tariff", "the tariffs will double next year", "Commerce Secretary Li Wen", "Reuters"),
    ("drought", "the drought destroyed a third of the harvest", "farm ministry data", "AP"),
]


def _body(topic: str, claim: str, source: str, agency: str, variant: int) -> str:
    paras = [
        f"{source.capitalize()} said on Tuesday that {claim}, a conclusion disputed by critics.",
        f"“We have looked at every figure and {claim},” {source} told {agency}.",
        f"Opposition lawmakers denied that {claim}, calling the {topic} report baseless.",
        f"The {topic} findings were first reported by {agency}, which cited two officials "
        "who spoke on condition of anonymity.",
    ]
    if variant == 2:  # an independent report: another source backs the claim
        paras = [
            f"An independent review found that {claim}, according to a report released on "
            "Wednesday.",
            f"“The evidence is clear,” said a {topic} analyst at the Lowell Institute.",
        ]
    return "\n\n".join(paras) + "\n"


def build_corpus(d: Path) -> int:
    """Write the corpus: per topic an original (JSONL, dated, with a URL), a retitled copy a
    day later (.txt) and an independent report (.txt); plus the bundled example. Returns the
    number of articles."""
    d.mkdir()
    (d / "seed.md").write_bytes(SEED.read_bytes())
    records = []
    for i, (topic, claim, source, agency) in enumerate(TOPICS):
        body = _body(topic, claim, source, agency, 0)
        records.append(
            {
                "title": f"{topic.capitalize()} claim stirs debate",
                "maintext": body,
                "url": f"https://news{i}.test/{topic}",
                "date_publish": f"2021-03-{10 + i:02d} 09:00:00",
                "source_domain": f"news{i}.test",
            }
        )
        (d / f"{topic}-copy.txt").write_text(
            f"{topic.upper()} UPDATE: officials weigh in\n\n{body}", encoding="utf-8"
        )
        (d / f"{topic}-review.txt").write_text(
            f"Review backs {topic} claim\n\n{_body(topic, claim, source, agency, 2)}",
            encoding="utf-8",
        )
    (d / "originals.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8"
    )
    return 1 + 3 * len(TOPICS)


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but ``state``, rows sorted; and the integrity check, which must pass.

    A full-text index is compared by its rows, not by its shadow tables (their b-tree segments
    depend on how the inserts were batched, not on what was inserted)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'state' ORDER BY name"
        ).fetchall()
        virtual = [n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
        tables = [n for n, _ in rows if not any(n.startswith(v + "_") for v in virtual)]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }
    finally:
        conn.close()


def ingest(corpus: Path, db: Path, *, progress: bool = False) -> subprocess.Popen[str]:
    # Batches of 2: storing is interleaved with reading, so a kill after k inputs were read
    # lands between analysing and storing, not before the first batch is full.
    env = dict(ENV, NEWSTRACE_BATCH_SIZE="2")
    return subprocess.Popen(
        [
            *CMD,
            "ingest",
            str(corpus),
            "--db",
            str(db),
            "--progress" if progress else "--no-progress",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )


class Progress:
    """Follows ``ingest --progress`` ("\\ringesting: N read") on the process's stderr."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.read = 0
        self.text = ""
        self._thread = threading.Thread(target=self._follow, args=(proc,), daemon=True)
        self._thread.start()

    def _follow(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        while ch := proc.stderr.read(1):
            self.text += ch
            m = re.search(r"ingesting: (\d+) read$", self.text[-40:])
            if m:
                self.read = int(m.group(1))

    def wait_for(self, count: int, proc: subprocess.Popen[str], timeout: float = 300) -> bool:
        end = time.monotonic() + timeout
        while self.read < count and proc.poll() is None and time.monotonic() < end:
            time.sleep(0.01)
        return self.read >= count


def stored(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def read(command: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CMD, command, "--db", str(db), "--format", "json"],
        capture_output=True,
        env=ENV,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], float]:
    """One uninterrupted ingest, with readers polling the store every 0.3 s meanwhile."""
    base = tmp_path_factory.mktemp("durability")
    corpus = base / "corpus"
    n = build_corpus(corpus)
    db = base / "reference.db"
    start = time.monotonic()
    proc = ingest(corpus, db)
    polls, failures = 0, []
    while proc.poll() is None:
        time.sleep(0.3)
        if not db.exists():
            continue
        for command in ("articles", "stories"):
            r = read(command, db)
            polls += 1
            # Before the first article lands the file may hold no store yet (exit 4, one
            # line); anything else, or any traceback, is a failure.
            if (
                r.returncode != 0
                and not (r.returncode == 4 and "not a newstrace database yet" in r.stderr)
                or "Traceback" in r.stderr
            ):
                failures.append((command, r.returncode, r.stderr[-500:]))
            elif r.returncode == 0:
                json.loads(r.stdout)
    elapsed = time.monotonic() - start
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert out.strip() == f"{n} stored, 0 skipped, 0 failed"
    assert failures == [], failures
    print(f"readers polled {polls} times during the reference ingest, 0 failures")
    assert polls >= 4, "the ingest finished before the readers could poll it"
    state = dump(db)
    assert len(state["articles"]) == n
    assert any(row[1] is not None for row in state["links"]), "no copies found: a weak corpus"
    return corpus, state, elapsed


def test_sigkill_at_random_points_then_rerun_gives_the_same_store(
    reference: tuple[Path, dict[str, Any], float], tmp_path: Path
) -> None:
    corpus, expected, _ = reference
    n = len(expected["articles"])
    db = tmp_path / "killed.db"
    rng = random.Random(1107)
    phases = []
    # Five kills while articles are analysed and stored (after a random number of inputs
    # read), then two after every input was read (analysing the last batch, or linking).
    # Incremental linking takes well under a second here: a kill after reading must come
    # quickly to land in it.
    for plan in ("store", "store", "store", "store", "store", "link", "link"):
        done = stored(db)
        proc = ingest(corpus, db, progress=True)
        watch = Progress(proc)
        if plan == "store":
            watch.wait_for(rng.randint(min(done + 1, n), n), proc)
        else:
            watch.wait_for(n, proc)
            time.sleep(rng.uniform(0.0, 0.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert "Traceback" not in watch.text
        after = stored(db)
        phases.append((plan, proc.returncode, done, after))
        if db.exists():
            dump(db)  # the integrity check holds after every kill
    kills = [p for p in phases if p[1] == -signal.SIGKILL]
    print("(plan, exit, stored before, stored after):", phases)
    assert len(kills) >= 5, phases
    assert any(0 < after < n for _, _, _, after in kills), phases  # mid-store
    proc = ingest(corpus, db)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert dump(db) == expected


def test_two_concurrent_ingests_give_the_same_store_as_one(
    reference: tuple[Path, dict[str, Any], float], tmp_path: Path
) -> None:
    corpus, expected, _ = reference
    db = tmp_path / "twice.db"
    first, second = ingest(corpus, db), ingest(corpus, db)
    results = [p.communicate(timeout=600) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], [e for _, e in results]
    stored = [int(out.split()[0]) for out, _ in results]
    assert sum(stored) == len(expected["articles"])
    assert dump(db) == expected


def _open_and_read(path: str) -> int:
    from newstrace.store import open_store

    with open_store(path) as store:
        return len(store.articles())


def test_processes_opening_one_new_store_at_once_all_succeed(tmp_path: Path) -> None:
    # Regression: each process saw schema version 0 and ran the migrations; the slower one
    # failed with "table articles already exists" or "duplicate column name".
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    for round_ in range(6):
        db = str(tmp_path / f"new{round_}.db")
        with ctx.Pool(6) as pool:
            assert pool.map(_open_and_read, [db] * 6, chunksize=1) == [0] * 6
