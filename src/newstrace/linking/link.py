"""Link a store: copies, then stories, then claims with their provenance.

``ingest`` links only what it adds (``linking.index``: the newcomers are compared with
candidates from indexes kept in the store, and only the stories they touch are clustered and
their claims recomputed); ``newstrace relink`` (``full=True``) recomputes everything over the
whole store, streaming the texts once. Both give the same copies, stories and claims
(``tests/test_linking_incremental.py``). Linking reads one snapshot of the store and writes
everything it changes in one transaction, so the store always holds one consistent linking.
After an upgrade that changes how claims are made, run ``newstrace relink``: incremental
linking keeps the claims of the stories it does not touch.
"""

from __future__ import annotations

import gc
import hashlib
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newstrace.linking import index
from newstrace.linking.claims import group
from newstrace.linking.embed import embedder
from newstrace.linking.provenance import (
    ArticleInfo,
    answering_disputes,
    norm,
    provenance,
)
from newstrace.linking.statements import Statement, context, is_dispute, sentences, statements
from newstrace.linking.stories import (
    THRESHOLD,
    DocFeatures,
    StoryInput,
    assemble,
    average_linkage,
    directed_edges,
    doc_features,
    undirected,
)
from newstrace.linking.syndication import CopyInput, resolve_copies, signatures
from newstrace.linking.text import content_words, sort_key
from newstrace.model import AnalyzedArticle, Claim
from newstrace.store import Store, StoredArticle
from newstrace.store.db import _ROW, ClaimRow, _row


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


def link_store(store: Store, full: bool = False) -> LinkSummary:
    """Link the articles not linked yet (``linking.index``: what the newcomers touch), or, with
    ``full`` (``newstrace relink``), recompute copies, stories and claims over every article.
    Both give the same links.

    Reads run in one snapshot of the store and the results are written in one transaction: a
    reader sees the store linked before or after, never half-linked. An ingest storing
    articles meanwhile is not blocked by the reads; its articles are linked by the next
    linking. Two linkers into one SQLite file: the second to write finds that the linking
    changed since its snapshot (``link_generation``) and starts again.
    """
    # The cyclic GC rescans every live object each time it runs; with hundreds of thousands of
    # records alive that turns a linear pass quadratic. Linking creates no reference cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        # PostgreSQL: one linker at a time, over one snapshot (store.pg); SQLite: nothing.
        with store.linking():
            while True:
                try:
                    return _link(store, full)
                except _Moved:
                    continue
    finally:
        if enabled:
            gc.enable()


class _Moved(Exception):
    """Another linker wrote since this one's snapshot."""


@dataclass(slots=True)
class _Plan:
    """What one linking writes: the links of ``infos`` (story and copy_of already set), the
    stories whose claims are recomputed (index lists into ``infos``), the claims' stories to
    replace (None: all), and how to write the indexes."""

    infos: list[ArticleInfo]
    copies: dict[int, str | None]
    stories: list[list[int]]
    replace: set[str] | None
    media: frozenset[str]
    write_index: Any


def _link(store: Store, full: bool) -> LinkSummary:
    with store.snapshot():
        generation = store.state("link_generation") or "0"
        if store.state("link_index") != index.FINGERPRINT:
            full = True
        if not full and _unlinked(store) == 0:
            return _summary(store)  # nothing new: the stored linking stands
        plan = None if full else _incremental(store)
        if plan is None:
            plan = _full(store)
    with store._tx():
        if (store.state("link_generation") or "0") != generation:
            raise _Moved
        plan.write_index(store)
        seqs = {info.seq: info for info in plan.infos}
        if plan.replace is None:
            store.replace_links((i.seq, plan.copies.get(i.seq), i.story) for i in plan.infos)
        else:
            store.conn.executemany(
                "INSERT INTO links (article_seq, copy_of, story) VALUES (?, ?, ?) "
                "ON CONFLICT(article_seq) DO UPDATE SET copy_of = excluded.copy_of, "
                "story = excluded.story",
                [(s, plan.copies.get(s), seqs[s].story) for s in sorted(plan.copies)],
            )
        counter = [0]
        store.replace_claims(
            _claims(store, plan.infos, plan.stories, plan.media, counter), plan.replace
        )
        store.set_state("link_generation", str(int(generation) + 1))
        store.set_state("link_index", index.FINGERPRINT)
        # articles stored since the snapshot stay unlinked: the next linking takes them
        store.set_state("links_stale", "1" if _unlinked(store) else "0")
        return _summary(store)


def _unlinked(store: Store) -> int:
    row = store.conn.execute(
        "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM links l WHERE l.article_seq = a.seq)"
    ).fetchone()
    return int(row[0])


def _summary(store: Store) -> LinkSummary:
    one = store.conn.execute
    return LinkSummary(
        articles=int(one("SELECT COUNT(*) FROM links").fetchone()[0]),
        copies=int(one("SELECT COUNT(*) FROM links WHERE copy_of IS NOT NULL").fetchone()[0]),
        stories=int(one("SELECT COUNT(DISTINCT story) FROM links").fetchone()[0]),
        claims=int(one("SELECT COUNT(*) FROM claims").fetchone()[0]),
    )


def _info(row: StoredArticle) -> ArticleInfo:
    return ArticleInfo(
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


def _media_of(row: StoredArticle, rec: AnalyzedArticle) -> set[str]:
    out = {norm(x) for x in (row.publisher, *row.agencies) if x}
    for a in rec.attributions:
        # via names are not all media (a spokesman relaying his officials is a person)
        if a.source and a.source.type == "media":
            out.add(norm(a.source.resolved))
    return out


def _full(store: Store) -> _Plan:
    infos: list[ArticleInfo] = []
    media: set[str] = set()
    docs: list[DocFeatures] = []

    def first_pass() -> Iterator[CopyInput]:
        # One pass fills the light article list, the names of media, the story features and
        # the copy signatures; attributions are not kept (claims reload them one story at a
        # time).
        for row, rec in _stream(store):
            infos.append(_info(row))
            media.update(_media_of(row, rec))
            docs.append(doc_features(_story_input(rec)))
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
    for i, c in enumerate(copies):
        if c is not None:
            infos[i].copy_of = infos[c].id
    # 2. stories, clustered in the order of their content keys (``cluster_features``); copies
    # are linked through their original (same text, same story)
    order = sorted(range(n), key=lambda i: (docs[i].key, docs[i].day or 0, i))
    feats = assemble([docs[i] for i in order])
    directed = directed_edges(feats)
    labels_sorted = average_linkage(n, undirected(directed), THRESHOLD)
    labels = [0] * n
    for p, lab in enumerate(labels_sorted):
        labels[order[p]] = order[lab]
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
    seqs = [i.seq for i in infos]

    def write(store: Store) -> None:
        index.clear(store)
        index.write_copy_index(store, seqs, sigs)
        index.write_features(store, zip(seqs, docs, strict=True))
        index.write_edges(
            store,
            (
                (seqs[order[p]], seqs[order[q]], v)
                for p, nbrs in sorted(directed.items())
                for q, v in nbrs
            ),
        )
        index.write_media(store, media)

    return _Plan(
        infos,
        {
            i.seq: (infos[c].key if c is not None else None)
            for i, c in zip(infos, copies, strict=True)
        },
        list(members.values()),
        None,
        frozenset(media),
        write,
    )


# Past this share of the store, a batch links faster by the full pass (same result).
FULL_SHARE = 0.5


def _incremental(store: Store) -> _Plan | None:
    """The plan for the articles not linked yet; None when the full pass is the better way
    (a first linking, a batch of most of the store, newcomers stored before linked articles)."""
    conn = store.conn
    new = [
        int(r[0])
        for r in conn.execute(
            "SELECT seq FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM links l WHERE l.article_seq = a.seq) ORDER BY seq"
        )
    ]
    total = store.count()
    linked_max = conn.execute("SELECT MAX(article_seq) FROM links").fetchone()[0]
    if linked_max is None or len(new) > FULL_SHARE * total:
        return None
    if new and new[0] < int(linked_max):
        return None  # stored out of order (concurrent writers): pairs would differ
    inc = index.Increment(store)
    recs: dict[int, AnalyzedArticle] = {}
    arts: dict[int, index.Article] = {}
    infos_new: dict[int, ArticleInfo] = {}
    media_new: set[str] = set()
    for s in new:
        rec = store.get_seq(s)
        row = store.conn.execute(
            f"SELECT {_ROW} FROM articles a LEFT JOIN links l ON l.article_seq = a.seq "
            "WHERE a.seq = ?",
            (s,),
        ).fetchone()
        assert rec is not None and row is not None
        stored = _row(row)
        recs[s] = rec
        infos_new[s] = _info(stored)
        arts[s] = index.Article(s, stored.key, stored.published, stored.publisher, stored.agencies)
        media_new |= _media_of(stored, rec)
    sigs = signatures(CopyInput(recs[s].text, arts[s].published, arts[s].agencies) for s in new)
    feats = {s: doc_features(_story_input(recs[s])) for s in new}
    copy_new = inc.copies(new, sigs, arts)
    nodes, root, upd = inc.stories(new, feats, copy_new)
    # the stories of the region, with their new ids
    inc.articles(nodes)
    by_root: dict[int, list[int]] = defaultdict(list)
    for s in nodes:
        by_root[root[s]].append(s)
    story: dict[int, str] = {}
    for ms in by_root.values():
        sid = _story_id([inc._art[m].key for m in ms])
        for m in ms:
            story[m] = sid
    copy_key: dict[int, str | None] = {}
    for s in nodes:
        o = inc._orig(s, copy_new)
        copy_key[s] = None if o == s else inc._art[o].key
    # stories whose claims change: new or changed membership or copies, and those that
    # mention a medium seen for the first time (provenance tells media apart by name)
    old_members: dict[str | None, set[int]] = defaultdict(set)
    for s in nodes:
        old_members[upd.old_story[s]].add(s)
    new_members: dict[str, set[int]] = defaultdict(set)
    for s in nodes:
        new_members[story[s]].add(s)
    redo = {
        sid
        for sid, ms in new_members.items()
        if old_members.get(sid) != ms or any(inc._link[m][0] != copy_key[m] for m in ms)
    }
    known = {r[0] for r in conn.execute("SELECT name FROM media_names")}
    fresh = media_new - known
    media = frozenset(known | media_new)
    extra: dict[str, set[int]] = {}
    # An article is in one recomputed story only: members that the region's stories now hold
    # are recomputed there (counted twice, a story's claims were written twice).
    redone = {m for sid in redo for m in new_members[sid]}
    for sid in _stories_mentioning(store, fresh) - set(new_members):
        members = {
            int(r[0]) for r in conn.execute("SELECT article_seq FROM links WHERE story = ?", (sid,))
        }
        if members - redone:
            extra[sid] = members - redone
    # claims to drop: those of stories that changed or are gone (an unchanged story keeps its)
    gone = {
        sid for sid in old_members if sid is not None and (sid in redo or sid not in new_members)
    }
    replace = gone | redo | set(extra)
    # ArticleInfo of every member of a recomputed story
    want = sorted(
        {m for sid in redo for m in new_members[sid]} | {m for ms in extra.values() for m in ms}
    )
    infos: list[ArticleInfo] = []
    at: dict[int, int] = {}
    for lo in range(0, len(want), 500):
        chunk = want[lo : lo + 500]
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            f"SELECT {_ROW} FROM articles a LEFT JOIN links l ON l.article_seq = a.seq "
            f"WHERE a.seq IN ({marks}) ORDER BY a.seq",
            chunk,
        ):
            info = _info(_row(r))
            at[info.seq] = len(infos)
            infos.append(info)
            if info.seq in story:
                info.story = story[info.seq]
                ck = copy_key[info.seq]
            else:
                info.story = _row(r).story
                ck = _row(r).copy_of
            if ck is not None:
                inc.articles([inc.seq_of(ck)])
                info.copy_of = _display(store, inc.seq_of(ck))
    groups = [sorted(at[m] for m in new_members[sid]) for sid in sorted(redo)]
    groups += [sorted(at[m] for m in ms) for _sid, ms in sorted(extra.items())]
    # links rows to write: every article of the region (story or copy_of may have changed)
    for s in nodes:
        if s not in at:
            info = ArticleInfo(
                seq=s,
                key=inc._art[s].key,
                id="",
                path="",
                title=None,
                publisher=None,
                published=None,
            )
            info.story = story[s]
            at[s] = len(infos)
            infos.append(info)
    copies = {s: copy_key[s] for s in nodes}

    def write(store: Store) -> None:
        index.write_copy_index(store, new, sigs)
        index.write_features(store, ((s, feats[s]) for s in new))
        store.conn.executemany(
            "DELETE FROM story_edges WHERE src = ? AND dst = ?", upd.dropped_edges
        )
        index.write_edges(store, upd.new_edges)
        index.write_media(store, fresh)

    return _Plan(infos, copies, groups, replace, media, write)


def _display(store: Store, seq: int) -> str:
    row = store.conn.execute(
        "SELECT coalesce(input_id, path) FROM articles WHERE seq = ?", (seq,)
    ).fetchone()
    return str(row[0])


def _stories_mentioning(store: Store, names: set[str]) -> set[str]:
    """Stories with an article whose text or sources may name one of ``names`` (a superset:
    the full-text index's tokens; without one, a case-insensitive search of the records)."""
    out: set[str] = set()
    for name in sorted(names):
        toks = re.findall(r"\w+", name)
        if not toks:
            continue
        if isinstance(store.conn, sqlite3.Connection):
            rows = store.conn.execute(
                "SELECT l.story FROM article_fts f JOIN links l ON l.article_seq = f.rowid "
                "WHERE article_fts MATCH ?",
                ('"' + " ".join(toks) + '"',),
            ).fetchall()
        else:  # no full-text index on PostgreSQL (and a failed query would end its snapshot)
            rows = store.conn.execute(
                "SELECT l.story FROM articles a JOIN links l ON l.article_seq = a.seq "
                "WHERE LOWER(a.record) LIKE ?",
                ("%" + "%".join(toks).lower() + "%",),
            ).fetchall()
        out.update(str(r[0]) for r in rows if r[0] is not None)
    return out


def _when(infos: list[ArticleInfo], st: Statement) -> tuple[tuple[float, int], int, int]:
    """The order of a claim's members in its record (provenance sorts them the same way)."""
    art = infos[st.article]
    return (sort_key(art.published), art.seq, st.content.start)


def vector_key(text: str) -> bytes:
    """The key of a text's vector in the store's cache."""
    return hashlib.sha1(text.encode("utf-8")).digest()


def article_texts(rec: AnalyzedArticle) -> list[str]:
    """The texts of ``article_vectors``: each claim-bearing statement or dispute, then the
    sentences around each (``_with_context`` asks for the same)."""
    found = [s for s in statements(0, rec) if s.sort != "unattributed"]
    if not found:
        return []
    spans = list(sentences(rec.text))
    return [s.text for s in found] + [context(rec.text, s.content, spans) for s in found]


def article_vectors(rec: AnalyzedArticle) -> dict[bytes, np.ndarray]:
    """The sentence vectors linking will need for this article whatever else the store holds:
    its claim-bearing statements and disputes, and the sentences they stand in (float16, as
    the cache keeps them). The outlet's own sentences are left to linking, which embeds only
    those another article could match.

    Embedding is most of linking's cost. Computed where the article is analysed (a Dask worker,
    ``orchestrate.cluster``) and stored with it, it spreads over the workers, and the one
    process that stores and links keeps pace with many analysing ones."""
    unique = list(dict.fromkeys(article_texts(rec)))
    if not unique:
        return {}
    vecs = embedder().encode(unique)
    return {vector_key(t): v.astype("<f2") for t, v in zip(unique, vecs, strict=True)}


def _vectors(store: Store, embed: Any, texts: list[str]) -> np.ndarray:
    """Sentence vectors, from the store's cache where it has them (relinking re-embeds
    nothing it has seen; copies share their original's)."""
    keys = [vector_key(t) for t in texts]
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


# How much of a statement's vector is the sentence it stands in: "that the meeting went well"
# alone says little of whose meeting, and a look-up usually names who said it. On claims-dev,
# weights 0 / 0.5 / 0.7 / 1.0: B-cubed F1 0.759 / 0.766 / 0.766 / 0.762, trace finds the right
# claim 0.882 / 0.934 / 0.961 / 0.974 and its origin 0.697 / 0.763 / 0.789 / 0.803.
CONTEXT_WEIGHT = 0.7


# Claims are clustered on a story's statements all at once (an n x n similarity matrix): a
# story that grows past this many (weeks of coverage of one war) is clustered in consecutive
# blocks of about this size, so memory stays bounded (~0.1 GB a matrix) whatever the story.
MAX_BLOCK = 4000


def _blocks(per_article: list[list[Statement]]) -> Iterator[list[Statement]]:
    """The story's statements, in blocks of whole articles of at most ``MAX_BLOCK``
    statements (one block for any story but a giant one)."""
    block: list[Statement] = []
    for sts in per_article:
        if block and len(block) + len(sts) > MAX_BLOCK:
            yield block
            block = []
        block.extend(sts)
    if block:
        yield block


def _with_context(
    store: Store, embed: Any, found: list[Statement], infos: list[ArticleInfo]
) -> np.ndarray:
    """Unit vectors of the statements, each mixed with its sentence's vector."""
    spans: dict[int, list[tuple[int, int]]] = {}
    around = []
    for s in found:
        text = infos[s.article].text or ""
        if s.article not in spans:
            spans[s.article] = list(sentences(text))
        around.append(context(text, s.content, spans[s.article]))
    own = _vectors(store, embed, [s.text for s in found])
    if not len(own):
        return own
    mixed = own + CONTEXT_WEIGHT * _vectors(store, embed, around)
    norms = np.linalg.norm(mixed, axis=1, keepdims=True)
    return (mixed / np.where(norms > 0, norms, 1.0)).astype(np.float32)


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


def _origin_name(record: dict[str, Any]) -> str:
    return str((record.get("origin") or {}).get("source") or "")


def _outside_disputes(
    record: dict[str, Any],
    disputes: list[Statement],
    members: list[Statement],
    main: bool,
    main_origin: str,
    infos: Sequence[ArticleInfo],
) -> list[Statement]:
    """Disputes of the story that answer this claim without restating it (the rule lives with
    the rest of provenance: ``provenance.answering_disputes``)."""
    texts = [infos[i].text for i in sorted({s.article for s in members})]
    return answering_disputes(
        record, members, disputes, main, {"origin": {"source": main_origin}}, texts
    )


def _claims(
    store: Store,
    infos: list[ArticleInfo],
    stories: Iterable[list[int]],
    media: frozenset[str],
    counter: list[int],
) -> Iterator[ClaimRow]:
    embed = embedder()
    for idxs in stories:
        per_article: list[list[Statement]] = []
        for i in idxs:
            rec = store.get_seq(infos[i].seq)
            if rec is None:
                continue
            infos[i].attributions = rec.attributions
            infos[i].text = rec.text
            per_article.append(statements(i, rec))
        for block in _blocks(per_article):
            found = _worth_embedding(block)
            if found:
                vecs = _with_context(store, embed, found, infos)
                disputes = [
                    s
                    for s in found
                    if s.sort == "dispute"
                    or (s.attribution is not None and is_dispute(s.attribution))
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
                    outside = _outside_disputes(
                        record, disputes, members, k == main, main_origin, infos
                    )
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
