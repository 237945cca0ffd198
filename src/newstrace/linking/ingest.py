"""``ingest``: read → skip what is stored → analyse → store each article → link the store.

Already-stored articles are skipped *before* analysis (keyed by URL, else text hash), so a rerun
over the same inputs costs reading, not parsing. Each article is stored in its own transaction:
an interrupted run keeps every article it finished, and nothing is stored twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from newstrace.linking.link import LinkSummary, link_store
from newstrace.model import AnalyzedArticle, Article, Failure
from newstrace.store import article_key, open_store


class Analyzer(Protocol):
    def analyze(self, articles: Iterable[Article]) -> Iterator[AnalyzedArticle]: ...


@dataclass(slots=True)
class IngestSummary:
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    links: LinkSummary | None = None

    def line(self) -> str:
        return f"{self.stored} stored, {self.skipped} skipped, {self.failed} failed"


def _default_reader(paths: Sequence[str]) -> Iterator[Article | Failure]:
    from newstrace.ingest import iter_articles

    return iter(iter_articles(paths))


def ingest(
    paths: Sequence[str],
    db: str | Path,
    analyzer_factory: Callable[[], Analyzer],
    progress: Callable[[Article | Failure], Any] | None = None,
    reader: Callable[[Sequence[str]], Iterable[Article | Failure]] | None = None,
    link: bool = True,
) -> IngestSummary:
    """Analyse and store the articles under ``paths`` into the store at ``db``.

    The analyser is built only when at least one article needs analysing. ``reader`` defaults
    to ``newstrace.ingest.iter_articles``.
    """
    summary = IngestSummary()
    read = reader or _default_reader
    with open_store(db) as store:
        fresh_keys: set[str] = set()

        def todo() -> Iterator[Article]:
            for item in read(paths):
                if progress is not None:
                    progress(item)
                if isinstance(item, Failure):
                    summary.failed += 1
                    summary.failures.append(item)
                    continue
                key = article_key(item)
                if key in fresh_keys or store.has_article(key):
                    summary.skipped += 1
                    continue
                fresh_keys.add(key)
                yield item

        pending = todo()
        first = next(pending, None)
        if first is not None:
            analyzer = analyzer_factory()

            def again() -> Iterator[Article]:
                yield first
                yield from pending

            for analyzed in analyzer.analyze(again()):
                if store.add(analyzed):
                    summary.stored += 1
                else:
                    summary.skipped += 1
        if link and (summary.stored or store.state("links_stale") == "1"):
            summary.links = link_store(store)
    return summary
