"""The trained attribution span tagger (a CRF over parse features) and its training.

``load_tagger()`` gives the shipped model (None when none is shipped); ``Tagger.predict(doc)``
turns a parsed ``Doc`` into ``Candidate``s; ``train(split_dir, out)`` rebuilds the model from
PolNeAR (``python benchmarks/train_tagger.py`` or ``newstrace train``).
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
