"""Metadata and body extraction on NAEB dev pages: prints the scorer's headline figures.

    python benchmarks/naeb.py [NAEB_DIR]     (default: ../shared/data/naeb-dev)

Same numbers as ``python ../shared/tools/naeb_score.py gold.json preds.jsonl`` on the
predictions of ``newstrace.eval.naeb.predictions``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from newstrace.eval import naeb

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "naeb-dev"
    scorer = data.parents[1] / "tools" / "naeb_score.py"
    t0 = time.perf_counter()
    res = naeb.run(data, scorer=scorer if scorer.exists() else naeb.SCORER)
    secs = time.perf_counter() - t0
    a, b = res["authors"], res["body"]
    n = max(res["n_gold"], 1)
    print(f"pages           {res['n_gold']}  ({secs:.1f} s, {secs / n:.3f} s/page)")
    print(f"title exact     {res['title_exact']:.3f}   (target >= 0.85)")
    print(f"date exact      {res['date_exact']:.3f}   (target >= 0.82)")
    print(f"authors F1      {a['f1']:.3f}   (P {a['precision']:.3f} R {a['recall']:.3f}) >= 0.80")
    print(f"body token F1   {b['f1']:.3f}   (P {b['precision']:.3f} R {b['recall']:.3f}) >= 0.92")
    return 0


if __name__ == "__main__":
    sys.exit(main())
