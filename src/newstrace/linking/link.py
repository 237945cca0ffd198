"""Link everything in a store: copies, then stories, then claims with their provenance.

Linking is recomputed over the whole store (it is cheap next to the analysis: see
benchmarks/linking.py) and written back in one transaction per table, so the store always holds
one consistent linking. Texts are streamed from the store twice (signatures, then story
features) and never all held in memory.
"""

from __future__ import annotations

import gc
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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


def _claims(
    store: Store,
    infos: list[ArticleInfo],
    stories: Iterable[list[int]],
    media: frozenset[str],
    counter: list[int],
) -> Iterator[tuple[str, str | None, str, dict[str, Any], list[tuple[int, int]]]]:
    for idxs in stories:
        for i in idxs:
            rec = store.get_seq(infos[i].seq)
            infos[i].attributions = rec.attributions if rec else []
        refs = [
            AttrRef(article=i, idx=k, group=infos[i].story or "", attribution=a)
            for i in idxs
            for k, a in enumerate(infos[i].attributions)
            if a.content is not None or a.stance != "assert"
        ]
        for group in group_claims(refs):
            first = refs[group[0]]
            info = infos[first.article]
            cid = _claim_id(info.story or "", info.key, first.idx)
            record = provenance(cid, [refs[g] for g in group], infos, media)
            counter[0] += 1
            yield (
                cid,
                info.story,
                record["text"],
                record,
                [(infos[refs[g].article].seq, refs[g].idx) for g in group],
            )
        for i in idxs:
            infos[i].attributions = []
