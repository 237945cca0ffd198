"""Read-side queries over a linked store: stories with their claims, and claim look-up."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from newstrace.linking.claims import stems
from newstrace.linking.link import link_store
from newstrace.store import Store, StoredArticle

# A claim summary in ``stories`` is the trace record without its long lists.
_SUMMARY_KEYS = ("claim", "text", "independent_sources", "disputers", "attributions")


def ensure_linked(store: Store) -> None:
    """Link the store if articles were added since the last linking (an interrupted ingest)."""
    if store.state("links_stale") == "1" and not store.readonly:  # a reader never writes
        link_store(store)


def stories(store: Store) -> list[dict[str, Any]]:
    """One record per story, in order of the story's first stored article."""
    rows = store.articles()
    by_key = {r.key: r for r in rows}
    groups: dict[str, list[StoredArticle]] = defaultdict(list)
    for r in rows:
        groups[r.story or f"unlinked:{r.key}"].append(r)
    claims: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in store.claim_records():
        if c.get("story"):
            claims[c["story"]].append({k: c.get(k) for k in _SUMMARY_KEYS})
    out = []
    for story, members in groups.items():
        members.sort(key=lambda r: (r.published or "9999", r.seq))
        originals = [m for m in members if m.copy_of is None] or members
        out.append(
            {
                "story": story,
                "title": originals[0].title,
                "articles": [
                    {
                        "id": m.id,
                        "path": m.path,
                        "title": m.title,
                        "publisher": m.publisher,
                        "published": m.published,
                        "copy_of": by_key[m.copy_of].id if m.copy_of in by_key else None,
                    }
                    for m in members
                ],
                "claims": sorted(
                    claims.get(story, []), key=lambda c: (-int(c["attributions"] or 0), c["claim"])
                ),
            }
        )
    return out


def find_claim(store: Store, query: str) -> dict[str, Any] | None:
    """The claim with id ``query``, else the one whose text best matches the query's words
    (ties go to the claim with the most attributions)."""
    exact = store.claim_record(query)
    if exact is not None:
        return exact
    want = stems(query)
    if not want:
        return None
    best: tuple[float, int] | None = None
    found = None
    for c in store.claim_records():
        got = stems(c.get("text") or "")
        overlap = len(want & got) / len(want)
        if overlap < 0.5:
            continue
        score = (overlap, int(c.get("attributions") or 0))
        if best is None or score > best:
            best, found = score, c
    return found
