"""Wire-agency detection on PolNeAR train+dev: prints recall and false agencies.

python benchmarks/agencies.py [POLNEAR_DIR]     (default: ../shared/data/polnear)
"""

from __future__ import annotations

import sys
from pathlib import Path

from newstrace.eval import agencies

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "polnear"
    r = agencies.run(data)
    c = r["credited"]
    print(f"articles {r['articles']}   wire {r['wire']}   credited {c}   non-wire {r['non_wire']}")
    print(f"found, text only       {r['found_text']}/{c}  ({r['recall_text']:.3f})")
    print(f"found, with byline     {r['found_byline']}/{c}  ({r['recall_byline']:.3f}) >= 8/9")
    print(f"wrong agency on wire   {r['wrong_agency']}")
    print(
        f"false on non-wire      text {r['false_text']}, with byline {r['false_byline']}"
        f"  ({r['false_per_80_byline']:.2f} per 80 articles; target <= ~1)"
    )
    for line in r["false"]:
        print(f"  false: {line}")
    for stem in r["missed"]:
        print(f"  missed: {stem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
