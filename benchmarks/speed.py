"""Issue 8, acceptance 3: ``newstrace analyze`` per profile vs. a bare spaCy parse, as whole
processes.

Runs, side by side (alternating, ``--repeat`` times each, the fastest run counts):
  (a) ``python -c 'spacy.load(MODEL).pipe(texts)'`` over N texts of PolNeAR train;
  (b) ``newstrace analyze --profile P --format jsonl FILES > /dev/null`` over the same files,
      for each profile P (a Python process calling ``Analyzer(profile=P).analyze_one`` when
      the CLI is not installed).
Prints the wall times, each profile's ratio to (a) (targets: transformer <= 1.6, fast <= 1.1)
and its peak resident memory (target < 1.5 GB).

    python benchmarks/speed.py [--n 120] [--repeat 1] [--profiles transformer,fast] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
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
from newstrace.model import Article, ArticleMeta
paths = open(sys.argv[1], encoding="utf-8").read().split("\\n")
analyzer = Analyzer(profile=sys.argv[2])
for p in paths:
    text = Path(p).read_text(encoding="utf-8")
    analyzer.analyze_one(Article(path=p, text=text, meta=ArticleMeta()))
"""

# The targets: the default profile (meant to be the transformer) and fast.
TARGETS = {"transformer": 1.6, "fast": 1.1}


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the analysis worker beside the parse),
    from /proc; 0 where that cannot be read."""
    total = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
        todo.extend(int(k) for k in kids)
    return total


def _time(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MB (the process and its children together, sampled every
    0.1 s) and CPU seconds (user + system, children included)
    of one whole process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.1)
    wall = time.perf_counter() - t0
    status = proc.returncode
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if status != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed with status {status}")
    cpu = usage.ru_utime + usage.ru_stime - _time.cpu_before  # type: ignore[attr-defined]
    _time.cpu_before = usage.ru_utime + usage.ru_stime  # type: ignore[attr-defined]
    # Without /proc (not Linux): the largest child's peak, which leaves out the worker.
    return wall, peak or usage.ru_maxrss / 1024, cpu


_time.cpu_before = 0.0  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--model", default=None, help="spaCy model (default: newstrace's setting)")
    ap.add_argument("--profiles", default="transformer,fast", help="comma-separated")
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
        profiles = [p for p in args.profiles.split(",") if p]
        cmds: dict[str, list[str]] = {}
        for prof in profiles:
            if cli.exists() or shutil.which("newstrace"):
                exe = str(cli) if cli.exists() else "newstrace"
                cmds[prof] = [
                    exe,
                    "analyze",
                    "--profile",
                    prof,
                    "--format",
                    "jsonl",
                    "--model",
                    model,
                    *map(str, files),
                ]
            else:
                cmds[prof] = [sys.executable, "-c", API, str(listing), prof]
        times: dict[str, list[tuple[float, float, float]]] = {
            "bare": [],
            **{p: [] for p in profiles},
        }
        for _ in range(args.repeat):
            times["bare"].append(_time(bare))
            for prof in profiles:
                times[prof].append(_time(cmds[prof]))
    t_bare = min(t for t, _, _ in times["bare"])
    cpu_bare = min(c for _, _, c in times["bare"])
    result: dict[str, object] = {
        "texts": len(files),
        "spacy_model": model,
        "bare_spacy_s": round(t_bare, 2),
        "bare_spacy_cpu_s": round(cpu_bare, 2),
        "bare_spacy_peak_mb": round(max(m for _, m, _ in times["bare"])),
        "profiles": {},
    }
    for prof in profiles:
        t = min(x for x, _, _ in times[prof])
        cpu = min(c for _, _, c in times[prof])
        result["profiles"][prof] = {  # type: ignore[index]
            "seconds": round(t, 2),
            "ratio": round(t / t_bare, 3),
            "target": TARGETS.get(prof),
            # The transformer's encoder runs beside the parse where a second core is free:
            # wall time is what a user waits, CPU time what a busy machine (one worker per
            # core) pays. Both are printed.
            "cpu_seconds": round(cpu, 2),
            "cpu_ratio": round(cpu / cpu_bare, 3),
            "peak_mb": round(max(m for _, m, _ in times[prof])),
        }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{len(files)} texts, model {model}")
        print(
            f"bare spacy.load().pipe(): {t_bare:.2f} s ({cpu_bare:.2f} s CPU),"
            f" peak {result['bare_spacy_peak_mb']} MB"
        )
        for prof, r in result["profiles"].items():  # type: ignore[attr-defined]
            print(
                f"analyze --profile {prof}: {r['seconds']:.2f} s, ratio {r['ratio']:.3f}"
                f" (target <= {r['target']}); CPU {r['cpu_seconds']:.2f} s, ratio"
                f" {r['cpu_ratio']:.3f}; peak {r['peak_mb']} MB"
            )


if __name__ == "__main__":
    main()
