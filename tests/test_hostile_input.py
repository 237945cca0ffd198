"""Hostile input (issue 11): good articles mixed with everything a dirty corpus holds.

Every good article is stored, every bad input is reported once, on one line naming it, no
traceback, the exit status is 2, and the whole run (spaCy included) stays under 2 GB.
The commands run as real processes so that peak memory is the process's own (``wait4``).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

from newstrace.api import analyze_paths
from newstrace.model import Failure

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "src" / "newstrace" / "data" / "moscow-times-russia-bounties.md"
PEAK_LIMIT_KB = 2 * 1024 * 1024  # 2 GB, as ru_maxrss counts (KB on Linux)


def _paragraphs(topic: str) -> str:
    return (
        f"The {topic} plan was approved on Tuesday, officials said.\n\n"
        f"“We are confident the {topic} measures will work,” the minister told reporters, "
        f"adding that the {topic} budget would be published next week.\n\n"
        f"Critics said the {topic} proposal was rushed, according to a statement.\n"
    )


def _bomb(decompressed: int) -> bytes:
    """A .gz of ``decompressed`` bytes of zeros: one 64 MB member repeated (concatenated
    members are one valid gzip file), so 2 GB costs a few MB to write."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = b"".join(c.compress(bytes(1 << 20)) for _ in range(64)) + c.flush()
    return member * (decompressed // (64 << 20))


def build_corpus(d: Path) -> tuple[list[str], list[str]]:
    """Write the mix into ``d``: (names expected stored, names expected reported)."""
    rng = random.Random(11)
    good: list[str] = []
    bad: list[str] = []

    def put(name: str, data: bytes, ok: bool) -> None:
        (d / name).write_bytes(data)
        (good if ok else bad).append(name)

    put("seed.md", SEED.read_bytes(), True)
    put("plain.txt", ("Budget Approved\n\n" + _paragraphs("budget")).encode(), True)
    put(
        "page.html",
        (
            "<html><head><title>Port Reopens</title></head><body><article><h1>Port Reopens</h1>"
            + "".join(f"<p>{p}</p>" for p in _paragraphs("port").split("\n\n"))
            + "</article></body></html>"
        ).encode(),
        True,
    )
    put("utf16-bom.txt", ("Rail Strike\n\n" + _paragraphs("rail")).encode("utf-16"), True)
    put("utf16-nobom.txt", ("Grid Upgrade\n\n" + _paragraphs("grid")).encode("utf-16-le"), True)
    stray = ("Water Deal\n\n" + _paragraphs("water")).encode()
    put("stray-byte.txt", stray[:40] + b"\xff" + stray[40:], True)
    put(
        "latin1-says-utf8.html",
        b"<html><head><meta charset='utf-8'><title>Caf\xe9 Rules</title></head><body><p>"
        + _paragraphs("caf\u00e9").replace("\n\n", "</p><p>").encode("cp1252")  # Latin-1 + “”
        + b"</p></body></html>",
        True,
    )
    records = [
        json.dumps({"title": "Tax Cut", "text": _paragraphs("tax"), "url": "https://x.test/tax"}),
        "{broken json",
        json.dumps(
            {
                "title": "Line Separator",
                "text": "The ferry\u2028plan was approved, officials said.\u0085 More later.",
                "url": "https://x.test/ferry",
            },
            ensure_ascii=False,
        ),
        '{"title": "no text here"}',
    ]
    (d / "records.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    good += ["records.jsonl"]  # two records stored; lines 2 and 4 reported (below)

    put("random.txt", bytes(rng.randrange(256) for _ in range(20_000)), False)
    put("empty.txt", b"", False)
    put(
        "deep.html",
        b"<html><body>" + b"<div>" * 100_000 + b"<p>Deep.</p>" + b"</div>" * 100_000,
        False,
    )
    put("long.txt", ("Long\n\n" + "word " * 400_000).encode(), False)  # 2,000,006 characters
    put("bomb.txt.gz", _bomb(2 << 30), False)
    put(
        "script-only.html",
        b"<html><head><script>var a = 1;</script></head><body><script>go()</script></body></html>",
        False,
    )
    put(
        "cut.warc",
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.test/cut\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: 5000\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>The minister said",
        False,
    )
    put("broken-feed.xml", b"<?xml version='1.0'?><rss><channel><item><title>Cut", False)
    os.symlink("loop.txt", d / "loop.txt")
    bad.append("loop.txt")
    return good, bad


def _run(*args: str) -> tuple[int, str, str, int]:
    """Run ``newstrace ARGS`` as a process: (exit status, stdout, stderr, peak RSS in KB)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), NEWSTRACE_PROFILE="fast")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from newstrace.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    out, err = proc.communicate(timeout=900)
    # communicate() reaped the child; its peak RSS is in the children's rusage (this test
    # process starts no other large child before it).
    import resource

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return proc.returncode, out, err, peak


def test_hostile_batch_stores_every_good_and_reports_every_bad_once(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    good, bad = build_corpus(corpus)
    db = tmp_path / "store.db"
    code, out, err, peak = _run("ingest", str(corpus), "--db", str(db), "--no-progress")

    assert "Traceback" not in err, err
    assert code == 2, (out, err)
    errors = [ln for ln in err.splitlines() if ln.startswith("newstrace: error: ")]
    assert len(errors) == len(err.splitlines()) - err.count("newstrace: warning: ")
    for name in bad:
        hits = [ln for ln in errors if f"/{name}:" in ln]
        assert len(hits) == 1, (name, errors)
    jsonl = sorted(ln.split("records.jsonl")[1].split(" ")[0] for ln in errors if "jsonl" in ln)
    assert jsonl == [":2:", ":4:"]
    assert len(errors) == len(bad) + 2
    assert "stray-byte.txt: 1 invalid UTF-8 byte replaced" in err

    conn = sqlite3.connect(db)
    stored = sorted(Path(p).name for (p,) in conn.execute("SELECT path FROM articles"))
    conn.close()
    expected = sorted(good + ["records.jsonl"])  # records.jsonl holds two good records
    assert stored == expected
    assert (
        out.strip().splitlines()[-1] == f"{len(expected)} stored, 0 skipped, {len(bad) + 2} failed"
    )
    assert peak < PEAK_LIMIT_KB, f"peak RSS {peak / 1024:.0f} MB"

    # The stray-byte file kept its UTF-8 (the curly quotes survive); UTF-16 was read as text.
    code, out, err, _ = _run("articles", "--db", str(db), "--format", "json")
    assert code == 0, err
    titles = {Path(a["path"]).name: a["title"] for a in json.loads(out)}
    assert titles["utf16-nobom.txt"] == "Grid Upgrade"
    assert titles["latin1-says-utf8.html"] == "Café Rules"


def test_long_text_does_not_lose_the_batch(tmp_path: Path) -> None:
    """The issue's own reproduction: good.txt + a 1,000,001-character b.txt."""
    good = tmp_path / "good.txt"
    good.write_text("Budget Approved\n\n" + _paragraphs("budget"), encoding="utf-8")
    long = tmp_path / "b.txt"
    long.write_text("a" * 1_000_001, encoding="utf-8")
    db = tmp_path / "x.db"

    code, out, err, _ = _run("ingest", str(good), str(long), "--db", str(db), "--no-progress")
    assert (code, out.strip()) == (2, "1 stored, 0 skipped, 1 failed"), err
    assert err.splitlines() == [
        f"newstrace: error: {long}: text too long (1,000,001 characters > 1,000,000; "
        "split it, or raise the limit with NEWSTRACE_MAX_CHARS)"
    ]

    code, out, err, _ = _run("analyze", str(good), str(long), "--format", "jsonl")
    assert code == 2 and "Traceback" not in err
    assert [json.loads(ln)["path"] for ln in out.splitlines()] == [str(good)]
    assert len(err.splitlines()) == 1 and str(long) in err


def test_file_vanishing_mid_run_is_reported_once(tmp_path: Path, analyzer) -> None:
    """A file listed by the directory walk and deleted before it is read."""
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"{name} Headline\n\n" + _paragraphs(name), encoding="utf-8")

    def vanish(article: object) -> None:
        (tmp_path / "b.txt").unlink(missing_ok=True)

    out = list(analyze_paths([str(tmp_path)], analyzer, on_article=vanish))
    fails = [(f.path, f.reason) for f in out if isinstance(f, Failure)]
    assert fails == [(str(tmp_path / "b.txt"), "no such file (deleted or moved while reading?)")]
    assert sorted(Path(r.article.path).name for r in out if not isinstance(r, Failure)) == [
        "a.txt",
        "c.txt",
    ]
