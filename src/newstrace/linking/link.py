"""Link everything in a store: copies, then stories, then claims with their provenance.

Linking is recomputed over the whole store (it is cheap next to the analysis: see
benchmarks/linking.py) and written back in one transaction per table, so the store always holds
one consistent linking. Texts are streamed from the store twice (signatures, then story
features) and never all held in memory.
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from newstrace.linking.claims import group
from newstrace.linking.embed import embedder
from newstrace.linking.provenance import ArticleInfo, norm, party, person_key, provenance
from newstrace.linking.statements import Statement, is_dispute, statements
from newstrace.linking.stories import StoryInput, cluster_features, features
from newstrace.linking.syndication import CopyInput, resolve_copies, signatures
from newstrace.linking.text import content_words, sort_key
from newstrace.model import AnalyzedArticle, Claim
from newstrace.store import Store, StoredArticle
from newstrace.store.db import ClaimRow


@dataclass(frozen=True, slots=True)
class LinkSummary:
    articles: int
    copies: int
    stories: int
    claims: int


def _story_input(rec: AnalyzedArticle) -> StoryInput:
    meta = rec.article.meta
    sources = [a.source.resolved for a in rec.attributions if a.source and not a.source.anonymous]
    return StoryInput(meta.title or "", rec.text, meta.published, tuple(sources))


def _stream(store: Store) -> Iterator[tuple[StoredArticle, AnalyzedArticle]]:
    return store.records()


def _story_id(member_keys: list[str]) -> str:
    return "s" + hashlib.sha1(min(member_keys).encode()).hexdigest()[:10]


def _claim_id(story: str, key: str, idx: int) -> str:
    return "c" + hashlib.sha1(f"{story}|{key}|{idx}".encode()).hexdigest()[:10]


def link_store(store: Store) -> LinkSummary:
    """Recompute copies, stories and claims over every article in ``store``."""
    # The cyclic GC rescans every live object each time it runs; with hundreds of thousands of
    # records alive that turns a linear pass quadratic. Linking creates no reference cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        # PostgreSQL: one linker at a time, over one snapshot (store.pg); SQLite: nothing.
        with store.linking():
            return _link(store)
    finally:
        if enabled:
            gc.enable()


def _link(store: Store) -> LinkSummary:
    infos: list[ArticleInfo] = []
    media: set[str] = set()

    def first_pass() -> Iterator[CopyInput]:
        # One pass fills the light article list, the names of media, and the copy signatures;
        # attributions are not kept (claims reload them one story at a time).
        for row, rec in _stream(store):
            infos.append(
                ArticleInfo(
                    seq=row.seq,
                    key=row.key,
                    id=row.id,
                    path=row.path,
                    title=row.title,
                    publisher=row.publisher,
                    published=row.published,
                    agencies=row.agencies,
                    url=row.url,
                )
            )
            media.update(norm(x) for x in (row.publisher, *row.agencies) if x)
            for a in rec.attributions:
                # via names are not all media (a spokesman relaying his officials is a person)
                if a.source and a.source.type == "media":
                    media.add(norm(a.source.resolved))
            yield CopyInput(rec.text, row.published, row.agencies)

    # 1. copies
    sigs = signatures(first_pass())
    n = len(infos)
    copies = resolve_copies(
        sigs,
        [i.published for i in infos],
        [i.agencies for i in infos],
        [i.publisher for i in infos],
    )
    del sigs
    for i, c in enumerate(copies):
        if c is not None:
            infos[i].copy_of = infos[c].id
    # 2. stories: copies are linked through their original (same text, same story)
    feats = features(_story_input(rec) for _row, rec in _stream(store))
    labels = cluster_features(feats)
    del feats
    for i, c in enumerate(copies):
        if c is not None:
            labels[i] = labels[c]
    members: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        members[lab].append(i)
    for idxs in members.values():
        sid = _story_id([infos[i].key for i in idxs])
        for i in idxs:
            infos[i].story = sid
    store.replace_links(
        (info.seq, infos[c].key if c is not None else None, info.story)
        for info, c in zip(infos, copies, strict=True)
    )
    # 3. claims, one story at a time (memory: the largest story's attributions)
    counter = [0]
    store.replace_claims(_claims(store, infos, members.values(), frozenset(media), counter))
    return LinkSummary(
        articles=n,
        copies=sum(1 for c in copies if c is not None),
        stories=len(members),
        claims=counter[0],
    )


# A dispute outside a claim still disputes it when it points back at what was reported
# ("a sham lawsuit", "the allegations") or names the claim's origin.
_POINTS_BACK = re.compile(
    r"\b(report|reports|reporting|story|findings|accusations?|allegations?|claims?|lawsuit|suit|"
    r"complaint|memos?|charges?|assessment|collu\w*|meddl\w*|witch\s*hunt|hoax)\b",
    re.IGNORECASE,
)


def _when(infos: list[ArticleInfo], st: Statement) -> tuple[tuple[float, int], int, int]:
    """The order of a claim's members in its record (provenance sorts them the same way)."""
    art = infos[st.article]
    return (sort_key(art.published), art.seq, st.content.start)


def _vectors(store: Store, embed: Any, texts: list[str]) -> np.ndarray:
    """Sentence vectors, from the store's cache where it has them (relinking re-embeds
    nothing it has seen; copies share their original's)."""
    keys = [hashlib.sha1(t.encode("utf-8")).digest() for t in texts]
    cached = store.cached_vectors(sorted(set(keys)))
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cached}.items())
    if todo:
        fresh = embed.encode([t for _k, t in todo])
        new = {k: fresh[i] for i, (k, _t) in enumerate(todo)}
        store.cache_vectors(new)
        # float16 in the cache: use what the cache will give back next time, so a relink
        # gives the same claims as the first linking.
        cached.update({k: v.astype("<f2").astype(np.float32) for k, v in new.items()})
    return np.vstack([cached[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)


def _worth_embedding(found: list[Statement]) -> list[Statement]:
    """Drop the outlets' own sentences that cannot restate a claim of another article: in a
    one-article story, or sharing fewer than two content words with every claim statement of
    the other articles. Embedding is most of linking's cost; this keeps it to what can match."""
    articles = {s.article for s in found}
    if len(articles) < 2:
        return [s for s in found if s.sort != "unattributed"]
    words: dict[int, set[str]] = {}
    for s in found:
        if s.sort == "claim":
            words.setdefault(s.article, set()).update(content_words(s.text))
    out = []
    for s in found:
        if s.sort == "unattributed":
            mine = set(content_words(s.text))
            if not any(len(mine & w) >= 2 for a, w in words.items() if a != s.article):
                continue
        out.append(s)
    return out


def _typed(record: dict[str, Any]) -> dict[str, Any]:
    """The record in the public contract's shape (model.Claim): one place decides its JSON."""
    return Claim.from_json(record).to_json()


def _denies(st: Statement) -> bool:
    return st.attribution is not None and is_dispute(st.attribution)


# A reaction to an accusation as a whole ("a sham lawsuit", "baseless allegations") answers
# every accusation it makes.
_ANSWERS_ACCUSATION = re.compile(
    r"\b(lawsuit|suit|complaint|allegations?|accusations?|charges?|claims)\b", re.IGNORECASE
)


def _origin_name(record: dict[str, Any]) -> str:
    return str((record.get("origin") or {}).get("source") or "")


def _outside_disputes(
    record: dict[str, Any],
    disputes: list[Statement],
    members: list[Statement],
    main: bool,
    main_origin: str,
) -> list[Statement]:
    """Disputes of the story that answer this claim without restating it: a reaction to "the
    report" answers the story's main claim and the claims of the same origin (the lawsuit's
    other allegations); one naming the claim's origin answers that origin's claims."""
    name = _origin_name(record)
    # A claim no one is named for (outlets state it as fact) is the story's news itself.
    same_origin = not name or person_key(name) == person_key(main_origin)
    accusation = any(
        s.attribution is not None and s.attribution.stance == "accuse" for s in members
    )
    if len(record["articles"]) < 2 and not main:
        return []
    inside = {(s.article, s.index) for s in members}
    origin_party, origin_person = party(name), person_key(name)
    out = []
    for d in disputes:
        a = d.attribution
        if (d.article, d.index) in inside or a is None or a.source is None:
            continue
        who = a.source.resolved
        if name and (party(who) == origin_party or person_key(who) == origin_person):
            continue
        said = d.text + " " + (a.cue.text if a.cue else "")
        points_back = bool(_POINTS_BACK.search(said)) and (
            main or same_origin or accusation and bool(_ANSWERS_ACCUSATION.search(said))
        )
        if points_back or name and origin_person in said.lower():
            out.append(d)
    return out


def _claims(
    store: Store,
    infos: list[ArticleInfo],
    stories: Iterable[list[int]],
    media: frozenset[str],
    counter: list[int],
) -> Iterator[ClaimRow]:
    embed = embedder()
    for idxs in stories:
        found: list[Statement] = []
        for i in idxs:
            rec = store.get_seq(infos[i].seq)
            if rec is None:
                continue
            infos[i].attributions = rec.attributions
            infos[i].text = rec.text
            found.extend(statements(i, rec))
        found = _worth_embedding(found)
        if found:
            vecs = _vectors(store, embed, [s.text for s in found])
            disputes = [
                s
                for s in found
                if s.sort == "dispute" or (s.attribution is not None and is_dispute(s.attribution))
            ]
            built = []
            for members_idx in group(found, vecs):
                members = [found[k] for k in members_idx]
                first = min(members, key=lambda s: (infos[s.article].seq, s.content.start))
                info = infos[first.article]
                cid = _claim_id(info.story or "", info.key, first.content.start)
                record = _typed(provenance(cid, members, infos, media))
                built.append((cid, info, members_idx, members, record))
            # The story's main claim (most articles, then most statements, then the earliest:
            # the lede) is what reactions such as "Russia called the report baseless" answer,
            # even in a single article.
            main = max(
                range(len(built)),
                key=lambda k: (
                    len(built[k][4]["articles"]),
                    sum(1 for s in built[k][3] if s.sort == "claim" and not _denies(s)),
                    -min(s.content.start for s in built[k][3]),
                ),
                default=None,
            )
            main_origin = _origin_name(built[main][4]) if main is not None else ""
            for k, (cid, info, members_idx, members, record) in enumerate(built):
                outside = _outside_disputes(record, disputes, members, k == main, main_origin)
                if outside:
                    record = _typed(provenance(cid, members, infos, media, outside))
                counter[0] += 1
                order = sorted(members_idx, key=lambda m: _when(infos, found[m]))
                yield (
                    cid,
                    info.story,
                    record["text"],
                    record,
                    [(infos[s.article].seq, s.index) for s in members if s.index is not None],
                    vecs[order],
                )
        for i in idxs:
            infos[i].attributions = []
            infos[i].text = ""
