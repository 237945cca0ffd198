"""Read-side queries over a linked store: stories with their claims, claims, and claim look-up."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Any

import numpy as np

from newstrace.linking.link import link_store
from newstrace.linking.text import content_words, sort_key
from newstrace.model import Story, StoryArticle
from newstrace.store import Store, StoredArticle

# A claim summary in ``stories`` is the trace record without its long lists.
_SUMMARY_KEYS = ("claim", "text", "independent_sources", "disputers", "articles", "outlets")
# Look-up: a claim carried by more articles is likelier the one meant, at equal wording
# (tuned on claims-dev: without it a one-article paraphrase outranks the claim itself).
ARTICLES_WEIGHT = 0.04
# Below this similarity no stored claim says what the query says.
MIN_SCORE = 0.35
# The query's words found verbatim in a member ("NO COLLUSION"): it is that claim.
VERBATIM_BONUS = 0.3
# A query naming who said it ("Kudlow said …") prefers the claim that speaker is behind.
SPEAKER_BONUS = 0.05
# Claims rescored by their best statement.
POOL = 40
# The same proposition in another story's coverage ("Pompeo met Kim" in the coverage of the
# North's test halt three days later): claims are clustered within a story, so a look-up lists
# these beside the claim it found. Close centroids and a close pair of statements, or very
# close centroids (claims-dev: the one cross-story match scores 0.81 / 0.94; of the other
# cross-story pairs none reaches 0.85 centroid, nor 0.80 pair).
ELSEWHERE_CENTROID = 0.75
ELSEWHERE_PAIR = 0.85
ELSEWHERE_CENTROID_ALONE = 0.86
ELSEWHERE_POOL = 20


def ensure_linked(store: Store) -> None:
    """Link the store if articles were added since the last linking (an interrupted ingest)."""
    if store.state("links_stale") == "1" and not store.readonly:  # a reader never writes
        link_store(store)


def stories(store: Store) -> list[dict[str, Any]]:
    """One record per story (model.Story), in order of the story's first stored article."""
    rows = store.articles()
    by_key = {r.key: r for r in rows}
    groups: dict[str, list[StoredArticle]] = defaultdict(list)
    for r in rows:
        groups[r.story or f"unlinked:{r.key}"].append(r)
    claims: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in store.claim_records():
        if c.get("story"):
            claims[c["story"]].append(summary(c))
    out = []
    for story, members in groups.items():
        members.sort(key=lambda r: (sort_key(r.published), r.seq))
        dated = [m.published for m in members if m.published]
        originals = [m for m in members if m.copy_of is None] or members
        record = Story(
            story=story,
            title=originals[0].title,
            articles=[
                StoryArticle(
                    id=m.id,
                    path=m.path,
                    title=m.title,
                    publisher=m.publisher,
                    published=m.published,
                    copy_of=by_key[m.copy_of].id if m.copy_of in by_key else None,
                )
                for m in members
            ],
            claims=sorted(claims.get(story, []), key=_rank),
            start=dated[0] if dated else None,
            end=max(dated, key=sort_key) if dated else None,
        )
        out.append(record.to_json())
    return out


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """A claim as ``stories`` lists it: the record without its long lists."""
    out = {k: record.get(k) for k in _SUMMARY_KEYS}
    members = record.get("attributions")
    out["attributions"] = len(members) if isinstance(members, list) else int(members or 0)
    out["articles"] = len(record.get("articles") or [])
    out["outlets"] = len(record.get("outlets") or [])
    return out


def _rank(c: dict[str, Any]) -> tuple[int, int, str]:
    return (-int(c["outlets"] or 0), -int(c["attributions"] or 0), c["claim"])


def claims(store: Store, story: str | None = None) -> list[dict[str, Any]]:
    """Claim records, those carried by the most outlets first (of one story when given)."""
    records = [
        c for c in store.claim_records() if story is None or story in (c.get("stories") or [])
    ]
    return sorted(records, key=lambda c: _rank(summary(c)))


_NAME = re.compile(r"\b[A-Z][\w'’.-]*[a-z]\w*")
_NOT_NAMES = frozenset({"The", "A", "An", "He", "She", "It", "They", "We", "In", "On", "Mr", "Mrs"})


def _names(text: str) -> set[str]:
    """Capitalised words of a query or a source's name, lower-cased ("Trump", "Kudlow")."""
    return {
        m.group(0).lower().rstrip(".'’s")
        for m in _NAME.finditer(text)
        if m.group(0).rstrip(".") not in _NOT_NAMES
    }


def _speakers(record: dict[str, Any]) -> set[str]:
    """Names of who the claim is attributed to (origin, backers, member sources)."""
    out = _names((record.get("origin") or {}).get("source") or "")
    for b in record.get("independent_backers") or []:
        out |= _names(b.get("name") or "")
    for m in record.get("attributions") or []:
        if isinstance(m, dict) and m.get("source") and m.get("role") != "dispute":
            out |= _names(m["source"].get("resolved") or "")
    return out


def _verbatim(query: str, record: dict[str, Any]) -> bool:
    q = re.sub(r"\W+", " ", query).strip().lower()
    if len(q) < 8:
        return False
    for m in record.get("attributions") or []:
        text = ((m.get("content") or {}).get("text") or "") if isinstance(m, dict) else ""
        if q in re.sub(r"\W+", " ", text).lower():
            return True
    return False


def trace(store: Store, query: str, top: int = 5) -> dict[str, Any] | None:
    """The claim with id ``query``, else the stored claim that best says what ``query`` says.

    Ranking: cosine of the query's sentence embedding with each claim's centroid, plus a little
    per article carrying the claim, plus a bonus when the query is quoted verbatim in one of its
    statements. The record gains ``score`` and ``alternatives`` (the next ``top`` claims: id,
    text, score).
    """
    exact = store.claim_record(query)
    if exact is not None:
        ids, vecs = store.claim_vectors()
        return {
            **exact,
            "score": 1.0,
            "alternatives": [],
            "elsewhere": elsewhere(store, exact, ids, vecs),
        }
    if not content_words(query):
        return None
    from newstrace.linking.embed import embedder

    ids, vecs = store.claim_vectors()
    if not ids:
        return None
    q = embedder().encode([query])[0]
    asked = _names(query)
    cos = vecs @ q
    # Rescore the closest few dozen by their best-matching statement: a centroid blurs a
    # claim's wordings, and the query is usually one of them.
    pool = np.argsort(-cos)[: max(POOL, top * 4)]
    scored: list[tuple[float, dict[str, Any]]] = []
    for i in pool:
        record = store.claim_record(ids[int(i)])
        if record is None:
            continue
        statement_vecs = store.claim_statement_vectors(ids[int(i)])
        closest = float((statement_vecs @ q).max()) if len(statement_vecs) else float(cos[int(i)])
        n = len(record.get("articles") or [])
        score = closest + ARTICLES_WEIGHT * math.log2(max(n, 1))
        if _verbatim(query, record):
            score += VERBATIM_BONUS
        if asked & _speakers(record):
            score += SPEAKER_BONUS
        scored.append((score, record))
    scored.sort(key=lambda x: -x[0])
    if not scored or scored[0][0] < MIN_SCORE:
        return None
    best_score, best = scored[0]
    alternatives = [
        {"claim": r["claim"], "text": r.get("text"), "score": round(sc, 4)}
        for sc, r in scored[1 : top + 1]
    ]
    return {
        **best,
        "score": round(best_score, 4),
        "alternatives": alternatives,
        "elsewhere": elsewhere(store, best, ids, vecs),
    }


def elsewhere(
    store: Store, record: dict[str, Any], ids: list[str], vecs: np.ndarray
) -> list[dict[str, Any]]:
    """Claims of other stories that state what ``record`` states: id, story, text, articles,
    score (the closest pair of their statements' cosine)."""
    if record["claim"] not in ids or not len(vecs):
        return []
    centroid = vecs[ids.index(record["claim"])]
    mine = store.claim_statement_vectors(record["claim"])
    if not len(mine):
        return []
    stories = set(record.get("stories") or [record.get("story")])
    cos = vecs @ centroid
    out = []
    for i in np.argsort(-cos)[:ELSEWHERE_POOL]:
        if cos[int(i)] < ELSEWHERE_CENTROID:
            break
        other = store.claim_record(ids[int(i)])
        if other is None or set(other.get("stories") or [other.get("story")]) & stories:
            continue
        theirs = store.claim_statement_vectors(other["claim"])
        pair = float((mine @ theirs.T).max()) if len(theirs) else 0.0
        if pair >= ELSEWHERE_PAIR or cos[int(i)] >= ELSEWHERE_CENTROID_ALONE:
            out.append(
                {
                    "claim": other["claim"],
                    "story": other.get("story"),
                    "text": other.get("text"),
                    "articles": other.get("articles") or [],
                    "score": round(pair, 4),
                }
            )
    return out


def find_claim(store: Store, query: str) -> dict[str, Any] | None:
    """``trace`` without alternatives (kept for callers of the first API)."""
    return trace(store, query)
