"""Web app latency: ``newstrace serve`` over a 10k-article store, 20 concurrent clients.

The store is made from analysed records, not by parsing 10k texts: the claims-dev (25) and
BASIL dev (150) articles and the seed are analysed once with the dependency rules (cached in the
work dir), cut into paragraphs that keep their attributions (offsets shifted with them), and
recombined. Each synthetic story takes most paragraphs from one real story plus a few from
others, across 3-5 outlets on nearby days; one article in ten is a near-copy of an earlier one
(trimmed, boilerplate appended), so copies, stories and claims are all present. A base of 2,000
such articles is stored and linked as ``ingest`` would (minutes: the linker's cost is measured by
benchmarks/linking.py); the 10k store is that base copied five times under new ids and later
dates, its links and claims renamed to match (seconds).

``serve`` runs in a subprocess on 127.0.0.1; 20 client threads (one keep-alive connection
each, no think time) request for a bounded time a uniform mix of the stories list (random
pages), a story, an article, a claim and a search (random title words, articles or claims),
each picked at random from the whole store so that most requests miss the page cache.

Usage: python benchmarks/web.py [--articles 10000] [--clients 20] [--seconds 30] [--workdir DIR]
Pass: p95 < 100 ms over all requests and no errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
if not SHARED.exists():
    SHARED = Path("/work/shared")
SEED = ROOT / "src/newstrace/data/moscow-times-russia-bounties.md"
OUTLETS = {"nyt": "The New York Times", "fox": "Fox News", "hpo": "HuffPost"}
PUBLISHERS = [
    "The New York Times",
    "Fox News",
    "HuffPost",
    "USA Today",
    "Breitbart",
    "The Washington Post",
    "Politico",
    "Reuters",
    "The Associated Press",
    "The Guardian",
]
P95_LIMIT_MS = 100.0


# -- the store --------------------------------------------------------------------------------
def _base_articles() -> list[Any]:
    from newstrace.ingest import iter_articles
    from newstrace.model import Article, ArticleMeta

    arts: list[Any] = [a for a in iter_articles([str(SEED)]) if isinstance(a, Article)]
    claims = SHARED / "data/claims-dev/articles.jsonl"
    if claims.exists():
        arts += [a for a in iter_articles([str(claims)]) if isinstance(a, Article)]
    for p in sorted((SHARED / "data/basil-dev/articles").rglob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        body = "\n\n".join(" ".join(s) for s in d.get("body-paragraphs") or [])
        arts.append(
            Article(
                path=str(p),
                text=f"{d.get('title') or ''}\n\n{body}\n",
                id=p.stem,
                meta=ArticleMeta(
                    title=d.get("title"),
                    publisher=OUTLETS.get(str(d.get("source", "")).lower()),
                    published=d.get("date"),
                ),
            )
        )
    return arts


def base_records(workdir: Path) -> list[dict[str, Any]]:
    """The real articles, analysed once (rules only) and cached as JSONL in ``workdir``."""
    cache = workdir / "base-records.jsonl"
    if cache.exists():
        return [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]
    from newstrace.analysis.pipeline import Analyzer

    t = time.perf_counter()
    recs = [a.to_json() for a in Analyzer(use_tagger=False).analyze(_base_articles())]
    cache.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    print(f"analysed {len(recs)} base articles in {time.perf_counter() - t:.1f}s", flush=True)
    return recs


def _spans(a: dict[str, Any]) -> list[dict[str, Any]]:
    return [a[k] for k in ("source", "cue", "content") if a.get(k)]


def _shift(a: dict[str, Any], delta: int) -> dict[str, Any]:
    out = dict(a)
    for k in ("source", "cue", "content"):
        if a.get(k):
            s = dict(a[k])
            s["start"] += delta
            s["end"] += delta
            if s.get("fragments"):
                s["fragments"] = [[x + delta, y + delta] for x, y in s["fragments"]]
            out[k] = s
    return out


def paragraphs(rec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The record's paragraphs, each with the attributions wholly inside it (offsets made
    relative to the paragraph)."""
    text = rec["text"]
    out = []
    pos = 0
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text):
        s, e = m.span()
        if e - s < 60:
            continue
        inside = [
            _shift(a, -s)
            for a in rec["attributions"]
            if all(s <= sp["start"] and sp["end"] <= e for sp in _spans(a))
        ]
        out.append((text[s:e], inside))
        pos = e
    del pos
    return out


def synthesise(n: int, bases: list[dict[str, Any]], seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    paras = [paragraphs(b) for b in bases]
    groups = [i for i, p in enumerate(paras) if len(p) >= 3]
    start = date(2016, 1, 1)
    out: list[dict[str, Any]] = []
    i = 0
    while len(out) < n:
        base = bases[rng.choice(groups)]
        day = start + timedelta(days=len(out) // 30)  # ~30 articles a day, as archives grow
        for _ in range(rng.randint(3, 5)):
            if len(out) >= n:
                break
            if out and rng.random() < 0.1:
                orig = out[rng.randrange(max(0, len(out) - 100), len(out))]
                text = (
                    orig["text"] + "\nCopyright. All rights reserved. Sign up for our newsletter.\n"
                )
                rec = {**orig, "text": text}
                rec["article"] = {
                    **orig["article"],
                    "publisher": rng.choice(PUBLISHERS),
                    "published": (
                        date.fromisoformat(orig["article"]["published"]) + timedelta(days=1)
                    ).isoformat(),
                }
            else:
                own = paragraphs(base)
                pick = rng.sample(own, k=min(len(own), rng.randint(4, 8)))
                for _ in range(rng.randint(1, 3)):
                    pick.append(rng.choice(rng.choice(paras)))
                title = base["article"].get("title") or "Untitled"
                text = title + "\n\n"
                attrs: list[dict[str, Any]] = []
                for ptext, pattrs in pick:
                    attrs += [_shift(a, len(text)) for a in pattrs]
                    text += ptext + "\n\n"
                rec = {
                    "schema": 1,
                    "format": "text",
                    "text": text,
                    "attributions": attrs,
                    "chain": base.get("chain") or [],
                    "article": {
                        "title": title,
                        "publisher": rng.choice(PUBLISHERS),
                        "published": (day + timedelta(days=rng.randint(0, 2))).isoformat(),
                        "agencies": [],
                        "authors": [],
                        "related": [],
                    },
                }
            i += 1
            rec["id"] = f"synthetic-{i}"
            rec["path"] = f"synthetic/{i}.txt"
            rec["article"] = {**rec["article"], "url": f"https://example.org/{i}"}
            out.append(rec)
    return out


def link_base(n: int, db: Path, workdir: Path) -> None:
    """``n`` synthetic articles stored and linked as ``ingest`` would."""
    from newstrace.linking.link import link_store
    from newstrace.model import AnalyzedArticle
    from newstrace.store import open_store

    recs = synthesise(n, base_records(workdir))
    t = time.perf_counter()
    with open_store(db) as store:
        for r in recs:
            store.add(AnalyzedArticle.from_json(r))
        t1 = time.perf_counter()
        summary = link_store(store)
    print(
        f"base store: {n} articles stored in {t1 - t:.1f}s, linked in "
        f"{time.perf_counter() - t1:.1f}s ({summary})",
        flush=True,
    )


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _rename(x: Any, names: dict[str, str], days: int) -> Any:
    """``x`` with every string that is a known id renamed and every date moved by ``days``."""
    if isinstance(x, dict):
        return {k: _rename(v, names, days) for k, v in x.items()}
    if isinstance(x, list):
        return [_rename(v, names, days) for v in x]
    if isinstance(x, str):
        if x in names:
            return names[x]
        if days and _DAY.match(x):
            moved = date.fromisoformat(x[:10]) + timedelta(days=days)
            return moved.isoformat() + x[10:]
    return x


def replicate(base: Path, db: Path, n: int) -> None:
    """Fill ``db`` with ``n`` articles: copies of the linked ``base`` store, each copy with its
    own ids and dates (later by the base's time span), its links and claims renamed to match.
    Linking 10k articles costs minutes and is measured by benchmarks/linking.py; what is
    measured here is serving them."""
    from newstrace.model import AnalyzedArticle
    from newstrace.store import open_store

    t = time.perf_counter()
    with open_store(base) as src:
        rows = list(src.records())
        claims = src.conn.execute("SELECT id, story, text, record FROM claims").fetchall()
        by_claim: dict[str, list[tuple[int, int]]] = {}
        for cid, seq, idx in src.conn.execute(
            "SELECT claim_id, article_seq, idx FROM claim_members"
        ):
            by_claim.setdefault(cid, []).append((seq, idx))
    dates = [date.fromisoformat(r.published[:10]) for r, _ in rows if r.published]
    span = (max(dates) - min(dates)).days + 7 if dates else 0
    stories = {r.story for r, _ in rows if r.story}
    with open_store(db) as store:
        done = 0
        rep = 0
        links: list[tuple[int, str | None, str | None]] = []
        out_claims: list[tuple[Any, ...]] = []
        out_members: list[tuple[str, int, int]] = []
        while done < n:
            suffix = f"-r{rep}"
            names = {r.id: r.id + suffix for r, _ in rows}
            names.update({r.key: r.key + suffix for r, _ in rows})
            names.update({s: s + suffix for s in stories})
            names.update({c[0]: c[0] + suffix for c in claims})
            days = rep * span
            seqs: dict[int, int] = {}
            for row, rec in rows[: n - done]:
                j = _rename(rec.to_json(), names, days)
                j["id"] = names[row.id]
                j["article"]["url"] = names[row.key]
                store.add(AnalyzedArticle.from_json(j))
                seqs[row.seq] = int(
                    store.conn.execute("SELECT max(seq) FROM articles").fetchone()[0]
                )
                links.append(
                    (
                        seqs[row.seq],
                        names.get(row.copy_of or "") if row.copy_of else None,
                        names.get(row.story or "") if row.story else None,
                    )
                )
            for cid, story, text, record in claims:
                rec_members = [(s, i) for s, i in by_claim.get(cid, []) if s in seqs]
                if not rec_members:
                    continue
                out_claims.append(
                    (
                        names[cid],
                        names.get(story, story),
                        text,
                        json.dumps(_rename(json.loads(record), names, days), ensure_ascii=False),
                    )
                )
                out_members += [(names[cid], seqs[s], i) for s, i in rec_members]
            done += min(len(rows), n - done)
            rep += 1
        store.replace_links(links)
        # claims and their members as they are in the base, renamed (SQL: the store's
        # replace_claims also wants the linker's sentence vectors, which pages never read)
        with store.conn:
            store.conn.execute("BEGIN")
            store.conn.executemany(
                "INSERT INTO claims (id, story, text, record) VALUES (?, ?, ?, ?)", out_claims
            )
            store.conn.executemany(
                "INSERT OR IGNORE INTO claim_members (claim_id, article_seq, idx) VALUES (?, ?, ?)",
                out_members,
            )
            store.set_state("links_stale", "0")
            store.conn.execute("COMMIT")
    print(
        f"store: {n} articles ({rep} renamed copies of the {len(rows)}-article base, "
        f"{len(out_claims)} claims) in {time.perf_counter() - t:.1f}s",
        flush=True,
    )


def build(n: int, db: Path, workdir: Path, base_n: int) -> None:
    base_n = min(n, base_n)
    base = workdir / f"base-{base_n}.db"
    if not base.exists():
        link_base(base_n, base, workdir)
    replicate(base, db, n)


# -- the load ---------------------------------------------------------------------------------
def targets(db: Path, rng: random.Random) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    stories = [r[0] for r in conn.execute("SELECT DISTINCT story FROM links")]
    articles = [r[0] for r in conn.execute("SELECT coalesce(input_id, path) FROM articles")]
    claims = [r[0] for r in conn.execute("SELECT id FROM claims")]
    words = sorted(
        {
            w
            for (t,) in conn.execute("SELECT title FROM articles LIMIT 3000")
            for w in re.findall(r"[A-Za-z]{5,}", t or "")
        }
    )
    conn.close()
    pages = max(1, len(stories) // 50)
    return {
        "stories": [f"/stories?offset={50 * rng.randrange(pages)}" for _ in range(500)],
        "story": [f"/stories/{s}" for s in stories],
        "article": ["/article?id=" + quote(a, safe="") for a in articles],
        "claim": [f"/claims/{c}" for c in claims],
        "search": [
            "/?"
            + urlencode({"q": " ".join(rng.sample(words, k=rng.choice((1, 1, 2)))), "kind": kind})
            for kind in ("articles", "claims")
            for _ in range(2000)
        ],
    }


def drive(
    port: int, urls: dict[str, list[str]], clients: int, seconds: float, seed: int
) -> dict[str, Any]:
    lat: dict[str, list[float]] = {k: [] for k in urls}
    errors: list[str] = []
    seen: set[str] = set()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        rng = random.Random(seed + k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        kinds = list(urls)
        while time.monotonic() < stop:
            kind = rng.choice(kinds)
            url = rng.choice(urls[kind])
            t = time.perf_counter()
            try:
                conn.request("GET", url)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                r = None
                err = f"{url}: {exc}"
            ms = (time.perf_counter() - t) * 1000
            with lock:
                lat[kind].append(ms)
                seen.add(url)
                if not ok:
                    errors.append(err if r is None else f"{url}: HTTP {r.status}")
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"lat": lat, "errors": errors, "seen": len(seen), "wall": time.perf_counter() - t0}


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    return statistics.quantiles(xs, n=100, method="inclusive")[int(p) - 1] if len(xs) > 1 else xs[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument(
        "--base",
        type=int,
        default=2000,
        help="articles linked for real; the store is made of renamed copies of them",
    )
    args = ap.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newstrace-web-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / f"web-{args.articles}.db"
    if not db.exists():
        build(args.articles, db, workdir, args.base)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from newstrace.cli import main; main()",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("serve did not start") from None
                time.sleep(0.2)
        urls = targets(db, random.Random(1))
        drive(port, {k: v[:50] for k, v in urls.items()}, 4, 2.0, seed=99)  # warm-up
        res = drive(port, urls, args.clients, args.seconds, seed=0)
    finally:
        server.terminate()
        _pid, _status, usage = os.wait4(server.pid, 0)
    # CPU time of the server per request: a figure that does not depend on what else the
    # machine runs (latencies do, on a shared machine).
    cpu = usage.ru_utime + usage.ru_stime
    everything = [x for xs in res["lat"].values() for x in xs]
    n = len(everything)
    print(
        f"{args.articles} articles, {args.clients} clients, {res['wall']:.1f}s: {n} requests "
        f"({n / res['wall']:.0f}/s), {res['seen']} distinct URLs, {len(res['errors'])} errors"
    )
    print(f"server CPU: {cpu:.1f}s, {cpu / max(1, n) * 1000:.2f} ms per request (warm-up included)")
    print(f"{'page':10} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, xs in [*res["lat"].items(), ("all", everything)]:
        print(
            f"{kind:10} {len(xs):9d} {_pct(xs, 50):8.1f} {_pct(xs, 95):8.1f} "
            f"{max(xs) if xs else float('nan'):8.1f}"
        )
    for e in res["errors"][:10]:
        print("error:", e)
    p95 = _pct(everything, 95)
    ok = p95 < P95_LIMIT_MS and not res["errors"]
    print(
        f"{'PASS' if ok else 'FAIL'}: p95 {p95:.1f} ms (limit {P95_LIMIT_MS:.0f} ms), "
        f"{len(res['errors'])} errors"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
