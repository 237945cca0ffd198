"""The reference document frequencies that story linking weighs terms by (a fixed IDF).

Why fixed: with an IDF computed from the store itself, every article's features change whenever
an article is added, so an incremental linking (compare the newcomers only) and a full relink
could not agree, and the stories would depend on which articles happened to be stored. With a
reference table every article's features are a function of the article alone: incremental and
full linking give the same edges, whatever the order and batches of ingest.

The table is built from the shared corpora's texts (PolNeAR, BASIL, claims-dev, NAEB: about 360
political and general news articles, 2016-2023) by ``python -m newstrace.linking.idf
../shared/data``, and shipped as ``data/story-idf.json.gz`` (document frequency of each content
word). A term it has never seen gets the highest weight (document frequency 0), which is what a
store-grown IDF gave a word new to the store.
"""

from __future__ import annotations

import gzip
import json
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path

from newstrace.linking.text import content_words

FILE = "story-idf.json.gz"


@lru_cache(maxsize=1)
def reference() -> tuple[int, dict[str, int]]:
    """(number of reference documents, document frequency per term)."""
    raw = resources.files("newstrace").joinpath("data", FILE).read_bytes()
    data = json.loads(gzip.decompress(raw))
    return int(data["n"]), {str(k): int(v) for k, v in data["df"].items()}


def _texts(shared: Path) -> list[str]:
    out: list[str] = []
    for p in sorted((shared / "polnear").glob("*/text/*.txt")):
        out.append(p.read_text(encoding="utf-8"))
    for p in sorted((shared / "basil-dev" / "articles").rglob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        out.append(d.get("title", "") + "\n" + "\n".join(" ".join(s) for s in d["body-paragraphs"]))
    claims = shared / "claims-dev" / "articles.jsonl"
    if claims.exists():
        for line in claims.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out.append((d.get("title") or "") + "\n" + (d.get("maintext") or ""))
    gold = shared / "naeb-dev" / "gold.json"
    if gold.exists():
        for d in json.loads(gold.read_text(encoding="utf-8")).values():
            out.append((d.get("title") or "") + "\n" + (d.get("articleBody") or ""))
    return [t for t in out if t.strip()]


def build(shared: Path, dest: Path) -> tuple[int, int]:
    """Write the table from the corpora under ``shared`` (``../shared/data``)."""
    texts = _texts(shared)
    df: dict[str, int] = {}
    for t in texts:
        for w in set(content_words(t)):
            df[w] = df.get(w, 0) + 1
    body = json.dumps({"n": len(texts), "df": dict(sorted(df.items()))}, separators=(",", ":"))
    dest.write_bytes(gzip.compress(body.encode("utf-8"), mtime=0))
    return len(texts), len(df)


if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    target = Path(__file__).resolve().parents[1] / "data" / FILE
    n, terms = build(src, target)
    print(f"{target}: {n} documents, {terms} terms, {target.stat().st_size} bytes")
