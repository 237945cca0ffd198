"""Syndication benchmark: precision / recall of ``copy_of`` on real political articles.

The set is built from the shared corpora (nothing is written to disk):
- originals: PolNeAR articles (2016 campaign, 7 US outlets), dated as published;
- copies: each sampled original republished by another outlet 1-2 days later (a same-day
  copy is ambiguous: the one stored first counts as the original) as one of
  verbatim, trimmed (the last 20-60% of paragraphs cut), lightly edited (words replaced or
  dropped, sentences reworded), retitled, boilerplate added (agency credits, copyright lines,
  newsletter prompts), or a mix of these;
- real copies: PolNeAR articles that an outlet ran again, retitled or edited (8 pairs, found
  by exact shingle containment >= 0.5); the earlier version is the original;
- negatives: every other PolNeAR article (many are same-day articles on the same candidates)
  and the BASIL triplets (the same event told by NYT, Fox and HuffPost: the hard negatives).
The real copies are kept out of the base set the synthetic copies are made from, so the gold
has no unlabelled copies.

Usage: python benchmarks/syndication.py [--originals N] [--seed S] [--wire N]
Pass: precision >= 0.95 and recall >= 0.90.

``--wire N`` (``build_wire`` / ``score_wire``) adds the wire-copy set of issue 7: N wire stories
(PolNeAR texts) each sent by an agency (AP, Reuters, AFP) at a full timestamp and republished by
2-5 outlets 20 minutes to 14 hours later, the same day or the next, some in another time zone
("-04:00" vs "Z"), as verbatim, trimmed, edited, retitled or boilerplate copies; in one story in
five an outlet's full copy carries the agency's own timestamp (a tie: the agency's copy is the
original). It reports copy-group exactness (gold groups found exactly) and copy_of precision /
recall, with full timestamps and, for comparison, with the times cut to the day (the old
behaviour, where the pick among same-day copies is the store order).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from newstrace.linking.syndication import CopyInput, copy_of
from newstrace.linking.text import shingles, words

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.exists():
    SHARED = Path("/work/shared")

BOILER_TOP = [
    "By The Associated Press",
    "WASHINGTON (AP) —",
    "Advertisement",
    "This story has been updated.",
    "Follow our live coverage of the 2016 race here.",
]
BOILER_BOTTOM = [
    "Copyright 2016 The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed.",
    "Sign up for our daily politics newsletter to get the latest news delivered to your inbox.",
    "Associated Press writers in Washington contributed to this report.",
    "Read more: Trump, Clinton and the race for the White House. Share this article on Facebook.",
    "Have a news tip? Email us at tips@example.com. Follow us on Twitter and Facebook.",
]
SWAPS = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "also": "further",
    "Tuesday": "on Tuesday",
    "president": "President",
    "campaign": "bid",
    "presidential": "White House",
    "Republican": "GOP",
    "Democratic": "Democrats'",
    "supporters": "backers",
    "voters": "the electorate",
    "but": "yet",
    "very": "",
}


def polnear_articles() -> list[dict[str, str]]:
    meta: dict[str, dict[str, str]] = {}
    with open(SHARED / "data/polnear/metadata.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["compartment"] in ("train", "dev"):
                meta[row["filename"]] = row
    out = []
    for split in ("train", "dev"):
        for p in sorted((SHARED / "data/polnear" / split / "text").glob("*.txt")):
            m = meta.get(p.stem, {})
            wire = m.get("wire") or ""
            out.append(
                {
                    "id": f"polnear/{p.stem}",
                    "text": p.read_text(encoding="utf-8"),
                    "published": m.get("publication_date") or p.stem.split("_")[1],
                    "agencies": "" if wire in ("", "None", "NA") else wire.upper(),
                }
            )
    return out


def basil_articles() -> list[dict[str, str]]:
    out = []
    for p in sorted((SHARED / "data/basil-dev/articles").rglob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        body = "\n\n".join(" ".join(s) for s in d["body-paragraphs"])
        out.append(
            {
                "id": f"basil/{p.stem}",
                "text": d["title"] + "\n\n" + body,
                "published": d["date"],
                "agencies": "",
            }
        )
    return out


def _dedupe(
    arts: list[dict[str, str]],
) -> tuple[list[dict[str, str]], list[tuple[dict[str, str], dict[str, str]]]]:
    """Split off articles whose exact shingle containment in an earlier kept one is >= 0.5:
    (kept, [(copy, kept original)])."""
    kept: list[dict[str, str]] = []
    dups: list[tuple[dict[str, str], dict[str, str]]] = []
    index: dict[str, list[int]] = {}
    sets: list[set[str]] = []
    for a in arts:
        s = shingles(words(a["text"]), 5)
        hits: dict[int, int] = {}
        for sh in s:
            for k in index.get(sh, ()):
                hits[k] = hits.get(k, 0) + 1
        best = max(hits, key=lambda k: hits[k] / max(1, min(len(s), len(sets[k]))), default=None)
        if best is not None and hits[best] / max(1, min(len(s), len(sets[best]))) >= 0.5:
            dups.append((a, kept[best]))
            continue
        for sh in s:
            index.setdefault(sh, []).append(len(kept))
        sets.append(s)
        kept.append(a)
    return kept, dups


def _edit(text: str, rng: random.Random) -> str:
    out = []
    for w in text.split(" "):
        r = rng.random()
        if w in SWAPS and r < 0.6:
            out.append(SWAPS[w])
        elif r < 0.03:
            continue
        else:
            out.append(w)
    return " ".join(x for x in out if x)


def make_variant(text: str, kind: str, rng: random.Random) -> str:
    lines = text.split("\n")
    title, body = lines[0], "\n".join(lines[1:])
    paras = [p for p in body.split("\n\n") if p.strip()]
    kinds = {"trimmed", "edited", "retitled", "boilerplate"} if kind == "mixed" else {kind}
    if "trimmed" in kinds and len(paras) > 2:
        keep = max(2, round(len(paras) * rng.uniform(0.4, 0.8)))
        paras = paras[:keep]
    if "edited" in kinds:
        paras = [_edit(p, rng) for p in paras]
    if "retitled" in kinds:
        tw = title.split()
        rng.shuffle(tw)
        title = rng.choice(["UPDATE: ", "WATCH: ", "", "Report: "]) + " ".join(
            tw[: max(3, len(tw) - 2)]
        )
    if "boilerplate" in kinds:
        paras = [rng.choice(BOILER_TOP), *paras, *rng.sample(BOILER_BOTTOM, 2)]
    return title + "\n\n" + "\n\n".join(paras) + "\n"


KINDS = ("verbatim", "trimmed", "edited", "retitled", "boilerplate", "mixed")


def build(
    n_originals: int, seed: int = 0, negatives: int | None = None
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Articles (in store order) and the gold {copy id: original id}."""
    rng = random.Random(seed)
    base, real = _dedupe(polnear_articles())
    basil = basil_articles()
    originals = rng.sample(base, n_originals)
    others = [a for a in base if a not in originals]
    if negatives is not None:
        others = rng.sample(others, negatives)
        basil = basil[: max(3, negatives // 6)]
    arts: list[dict[str, str]] = []
    gold: dict[str, str] = {}
    for k, o in enumerate(originals):
        arts.append(o)
        for v in range(1 + (k % 2)):
            kind = KINDS[(k + v) % len(KINDS)]
            pub = (
                date.fromisoformat(o["published"]) + timedelta(days=rng.randint(1, 2))
            ).isoformat()
            vid = f"copy/{kind}/{o['id']}/{v}"
            arts.append(
                {
                    "id": vid,
                    "text": make_variant(o["text"], kind, rng),
                    "published": pub,
                    "agencies": o["agencies"],
                }
            )
            gold[vid] = o["id"]
    arts.extend(others)
    arts.extend(basil)
    # Real republications inside PolNeAR (an outlet re-running a story retitled and edited,
    # often the next day): real positives, the earlier one is the original.
    for dup, orig in real:
        gold[dup["id"]] = orig["id"]
        arts.append(dup)
        if orig not in arts:
            arts.append(orig)
    rng.shuffle(arts)  # the store order is arbitrary: the earliest date must win
    # On the same day (dates without times) either version may be the first: ``score`` accepts
    # either direction, and copy_of breaks the tie by the text, not the store order (issue 11:
    # results must not depend on ingest order). The original is still stored first here.
    pos = {a["id"]: k for k, a in enumerate(arts)}
    for dup, orig in real:
        i, j = pos[orig["id"]], pos[dup["id"]]
        if i > j:
            arts[i], arts[j] = arts[j], arts[i]
            pos[orig["id"]], pos[dup["id"]] = j, i
    return arts, gold


AGENCIES = (("AP", "Associated Press"), ("Reuters", "Reuters"), ("AFP", "AFP"))
OUTLETS = (
    "San Diego Union-Tribune",
    "The Seattle Times",
    "Chicago Tribune",
    "Yahoo News",
    "ABC News",
    "The Washington Post",
    "U.S. News & World Report",
    "Star Tribune",
)
ZONES = ((0, "Z"), (-4, "-04:00"), (-5, "-05:00"), (2, "+02:00"))


def _stamp(at: datetime, rng: random.Random) -> str:
    """``at`` (UTC) written in a random zone, as a publisher's page would give it."""
    hours, suffix = rng.choice(ZONES)
    local = at + timedelta(hours=hours)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + suffix


def build_wire(
    n_stories: int, seed: int = 0, negatives: int = 300
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Republished wire copy with full timestamps: articles (in a shuffled store order) and the
    gold {copy id: original id}. Negatives (other PolNeAR articles, BASIL triplets) keep their
    day-only dates."""
    rng = random.Random(seed)
    base, _real = _dedupe(polnear_articles())
    # wire stories run to hundreds of words; a one-paragraph brief is below MIN_WORDS, which
    # syndication never links by design
    stories = rng.sample([a for a in base if len(a["text"].split()) >= 150], n_stories)
    others = rng.sample([a for a in base if a not in stories], negatives)
    arts: list[dict[str, str]] = []
    gold: dict[str, str] = {}
    for k, o in enumerate(stories):
        code, name = rng.choice(AGENCIES)
        day = date.fromisoformat(o["published"])
        sent = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            minutes=rng.randint(6 * 60, 22 * 60)
        )
        oid = f"wire/{code}/{o['id']}"
        text = f"{o['text'].rstrip()}\n\nCopyright {day.year} {name}. All rights reserved.\n"
        arts.append(
            {
                "id": oid,
                "text": text,
                "published": _stamp(sent, rng),
                "agencies": code,
                "publisher": name,
            }
        )
        outlets = rng.sample(OUTLETS, rng.randint(2, 5))
        for v, outlet in enumerate(outlets):
            kind = KINDS[(k + v) % len(KINDS)]
            tie = v == 0 and k % 5 == 0
            if tie:
                # the outlet's feed copied the agency's timestamp along with its full text
                kind, at = "verbatim", sent
            else:
                at = sent + timedelta(minutes=rng.randint(20, 14 * 60))
            vid = f"copy/{kind}/{oid}/{outlet}"
            arts.append(
                {
                    "id": vid,
                    "text": make_variant(text, kind, rng),
                    "published": _stamp(at, rng),
                    "agencies": code,
                    "publisher": outlet,
                }
            )
            gold[vid] = oid
    arts.extend(others)
    arts.extend(basil_articles()[: max(3, negatives // 6)])
    rng.shuffle(arts)
    return arts, gold


def score_wire(
    arts: list[dict[str, str]], gold: dict[str, str], day_only: bool = False
) -> dict[str, object]:
    """copy_of precision / recall and copy-group exactness on ``build_wire``'s set; with
    ``day_only`` the times are cut to the day first (the old behaviour)."""
    docs = [
        CopyInput(
            a["text"],
            a["published"][:10] if day_only else a["published"],
            [a["agencies"]] if a["agencies"] else [],
            a.get("publisher"),
        )
        for a in arts
    ]
    pred = copy_of(docs)
    predicted = {arts[i]["id"]: arts[p]["id"] for i, p in enumerate(pred) if p is not None}
    correct = sum(1 for k, v in predicted.items() if gold.get(k) == v)

    def groups(links: dict[str, str]) -> set[frozenset[str]]:
        by: dict[str, set[str]] = {}
        for c, o in links.items():
            by.setdefault(o, {o}).add(c)
        return {frozenset(g) for g in by.values()}

    gold_groups, pred_groups = groups(gold), groups(predicted)
    return {
        "articles": len(arts),
        "copies": len(gold),
        "predicted": len(predicted),
        "precision": round(correct / len(predicted), 4) if predicted else 0.0,
        "recall": round(correct / len(gold), 4),
        "groups": len(gold_groups),
        "groups_exact": round(len(gold_groups & pred_groups) / len(gold_groups), 4),
        "wrong": [f"{k} -> {v}" for k, v in predicted.items() if gold.get(k) != v][:5],
    }


def score(arts: list[dict[str, str]], gold: dict[str, str]) -> dict[str, object]:
    docs = [
        CopyInput(a["text"], a["published"], [a["agencies"]] if a["agencies"] else []) for a in arts
    ]
    t0 = time.perf_counter()
    pred = copy_of(docs)
    seconds = time.perf_counter() - t0
    predicted = {arts[i]["id"]: arts[p]["id"] for i, p in enumerate(pred) if p is not None}
    pub = {a["id"]: a["published"] for a in arts}

    def right(k: str, v: str) -> bool:
        # k -> v is gold, or a same-day pair (no time of day) linked the other way round
        return gold.get(k) == v or (gold.get(v) == k and pub[k] == pub[v])

    def found(k: str, v: str) -> bool:
        return predicted.get(k) == v or (pub[k] == pub[v] and predicted.get(v) == k)

    missed: dict[str, int] = {}
    for k, v in gold.items():
        if not found(k, v):
            kind = k.split("/")[1] if k.startswith("copy/") else "real"
            missed[kind] = missed.get(kind, 0) + 1
    wrong = [f"{k} -> {v}" for k, v in predicted.items() if not right(k, v)]
    correct = sum(1 for k, v in predicted.items() if right(k, v))
    prec = correct / len(predicted) if predicted else 0.0
    rec = sum(1 for k, v in gold.items() if found(k, v)) / len(gold)
    return {
        "articles": len(arts),
        "copies": len(gold),
        "predicted": len(predicted),
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "seconds": round(seconds, 2),
        "missed_by_kind": missed,
        "wrong": wrong[:10],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--originals", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--wire", type=int, default=0, help="also score N timestamped wire stories")
    args = ap.parse_args()
    arts, gold = build(args.originals, args.seed)
    res = score(arts, gold)
    print(json.dumps(res))
    ok = float(res["precision"]) >= 0.95 and float(res["recall"]) >= 0.90  # type: ignore[arg-type]
    if args.wire:
        warts, wgold = build_wire(args.wire, args.seed)
        print("wire, day only:", json.dumps(score_wire(warts, wgold, day_only=True)))
        wres = score_wire(warts, wgold)
        print("wire, full timestamps:", json.dumps(wres))
        ok = ok and float(wres["precision"]) >= 0.95 and float(wres["recall"]) >= 0.90  # type: ignore[arg-type]
        # a group counts as exact only with every copy found: the few misses are heavily
        # trimmed-and-edited copies that LSH never proposes (a recall limit of detection,
        # the same in the main set), not a wrong pick of the original
        ok = ok and float(wres["groups_exact"]) >= 0.97  # type: ignore[arg-type]
    print("PASS" if ok else "FAIL", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
