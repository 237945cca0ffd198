"""The fast profile's analysis in a worker process beside the parse (analysis/beside.py) gives
what the same analysis in line gives, in input order."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newstrace.analysis.pipeline import Analyzer
from newstrace.model import Article, ArticleMeta

ROOT = Path(__file__).resolve().parents[1]
FILES = [
    *sorted((ROOT / "tests" / "fixtures" / "polnear" / "text").glob("*.txt")),
    ROOT / "src" / "newstrace" / "data" / "moscow-times-russia-bounties.md",
]


def _articles() -> list[Article]:
    files = [f for f in FILES if f.is_file()]
    assert len(files) >= 2
    return [
        Article(path=str(f), text=f.read_text(encoding="utf-8"), meta=ArticleMeta()) for f in files
    ]


@pytest.mark.parametrize("profile", ["fast", "transformer"])
def test_beside_the_parse_is_the_same_analysis(
    monkeypatch: pytest.MonkeyPatch, profile: str
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    beside = Analyzer(profile=profile, batch_size=2)
    if beside.tagger is None:
        pytest.skip(f"no {profile} tagger shipped in this checkout")
    assert beside.beside
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # a process held to one core: in line
    in_line = Analyzer(profile=profile, batch_size=2)
    assert not in_line.beside
    articles = _articles() * 3  # more than two batches in flight
    got = list(beside.analyze(articles))
    want = list(in_line.analyze(articles))
    assert [r.article.path for r in got] == [a.path for a in articles]
    assert [r.attributions for r in got] == [r.attributions for r in want]
    assert [r.chain for r in got] == [r.chain for r in want]
    assert any(r.attributions for r in got)
    # A second run reuses the worker.
    worker = beside._beside
    assert worker is not None
    assert [r.attributions for r in beside.analyze(articles)] == [r.attributions for r in want]
    assert beside._beside is worker
    beside.close()
    assert beside._beside is None and worker.closed
    # A first batch is analysed in line: a single text starts no worker.
    assert [r.attributions for r in beside.analyze(articles[:2])] == [
        r.attributions for r in want[:2]
    ]
    assert beside._beside is None
    # More than a batch: a new worker.
    assert [r.attributions for r in beside.analyze(articles)] == [r.attributions for r in want]
    assert beside._beside is not None and beside._beside is not worker
    beside.close()


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.slow
def test_the_worker_leaves_with_a_killed_parent(tmp_path: Path) -> None:
    """A main process killed outright never shuts its pool down; its worker must not stay
    behind (the durability tests SIGKILL ingests)."""
    text = FILES[-1].read_text(encoding="utf-8")
    paths = []
    for k in range(40):
        path = tmp_path / f"a{k}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), OMP_NUM_THREADS="2")
    cli = [sys.executable, "-c", "from newstrace.cli import main; main()"]
    cmd = [*cli, "analyze", "--profile", "fast", *paths]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        children: list[str] = []
        deadline = time.monotonic() + 60
        while not children and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            children = [
                c
                for c in subprocess.run(
                    ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
                ).stdout.split()
                if "spawn_main" in _cmdline(c)  # the worker, not the resource tracker
            ]
        assert children, "no worker process started"
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
        time.sleep(0.2)
    assert not [c for c in children if Path(f"/proc/{c}").exists()]
