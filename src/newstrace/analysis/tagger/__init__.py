"""The trained attribution span taggers and the CRF's training.

Two taggers give the same ``predict(doc) -> list[Candidate]``: the CRF over parse features
(``load_tagger()``, None when none is shipped; profile ``fast``) and the MiniLM transformer on
onnxruntime (``onnx_tagger.load_onnx_tagger()``; profile ``default``), which the pipeline
imports only when that profile is asked for. ``train(split_dir, out)`` rebuilds the CRF from
PolNeAR (``python benchmarks/train_tagger.py`` or ``newstrace train``); the transformer is
trained and exported by ``benchmarks/train_transformer.py`` (the ``train`` extra: torch).
"""

from newstrace.analysis.tagger.crf import (
    DEFAULT_MODEL_PATH,
    Tagger,
    load_tagger,
    parsed_split,
    train,
    train_on,
)

__all__ = ["DEFAULT_MODEL_PATH", "Tagger", "load_tagger", "parsed_split", "train", "train_on"]
