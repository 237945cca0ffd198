"""Issue 10, acceptance 3: articles per second through analysis + store + linking, with 1 and 2
workers, in one run; the articles per day this machine sustains; a cluster of 8 such machines.

For each profile (``fast``: CRF tagger; ``transformer``: the MiniLM tagger on ONNX) the same N
PolNeAR train texts go into a fresh store three ways, as ``ingest`` runs them
(``orchestrate.run_batch``):
  in-process: the ``Analyzer`` in this process (``ingest``);
  1 worker:   ``DaskAnalyzer(workers=1)`` (``ingest --workers 1``);
  2 workers:  ``DaskAnalyzer(workers=2)`` (``ingest --workers 2``).
Each is timed from the moment the analyser is ready (models loaded, Dask workers warm; start-up
is printed apart, paid once per process): analysis + store, then the linking of that store.
Dask workers also embed the statements linking will compare (``analyze_for_store``), so their
stores link faster; the in-process analyser leaves that to linking. Dask workers run
single-threaded BLAS, the in-process analyser may use both cores for its matrix work: 2 workers
against 1 worker is the scaling. The 1- and 2-worker runs alternate over ``--rounds`` rounds (a
neighbour slowing this shared VM for a minute then weighs on both sides of a round) and the
median round is reported, each round's ratio printed. CPU seconds per article (this process and
its workers) say what an idle machine would do, as cores / (CPU s per article), when other work
shares the cores.

The writer's ceiling, what one store takes from many analysing machines: the analysed records
(with the vectors the workers computed) stored without parsing, then linked. The 8-machine
projection is 8 x the 2-worker analysis rate, capped by that ceiling.

    python benchmarks/throughput.py [--n 120] [--profiles fast,transformer] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"
DAY = 86_400
PROBE_TEXTS = 10
MACHINES = 8


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _options(profile: str) -> dict[str, Any]:
    from newstrace import settings

    opts: dict[str, Any] = {"batch_size": int(settings.BATCH_SIZE.value())}
    if hasattr(settings, "PROFILE"):
        opts["profile"] = profile
    elif profile != "fast":
        raise RuntimeError("this newstrace has no analysis profiles")
    return opts


def _ingest(paths: list[str], db: Path, workers: int, profile: str) -> dict[str, Any]:
    """Analyse and store ``paths`` into ``db`` on ``workers`` Dask processes, or in this
    process when 0; then link the store."""
    from newstrace.orchestrate import run_batch

    opts = _options(profile)
    marks: dict[str, Any] = {}
    t0 = time.perf_counter()

    def factory() -> Any:
        if workers == 0:
            from newstrace.analysis.pipeline import Analyzer

            made: Any = Analyzer(**opts)
        else:
            from newstrace.orchestrate.cluster import DaskAnalyzer

            made = DaskAnalyzer(opts, workers=workers)
            marks["workers_cpu0"] = made.cpu_seconds()
            real_close = made.close

            def close() -> None:  # read the workers' CPU time before the cluster goes
                marks["workers_cpu1"] = made.cpu_seconds()
                real_close()

            made.close = close
        marks["ready"] = time.perf_counter()
        marks["cpu0"] = _cpu()
        return made

    summary = run_batch(paths, db, factory, link=False)
    work = time.perf_counter() - marks["ready"]
    if summary.failed:
        raise RuntimeError(f"{summary.failed} inputs failed: {summary.failures[:3]}")
    own_cpu = _cpu() - marks["cpu0"]
    cpu = own_cpu + marks.get("workers_cpu1", 0) - marks.get("workers_cpu0", 0)
    link_s, link_cpu = _link(db)
    n = summary.stored
    return {
        "setup": "in-process" if workers == 0 else f"{workers} worker{'s' * (workers > 1)}",
        "workers": workers,
        "articles": n,
        "startup_s": round(marks["ready"] - t0, 2),
        "analyse_store_s": round(work, 2),
        "analyse_store_per_s": round(n / work, 2),
        "cpu_s_per_article": round(cpu / n, 3),
        # this process: reading, the Dask client and scheduler, storing (with no workers, all)
        "writer_cpu_s_per_article": round(own_cpu / n, 3),
        "link_s": round(link_s, 2),
        "link_cpu_s_per_article": round(link_cpu / n, 4),
        "articles_per_s": round(n / (work + link_s), 2),
    }


def _link(db: Path) -> tuple[float, float]:
    """Link the store (what ``run_batch`` does last): wall and CPU seconds."""
    from newstrace.linking.link import link_store
    from newstrace.store import open_store

    t0, c0 = time.perf_counter(), _cpu()
    with open_store(db) as store:
        link_store(store)
    return time.perf_counter() - t0, _cpu() - c0


def _records_ceiling(analysed_db: Path, tmp: Path, profile: str) -> dict[str, Any]:
    """Store + link of already-analysed records (those of ``analysed_db``, a store the Dask
    workers filled, each with the vectors they computed for it): the ceiling of one store's
    writer."""
    from newstrace.linking.link import article_texts, vector_key
    from newstrace.store import open_store

    with open_store(analysed_db, readonly=True) as store:
        records = [rec for _row, rec in store.records()]
        vectors = [
            store.cached_vectors([vector_key(t) for t in article_texts(rec)]) for rec in records
        ]
    t0 = time.perf_counter()
    db = tmp / f"records-{profile}.db"
    with open_store(db) as store:
        for rec, vecs in zip(records, vectors, strict=True):
            store.add(rec, vecs)
    store_s = time.perf_counter() - t0
    link_s, link_cpu = _link(db)
    n = len(records)
    return {
        "articles": n,
        "store_s": round(store_s, 2),
        "link_s": round(link_s, 2),
        "link_cpu_s": round(link_cpu, 2),
        "articles_per_s": round(n / (store_s + link_s), 2),
    }


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# One analysing process of the probe: loads the profile, analyses two texts to warm up,
# says "ready", waits for "go" on stdin, analyses them again and prints the seconds it took.
_PROBE = """
import sys, time
from newstrace.analysis.pipeline import Analyzer
from newstrace.ingest import iter_articles
from newstrace.linking.link import article_vectors
analyzer = Analyzer(profile=sys.argv[1], batch_size=int(sys.argv[2]))
arts = list(iter_articles(sys.argv[3:]))
def work(some):
    for rec in analyzer.analyze(some):
        article_vectors(rec)
work(arts[:2])
print("ready", flush=True)
sys.stdin.readline()
t0 = time.perf_counter()
work(arts)
print(time.perf_counter() - t0, flush=True)
"""


def _probe(paths: list[str], profile: str, processes: int) -> list[float]:
    """Seconds each of ``processes`` processes takes for the same analysis, run at once."""
    env = dict(os.environ, OMP_NUM_THREADS="1")  # as in a Dask worker
    batch = str(_options(profile)["batch_size"])
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _PROBE, profile, batch, *paths],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(processes)
    ]
    for proc in procs:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the {profile} probe did not start")
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    return [float(proc.communicate()[0].strip()) for proc in procs]


def _machine_ceiling(paths: list[str], profile: str) -> float:
    """What this machine allows 2 processes against 1, whatever the software: the same
    analysis (parse, tag, embed; no Dask, no store) in one process alone, then in two at once.
    On a VM whose two cores are not two free physical cores (hyper-threads, or a host that
    slows one vCPU while both run) this is well under 2, and no scheduling can beat it."""
    alone = _probe(paths, profile, 1)[0]
    pair = _probe(paths, profile, 2)
    return 2 * alone / max(pair)


def _profile(paths: list[str], tmp: Path, profile: str, cores: int, rounds: int) -> dict[str, Any]:
    inproc = _ingest(paths, tmp / f"{profile}-0.db", 0, profile)
    # 1 and 2 workers alternate, round after round: a neighbour loading this shared machine
    # for a minute then slows both sides of a round, not one, and the median round is reported.
    pairs = []
    ceilings: list[float] = []
    for k in range(rounds):
        one = _ingest(paths, tmp / f"{profile}-1-{k}.db", 1, profile)
        two = _ingest(paths, tmp / f"{profile}-2-{k}.db", 2, profile)
        pairs.append((one, two))
        ceilings.append(_machine_ceiling(paths[:PROBE_TEXTS], profile))
    ratios = [two["articles_per_s"] / one["articles_per_s"] for one, two in pairs]
    analysis_ratios = [
        two["analyse_store_per_s"] / one["analyse_store_per_s"] for one, two in pairs
    ]
    mid = ratios.index(statistics.median_low(ratios))
    one, two = pairs[mid]
    ceiling = _records_ceiling(tmp / f"{profile}-2-{mid}.db", tmp, profile)
    runs = [inproc, one, two]
    for run in runs:
        # On an idle machine the analysis runs on min(processes, cores) cores at once, and the
        # linking after it on one.
        par = min(max(run["workers"], 1), cores)
        run["idle_articles_per_s"] = round(
            1 / (run["cpu_s_per_article"] / par + run["link_cpu_s_per_article"]), 2
        )
    # Analysis spreads over the machines; storing and linking stay with one writer.
    spread = MACHINES * two["analyse_store_per_s"]
    return {
        "runs": runs,
        "link": ceiling,
        "rounds_speedup_2_vs_1": [round(r, 2) for r in ratios],
        "rounds_machine_ceiling_2_vs_1": [round(c, 2) for c in ceilings],
        "machine_ceiling_2_vs_1": round(statistics.median_low(ceilings), 2),
        "analysis_speedup_2_vs_1": round(statistics.median_low(analysis_ratios), 2),
        "speedup_2_vs_1": round(ratios[mid], 2),
        "articles_per_day": round(two["articles_per_s"] * DAY),
        "articles_per_day_idle": round(two["idle_articles_per_s"] * DAY),
        "analysis_per_day": round(two["analyse_store_per_s"] * DAY),
        f"cluster_{MACHINES}_articles_per_day": round(min(spread, ceiling["articles_per_s"]) * DAY),
        f"cluster_{MACHINES}_analysis_per_day": round(spread * DAY),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--profiles", default="fast,transformer", help="comma-separated")
    ap.add_argument(
        "--rounds", type=int, default=3, help="1-then-2-worker rounds; the median is reported"
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not args.dir.is_dir():
        sys.exit(f"no texts at {args.dir} (expects ../shared beside the repository)")
    paths = [str(p) for p in sorted(args.dir.glob("*.txt"))[: args.n]]
    cores = _cores()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    result: dict[str, Any] = {"texts": len(paths), "cores": cores, "load": load, "profiles": {}}
    with tempfile.TemporaryDirectory() as tmpdir:
        for profile in [p for p in args.profiles.split(",") if p]:
            try:
                result["profiles"][profile] = _profile(
                    paths, Path(tmpdir), profile, cores, max(1, args.rounds)
                )
            except Exception as err:  # noqa: BLE001 - a profile whose model is not installed
                result["profiles"][profile] = {"unavailable": f"{type(err).__name__}: {err}"}
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['texts']} PolNeAR train texts, {cores} cores (load average {load:.1f} at the "
        "start); analysis + store + link"
    )
    for profile, r in result["profiles"].items():
        if "unavailable" in r:
            print(f"profile {profile}: not measured ({r['unavailable']})")
            continue
        link = r["link"]
        for run in r["runs"]:
            print(
                f"profile {profile}, {run['setup']}: {run['articles_per_s']:.2f} articles/s "
                f"(analyse + store {run['analyse_store_per_s']:.2f}/s, "
                f"{run['cpu_s_per_article']:.3f} CPU s/article, "
                f"{run['writer_cpu_s_per_article']:.3f} of them here; link {run['link_s']:.1f} s; "
                f"start-up {run['startup_s']:.1f} s; idle machine "
                f"{run['idle_articles_per_s']:.2f}/s)"
            )
        print(
            f"  one writer: store + link of {link['articles']} analysed records with their "
            f"vectors: {link['store_s']:.1f} + {link['link_s']:.1f} s, "
            f"{link['articles_per_s']:.2f} articles/s"
        )
        rounds = ", ".join(f"{x:.2f}" for x in r["rounds_speedup_2_vs_1"])
        print(
            f"  2 vs 1 worker: analysis + store {r['analysis_speedup_2_vs_1']:.2f}x, with linking "
            f"{r['speedup_2_vs_1']:.2f}x (median of rounds {rounds}; target >= 1.6)"
        )
        ceil = ", ".join(f"{x:.2f}" for x in r["rounds_machine_ceiling_2_vs_1"])
        print(
            f"  machine ceiling: the same analysis in 2 processes at once against 1 alone, "
            f"{r['machine_ceiling_2_vs_1']:.2f}x (rounds {ceil})"
        )
        print(
            f"  this machine, 2 workers: {r['articles_per_day']:,} articles/day "
            f"({r['articles_per_day_idle']:,} idle; analysis + store alone "
            f"{r['analysis_per_day']:,})"
        )
        print(
            f"  {MACHINES} machines: {r[f'cluster_{MACHINES}_articles_per_day']:,} articles/day "
            f"(their analysis alone: {r[f'cluster_{MACHINES}_analysis_per_day']:,}; one writer "
            "stores and links)"
        )


if __name__ == "__main__":
    main()
