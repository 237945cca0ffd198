"""Fuzz the readers and the analysis (issue 11): the long version of tests/test_properties.py.

    python benchmarks/fuzz.py [--texts 3000] [--inputs 3000] [--seed 11]

Readers: real inputs (the bundled example, the test fixtures, PolNeAR texts when ../shared is
there) mutated at the byte level (flips, cuts, splices, random bytes, UTF-16, gzip, deep tags)
go through ``read_bytes`` under every file extension: anything but Articles, Failures or one
``InputError`` is a crash. Analysis: real texts mutated at the character level (cut spans,
stray quote marks, paragraph breaks, U+2028, shuffled paragraphs, random Unicode) go through
``Analyzer.analyze``: any exception is a crash, any span whose text is not ``text[start:end]``
(or JSON that does not round-trip) a bad offset. Prints the counts; exit status 1 if any.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import random
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newstrace.errors import InputError  # noqa: E402
from newstrace.ingest import read_bytes  # noqa: E402
from newstrace.ingest.text import read_text  # noqa: E402
from newstrace.model import AnalyzedArticle, Article, Failure  # noqa: E402

EXTENSIONS = [".txt", ".md", ".html", ".jsonl", ".xml", ".warc", ".txt.gz", ".json", ""]
MARKS = ["“", "”", '"', "‘", "’", "'", "«", "»", "\n", "\n\n", "\u2028", "\u0085", " said ", "—"]


def corpus() -> list[bytes]:
    files = [ROOT / "src" / "newstrace" / "data" / "moscow-times-russia-bounties.md"]
    files += sorted((ROOT / "tests" / "fixtures" / "ingest").glob("*"))
    files += sorted((ROOT / "tests" / "fixtures" / "polnear" / "text").glob("*.txt"))
    shared = ROOT.parent / "shared" / "data" / "polnear"
    files += sorted(shared.glob("**/*.txt"))[:200]
    return [f.read_bytes() for f in files if f.is_file() and f.stat().st_size < 2_000_000]


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        pos = rng.randrange(len(b) + 1)
        if op == 0 and b:  # flip bytes
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif op == 1:  # cut short
            del b[pos:]
        elif op == 2:  # random bytes in
            b[pos:pos] = rng.randbytes(rng.randint(1, 64))
        elif op == 3:  # splice with itself
            a = rng.randrange(len(b) + 1)
            b[pos:pos] = b[a : a + rng.randint(1, 400)]
        elif op == 4:  # re-encode as UTF-16, with or without a BOM
            text = bytes(b).decode("utf-8", "replace")
            b = bytearray(text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be"])))
        elif op == 5:  # nested tags
            depth = rng.choice([10, 1000, 20000])
            b[pos:pos] = b"<div>" * depth + b"x" + b"</div>" * rng.randint(0, depth)
        elif op == 6:  # gzip it (maybe cut)
            z = gzip.compress(bytes(b))
            b = bytearray(z[: rng.randint(1, len(z))] if rng.random() < 0.3 else z)
        elif op == 7:  # a markup / JSON / WARC head on anything
            b[0:0] = rng.choice([b"<html><body>", b'{"text": "', b"WARC/1.0\r\n", b"<rss>"])
    return bytes(b)


def mutate_text(rng: random.Random, text: str) -> str:
    t = text
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(6)
        pos = rng.randrange(len(t) + 1)
        if op == 0:  # cut a span
            t = t[:pos] + t[pos + rng.randint(1, 200) :]
        elif op == 1:  # stray marks
            t = t[:pos] + rng.choice(MARKS) + t[pos:]
        elif op == 2:  # random Unicode
            t = t[:pos] + "".join(chr(rng.randrange(1, 0x3000)) for _ in range(8)) + t[pos:]
        elif op == 3:  # shuffle paragraphs
            paras = t.split("\n\n")
            rng.shuffle(paras)
            t = "\n\n".join(paras)
        elif op == 4:  # only quote marks and spaces
            if rng.random() < 0.1:
                t = "".join(rng.choice("“”\"'’‘ \n") for _ in range(rng.randint(1, 300)))
        elif op == 5:  # duplicate a stretch
            a = rng.randrange(len(t) + 1)
            t = t[:pos] + t[a : a + rng.randint(1, 500)] + t[pos:]
    return t if t.strip() else "x"


def bad_offsets(record: AnalyzedArticle) -> int:
    text, bad = record.text, 0
    for a in record.attributions:
        spans = [s for s in (a.cue, a.content) if s is not None]
        if a.source is not None:
            spans.append(a.source.span)
        for s in spans:
            ok = 0 <= s.start <= s.end <= len(text) and text[s.start : s.end] == s.text
            ok = ok and all(s.start <= f0 <= f1 <= s.end for f0, f1 in s.fragments)
            if not ok:
                bad += 1
                print(
                    f"bad offset: {s} in {text[max(0, s.start - 40) : s.end + 40]!r}",
                    file=sys.stderr,
                )
        if a.source is None and a.content is None:  # a bare cue says nothing
            bad += 1
            print(f"bare cue: {a.cue}", file=sys.stderr)
    doc = record.to_json()
    if AnalyzedArticle.from_json(json.loads(json.dumps(doc))).to_json() != doc:
        bad += 1
        print(f"JSON does not round-trip: {record.article.path}", file=sys.stderr)
    return bad


def fuzz_readers(rng: random.Random, seeds: list[bytes], n: int) -> tuple[int, int, int]:
    crashes = articles = 0
    for i in range(n):
        data = mutate_bytes(rng, rng.choice(seeds))
        name = f"fuzz{i}{rng.choice(EXTENSIONS)}"
        try:
            out = read_bytes(data, name)
            for item in out:
                if isinstance(item, Article):
                    articles += 1
                    assert 0 <= item.body_start <= len(item.text)
                    assert all(0 <= s <= e <= len(item.text) for s, e in item.exclude)
                else:
                    assert isinstance(item, Failure)
        except InputError:
            pass
        except Exception:
            crashes += 1
            print(f"reader crash on {name}:", traceback.format_exc(limit=3), file=sys.stderr)
    return n, crashes, articles


def fuzz_analysis(rng: random.Random, seeds: list[bytes], n: int) -> tuple[int, int, int]:
    from newstrace.analysis.pipeline import Analyzer

    texts = [s.decode("utf-8", "replace") for s in seeds if not s.startswith(b"\x1f\x8b")]
    analyzer = Analyzer()
    crashes = bad = 0

    def batch(size: int) -> Iterator[Article]:
        for i in range(size):
            yield read_text(mutate_text(rng, rng.choice(texts)), f"fuzz{i}.txt")

    done = 0
    while done < n:
        size = min(64, n - done)
        arts = list(batch(size))
        try:
            records = list(analyzer.analyze(arts))
        except Exception:
            # Find the culprit(s) one by one, so one crash is not counted 64 times.
            records = []
            for a in arts:
                try:
                    records.append(analyzer.analyze_one(a))
                except Exception:
                    crashes += 1
                    print("analysis crash:", traceback.format_exc(limit=3), file=sys.stderr)
        bad += sum(bad_offsets(r) for r in records)
        done += size
    return n, crashes, bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--inputs", type=int, default=3000, help="mutated inputs for the readers")
    ap.add_argument("--texts", type=int, default=3000, help="mutated texts for the analysis")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    logging.getLogger("newstrace").setLevel(logging.ERROR)  # "N bytes replaced" warnings
    seeds = corpus()
    t0 = time.perf_counter()
    n, reader_crashes, articles = fuzz_readers(rng, seeds, args.inputs)
    t1 = time.perf_counter()
    print(
        f"readers: {n} inputs fuzzed from {len(seeds)} real files, {articles} articles read, "
        f"{reader_crashes} crashes ({t1 - t0:.0f} s)"
    )
    m, analysis_crashes, bad = fuzz_analysis(rng, seeds, args.texts)
    print(
        f"analysis: {m} texts fuzzed, {analysis_crashes} crashes, {bad} bad offsets "
        f"({time.perf_counter() - t1:.0f} s)"
    )
    return 1 if reader_crashes or analysis_crashes or bad else 0


if __name__ == "__main__":
    sys.exit(main())
