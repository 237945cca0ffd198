"""Search for the web app: full-text (SQLite FTS5, tables kept by the store's triggers) over
article titles, texts and the names of their sources, and over claim texts, with filters by
outlet, cited source and dates. Part of the read-side views (``newstrace.linking.views``):
plain functions over a Store, run by the caller inside one read transaction.
"""

from __future__ import annotations

import json
import re
from typing import Any

from newstrace.store import Store

# Articles columns every list shows; ``coalesce(input_id, path)`` is the display id.
_ART = (
    "a.seq, a.key, coalesce(a.input_id, a.path), a.title, a.publisher, a.published, "
    "l.copy_of, l.story"
)
# Longest search query read, in characters, and most terms used: bounds the FTS work.
MAX_QUERY = 200
MAX_TERMS = 12
_TERM = re.compile(r'"([^"]+)"|([\w][\w\'’.-]*)', re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
# Markers of matched words in FTS5 snippets; never found in article text (control characters).
_MARK_ON, _MARK_OFF = "\x02", "\x03"


def _brief(r: Any) -> dict[str, Any]:
    return {"id": r[2], "title": r[3], "publisher": r[4], "published": r[5], "story": r[7]}


def _page(total: int, limit: int, offset: int) -> dict[str, int]:
    return {"total": total, "limit": limit, "offset": offset}


def _members_count(record: dict[str, Any]) -> int:
    n = record.get("attributions")
    if isinstance(n, list):
        return len(n)
    return int(n or 0)


def overview(store: Store) -> dict[str, Any]:
    """Counts for the home page, and the outlets a search can be filtered by."""
    c = store.conn
    return {
        "articles": c.execute("SELECT count(*) FROM articles").fetchone()[0],
        "stories": c.execute("SELECT count(DISTINCT story) FROM links").fetchone()[0],
        "claims": c.execute("SELECT count(*) FROM claims").fetchone()[0],
        "linking": "stale" if store.state("links_stale") == "1" else "current",
        "outlets": [
            r[0]
            for r in c.execute(
                "SELECT DISTINCT publisher FROM articles WHERE publisher IS NOT NULL "
                "ORDER BY publisher"
            )
        ],
    }


def fts_query(q: str) -> str:
    """A user's words as a safe FTS5 query: each word or "quoted phrase" becomes a quoted
    phrase (so operators and punctuation never reach the FTS parser), all of them required."""
    parts = []
    for m in _TERM.finditer(q[:MAX_QUERY]):
        words = _WORD.findall(m.group(1) or m.group(2))
        if words:
            parts.append('"' + " ".join(words) + '"')
        if len(parts) == MAX_TERMS:
            break
    return " ".join(parts)


def _snippet(s: str | None) -> list[dict[str, Any]]:
    """An FTS5 snippet as [{"text", "match"}] pieces: pages mark the matches, JSON readers get
    plain strings."""
    out = []
    for i, piece in enumerate(re.split(f"[{_MARK_ON}{_MARK_OFF}]", s or "")):
        if piece:
            out.append({"text": piece, "match": i % 2 == 1})
    return out


def _filters(
    outlet: str | None, source: str | None, since: str | None, until: str | None, seq: str
) -> tuple[str, list[Any]]:
    """SQL conditions (joined with AND) on the article whose seq is the expression ``seq``."""
    conds, args = [], []
    if outlet:
        conds.append(f"EXISTS (SELECT 1 FROM articles x WHERE x.seq = {seq} AND x.publisher = ?)")
        args.append(outlet)
    if since:
        conds.append(
            f"EXISTS (SELECT 1 FROM articles x WHERE x.seq = {seq} "
            "AND substr(x.published, 1, 10) >= ?)"
        )
        args.append(since)
    if until:
        conds.append(
            f"EXISTS (SELECT 1 FROM articles x WHERE x.seq = {seq} "
            "AND substr(x.published, 1, 10) <= ?)"
        )
        args.append(until)
    if source:
        conds.append(
            f"EXISTS (SELECT 1 FROM attributions t WHERE t.article_seq = {seq} AND t.source = ?)"
        )
        args.append(source)
    return " AND ".join(conds), args


def search(
    store: Store,
    q: str = "",
    *,
    kind: str = "articles",
    outlet: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    """Articles (by title, text and the names of their sources) or claims (by text) matching
    ``q``, filtered by outlet, cited source and publication dates (inclusive, YYYY-MM-DD).
    Without ``q``: the latest articles / the claims in the linker's order that pass them.
    Both totals are counted, the results listed are those of ``kind``."""
    c = store.conn
    match = fts_query(q)
    art_cond, art_args = _filters(outlet, source, since, until, "a.seq")
    claim_cond, claim_args = _filters(outlet, source, since, until, "cm.article_seq")
    claim_where = (
        f"EXISTS (SELECT 1 FROM claim_members cm WHERE cm.claim_id = c.id AND {claim_cond})"
        if claim_cond
        else ""
    )
    if match and not art_cond:
        # No filter: count and rank on the FTS index alone, then read the page's articles.
        art_total = c.execute(
            "SELECT count(*) FROM article_fts WHERE article_fts MATCH ?", (match,)
        ).fetchone()[0]
    elif match:
        art_total = c.execute(
            "SELECT count(*) FROM article_fts f JOIN articles a ON a.seq = f.rowid "
            f"WHERE article_fts MATCH ? AND {art_cond}",
            [match, *art_args],
        ).fetchone()[0]
    else:
        art_total = c.execute(
            f"SELECT count(*) FROM articles a{' WHERE ' + art_cond if art_cond else ''}", art_args
        ).fetchone()[0]
    if match and not claim_where:
        claim_total = c.execute(
            "SELECT count(*) FROM claim_fts WHERE claim_fts MATCH ?", (match,)
        ).fetchone()[0]
    elif match:
        claim_total = c.execute(
            "SELECT count(*) FROM claim_fts f JOIN claims c ON c.rowid = f.rowid "
            f"WHERE claim_fts MATCH ? AND {claim_where}",
            [match, *claim_args],
        ).fetchone()[0]
    else:
        claim_total = c.execute(
            f"SELECT count(*) FROM claims c{' WHERE ' + claim_where if claim_where else ''}",
            claim_args,
        ).fetchone()[0]
    results: list[dict[str, Any]] = []
    if kind == "claims":
        if match:
            ranked = [
                r[0]
                for r in c.execute(
                    "SELECT f.rowid FROM claim_fts f"
                    + (" JOIN claims c ON c.rowid = f.rowid" if claim_where else "")
                    + " WHERE claim_fts MATCH ?"
                    + (f" AND {claim_where}" if claim_where else "")
                    + " ORDER BY bm25(claim_fts), f.rowid LIMIT ? OFFSET ?",
                    [match, *claim_args, limit, offset],
                )
            ]
            snips = _snippets(store, "claim_fts", 0, match, ranked)
            marks = ",".join("?" * len(ranked))
            found = {
                r[0]: r[1:]
                for r in c.execute(
                    f"SELECT rowid, id, story, text, record FROM claims WHERE rowid IN ({marks})",
                    ranked,
                )
            }
            rows = [(*found[k], snips.get(k)) for k in ranked if k in found]
        else:
            # Without words: the claims in the linker's order (story by story).
            rows = c.execute(
                "SELECT c.id, c.story, c.text, c.record, NULL FROM claims c"
                f"{' WHERE ' + claim_where if claim_where else ''} ORDER BY c.rowid "
                "LIMIT ? OFFSET ?",
                [*claim_args, limit, offset],
            ).fetchall()
        for cid, story, text, record, snippet in rows:
            rec = json.loads(record)
            results.append(
                {
                    "kind": "claim",
                    "claim": cid,
                    "story": story,
                    "text": text,
                    "snippet": _snippet(snippet) if snippet else [{"text": text, "match": False}],
                    "independent_sources": rec.get("independent_sources", 0),
                    "disputers": len(rec.get("disputers") or []),
                    "attributions": _members_count(rec),
                    "articles": len(rec.get("articles") or []),
                }
            )
    else:
        if match:
            # Title words weigh most, then the names of sources, then the running text.
            ranked = [
                r[0]
                for r in c.execute(
                    "SELECT f.rowid FROM article_fts f"
                    + (" JOIN articles a ON a.seq = f.rowid" if art_cond else "")
                    + " WHERE article_fts MATCH ?"
                    + (f" AND {art_cond}" if art_cond else "")
                    + " ORDER BY bm25(article_fts, 10.0, 1.0, 4.0), f.rowid LIMIT ? OFFSET ?",
                    [match, *art_args, limit, offset],
                )
            ]
            snips = _snippets(store, "article_fts", 1, match, ranked)
            marks = ",".join("?" * len(ranked))
            found = {
                r[0]: r
                for r in c.execute(
                    f"SELECT {_ART} FROM articles a LEFT JOIN links l ON l.article_seq = a.seq "
                    f"WHERE a.seq IN ({marks})",
                    ranked,
                )
            }
            rows = [(*found[k], snips.get(k)) for k in ranked if k in found]
        else:
            # NULL dates sort last in DESC order: the (published) index gives this order.
            rows = c.execute(
                f"SELECT {_ART}, NULL FROM articles a LEFT JOIN links l ON l.article_seq = a.seq"
                f"{' WHERE ' + art_cond if art_cond else ''} "
                "ORDER BY a.published DESC, a.seq DESC LIMIT ? OFFSET ?",
                [*art_args, limit, offset],
            ).fetchall()
        for r in rows:
            item = {"kind": "article", **_brief(r), "is_copy": r[6] is not None}
            item["snippet"] = _snippet(r[8]) if r[8] else []
            results.append(item)
    total = claim_total if kind == "claims" else art_total
    return {
        "query": q,
        "kind": kind,
        "filters": {"outlet": outlet, "source": source, "since": since, "until": until},
        "articles_total": art_total,
        "claims_total": claim_total,
        **_page(total, limit, offset),
        "results": results,
    }


def _snippets(
    store: Store, table: str, column: int, match: str, rowids: list[int]
) -> dict[int, str]:
    """FTS5 snippets of the given rows only (asked for in the ranking query, SQLite would make
    one for every match before sorting: 10x slower on a common word)."""
    if not rowids:
        return {}
    marks = ",".join("?" * len(rowids))
    return dict(
        store.conn.execute(
            f"SELECT rowid, snippet({table}, {column}, '{_MARK_ON}', '{_MARK_OFF}', '…', 24) "
            f"FROM {table} WHERE {table} MATCH ? AND rowid IN ({marks})",
            [match, *rowids],
        ).fetchall()
    )
