"""Analysis on a Dask cluster: the same records as in-process analysis, N processes at a time.

``DaskAnalyzer`` is an analyser (``analyze(articles) -> analysed articles, in order``) for
``orchestrate.run_batch``. Articles are cut into partitions; each partition is one task that
runs ``Analyzer.analyze`` (spaCy's ``nlp.pipe``) on a worker. Each worker process builds its
``Analyzer`` (spaCy pipeline + tagger) once and keeps it for every later partition; the
cluster is warmed up front so a model that does not load fails before any article is read.

Storing and linking stay in the calling process: one writer per store, and linking reads the
whole store (benchmarks/throughput.py times the two apart). What linking costs per article,
the sentence embeddings of its statements, is done on the workers (``analyze_for_store``): it
is most of linking's cost, and there it is spread over the workers.

Needs ``pip install 'newstrace[dask]'`` (dask + distributed); nothing here imports them until
a ``DaskAnalyzer`` is made.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from newstrace.errors import ModelError, NewstraceError, UsageError
from newstrace.model import AnalyzedArticle, Article

__all__ = [
    "DEFAULT_PARTITION",
    "DaskAnalyzer",
    "analyze_partition",
    "partitions",
    "prepare_partition",
]

# Articles per task. Small enough that two workers finish within a partition of each other on a
# few hundred articles (120 PolNeAR texts: 15 partitions; with 16 a task, the last one kept one
# core idle long enough to cost 2 workers 0.1x of their speed-up), large enough that nlp.pipe
# batches and the ~2 ms scheduling overhead of a task are nothing next to ~0.25 s of parsing
# and embedding each article.
DEFAULT_PARTITION = 8
# Partitions queued per worker: one running, one waiting, so no worker idles between tasks
# while memory stays bounded however long the input stream is.
IN_FLIGHT_PER_WORKER = 2
# Articles read ahead of the workers, in running partitions' worth: enough to see the end of a
# batch coming and cut its last partitions small (a few hundred short texts in memory).
READ_AHEAD = 4

# One Analyzer per worker process (per analyser settings), built by the first task there.
_ANALYZERS: dict[tuple[tuple[str, Any], ...], Any] = {}
_LOCK = threading.Lock()


def _analyzer(settings: dict[str, Any]) -> Any:
    key = tuple(sorted(settings.items()))
    with _LOCK:  # a worker with several threads builds it once
        found = _ANALYZERS.get(key)
        if found is None:
            from newstrace.analysis.pipeline import Analyzer

            found = _ANALYZERS[key] = Analyzer(**settings)
        return found


def warm(settings: dict[str, Any]) -> str:
    """Build this worker's analyser and load the sentence embedder now; returns the spaCy
    pipeline's name."""
    from newstrace.linking.embed import embedder

    embedder().encode(["The workers are ready."])
    return str(_analyzer(settings).spacy_model)


def cpu_seconds() -> float:
    """CPU time (user + system) this process has used: ``DaskAnalyzer.cpu_seconds`` sums it."""
    import resource

    use = resource.getrusage(resource.RUSAGE_SELF)
    return float(use.ru_utime + use.ru_stime)


def analyze_partition(settings: dict[str, Any], articles: list[Article]) -> list[AnalyzedArticle]:
    """One task: a partition of articles through this worker's analyser (one ``nlp.pipe``)."""
    return list(_analyzer(settings).analyze(articles))


def prepare_partition(
    settings: dict[str, Any], articles: list[Article]
) -> list[tuple[AnalyzedArticle, dict[bytes, Any]]]:
    """One task for a store: the partition analysed, each record with the sentence vectors
    linking will need for it (``linking.link.article_vectors``), computed here on the worker."""
    from newstrace.linking.link import article_vectors

    return [(rec, article_vectors(rec)) for rec in analyze_partition(settings, articles)]


def partitions(
    articles: Iterable[Article], size: int, workers: int, read_ahead: int
) -> Iterator[list[Article]]:
    """The articles in order, cut into partitions of ``size``; reading up to ``read_ahead``
    partitions ahead, it sees the end of the input coming and shrinks the last partitions
    with what is left (guided scheduling), so the workers run out of work together instead
    of one finishing a full partition while the others idle."""
    it = iter(articles)
    ahead: deque[Article] = deque()
    exhausted = False
    while True:
        while not exhausted and len(ahead) < size * read_ahead:
            try:
                ahead.append(next(it))
            except StopIteration:
                exhausted = True
        if not ahead:
            return
        n = size if not exhausted else max(1, min(size, -(-len(ahead) // (2 * workers))))
        yield [ahead.popleft() for _ in range(n)]


def _result(future: Any, part: list[Article]) -> list[Any]:
    """A partition's records; a failed partition (a worker killed, the scheduler gone, the
    analysis raising) becomes one error that names its articles and how to go on."""
    try:
        return list(future.result())
    except NewstraceError:
        raise
    except Exception as err:
        from newstrace.store.db import display_id

        first, last = display_id(part[0]), display_id(part[-1])
        which = first if len(part) == 1 else f"{first} .. {last} ({len(part)} articles)"
        raise NewstraceError(
            f"the Dask cluster failed on {which}: {type(err).__name__}: {err}",
            hint="the articles before them are stored; rerun the same command to go on (stored "
            "articles are skipped), or ingest these without --workers to see which one fails",
        ) from err


def _client(workers: int | None, scheduler: str | None, timeout: float) -> tuple[Any, Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise UsageError(
            "--workers / --scheduler need Dask",
            hint="pip install 'newstrace[dask]' (dask and distributed)",
        ) from err
    if scheduler:
        try:
            return Client(scheduler, timeout=f"{timeout}s"), None
        except (OSError, TimeoutError) as err:
            raise UsageError(
                f"no Dask scheduler answers at {scheduler}: {err}",
                hint="start one with `dask scheduler` and workers with `dask worker ADDRESS "
                "--nthreads 1`, each with newstrace installed",
            ) from err
    n = max(1, int(workers or 1))
    # One thread per process: spaCy's parser is CPU-bound Python/Cython, so threads would
    # only contend for the GIL; processes are what use the cores.
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port: never clash with another cluster's 8787
        silence_logs=logging.CRITICAL,  # a failed task is reported once, by _result
    )
    return Client(cluster), cluster


class DaskAnalyzer:
    """Analyse on ``workers`` local processes, or on the cluster at ``scheduler``.

    ``settings`` are the ``Analyzer`` keyword arguments (model, batch_size, use_tagger, ...):
    every worker builds the same analyser, so the records are those of one process.
    ``timeout``: seconds to wait for the scheduler at ``scheduler``.
    """

    def __init__(
        self,
        settings: dict[str, Any] | None = None,
        *,
        workers: int | None = None,
        scheduler: str | None = None,
        partition: int = DEFAULT_PARTITION,
        timeout: float = 30.0,
    ) -> None:
        self.settings = dict(settings or {})
        self.partition = max(1, partition)
        self.client, self.cluster = _client(workers, scheduler, timeout)
        try:
            self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
            # Load the models on every worker now: a missing model fails here, once, and the
            # throughput measured later is the analysis, not the loading.
            self.client.run(warm, self.settings)
        except ModelError:
            self.close()
            raise
        except Exception as err:
            self.close()
            raise ModelError(f"the Dask workers could not load the analyser: {err}") from err

    def analyze(self, articles: Iterable[Article]) -> Iterator[AnalyzedArticle]:
        return self._run(articles, analyze_partition)

    def analyze_for_store(
        self, articles: Iterable[Article]
    ) -> Iterator[tuple[AnalyzedArticle, dict[bytes, Any]]]:
        """As ``analyze``, each record with its sentence vectors (``prepare_partition``):
        ``run_batch`` stores them with it, so linking embeds almost nothing."""
        return self._run(articles, prepare_partition)

    def _run(self, articles: Iterable[Article], task: Any) -> Iterator[Any]:
        from distributed import wait

        running_limit = self.workers * IN_FLIGHT_PER_WORKER
        cut = partitions(articles, self.partition, self.workers, running_limit * READ_AHEAD)
        # Finished partitions wait here until the ones before them are done (results come out
        # in input order); bounded, so one slow partition cannot make memory grow without end.
        outstanding_limit = running_limit * 2
        pending: deque[tuple[Any, list[Article]]] = deque()

        def top_up() -> None:
            while (
                len(pending) < outstanding_limit
                and sum(not f.done() for f, _ in pending) < running_limit
            ):
                part = next(cut, None)
                if part is None:
                    return
                future = self.client.submit(task, self.settings, part, pure=False)
                pending.append((future, part))

        top_up()
        while pending:
            if pending[0][0].done():
                future, part = pending.popleft()
                yield from _result(future, part)
            else:
                # Any partition finishing frees a worker: give it the next one at once, even
                # while the head of the line is still being analysed.
                wait([f for f, _ in pending if not f.done()], return_when="FIRST_COMPLETED")
            top_up()

    def cpu_seconds(self) -> float:
        """CPU seconds used so far by all the workers together (benchmarks/throughput.py)."""
        return float(sum(self.client.run(cpu_seconds).values()))

    def close(self) -> None:
        client, cluster = getattr(self, "client", None), getattr(self, "cluster", None)
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        self.client = self.cluster = None

    def __enter__(self) -> DaskAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
