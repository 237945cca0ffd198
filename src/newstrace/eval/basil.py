"""Story linking scored on BASIL (multi-outlet coverage of one event: NYT / Fox / HuffPost).

Each BASIL article becomes a ``StoryInput`` from its title, its paragraphs joined (sentences
joined by spaces, paragraphs by blank lines), its date and URL; the gold ``main-entities`` and
``main-event`` fields are never read. Scores are pairwise precision / recall / F1 of the
"same story" relation, as ``shared/tools/basil_score.py`` computes them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

from newstrace.linking.stories import THRESHOLD, StoryInput, cluster_stories


def load(basil_dir: str | Path) -> list[dict[str, Any]]:
    """BASIL articles under ``basil_dir`` (annotation files skipped), sorted by id."""
    out = []
    for p in sorted(Path(basil_dir).rglob("*.json")):
        if p.name.endswith("_ann.json"):
            continue
        doc = json.loads(p.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or "body-paragraphs" not in doc:
            continue
        body = "\n\n".join(" ".join(s for s in para) for para in doc["body-paragraphs"])
        out.append(
            {
                "id": p.stem,
                "year": p.parent.name,
                "gold": doc.get("triplet-uuid"),
                "title": doc.get("title") or "",
                "text": (doc.get("title") or "") + "\n\n" + body,
                "published": doc.get("date"),
                "url": doc.get("url"),
            }
        )
    return out


def pairwise(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, float]:
    def pairs(labels: dict[str, Any]) -> set[tuple[str, str]]:
        groups: dict[Any, list[str]] = defaultdict(list)
        for k, v in labels.items():
            groups[json.dumps(v)].append(k)
        return {tuple(sorted(p)) for g in groups.values() for p in combinations(g, 2)}  # type: ignore[misc]

    g, p = pairs(gold), pairs({k: pred.get(k, "single:" + k) for k in gold})
    tp = len(g & p)
    prec = tp / len(p) if p else 0.0
    rec = tp / len(g) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f1": f1, "pred_pairs": len(p), "gold_pairs": len(g)}


def predict(items: Iterable[dict[str, Any]], threshold: float = THRESHOLD) -> dict[str, str]:
    items = list(items)
    docs = [
        StoryInput(title=it["title"], text=it["text"], published=it["published"]) for it in items
    ]
    labels = cluster_stories(docs, threshold)
    return {it["id"]: items[lab]["id"] for it, lab in zip(items, labels, strict=True)}


def run(
    basil_dir: str | Path, threshold: float = THRESHOLD, predictions: bool = False
) -> dict[str, Any]:
    """Score story linking on ``basil_dir``; also per year (each year linked on its own).

    With ``predictions``, the result also holds ``predictions``: [{"id", "story"}], the lines
    ``shared/tools/basil_score.py`` reads."""
    items = load(basil_dir)
    gold = {it["id"]: it["gold"] for it in items}
    pred = predict(items, threshold)
    result: dict[str, Any] = {"articles": len(items), "threshold": threshold}
    result.update(pairwise(gold, pred))
    years: dict[str, Any] = {}
    for year in sorted({it["year"] for it in items}):
        sub = [it for it in items if it["year"] == year]
        years[year] = round(
            pairwise({it["id"]: it["gold"] for it in sub}, predict(sub, threshold))["f1"], 4
        )
    result["per_year_f1"] = years
    if predictions:
        result["predictions"] = [{"id": k, "story": v} for k, v in pred.items()]
    return result
