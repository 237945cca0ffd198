"""Issue 3, acceptance 3: ``newstrace analyze`` vs. a bare spaCy parse, as whole processes.

Runs, side by side in one run (alternating, ``--repeat`` times each, the fastest run counts):
  (a) ``python -c 'spacy.load(MODEL).pipe(texts)'`` over N texts of PolNeAR train;
  (b) ``newstrace analyze --format jsonl FILES > /dev/null`` over the same files (a Python
      process calling ``Analyzer().analyze`` when the CLI is not installed).
Prints both wall times and the ratio b / a (target <= 1.3).

    python benchmarks/speed.py [--n 120] [--repeat 1] [--dir ../shared/data/polnear/train/text]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"

BARE = """
import sys, spacy
paths = open(sys.argv[2], encoding="utf-8").read().split("\\n")
texts = [open(p, encoding="utf-8").read() for p in paths]
nlp = spacy.load(sys.argv[1])
for doc in nlp.pipe(texts):
    pass
"""

API = """
import sys
from pathlib import Path
from newstrace.analysis.pipeline import Analyzer
paths = open(sys.argv[1], encoding="utf-8").read().split("\\n")
analyzer = Analyzer()
for p in paths:
    analyzer.analyze(Path(p).read_text(encoding="utf-8"))
"""


def _time(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--model", default=None, help="spaCy model (default: newstrace's setting)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not args.dir.is_dir():
        sys.exit(f"no texts at {args.dir} (expects ../shared beside the repository)")

    from newstrace import settings

    model = settings.SPACY_MODEL.value(args.model)
    files = sorted(args.dir.glob("*.txt"))[: args.n]
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "files.txt"
        listing.write_text("\n".join(str(f) for f in files), encoding="utf-8")
        bare = [sys.executable, "-c", BARE, model, str(listing)]
        cli = Path(sys.executable).with_name("newstrace")
        if cli.exists() or shutil.which("newstrace"):
            exe = str(cli) if cli.exists() else "newstrace"
            full = [exe, "analyze", "--format", "jsonl", "--model", model, *map(str, files)]
            how = "newstrace analyze --format jsonl"
        else:
            full = [sys.executable, "-c", API, str(listing)]
            how = "python: Analyzer().analyze"
        t_bare, t_full = [], []
        for _ in range(args.repeat):
            t_bare.append(_time(bare))
            t_full.append(_time(full))
    result = {
        "texts": len(files),
        "spacy_model": model,
        "bare_spacy_s": round(min(t_bare), 2),
        "newstrace_s": round(min(t_full), 2),
        "newstrace_cmd": how,
        "ratio": round(min(t_full) / min(t_bare), 3),
        "target": 1.3,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{len(files)} texts, model {model}")
        print(f"bare spacy.load().pipe(): {result['bare_spacy_s']:.2f} s")
        print(f"{how}: {result['newstrace_s']:.2f} s")
        print(f"ratio {result['ratio']:.3f} (target <= 1.3)")


if __name__ == "__main__":
    main()
