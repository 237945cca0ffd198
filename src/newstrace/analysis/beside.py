"""The analysis of a parsed text in a second process, beside the parse.

spaCy's parse is most of the cost of ``analyze`` and holds the GIL, and so do the CRF's
features, crfsuite and the rules that follow it (about 30-40 ms an article): a thread beside
the parse was slower than none. A process is not. While the main process parses the next batch
of texts, one worker process takes each parsed ``Doc`` (serialised, about 2.5 ms an article) and
runs ``analyze_doc`` on it; the main process only parses and collects the results in input
order. The results are the same ``AnalyzedArticle``s, attribute for attribute (the worker reads
the Doc into a blank vocabulary of the same language, which keeps every string the Doc needs).
For the transformer profile the encoder stays a thread of the main process, started on each
text before its parse (``OnnxTagger.prefetch``); its scores go to the worker with the Doc, and
the worker mixes in the CRF, decodes, pairs and runs the rules (``EncodedTagger``).

It runs only where the process has a core to spare (``encoder_threads``, as the transformer's
encoder beside the parse): a Dask worker held to one core (``OMP_NUM_THREADS=1``) analyses in
line. ``analyze_one`` (one text: the web app, the tests) never starts it. The worker leaves when
its parent does, even one killed outright.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from spacy.tokens import Doc

from newstrace.model import AnalyzedArticle, Article

# Docs in flight: two spaCy batches, so the worker analyses one batch while the next is parsed.
LOOKAHEAD_BATCHES = 2
# What the worker does not need of a parsed Doc: the tok2vec tensor is three quarters of its
# bytes; user_data holds caches the worker rebuilds.
_EXCLUDE = ["tensor", "user_data"]

_state: dict[str, Any] = {}


def _start(lang: str, profile: str) -> None:
    """Worker initialiser: the language's vocabulary and the profile's tagger, once."""
    import signal

    import spacy

    # Ctrl-C is the main process's to handle (it stops the run and the pool); a worker that
    # took it too would print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A main process killed outright (SIGKILL, the OOM killer) never shuts the pool down, and
    # the worker would wait on its queue for ever: it leaves when its parent is gone.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()

    from newstrace.analysis.pipeline import _load_tagger

    _state["vocab"] = spacy.blank(lang).vocab
    if profile == "transformer":
        # The encoder stays in the main process (a thread beside its parse); the worker gets
        # each text's scores and does the rest.
        from newstrace.analysis.tagger.onnx_tagger import load_encoded_tagger

        _state["tagger"] = load_encoded_tagger()
    else:
        _state["tagger"] = _load_tagger(profile)


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _analyze(data: bytes, article: Article, encoded: Any = None) -> AnalyzedArticle:
    from newstrace.analysis.pipeline import analyze_doc

    doc = Doc(_state["vocab"]).from_bytes(data)
    tagger = _state["tagger"]
    if encoded is not None:
        tagger.given = encoded
    return analyze_doc(doc, article, tagger)


def spare_core() -> bool:
    """Whether this process may use a second core for a worker: not a Dask worker held to one
    core, nor a daemon process (which may not start children)."""
    from newstrace.analysis.tagger.onnx_tagger import encoder_threads

    return encoder_threads()[0] and not multiprocessing.current_process().daemon


class BesideAnalysis:
    """One worker process that runs ``analyze_doc`` on parsed Docs, in submission order."""

    def __init__(self, lang: str, profile: str) -> None:
        # spawn, not fork: the parent may hold threads (onnxruntime's, the store's) that a
        # forked child would inherit mid-lock.
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(lang, profile),
        )
        self.closed = False

    def run(
        self,
        parsed: Iterable[tuple[Doc, Article]],
        batch_size: int,
        encoded: Callable[[Doc], Any] | None = None,
    ) -> Iterator[AnalyzedArticle]:
        """``encoded``: the transformer's encoder scores of a parsed Doc's text, sent along."""
        window: deque[Future[AnalyzedArticle]] = deque()
        limit = max(1, batch_size) * LOOKAHEAD_BATCHES
        try:
            for doc, article in parsed:
                data = doc.to_bytes(exclude=_EXCLUDE)
                scores = encoded(doc) if encoded is not None else None
                window.append(self._pool.submit(_analyze, data, article, scores))
                while window and (len(window) > limit or window[0].done()):
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        except KeyboardInterrupt:
            # Ctrl-C stops now: the texts still queued are dropped, not analysed first.
            self.close(wait=False)
            raise

    def close(self, wait: bool = True) -> None:
        self.closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)
