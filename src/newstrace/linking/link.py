"""Link everything in a store: copies, then stories, then claims with their provenance.

Linking is recomputed over the whole store (it is cheap next to the analysis: see
benchmarks/linking.py) and written back in one transaction per table, so the store always holds
one consistent linking. Texts are streamed from the store twice (signatures, then story
features) and never all held in memory.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from newstrace.linking.claims import AttrRef, group_claims
from newstrace.linking.provenance import ArticleInfo, norm, provenance
from newstrace.linking.stories import StoryInput, cluster_features, features
from newstrace.linking.syndication import CopyInput, resolve_copies, signatures
from newstrace.model import AnalyzedArticle
from newstrace.store import Store, StoredArticle


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
        return _link(store)
    finally:
        if enabled:
            gc.enable()


def _link(store: Store) -> LinkSummary:
    infos: list[ArticleInfo] = []
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
                attributions=rec.attributions,
            )
        )
    n = len(infos)
    # 1. copies
    sigs = signatures(
        CopyInput(rec.text, row.published, row.agencies) for row, rec in _stream(store)
    )
    copies = resolve_copies(sigs, [i.published for i in infos], [i.agencies for i in infos])
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
    members: dict[int, list[str]] = {}
    for i, lab in enumerate(labels):
        members.setdefault(lab, []).append(infos[i].key)
    story_ids = {lab: _story_id(keys) for lab, keys in members.items()}
    for i, lab in enumerate(labels):
        infos[i].story = story_ids[lab]
    key_of = {info.id: info.key for info in infos}
    store.replace_links(
        (info.seq, key_of.get(info.copy_of) if info.copy_of else None, info.story) for info in infos
    )
    # 3. claims, within stories
    refs = [
        AttrRef(article=i, idx=k, group=info.story or "", attribution=a)
        for i, info in enumerate(infos)
        for k, a in enumerate(info.attributions)
        if a.content is not None or a.stance != "assert"
    ]
    media = (
        frozenset(norm(x) for info in infos for x in (info.publisher, *info.agencies) if x)
        | frozenset(
            norm(a.source.resolved)
            for info in infos
            for a in info.attributions
            if a.source and a.source.type == "media"
        )
        | frozenset(norm(v) for info in infos for a in info.attributions for v in a.via)
    )
    claims = []
    for group in group_claims(refs):
        first = refs[group[0]]
        info = infos[first.article]
        cid = _claim_id(info.story or "", info.key, first.idx)
        record = provenance(cid, [refs[g] for g in group], infos, media)
        claims.append(
            (
                cid,
                info.story,
                record["text"],
                record,
                [(infos[refs[g].article].seq, refs[g].idx) for g in group],
            )
        )
    store.replace_claims(claims)
    return LinkSummary(
        articles=n,
        copies=sum(1 for c in copies if c is not None),
        stories=len(members),
        claims=len(claims),
    )
