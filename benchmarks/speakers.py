"""Speaker coverage on BASIL (issue 3, acceptance 2): quote spans with a named speaker covered
by an attribution whose source resolves to that person (surname match). Pass: >= 0.75.

Usage: python benchmarks/speakers.py [BASIL_DIR] [--no-tagger] [--misses]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newstrace.eval import speakers

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("basil_dir", nargs="?", default=str(SHARED / "data/basil-dev"))
    ap.add_argument("--no-tagger", action="store_true", help="dependency rules only")
    ap.add_argument("--misses", action="store_true", help="print the uncovered quote spans")
    args = ap.parse_args()
    res = speakers.run(Path(args.basil_dir), use_tagger=not args.no_tagger, with_misses=args.misses)
    if args.misses:
        for m in res["misses"]:
            name = Path(m["article"]).name
            print(f"MISS {name} {m['speaker']:<22} {m['text'][:90]!r}")
    print(f"articles {res['articles']}  ({res['seconds']} s, tagger {not args.no_tagger})")
    for key, title in (("persons", "person-like labels (First_Last)"), ("all", "all named labels")):
        r = res[key]
        print(f"{title:<34} {r['covered']:>4} / {r['spans']:<4} {r['rate']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
