"""Speakers on BASIL (issue 8, acceptance 2): quote spans by a named person covered by an
attribution whose source resolves to that person (surname match), and how often the attribution
covering most of the quote is theirs. Pass: >= 0.90 of quotes by named persons.

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
            kind = "OTHER" if m["covered"] else "MISS "  # OTHER: its main attribution is another's
            print(f"{kind} {name} {m['speaker']:<22} {m['text'][:90]!r}")
    print(f"articles {res['articles']}  ({res['seconds']} s, tagger {not args.no_tagger})")
    print(f"{'':<34} {'covered':>13}  {'main attribution':>20}")
    for key, title in (
        ("named_persons", "named persons (spaCy PERSON)"),
        ("persons", "person-like labels (First_Last)"),
        ("all", "all named labels"),
    ):
        r = res[key]
        print(
            f"{title:<34} {r['covered']:>4} / {r['spans']:<4} {r['rate']:.3f}"
            f"   {r['main_right']:>4} / {r['spans']:<4} {r['main_rate']:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
