"""Claims as schema.org ``ClaimReview``-style JSON-LD: one ``claims.jsonld`` with an ``@graph``.

Each claim becomes a ``ClaimReview`` whose ``claimReviewed`` is the claim's text and whose
``itemReviewed`` is a ``Claim``: ``author`` the origin (the earliest source it traces back to,
a ``Person`` or an ``Organization``; ``Thing`` when its type is unknown; anonymous sources
say so in ``description``), ``firstAppearance`` the first report and ``appearance`` every
article carrying it, each a ``CreativeWork`` with ``url``, ``headline``, ``publisher`` and
``datePublished``.

What newstrace found is said in words in ``reviewBody`` (independent sources, relays,
disputers, hedges). No ``reviewRating`` is written: newstrace traces who said a claim, not
whether it is true, and a rating would be one it invented.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newstrace.store import Store, StoredArticle

__all__ = ["CONTEXT", "claim_review", "claim_reviews", "write_claimreview"]

CONTEXT = "https://schema.org"
_ORGS = frozenset({"organization", "government", "media"})


def _author(origin: dict[str, Any]) -> dict[str, Any]:
    kind = origin.get("type")
    type_ = "Person" if kind == "person" else "Organization" if kind in _ORGS else "Thing"
    out: dict[str, Any] = {"@type": type_, "name": origin.get("source")}
    if origin.get("anonymous"):
        out["description"] = "anonymous source"
    return out


def _work(art_id: str, articles: dict[str, StoredArticle]) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "CreativeWork", "identifier": art_id}
    a = articles.get(art_id)
    if a is None:
        return out
    if a.url:
        out["url"] = a.url
    if a.title:
        out["headline"] = a.title
    if a.publisher:
        out["publisher"] = {"@type": "Organization", "name": a.publisher}
    if a.published:
        out["datePublished"] = a.published
    return out


def _body(rec: dict[str, Any]) -> str:
    parts = []
    n = int(rec.get("independent_sources") or 0)
    backers = [b.get("name") for b in rec.get("independent_backers") or [] if b.get("name")]
    parts.append(
        f"{n} independent source{'s' if n != 1 else ''}"
        + (f" ({'; '.join(backers)})" if backers else "")
    )
    relays = sorted({r.get("name") for r in rec.get("relays") or [] if r.get("name")})
    if relays:
        parts.append("relayed by " + ", ".join(relays))
    disputers = [
        f"{d.get('party')} ({', '.join(d.get('stances') or [])})"
        for d in rec.get("disputers") or []
    ]
    if disputers:
        parts.append("disputed by " + "; ".join(disputers))
    hedges = sorted({h.get("hedge") for h in rec.get("hedges") or [] if h.get("hedge")})
    if hedges:
        parts.append("hedged: " + ", ".join(hedges))
    return "Traced by newstrace: " + "; ".join(parts) + "."


def claim_review(rec: dict[str, Any], articles: dict[str, StoredArticle]) -> dict[str, Any]:
    """One claim record (``trace --format json``) as a ClaimReview object."""
    claim: dict[str, Any] = {"@type": "Claim"}
    origin = rec.get("origin")
    if origin and origin.get("source"):
        claim["author"] = _author(origin)
    first = (rec.get("first_report") or {}).get("id")
    if first:
        claim["firstAppearance"] = _work(first, articles)
        published = (rec.get("first_report") or {}).get("published")
        if published:
            claim["datePublished"] = published
    claim["appearance"] = [_work(a, articles) for a in rec.get("articles") or []]
    return {
        "@type": "ClaimReview",
        "@id": f"urn:newstrace:claim:{rec.get('claim')}",
        "identifier": rec.get("claim"),
        "claimReviewed": rec.get("text") or "",
        "itemReviewed": claim,
        "reviewBody": _body(rec),
    }


def claim_reviews(store: Store) -> dict[str, Any]:
    """Every claim in the store as one JSON-LD document."""
    articles = {a.id: a for a in store.articles()}
    return {
        "@context": CONTEXT,
        "@graph": [claim_review(rec, articles) for rec in store.claim_records()],
    }


def write_claimreview(store: Store, to: Path) -> dict[Path, int]:
    """Write ``claims.jsonld`` under ``to``; claims written."""
    doc = claim_reviews(store)
    path = to / "claims.jsonld"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {path: len(doc["@graph"])}
