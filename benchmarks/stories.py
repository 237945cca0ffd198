"""Stories on a dense month: claims-dev events alone and inside a larger store, plus BASIL.

Usage: python benchmarks/stories.py [--decay D ...]
Pass: claims-dev pairwise F1 >= 0.95 at the shipped cut, alone and with every distractor set,
and BASIL dev pairwise F1 >= 0.97.

Similarities grow with the size of the store (a larger IDF base weighs topic words more), so a
cut tuned on 25 articles can merge neighbouring events in a store of thousands. This prints, for
each day decay (the shipped one and any given with --decay), claims-dev F1 along a range of cuts
- alone (25 articles),
- with 25 and 75 PolNeAR dev articles added (2016: outside the time window, inside the IDF),
- with BASIL dev's 150 articles added,
and BASIL dev's F1 along the same cuts, so that the chosen decay and cut can be read off as the
widest range where everything holds.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from newstrace.eval import basil, stories
from newstrace.linking import stories as S

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.exists():
    SHARED = Path("/work/shared")
CUTS = (0.09, 0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16)


def _polnear(n: int, seed: int = 0) -> list[S.StoryInput]:
    files = sorted((SHARED / "data/polnear/dev/text").glob("*.txt"))
    docs = []
    for f in random.Random(seed).sample(files, n):
        text = f.read_text(encoding="utf-8")
        docs.append(S.StoryInput(text.split("\n", 1)[0], text, f.stem.split("_")[1]))
    return docs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--decay", type=float, nargs="*", default=[])
    args = ap.parse_args()
    arts, gold = stories.load(SHARED / "data/claims-dev")
    base = [S.StoryInput(a.meta.title or "", a.text, a.meta.published) for a in arts]
    items = basil.load(SHARED / "data/basil-dev")
    bgold = {it["id"]: it["gold"] for it in items}
    bdocs = [S.StoryInput(it["title"], it["text"], it["published"]) for it in items]
    settings = {
        "alone": [],
        "+25 polnear": _polnear(25),
        "+75 polnear": _polnear(75),
        "+150 basil": bdocs,
    }
    shipped = S.DAY_DECAY
    ok = True
    for decay in [shipped, *args.decay]:
        S.DAY_DECAY = decay
        print(f"day decay {decay} (cut {S.THRESHOLD}):")
        for name, extra in settings.items():
            row = []
            for cut in CUTS:
                labels = S.cluster_stories(base + extra, cut)[: len(arts)]
                pred = {a.id or "": str(lab) for a, lab in zip(arts, labels, strict=True)}
                f1 = basil.pairwise(gold, pred)["f1"]
                row.append(f"{cut}:{f1:.3f}")
                if decay == shipped and abs(cut - S.THRESHOLD) < 1e-9 and f1 < 0.95:
                    ok = False
            print(f"  claims-dev {name:12} " + " ".join(row))
        row = []
        for cut in CUTS:
            f1 = basil.pairwise(bgold, basil.predict(items, cut))["f1"]
            row.append(f"{cut}:{f1:.3f}")
            if decay == shipped and abs(cut - S.THRESHOLD) < 1e-9 and f1 < 0.97:
                ok = False
        print("  basil-dev               " + " ".join(row))
    S.DAY_DECAY = shipped
    print("PASS" if ok else "FAIL", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
