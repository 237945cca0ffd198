"""The store as six flat tables, with typed, documented columns: the rows every table format
(Parquet, CSV, JSONL) writes.

``TABLES`` is the one declaration of every column (name, type, meaning); the README's
"Exports" section lists the same columns, and a test keeps the two in step. Rows are streamed
from the store (articles and attributions one article at a time), so a store of a million
articles exports in bounded memory.

Ids: ``seq`` is the store's insertion number of an article, ``key`` its identity (URL, else
``sha256:`` of its text), ``id`` the display id of the CLI and the claim records (the input's
id, else its path). Claims name their articles by display id; the tables carry ``seq`` and
``key`` as well so that joins need no guessing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from newstrace.model import Span
from newstrace.store import Store, StoredArticle

__all__ = ["TABLES", "Column", "rows"]

# Column types: int (64-bit), str, bool, list (of strings). CSV writes a list as a JSON array
# and a bool as true/false; Parquet and JSONL keep the types.
INT, STR, BOOL, LIST = "int", "str", "bool", "list"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    doc: str


def _cols(*spec: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in spec)


TABLES: dict[str, tuple[Column, ...]] = {
    "articles": _cols(
        ("seq", INT, "insertion number in the store (primary key)"),
        ("key", STR, "identity: the URL, else sha256: of the text"),
        ("id", STR, "display id: the input record's id, else its path"),
        ("path", STR, "the input file it was read from"),
        ("url", STR, "the page's URL"),
        ("title", STR, "headline"),
        ("publisher", STR, "outlet of this copy"),
        ("published", STR, "publication date or date-time, ISO 8601"),
        ("authors", LIST, "bylined people"),
        ("agencies", LIST, "wire services credited for this text"),
        ("format", STR, "reader that made it: text, markdown, html, jsonl, feed, warc"),
        ("story", STR, "story id"),
        ("copy_of", STR, "key of the earliest version when this is a copy, else null"),
        ("attributions", INT, "number of attributions found"),
        ("text", STR, "the text every offset indexes"),
    ),
    "attributions": _cols(
        ("article_seq", INT, "articles.seq"),
        ("idx", INT, "position among the article's attributions"),
        ("article_key", STR, "articles.key"),
        ("source", STR, "who it is to, after coreference (source.resolved); null if none"),
        ("source_text", STR, "the source as written"),
        ("source_type", STR, "person, organization, government, media, document, unknown"),
        ("anonymous", BOOL, "an unnamed source (anonymous officials, a source)"),
        ("source_start", INT, "offset of the source span in the article's text"),
        ("source_end", INT, "end offset of the source span"),
        ("cue", STR, "the cue as written (said, according to)"),
        ("cue_start", INT, "offset of the cue"),
        ("cue_end", INT, "end offset of the cue"),
        ("content", STR, "what is attributed"),
        ("content_start", INT, "offset of the content"),
        ("content_end", INT, "end offset of the content"),
        ("kind", STR, "speech, writing, belief, knowledge, intention, stance, perception"),
        ("stance", STR, "assert, deny, dismiss, confirm, accuse, ..."),
        ("hedges", LIST, "hedging expressions (believed to, may, reportedly)"),
        ("channel", STR, "twitter, statement, interview, ... or null"),
        ("via", LIST, "reporters above the source in this article, outermost first"),
        ("direct", BOOL, "the content is a verbatim quote"),
        ("nested", BOOL, "the cue lies inside another attribution's content"),
    ),
    "claims": _cols(
        ("claim", STR, "claim id (primary key)"),
        ("story", STR, "story of its first report"),
        ("text", STR, "the proposition, as first reported"),
        ("origin", STR, "earliest source the claim traces back to; null if none"),
        ("origin_type", STR, "that source's type (null in stores linked before schema 2)"),
        ("origin_anonymous", BOOL, "the origin is an unnamed source"),
        ("origin_article", STR, "display id of the article that names the origin"),
        ("origin_published", STR, "publication date of that article"),
        ("first_report", STR, "display id of the earliest article carrying the claim"),
        ("first_publisher", STR, "its outlet"),
        ("first_published", STR, "its publication date"),
        ("independent_sources", INT, "backers counted once each (copies and relays never add)"),
        ("independent_backers", LIST, "their names"),
        ("relays", INT, "copies and re-reports carrying it"),
        ("disputers", LIST, "parties that deny or dismiss it"),
        ("hedged", BOOL, "some attribution of it is hedged"),
        ("articles", INT, "number of articles carrying it"),
        ("attributions", INT, "number of attributions that make it up (its members)"),
        ("outlets", LIST, "outlets carrying it, first report first"),
        ("record", STR, "the full claim record as JSON (what trace --format json prints)"),
    ),
    "claim_members": _cols(
        ("claim", STR, "claims.claim"),
        ("article_seq", INT, "articles.seq"),
        ("idx", INT, "attributions.idx of the member in that article"),
        ("article_key", STR, "articles.key"),
        ("role", STR, "backer, relay, copy, dispute, ... (null before claim schema 2)"),
        ("stance", STR, "the member attribution's stance"),
    ),
    "stories": _cols(
        ("story", STR, "story id (primary key)"),
        ("title", STR, "headline of its earliest original article"),
        ("articles", INT, "number of articles"),
        ("originals", INT, "articles that are not copies"),
        ("first_published", STR, "earliest publication date"),
        ("last_published", STR, "latest publication date"),
        ("publishers", LIST, "outlets, earliest first"),
        ("claims", INT, "number of claims"),
    ),
    "copies": _cols(
        ("article_seq", INT, "articles.seq of the copy"),
        ("article_key", STR, "articles.key of the copy"),
        ("copy_of_seq", INT, "articles.seq of the earliest version"),
        ("copy_of_key", STR, "articles.key of the earliest version"),
        ("story", STR, "their story"),
    ),
}


def _span(prefix: str, span: Span | None) -> dict[str, Any]:
    if span is None:
        return {prefix: None, f"{prefix}_start": None, f"{prefix}_end": None}
    return {prefix: span.text, f"{prefix}_start": span.start, f"{prefix}_end": span.end}


def _articles(store: Store) -> Iterator[dict[str, Any]]:
    for row, rec in store.records():
        meta = rec.article.meta
        yield {
            "seq": row.seq,
            "key": row.key,
            "id": row.id,
            "path": row.path,
            "url": row.url,
            "title": row.title,
            "publisher": row.publisher,
            "published": row.published,
            "authors": list(meta.authors),
            "agencies": list(row.agencies),
            "format": rec.article.format,
            "story": row.story,
            "copy_of": row.copy_of,
            "attributions": len(rec.attributions),
            "text": rec.text,
        }


def _attributions(store: Store) -> Iterator[dict[str, Any]]:
    for row, rec in store.records():
        for i, a in enumerate(rec.attributions):
            src = a.source
            out: dict[str, Any] = {
                "article_seq": row.seq,
                "idx": i,
                "article_key": row.key,
                "source": src.resolved if src else None,
                "source_text": src.span.text if src else None,
                "source_type": src.type if src else None,
                "anonymous": bool(src and src.anonymous),
                "source_start": src.span.start if src else None,
                "source_end": src.span.end if src else None,
            }
            out.update(_span("cue", a.cue))
            out.update(_span("content", a.content))
            out.update(
                kind=a.kind,
                stance=a.stance,
                hedges=list(a.hedges),
                channel=a.channel,
                via=list(a.via),
                direct=a.direct,
                nested=a.nested,
            )
            yield out


def member_count(rec: dict[str, Any]) -> int:
    """Attributions of a claim: a count in claim records before schema 2, a list after."""
    n = rec.get("attributions")
    if isinstance(n, list):
        return len(n)
    return int(rec.get("size") or n or 0)


def _claims(store: Store) -> Iterator[dict[str, Any]]:
    for rec in store.claim_records():
        origin = rec.get("origin") or {}
        first = rec.get("first_report") or {}
        hedged = bool(rec.get("hedges"))
        yield {
            "claim": rec.get("claim"),
            "story": rec.get("story"),
            "text": rec.get("text"),
            "origin": origin.get("source"),
            "origin_type": origin.get("type"),
            "origin_anonymous": origin.get("anonymous") if origin else None,
            "origin_article": origin.get("article"),
            "origin_published": origin.get("published"),
            "first_report": first.get("id"),
            "first_publisher": first.get("publisher"),
            "first_published": first.get("published"),
            "independent_sources": int(rec.get("independent_sources") or 0),
            "independent_backers": [b.get("name") for b in rec.get("independent_backers") or []],
            "relays": len(rec.get("relays") or []),
            "disputers": [d.get("party") for d in rec.get("disputers") or []],
            "hedged": hedged,
            "articles": len(rec.get("articles") or []),
            "attributions": member_count(rec),
            "outlets": list(rec.get("outlets") or _outlets(rec)),
            "record": json.dumps(rec, ensure_ascii=False),
        }


def _outlets(rec: dict[str, Any]) -> list[str]:
    """Outlets in timeline order, for claim records that do not list them (before schema 2)."""
    out: list[str] = []
    for t in rec.get("timeline") or []:
        pub = t.get("publisher")
        if pub and pub not in out:
            out.append(pub)
    return out


def _claim_members(store: Store) -> Iterator[dict[str, Any]]:
    rows = store.articles()
    key_of = {r.seq: r.key for r in rows}
    id_of = {r.seq: r.id for r in rows}
    detail: dict[str, dict[tuple[Any, Any], dict[str, Any]]] = {}
    for rec in store.claim_records():
        entries = rec.get("attributions")
        if isinstance(entries, list):
            detail[rec["claim"]] = {
                (e.get("article"), e.get("index")): e
                for e in entries
                if isinstance(e, dict) and e.get("index") is not None
            }
    cur = store.conn.execute(
        "SELECT claim_id, article_seq, idx FROM claim_members ORDER BY claim_id, article_seq, idx"
    )
    for cid, seq, idx in cur:
        e = detail.get(cid, {}).get((id_of.get(seq), idx), {})
        yield {
            "claim": cid,
            "article_seq": seq,
            "idx": idx,
            "article_key": key_of.get(seq),
            "role": e.get("role"),
            "stance": e.get("stance"),
        }


def _stories(store: Store) -> Iterator[dict[str, Any]]:
    groups: dict[str, list[StoredArticle]] = {}
    for r in store.articles():
        if r.story:
            groups.setdefault(r.story, []).append(r)
    claims: dict[str, int] = {}
    for rec in store.claim_records():
        if rec.get("story"):
            claims[rec["story"]] = claims.get(rec["story"], 0) + 1
    for story, members in groups.items():
        members.sort(key=lambda r: (r.published or "9999", r.seq))
        originals = [m for m in members if m.copy_of is None]
        dates = sorted(m.published for m in members if m.published)
        publishers: list[str] = []
        for m in members:
            if m.publisher and m.publisher not in publishers:
                publishers.append(m.publisher)
        yield {
            "story": story,
            "title": (originals or members)[0].title,
            "articles": len(members),
            "originals": len(originals),
            "first_published": dates[0] if dates else None,
            "last_published": dates[-1] if dates else None,
            "publishers": publishers,
            "claims": claims.get(story, 0),
        }


def _copies(store: Store) -> Iterator[dict[str, Any]]:
    rows = store.articles()
    seq_of = {r.key: r.seq for r in rows}
    for r in rows:
        if r.copy_of:
            yield {
                "article_seq": r.seq,
                "article_key": r.key,
                "copy_of_seq": seq_of.get(r.copy_of),
                "copy_of_key": r.copy_of,
                "story": r.story,
            }


_ROWS: dict[str, Callable[[Store], Iterator[dict[str, Any]]]] = {
    "articles": _articles,
    "attributions": _attributions,
    "claims": _claims,
    "claim_members": _claim_members,
    "stories": _stories,
    "copies": _copies,
}


def rows(store: Store, table: str) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` (one of ``TABLES``), each a dict with exactly its columns."""
    return _ROWS[table](store)
