"""Sentence embeddings for claim linking: all-MiniLM-L6-v2, int8 ONNX, on onnxruntime.

The model file and its tokenizer ship inside the package (``linking/embedder/``, built by
``benchmarks/export_embedder.py``); nothing is downloaded and torch is never imported. Vectors
are L2-normalised, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newstrace.errors import ModelError

MODEL_DIR = Path(__file__).with_name("embedder")
MODEL_FILE = MODEL_DIR / "minilm-l6.int8.onnx"
DIM = 384
# Claim contents are sentences; 128 word-pieces hold all but run-on quotes, and attention cost
# grows with the square of the length.
MAX_TOKENS = 128
# One sentence per call: the int8 model quantizes its activations with one scale per input
# tensor, so a sentence's vector would depend on what it is batched with (cosine down to 0.985),
# and a relink or an incremental link could group claims differently from the first linking.
# Batches of one cost ~10% more on news sentences (measured: 400 sentences 3.97 s vs 3.61 s).
BATCH = 1


class Embedder:
    """Loads once; ``encode`` is safe to call from several threads."""

    def __init__(self, model: Path = MODEL_FILE) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - both are core dependencies
            raise ModelError(
                f"sentence embedder needs onnxruntime and tokenizers: {exc}",
                hint="reinstall newstrace: pip install -e .",
            ) from exc
        if not model.exists():
            raise ModelError(
                f"{model}: sentence-embedding model missing",
                hint="reinstall newstrace, or rebuild it: python benchmarks/export_embedder.py",
            )
        opts = ort.SessionOptions()
        # One thread per session: linking runs beside analysis workers, and short sentences
        # gain little from intra-op parallelism.
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        tok = Tokenizer.from_file(str(model.parent / "tokenizer.json"))
        tok.enable_truncation(MAX_TOKENS)
        tok.no_padding()
        self._tok = tok
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 384) float32 unit vectors; an empty text gets a zero vector."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        todo = [i for i, t in enumerate(texts) if t and t.strip()]
        if not todo:
            return out
        with self._lock:
            encs = self._tok.encode_batch([texts[i] for i in todo])
        order = sorted(range(len(todo)), key=lambda k: len(encs[k].ids))
        for lo in range(0, len(order), BATCH):
            chunk = order[lo : lo + BATCH]
            width = max(len(encs[k].ids) for k in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, k in enumerate(chunk):
                n = len(encs[k].ids)
                ids[row, :n] = encs[k].ids
                mask[row, :n] = 1
            feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
            vecs = self._session.run(None, feeds)[0]
            for row, k in enumerate(chunk):
                out[todo[k]] = vecs[row]
        return out


@lru_cache(maxsize=1)
def embedder() -> Embedder:
    """The process-wide embedder (loaded on first use: about 0.3 s)."""
    return Embedder()
