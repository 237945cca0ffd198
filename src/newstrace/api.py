"""Plain functions behind the commands: what any interface (CLI, web, scripts) calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO

from newstrace.analysis.pipeline import Analyzer
from newstrace.ingest import iter_articles
from newstrace.model import AnalyzedArticle, Article, Failure


def analyze_paths(
    paths: Sequence[str],
    analyzer: Analyzer,
    *,
    stdin: BinaryIO | None = None,
    on_article: Callable[[Article], None] | None = None,
) -> Iterator[AnalyzedArticle | Failure]:
    """Read every input and analyse it, streaming: results come in input order.

    Failures are yielded as soon as they are met (possibly before results of earlier articles
    still waiting in a parse batch), so one bad file never holds up or stops the batch.
    """
    failures: list[Failure] = []

    def articles() -> Iterator[Article]:
        for item in iter_articles(paths, stdin=stdin):
            if isinstance(item, Failure):
                failures.append(item)
                continue
            if on_article is not None:
                on_article(item)
            yield item

    for record in analyzer.analyze(articles()):
        yield from _drain(failures)
        yield record
    yield from _drain(failures)


def _drain(failures: list[Failure]) -> Iterable[Failure]:
    while failures:
        yield failures.pop(0)
