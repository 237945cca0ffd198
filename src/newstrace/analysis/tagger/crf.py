"""The attribution CRF: train it on a PolNeAR split, load it, tag a parsed ``Doc``.

The model is two files side by side: ``attribution.crfsuite`` (python-crfsuite weights) and
``attribution.lexicon.json`` (the cue prior the features need, learned from the same split).
Sequences are whole documents, so the label transitions see quotes that run across sentences.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pycrfsuite
from spacy.tokens import Doc, DocBin

from newstrace.analysis.candidates import Candidate
from newstrace.analysis.tagger.brat import gold_files, read_ann, token_labels
from newstrace.analysis.tagger.features import CueLexicon, doc_features, rule_roles
from newstrace.analysis.tagger.pairing import pair
from newstrace.errors import ModelError

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "attribution.crfsuite"

# L1 prunes most of the ~1M candidate features (the shipped file stays near 23 MB; 70
# iterations leave 43 MB, over the 30 MB budget); L2 keeps the survivors smooth. Measured on
# dev (tagger alone, exact F1 source/cue/content, one run each): 70 iterations
# 0.759/0.695/0.539; 85: 0.764/0.707/0.549; 100: 0.767/0.701/0.541; 150: 0.758/0.693/0.521;
# 200 (older features) lost 0.025 on content against 100: L-BFGS run longer overfits.
# c2 = 0.2 instead of 0.05 gave 0.760/0.696/0.534; c1 = 0.3 (c2 = 0.01) was flat.
# The rule-role features follow ``analysis.extract``: retrain when the rules change much.
DEFAULT_HYPER: dict[str, Any] = {
    "c1": 0.1,
    "c2": 0.05,
    "max_iterations": 100,
    "feature.possible_transitions": True,
    "feature.minfreq": 1,
}


def lexicon_path(model_path: Path) -> Path:
    return model_path.with_name(model_path.stem + ".lexicon.json")


class Tagger:
    """A loaded model: ``predict(doc)`` gives candidates with char offsets into ``doc.text``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        lex = lexicon_path(path)
        try:
            self.lexicon = CueLexicon.from_file(lex)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(
                f"attribution tagger lexicon {lex} is missing or corrupt: {exc}",
                hint="reinstall newstrace or retrain with `newstrace train`",
            ) from exc
        self._crf = pycrfsuite.Tagger()
        try:
            self._crf.open(str(path))
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"attribution tagger model {path} is corrupt: {exc}",
                hint="reinstall newstrace or retrain with `newstrace train`",
            ) from exc
        # pycrfsuite.Tagger keeps state between set() and tag(): one caller at a time.
        self._lock = threading.Lock()

    def labels(self, doc: Doc) -> list[str]:
        if len(doc) == 0:
            return []
        feats = doc_features(doc, self.lexicon, rule_roles(doc))
        with self._lock:
            out: list[str] = self._crf.tag(feats)
        return out

    def predict(self, doc: Doc) -> list[Candidate]:
        return pair(doc, self.labels(doc))

    def marginals(self, doc: Doc, labels: Sequence[str]) -> list[list[float]]:
        """P(label at token) under the CRF, per token, in the order of ``labels``."""
        if len(doc) == 0:
            return []
        feats = doc_features(doc, self.lexicon, rule_roles(doc))
        known = set(self._crf.labels())
        with self._lock:
            self._crf.set(feats)
            return [
                [self._crf.marginal(lab, t) if lab in known else 0.0 for lab in labels]
                for t in range(len(doc))
            ]


_CACHE: dict[Path, Tagger] = {}
_CACHE_LOCK = threading.Lock()


def load_tagger(path: Path | None = None) -> Tagger | None:
    """The tagger at ``path`` (default: the shipped model), loaded once per process.

    None when no model file exists (a source checkout before ``newstrace train``);
    ``ModelError`` when the file is there but unreadable.
    """
    target = (path or DEFAULT_MODEL_PATH).resolve()
    with _CACHE_LOCK:
        if target in _CACHE:
            return _CACHE[target]
        if not target.exists():
            return None
        tagger = Tagger(target)
        _CACHE[target] = tagger
        return tagger


def _parse(nlp: Any, split_dir: Path, cache: Path | None) -> Iterator[tuple[str, Doc, list[str]]]:
    """(stem, doc, gold labels) for every gold-annotated text of the split."""
    files = gold_files(split_dir)
    stems = list(files)
    texts = [files[s][0].read_text(encoding="utf-8") for s in stems]
    # The cache key covers the texts and the pipeline, so a changed parse is never reused.
    ident = [*stems, *texts, *nlp.pipe_names, nlp.meta.get("name", ""), nlp.meta.get("version", "")]
    key = hashlib.sha1("\n".join(ident).encode("utf-8")).hexdigest()[:16]
    cached = cache / f"polnear-{key}.spacy" if cache else None
    if cached is not None and cached.exists():
        docs = list(DocBin().from_disk(cached).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe(texts, batch_size=16))
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            db = DocBin(docs=docs)
            db.to_disk(cached)
    for stem, doc in zip(stems, docs, strict=True):
        spans = [(t.idx, t.idx + len(t.text)) for t in doc]
        yield stem, doc, token_labels(spans, read_ann(files[stem][1]))


def make_nlp(spacy_model: str | None = None) -> Any:
    """The spaCy pipeline exactly as ``Analyzer`` runs it (its paragraph-break component
    changes sentences and parses), so that training and use see the same trees."""
    from newstrace import settings

    name = settings.SPACY_MODEL.value(spacy_model)
    try:
        from newstrace.analysis.pipeline import Analyzer
    except ImportError:
        import spacy

        return spacy.load(name)
    return Analyzer(name, use_tagger=False).nlp


def parsed_split(
    split_dir: Path, spacy_model: str | None = None, cache: Path | None = None
) -> list[tuple[str, Doc, list[str]]]:
    """(stem, parsed doc, gold BIO labels) for each gold text of a PolNeAR split."""
    return list(_parse(make_nlp(spacy_model), split_dir, cache))


def train(train_dir: Path, out: Path, **hyper: Any) -> dict[str, Any]:
    """Train on a PolNeAR split and write ``out`` (+ its lexicon); returns the figures.

    ``hyper``: crfsuite parameters (``c1``, ``c2``, ``max_iterations``, ...) plus
    ``spacy_model`` and ``cache`` (a folder for the parsed split; default: the system temp dir).
    """
    t0 = time.perf_counter()
    spacy_model = hyper.pop("spacy_model", None)
    cache = hyper.pop("cache", Path(tempfile.gettempdir()) / "newstrace-tagger-cache")
    data = parsed_split(train_dir, spacy_model, Path(cache) if cache else None)
    t_parse = time.perf_counter() - t0
    return train_on(data, out, parse_seconds=t_parse, **hyper)


def train_on(
    data: Sequence[tuple[str, Doc, list[str]]], out: Path, parse_seconds: float = 0.0, **hyper: Any
) -> dict[str, Any]:
    t0 = time.perf_counter()
    lex = CueLexicon.learn((doc, labels) for _stem, doc, labels in data)
    params = {**DEFAULT_HYPER, **hyper}
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    trainer.set_params(params)
    order = list(range(len(data)))
    random.Random(13).shuffle(order)  # crfsuite is deterministic given the order
    n_tokens = 0
    for k in order:
        _stem, doc, labels = data[k]
        if len(doc) == 0:
            continue
        trainer.append(doc_features(doc, lex, rule_roles(doc)), labels)
        n_tokens += len(doc)
    t_feat = time.perf_counter() - t0
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    trainer.train(str(tmp))
    tmp.replace(out)
    lexicon_path(out).write_text(lex.to_json() + "\n", encoding="utf-8")
    with _CACHE_LOCK:
        _CACHE.pop(out.resolve(), None)
    last = trainer.logparser.last_iteration or {}
    return {
        "model": str(out),
        "documents": len(data),
        "tokens": n_tokens,
        "iterations": len(trainer.logparser.iterations),
        "loss": last.get("loss"),
        "active_features": last.get("active_features"),
        "model_bytes": out.stat().st_size,
        "lexicon_lemmas": len(lex.prior),
        "seconds": {
            "parse": round(parse_seconds, 1),
            "features": round(t_feat, 1),
            "train": round(time.perf_counter() - t0 - t_feat, 1),
        },
        "params": {k: v for k, v in params.items()},
    }
