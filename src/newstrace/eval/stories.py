"""Story linking scored on a dense month of multi-outlet coverage (claims-dev: NewsWCL50 events).

``DIR/articles.jsonl`` holds news-please records; each record's event is its ``event`` field
when it has one, else the N of an id ``wcl50-N_X`` (claims-dev: event N, outlet X). The gold
story of an article is its event. Articles are read with the JSONL reader (title, text,
``published``) and linked with ``stories.cluster_stories``; no NLP model is needed, as for
``eval basil``. Scores are the pairwise precision / recall / F1 of the "same story" relation
(``eval.basil.pairwise``), over all articles and the threshold curve around the shipped cut.

The events of claims-dev are one month of US politics (April 2018) told by five outlets each;
two North Korea events three days apart are the hard case (they merged before the lede weight
and the stronger day decay).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from newstrace.errors import InputError
from newstrace.eval.basil import pairwise
from newstrace.linking.stories import THRESHOLD, StoryInput, cluster_stories
from newstrace.model import Article

_EVENT_ID = re.compile(r"^wcl50-(\d+)_")
# cuts around THRESHOLD shown by ``run``: a wide plateau means the cut does not hinge on dev
CURVE = (0.09, 0.10, 0.11, 0.12, 0.13, 0.14, 0.15)


def load(directory: str | Path) -> tuple[list[Article], dict[str, str]]:
    """The articles of ``DIR/articles.jsonl`` and their gold events {article id: event}."""
    import json

    from newstrace.ingest import read_path

    path = Path(directory) / "articles.jsonl"
    if not path.is_file():
        raise InputError(str(path), "no articles.jsonl here (expected a claims-dev folder)")
    events: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        rec = json.loads(line)
        rid = str(rec.get("id") or rec.get("url") or "")
        m = _EVENT_ID.match(rid)
        ev = rec.get("event", m.group(1) if m else None)
        if rid and ev is not None:
            events[rid] = str(ev)
    arts = [a for a in read_path(str(path)) if isinstance(a, Article) and a.id in events]
    return arts, {a.id or "": events[a.id or ""] for a in arts}


def predict(arts: list[Article], threshold: float = THRESHOLD) -> dict[str, str]:
    """{article id: id of a member of its predicted story}."""
    docs = [StoryInput(a.meta.title or "", a.text, a.meta.published) for a in arts]
    labels = cluster_stories(docs, threshold)
    return {a.id or "": arts[lab].id or "" for a, lab in zip(arts, labels, strict=True)}


def run(directory: str | Path, threshold: float = THRESHOLD) -> dict[str, Any]:
    """Pairwise P/R/F1 of stories vs. the gold events, the predicted stories (as lists of
    article ids) and F1 along ``CURVE``."""
    arts, gold = load(directory)
    pred = predict(arts, threshold)
    result: dict[str, Any] = {
        "articles": len(arts),
        "events": len(set(gold.values())),
        "threshold": threshold,
    }
    result.update(pairwise(gold, pred))
    groups: dict[str, list[str]] = defaultdict(list)
    for aid, story in pred.items():
        groups[story].append(aid)
    result["stories"] = len(groups)
    result["f1_by_threshold"] = {
        str(t): round(pairwise(gold, predict(arts, t))["f1"], 4) for t in CURVE
    }
    result["merged_events"] = sorted(
        "+".join(sorted({gold[a] for a in g}))
        for g in groups.values()
        if len({gold[a] for a in g}) > 1
    )
    return result
