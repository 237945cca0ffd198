"""The fast profile's analysis in a worker process beside the parse (analysis/beside.py) gives
what the same analysis in line gives, in input order."""

from __future__ import annotations

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


def test_beside_the_parse_is_the_same_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    beside = Analyzer(profile="fast", batch_size=2)
    if beside.tagger is None:
        pytest.skip("no CRF tagger shipped in this checkout")
    assert beside.beside
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # a process held to one core: in line
    in_line = Analyzer(profile="fast", batch_size=2)
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
    assert [r.attributions for r in beside.analyze(articles[:1])] == [want[0].attributions]
    assert beside._beside is worker
