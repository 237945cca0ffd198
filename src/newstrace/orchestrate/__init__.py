"""Orchestration: one batch through every stage — read → skip stored → analyse → store → link.

This is the one place where the stages meet (``ingest`` reads, ``analysis`` parses, ``store``
keeps, ``linking`` links); the CLI and the benchmarks call ``run_batch``. Where the analysis
runs is the caller's choice of analyser: in this process (``analysis.pipeline.Analyzer``) or
on a Dask cluster (``orchestrate.cluster.DaskAnalyzer``); both stream articles in and analysed
articles out, in order, so the store sees the same records either way.

Already-stored articles are skipped *before* analysis (keyed by input id, else URL, else text
hash; each skip is named in ``IngestSummary.skips`` with its reason), so a rerun
over the same inputs costs reading, not parsing. Records analysed elsewhere (``analyze --format
jsonl`` files, read by ``ingest.records``) are stored as they are, without parsing. Each article
is stored in its own transaction: an interrupted run keeps every article it finished, and
nothing is stored twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from newstrace.model import AnalyzedArticle, Article, Failure
from newstrace.store import article_key, display_id, open_store

if TYPE_CHECKING:
    from newstrace.linking.link import LinkSummary

__all__ = ["Analyzer", "IngestSummary", "Item", "run_batch"]

Item = Article | AnalyzedArticle | Failure


class Analyzer(Protocol):
    def analyze(self, articles: Iterable[Article]) -> Iterator[AnalyzedArticle]: ...


# An analyser may also offer ``analyze_for_store(articles)``, yielding (record, sentence
# vectors) pairs: the vectors are stored with the record, and linking need not embed them
# (``orchestrate.cluster.DaskAnalyzer`` computes them on its workers).


@dataclass(slots=True)
class IngestSummary:
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    links: LinkSummary | None = None
    # of ``stored``: records analysed elsewhere, stored without parsing
    prebuilt: int = 0
    # every item skipped, named: (its id, else path; why), e.g. ("wcl50-0_L", "already stored")
    skips: list[tuple[str, str]] = field(default_factory=list)

    def skip(self, label: str, reason: str) -> None:
        self.skipped += 1
        self.skips.append((label, reason))

    def line(self) -> str:
        return f"{self.stored} stored, {self.skipped} skipped, {self.failed} failed"


# what a key says two items share (store.identity: "id:…", "sha256:…", else a URL)
_IDENTITY = {"id": "id", "sha256": "text"}


def _default_reader(paths: Sequence[str]) -> Iterator[Item]:
    from newstrace.ingest.records import iter_items

    return iter_items(paths)


def run_batch(
    paths: Sequence[str],
    db: str | Path,
    analyzer_factory: Callable[[], Analyzer],
    progress: Callable[[Item], Any] | None = None,
    reader: Callable[[Sequence[str]], Iterable[Item]] | None = None,
    link: bool = True,
    stored: Callable[[AnalyzedArticle, bool], Any] | None = None,
) -> IngestSummary:
    """Analyse and store the articles under ``paths`` into the store at ``db``, then link it.

    ``reader`` defaults to ``newstrace.ingest.records.iter_items`` (every reader of
    ``iter_articles``, plus files of analysed records). The analyser is built only when at
    least one article needs analysing, and closed (``close()``, when it has one) at the end.
    ``progress`` sees every item read; ``stored(record, was_new)`` every record stored or found
    stored.
    """
    summary = IngestSummary()
    read = reader or _default_reader
    with open_store(db) as store:
        # key -> the label of the item of this run that holds it
        fresh_keys: dict[str, str] = {}

        def keep(analyzed: AnalyzedArticle, vectors: Any = None) -> bool:
            new = store.add(analyzed, vectors)
            if new:
                summary.stored += 1
            else:
                # stored meanwhile (another ingest into the same store)
                summary.skip(display_id(analyzed), "already stored")
            if stored is not None:
                stored(analyzed, new)
            return new

        def todo() -> Iterator[Article]:
            for item in read(paths):
                if progress is not None:
                    progress(item)
                if isinstance(item, Failure):
                    summary.failed += 1
                    summary.failures.append(item)
                    continue
                key = article_key(item)
                label = display_id(item)
                if key in fresh_keys:
                    what = _IDENTITY.get(key.split(":", 1)[0], "URL")
                    summary.skip(label, f"same {what} as {fresh_keys[key]}, read earlier")
                    continue
                if store.has_article(key):
                    summary.skip(label, "already stored")
                    continue
                fresh_keys[key] = label
                if isinstance(item, AnalyzedArticle):
                    if keep(item):
                        summary.prebuilt += 1
                    continue
                yield item

        pending = todo()
        first = next(pending, None)
        if first is not None:
            analyzer = analyzer_factory()

            def again() -> Iterator[Article]:
                yield first
                yield from pending

            try:
                for_store = getattr(analyzer, "analyze_for_store", None)
                if callable(for_store):
                    for analyzed, vectors in for_store(again()):
                        keep(analyzed, vectors)
                else:
                    for analyzed in analyzer.analyze(again()):
                        keep(analyzed)
            finally:
                close = getattr(analyzer, "close", None)
                if callable(close):
                    close()
        if link and (summary.stored or store.state("links_stale") == "1"):
            # imported here: a Dask worker imports this package for its tasks, and needs
            # the analysis only
            from newstrace.linking.link import link_store

            summary.links = link_store(store)
    return summary
