"""Rebuild the shipped attribution tagger from PolNeAR train, then score it on dev.

    python benchmarks/train_tagger.py [--train DIR] [--dev DIR] [--out PATH] [--c1 X --c2 Y]

Writes ``src/newstrace/analysis/tagger/attribution.crfsuite`` and its ``.lexicon.json`` by
default. Parsed splits are cached under the system temp dir (never in the repository), so a
second run skips the parse. Prints the training figures and the dev scores as JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from newstrace.analysis import tagger
from newstrace.eval import polnear

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--train", type=Path, default=POLNEAR / "train")
    ap.add_argument("--dev", type=Path, default=POLNEAR / "dev", help="'' to skip scoring")
    ap.add_argument("--out", type=Path, default=tagger.DEFAULT_MODEL_PATH)
    ap.add_argument("--c1", type=float, default=None)
    ap.add_argument("--c2", type=float, default=None)
    ap.add_argument("--iterations", type=int, default=None)
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newstrace-tagger-cache",
        help="folder for parsed splits",
    )
    args = ap.parse_args()
    hyper: dict[str, object] = {"cache": args.cache}
    if args.c1 is not None:
        hyper["c1"] = args.c1
    if args.c2 is not None:
        hyper["c2"] = args.c2
    if args.iterations is not None:
        hyper["max_iterations"] = args.iterations
    info = tagger.train(args.train, args.out, **hyper)
    print(json.dumps({"train": info}, indent=2), flush=True)
    if args.dev and str(args.dev) and args.dev.is_dir():
        t0 = time.perf_counter()
        data = tagger.parsed_split(args.dev, cache=args.cache)
        model = tagger.load_tagger(args.out)
        assert model is not None
        preds = {stem: model.predict(doc) for stem, doc, _labels in data}
        result = polnear.score(polnear.load_gold(args.dev), preds)
        result["seconds"] = round(time.perf_counter() - t0, 1)
        print(json.dumps({"dev": result}, indent=2))


if __name__ == "__main__":
    main()
