"""Attribution spans scored against PolNeAR (``newstrace eval polnear DIR``).

The rules are those of ``shared/tools/polnear_score.py`` (a test runs both and compares):
per role, predicted spans against gold spans, each gold span matched at most once, in the
order spans first appear; *exact* compares the extents after trimming whitespace and
punctuation off each fragment's edges, *overlap* asks for one shared character. Identical
spans count once per article, and the alphabetically first annotator's file is gold.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newstrace.analysis.candidates import Candidate, Fragments
from newstrace.analysis.tagger.brat import ROLES, gold_files, read_ann
from newstrace.model import Article, ArticleMeta, Span

EDGE = " \t\n\r\"'“”‘’,.;:!?()[]—–-"

Norm = tuple[tuple[int, int], ...]
Predict = Callable[[str, str], list[Candidate]]


@dataclass(frozen=True, slots=True)
class GoldArticle:
    text: str
    roles: dict[str, list[Norm]]


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in EDGE:
        s += 1
    while e > s and text[e - 1] in EDGE:
        e -= 1
    return s, e


def norm(text: str, frags: Iterable[tuple[int, int]] | None) -> Norm | None:
    if not frags:
        return None
    out = []
    for s, e in frags:
        s, e = trim(text, max(0, int(s)), min(len(text), int(e)))
        if e > s:
            out.append((s, e))
    return tuple(sorted(out)) or None


def load_gold(split_dir: Path) -> dict[str, GoldArticle]:
    """stem -> text and the distinct normalised spans of each role."""
    gold: dict[str, GoldArticle] = {}
    for stem, (text_path, ann) in gold_files(split_dir).items():
        text = text_path.read_text(encoding="utf-8")
        roles: dict[str, list[Norm]] = {r: [] for r in ROLES}
        for att in read_ann(ann):
            for role in ROLES:
                n = norm(text, att.role(role))
                if n and n not in roles[role]:
                    roles[role].append(n)
        gold[stem] = GoldArticle(text, roles)
    return gold


def _chars(span: Norm) -> set[int]:
    return {i for s, e in span for i in range(s, e)}


def _match(pred: Sequence[Norm], gold: Sequence[Norm], overlap: bool) -> int:
    used: set[int] = set()
    tp = 0
    for p in pred:
        pc = _chars(p) if overlap else set()
        for j, g in enumerate(gold):
            if j in used:
                continue
            if (pc & _chars(g)) if overlap else (p == g):
                used.add(j)
                tp += 1
                break
    return tp


def score(gold: dict[str, GoldArticle], predictions: dict[str, list[Candidate]]) -> dict[str, Any]:
    """``{"articles", "predicted_articles", "scores": {"exact.cue": {p, r, f1, pred, gold}}}``."""
    res: dict[str, dict[str, float | int]] = {}
    for mode in ("exact", "overlap"):
        for role in ROLES:
            tp = n_pred = n_gold = 0
            for stem, art in gold.items():
                pred: list[Norm] = []
                for cand in predictions.get(stem, []):
                    n = norm(art.text, getattr(cand, role))
                    if n and n not in pred:
                        pred.append(n)
                g = art.roles[role]
                tp += _match(pred, g, mode == "overlap")
                n_pred += len(pred)
                n_gold += len(g)
            p = tp / n_pred if n_pred else 0.0
            r = tp / n_gold if n_gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            res[f"{mode}.{role}"] = {
                "p": round(p, 4),
                "r": round(r, 4),
                "f1": round(f, 4),
                "pred": n_pred,
                "gold": n_gold,
            }
    return {
        "articles": len(gold),
        "predicted_articles": sum(1 for s in gold if s in predictions),
        "scores": res,
    }


def write_predictions(predictions: dict[str, list[Candidate]], out: Path) -> None:
    """JSONL in the shared scorer's input format, one line per article."""
    with out.open("w", encoding="utf-8") as fh:
        for stem in sorted(predictions):
            atts = [
                {
                    role: [list(f) for f in frags] if (frags := getattr(c, role)) else None
                    for role in ROLES
                }
                for c in predictions[stem]
            ]
            fh.write(json.dumps({"id": stem, "attributions": atts}) + "\n")


def _frags(span: Span | None) -> Fragments | None:
    if span is None:
        return None
    return span.fragments or ((span.start, span.end),)


def _as_ingested(stem: str, text: str) -> Article:
    """The article as ``newstrace analyze`` reads the ``.txt`` file: title, byline and
    ``body_start`` found by the text reader, so the headline is handled as in use."""
    from newstrace.ingest import read_bytes

    for item in read_bytes(text.encode("utf-8"), f"{stem}.txt"):
        if isinstance(item, Article) and item.text == text:
            return item
    return Article(path=f"{stem}.txt", text=text, meta=ArticleMeta())


def analyzer_predictor(spacy_model: str | None = None, profile: str | None = None) -> Predict:
    """The whole analysis (rules + tagger + enrichment), as ``newstrace analyze`` runs it."""
    from newstrace import settings
    from newstrace.analysis.pipeline import Analyzer

    analyzer = Analyzer(settings.SPACY_MODEL.value(spacy_model), profile=profile)

    def predict(stem: str, text: str) -> list[Candidate]:
        article = _as_ingested(stem, text)
        cands = [
            Candidate(
                _frags(a.source.span if a.source else None),
                _frags(a.cue),
                _frags(a.content),
                origin="analyzer",
            )
            for a in analyzer.analyze_one(article).attributions
            if not a.nested
        ]
        return cands

    return predict


def default_predictor(profile: str | None = None) -> tuple[Predict, str]:
    """The full Analyzer when it is importable, else the tagger alone."""
    try:
        return analyzer_predictor(profile=profile), "analyzer"
    except ImportError:
        return tagger_predictor(profile=profile), "tagger"


def tagger_predictor(spacy_model: str | None = None, profile: str | None = None) -> Predict:
    """The profile's trained tagger alone (CRF or transformer), on the Analyzer's parse."""
    from newstrace import settings
    from newstrace.analysis.tagger.crf import make_nlp
    from newstrace.errors import ModelError

    tagger: Any
    if settings.profile(profile) == "fast":
        from newstrace.analysis.tagger import load_tagger

        tagger = load_tagger()
        if tagger is None:
            raise ModelError("no attribution tagger model is shipped", hint="run `newstrace train`")
    else:
        from newstrace.analysis.tagger.onnx_tagger import load_onnx_tagger

        tagger = load_onnx_tagger()
    nlp = make_nlp(spacy_model)
    return lambda _stem, text: tagger.predict(nlp(text))


def run(
    split_dir: Path,
    predict: Predict | None = None,
    limit: int | None = None,
    predictions_out: Path | None = None,
    system: str | None = None,
    profile: str | None = None,
) -> dict[str, Any]:
    """Predict every gold article of ``split_dir`` (the first ``limit``) and score it.

    ``predict(stem, text)`` gives the candidates; by default the whole Analyzer
    (``system="analyzer"``), or the trained tagger alone with ``system="tagger"``, both in
    ``profile`` (default: the ``profile`` setting).
    """
    from newstrace import settings

    used = settings.profile(profile)
    gold = load_gold(split_dir)
    if limit is not None:
        gold = dict(list(gold.items())[:limit])
    if predict is not None:
        system = system or "custom"
    elif system == "tagger":
        predict = tagger_predictor(profile=used)
    elif system in (None, "analyzer"):
        predict, system = default_predictor(used)
    else:
        raise ValueError(f"unknown system {system!r} (analyzer | tagger)")
    t0 = time.perf_counter()
    preds = {stem: predict(stem, art.text) for stem, art in gold.items()}
    seconds = time.perf_counter() - t0
    if predictions_out is not None:
        write_predictions(preds, predictions_out)
    result = score(gold, preds)
    result["system"] = system
    result["profile"] = used if system != "custom" else None
    result["seconds"] = round(seconds, 1)
    return result
