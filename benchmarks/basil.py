"""Story linking on BASIL dev: pairwise F1, per-year F1, and the threshold plateau.

Usage: python benchmarks/basil.py [BASIL_DIR] [--preds FILE]
Writes the predictions as JSONL (for ../shared/tools/basil_score.py) when --preds is given.
Pass: pairwise F1 >= 0.92.

Besides the F1 at the shipped threshold it prints
- per-year F1, each year linked on its own (30 articles: a smaller IDF base, as a hidden set
  of another five years would be linked in one batch of 150);
- F1 across a range of thresholds: a wide plateau means the cut does not hinge on dev;
- leave-one-year-out: the threshold that maximises F1 on four years, scored on the fifth.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newstrace.eval import basil
from newstrace.linking.stories import THRESHOLD

SHARED = Path(__file__).resolve().parents[2] / "shared"
GRID = [round(0.06 + 0.01 * k, 2) for k in range(17)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("basil_dir", nargs="?", default=str(SHARED / "data/basil-dev"))
    ap.add_argument("--preds", default=None)
    args = ap.parse_args()
    res = basil.run(args.basil_dir, predictions=True)
    if args.preds:
        with open(args.preds, "w", encoding="utf-8") as f:
            for p in res["predictions"]:
                f.write(json.dumps(p) + "\n")
    print(
        f"threshold {THRESHOLD}: P {res['precision']:.4f} R {res['recall']:.4f} "
        f"F1 {res['f1']:.4f} ({res['articles']} articles)"
    )
    print("per-year F1 (each year alone):", res["per_year_f1"])
    items = basil.load(args.basil_dir)
    gold = {it["id"]: it["gold"] for it in items}
    curve = {t: basil.pairwise(gold, basil.predict(items, t))["f1"] for t in GRID}
    print("F1 by threshold:", " ".join(f"{t}:{f:.3f}" for t, f in curve.items()))
    years = sorted({it["year"] for it in items})
    loyo = {}
    for held in years:
        train = [it for it in items if it["year"] != held]
        test = [it for it in items if it["year"] == held]
        tg = {it["id"]: it["gold"] for it in train}
        scores = {t: basil.pairwise(tg, basil.predict(train, t))["f1"] for t in GRID}
        best = max(scores.values())
        # the middle of the best plateau, not its edge
        plateau = [t for t, f in scores.items() if f >= best - 1e-9]
        t = plateau[len(plateau) // 2]
        f1 = basil.pairwise({it["id"]: it["gold"] for it in test}, basil.predict(test, t))["f1"]
        loyo[held] = (t, round(f1, 4))
    print("leave-one-year-out (chosen threshold, held-out F1):", loyo)
    return 0 if res["f1"] >= 0.92 else 1


if __name__ == "__main__":
    sys.exit(main())
