"""The transformer attribution tagger at run time: int8 ONNX on onnxruntime, no torch.

``attribution.onnx`` is MiniLM-L6 (all-MiniLM-L6-v2) fine-tuned on PolNeAR train as a BIO
tagger over word-pieces (``benchmarks/train_transformer.py`` trains and exports it);
``attribution.tokenizer.json`` is the encoder's own word-piece tokenizer. A document is cut
into the windows of ``tagger.windows`` (paragraph cores with context, as in training); each
spaCy token takes the label scores of its first word-piece, and a BIO-constrained Viterbi
(no I-X after anything but B-X / I-X) picks the labels, so every run has a clean start. The
runs then go through the CRF tagger's ``pairing``, as its own labels do.
"""

from __future__ import annotations

import json
import os
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc

from newstrace.analysis.candidates import Candidate
from newstrace.analysis.hits import doc_text
from newstrace.analysis.tagger.brat import LABELS
from newstrace.analysis.tagger.pairing import pair
from newstrace.analysis.tagger.windows import RUN_CONTEXT, windows
from newstrace.errors import ModelError

HERE = Path(__file__).resolve().parent
DEFAULT_ONNX_PATH = HERE / "attribution.onnx"
TOKENIZER_PATH = HERE / "attribution.tokenizer.json"
CLS, SEP = 101, 102
# Windows run one at a time, not batched: a batch padded to its longest window computes the
# padding too (dynamic int8 quantisation scales activations per run); on a 2-core CPU one at a
# time was 131 ms an article against 178 ms in batches of 16 (dev F1 within 0.003).
_FIX = "reinstall newstrace, or rebuild it with `python benchmarks/train_transformer.py`"
# Texts whose encoder run may wait for their parse (``prefetch``): a batch of the analyzer's
# stream, with room to spare. Older ones are dropped (their parse failed or never came).
MAX_PENDING = 64


def _allowed() -> np.ndarray:
    """allowed[i, j]: label j may follow label i."""
    n = len(LABELS)
    ok = np.ones((n, n), dtype=bool)
    for j, lab in enumerate(LABELS):
        if lab.startswith("I-"):
            for i, prev in enumerate(LABELS):
                ok[i, j] = prev[2:] == lab[2:]
    return ok


_TRANS = np.where(_allowed(), 0.0, -1e4).astype(np.float32)
_START = np.array([-1e4 if lab.startswith("I-") else 0.0 for lab in LABELS], dtype=np.float32)


Scores = tuple[list[tuple[int, int]], np.ndarray]


class _Background:
    """One daemon thread running ``work`` on submitted texts, in order. A daemon, so a
    process that ends (Ctrl-C, an error) does not first tag the texts still queued, as a
    ``ThreadPoolExecutor`` would (a batch of 32 is about 4 s of encoder work)."""

    def __init__(self, work: Callable[[str], Scores]) -> None:
        self._work = work
        self._queue: queue.SimpleQueue[tuple[str, Future[Scores]]] = queue.SimpleQueue()
        threading.Thread(target=self._run, name="newstrace-encoder", daemon=True).start()

    def submit(self, text: str) -> Future[Scores]:
        future: Future[Scores] = Future()
        self._queue.put((text, future))
        return future

    def _run(self) -> None:
        while True:
            text, future = self._queue.get()
            if not future.set_running_or_notify_cancel():
                continue  # dropped from the pending texts before its turn
            try:
                future.set_result(self._work(text))
            except BaseException as exc:  # handed to the caller, who reports it
                future.set_exception(exc)


def viterbi(scores: np.ndarray) -> list[int]:
    """Best label ids under the BIO constraint for (n, labels) log-probabilities."""
    n = scores.shape[0]
    if n == 0:
        return []
    back = np.zeros((n, scores.shape[1]), dtype=np.int64)
    cur = scores[0] + _START
    for t in range(1, n):
        cand = cur[:, None] + _TRANS
        back[t] = cand.argmax(0)
        cur = cand.max(0) + scores[t]
    out = [int(cur.argmax())]
    for t in range(n - 1, 0, -1):
        out.append(int(back[t, out[-1]]))
    return out[::-1]


class OnnxTagger:
    """``predict(doc)`` gives candidates with char offsets into ``doc.text``, like ``Tagger``."""

    def __init__(self, path: Path = DEFAULT_ONNX_PATH, tokenizer: Path = TOKENIZER_PATH) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelError(
                f"the transformer tagger needs onnxruntime and tokenizers: {exc}",
                hint="pip install onnxruntime==1.31.1 tokenizers==0.23.3, or use --profile fast",
            ) from exc
        members = [path, *ensemble_members(path)]
        for f in (*members, tokenizer):
            if not f.is_file():
                raise ModelError(f"transformer tagger file {f} is missing", hint=_FIX)
        self.path = path
        # A CRF ``Tagger`` whose marginals are mixed in with weight ``mix`` (0: none).
        self.companion: Any = None
        self.mix = 0.0
        try:
            self._tok = Tokenizer.from_file(str(tokenizer))
            beside, threads = encoder_threads()
            opts = ort.SessionOptions()
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # Analysis runs in one process per worker: more threads than cores only contend.
            opts.inter_op_num_threads = 1
            opts.intra_op_num_threads = threads
            self._sessions = [
                ort.InferenceSession(str(f), opts, providers=["CPUExecutionProvider"])
                for f in members
            ]
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(
                f"transformer tagger {path} could not be loaded: {exc}", hint=_FIX
            ) from exc
        self._tok.no_truncation()
        self._tok.no_padding()
        self._pool = _Background(self.wordpiece_scores) if beside else None
        self._pending: OrderedDict[str, Future[Scores]] = OrderedDict()
        self._pending_lock = threading.Lock()

    def prefetch(self, text: str) -> None:
        """Start the encoder on ``text`` in the background; ``token_scores`` of a doc with this
        text then takes its result. No-op where the process has no core to spare."""
        if self._pool is None:
            return
        with self._pending_lock:
            if text in self._pending:
                return
            self._pending[text] = self._pool.submit(text)
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)[1].cancel()

    def _scores_of(self, text: str) -> Scores:
        with self._pending_lock:
            pending = self._pending.pop(text, None)
        if pending is not None and not pending.cancelled():
            return pending.result()
        return self.wordpiece_scores(text)

    def wordpiece_scores(self, text: str) -> Scores:
        """Word-piece char offsets and their (n, labels) log-probabilities."""
        enc = self._tok.encode(text, add_special_tokens=False)
        offsets: list[tuple[int, int]] = list(enc.offsets)
        ids = enc.ids
        scores = np.zeros((len(offsets), len(LABELS)), dtype=np.float32)
        for w in windows(text, offsets, RUN_CONTEXT):
            x = np.array([[CLS, *ids[w.start : w.stop], SEP]], dtype=np.int64)
            feed = {"input_ids": x, "attention_mask": np.ones_like(x)}
            outs = [sess.run(None, feed)[0] for sess in self._sessions]
            # Members vote with their label probabilities (the mean, not of log-probabilities:
            # one member's confident "outside" must not veto the others' span).
            out = outs[0] if len(outs) == 1 else np.log(np.mean(np.exp(outs), axis=0))
            a = w.core_start - w.start + 1
            scores[w.core_start : w.core_stop] = out[0, a : a + w.core_stop - w.core_start]
        return offsets, scores

    def encoded(self, doc: Doc) -> Scores:
        """The encoder's word-piece scores for ``doc``'s text: the prefetched run when there is
        one (waiting for it if need be), else computed now."""
        return self._scores_of(doc_text(doc))

    def token_scores(self, doc: Doc) -> np.ndarray:
        """(tokens, labels) log-probabilities: each token those of its first word-piece."""
        return token_scores(doc, self._scores_of(doc_text(doc)))

    def labels(self, doc: Doc) -> list[str]:
        if len(doc) == 0:
            return []
        return decode(doc, self.token_scores(doc), self.companion, self.mix)

    def predict(self, doc: Doc) -> list[Candidate]:
        return pair(doc, self.labels(doc), origin="transformer")


class EncodedTagger:
    """What the transformer tagger does after its encoder, for a text encoded elsewhere (the
    main process's encoder thread, when the rest of the analysis runs in a worker process):
    the CRF mix, the decoding and the pairing. ``predict`` needs ``given`` set first."""

    def __init__(self, companion: Any, mix: float) -> None:
        self.companion = companion
        self.mix = mix
        self.given: Scores | None = None

    def predict(self, doc: Doc) -> list[Candidate]:
        if len(doc) == 0:
            return pair(doc, [], origin="transformer")
        if self.given is None:
            raise ValueError("EncodedTagger.predict needs the text's encoder scores first")
        scores = token_scores(doc, self.given)
        return pair(doc, decode(doc, scores, self.companion, self.mix), origin="transformer")


def token_scores(doc: Doc, encoded: Scores) -> np.ndarray:
    """(tokens, labels) log-probabilities: each token those of its first word-piece."""
    offsets, wp = encoded
    out = np.zeros((len(doc), len(LABELS)), dtype=np.float32)
    out[:, 0] = 0.0
    out[:, 1:] = -30.0  # a token with no word-piece (whitespace) is outside
    j = 0
    n = len(offsets)
    for tok in doc:
        if tok.is_space:
            continue
        s, e = tok.idx, tok.idx + len(tok.text)
        while j < n and offsets[j][1] <= s:
            j += 1
        if j < n and offsets[j][0] < e:
            out[tok.i] = wp[j]
    return out


def decode(doc: Doc, scores: np.ndarray, companion: Any, mix: float) -> list[str]:
    """BIO labels from (tokens, labels) log-probabilities, mixed with the CRF's marginals."""
    if companion is not None and mix > 0:
        # Average the two taggers' label probabilities: they err in different places.
        crf = np.asarray(companion.marginals(doc, LABELS), dtype=np.float32)
        p = (1 - mix) * np.exp(scores) + mix * crf
        scores = np.log(np.clip(p, 1e-9, None))
    return [LABELS[i] for i in viterbi(scores)]


_CACHE: dict[Path, OnnxTagger] = {}
_LOCK = threading.Lock()


def crf_mix(path: Path) -> float:
    """The CRF weight chosen on dev for this model (``crf_mix`` in ``<model>.json``), or 0."""
    side = path.with_name(path.name + ".json")
    try:
        return float(json.loads(side.read_text(encoding="utf-8")).get("crf_mix", 0.0))
    except (OSError, ValueError, TypeError):
        return 0.0


def ensemble_members(path: Path) -> list[Path]:
    """Further models whose probabilities are averaged with ``path``'s (``ensemble`` in
    ``<model>.json``: file names beside it)."""
    side = path.with_name(path.name + ".json")
    try:
        names = json.loads(side.read_text(encoding="utf-8")).get("ensemble") or []
    except (OSError, ValueError, AttributeError):
        return []
    return [path.with_name(str(n)) for n in names]


def load_encoded_tagger(path: Path | None = None) -> EncodedTagger:
    """The transformer tagger's decoding and CRF mix, without its encoder (no ONNX session):
    for a worker process that receives each text's encoder scores."""
    return EncodedTagger(*_crf_companion((path or DEFAULT_ONNX_PATH).resolve()))


def _crf_companion(target: Path) -> tuple[Any, float]:
    """(the shipped CRF tagger, its mix weight) for the model at ``target``; (None, 0.0) when
    its ``.json`` mixes none in or no CRF model is installed."""
    mix = crf_mix(target)
    if mix <= 0:
        return None, 0.0
    from newstrace.analysis.tagger.crf import load_tagger

    companion = load_tagger()
    return companion, mix if companion is not None else 0.0


def load_onnx_tagger(path: Path | None = None) -> OnnxTagger:
    """The transformer tagger at ``path`` (default: the shipped one), loaded once per process,
    with the shipped CRF mixed in when its ``.json`` says so."""
    target = (path or DEFAULT_ONNX_PATH).resolve()
    with _LOCK:
        if target not in _CACHE:
            tagger = OnnxTagger(target)
            tagger.companion, tagger.mix = _crf_companion(target)
            _CACHE[target] = tagger
        return _CACHE[target]


def encoder_threads() -> tuple[bool, int]:
    """(whether the encoder runs beside spaCy's parse, its onnxruntime threads; 0 = one per
    core) in this process.

    The encoder reads the raw text, not the parse: with a core to spare it runs beside the
    parse of the same texts (onnxruntime releases the GIL) and leaves that core to it: 2
    threads fighting the parse for 2 cores were slower than 1 (120 PolNeAR texts: 1.23-1.31x
    a bare parse against 1.57-2.0x). A process held to one core (OMP_NUM_THREADS=1: a Dask
    worker, one per core) runs it in line on that core: onnxruntime's default of a thread per
    core would make N workers fight over them."""
    cores = _threads_from_env() or _cores()
    if cores > 1:
        return True, min(4, cores - 1)
    return False, _threads_from_env()


def _cores() -> int:
    """Cores this process may run on (its affinity: a container's or taskset's share)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _threads_from_env() -> int:
    """OMP_NUM_THREADS when set to a positive number, else 0 (onnxruntime's default)."""
    try:
        return max(0, int(os.environ.get("OMP_NUM_THREADS", "0")))
    except ValueError:
        return 0
