"""Read-side views of a linked store for the web app: one plain function per page, returning the
dict that the JSON API serves as is and the HTML page renders.

Each function only reads. The caller runs all the queries of one page inside one read
transaction (``BEGIN`` … ``COMMIT`` on the store's connection), so an ``ingest`` writing meanwhile
never shows a page half-linked. Lists are paged with ``limit`` / ``offset`` and carry their
``total``. The claim record is read defensively: its ``attributions`` field is a count in the
first record schema and the member list in the second; members come from ``claim_members``,
which both have.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from newstrace.linking.search import _ART, MAX_QUERY, _brief, _page, fts_query, overview, search
from newstrace.store import Store

__all__ = [
    "MAX_QUERY",
    "article",
    "claim",
    "fts_query",
    "overview",
    "search",
    "segments",
    "source",
    "story",
    "story_index",
    "story_list",
]

# Stances that make a source's edge a dispute in a story graph (the stances the claim linker
# counts as disputing; kept here so that the graph does not depend on the linker's internals).
DISPUTE_STANCES = frozenset({"deny", "dismiss", "reject", "refute", "dispute", "contradict"})
# A story graph shows at most this many source nodes (the most cited ones): past ~30 the
# columns no longer fit a screen and the picture stops saying anything at a glance.
MAX_GRAPH_SOURCES = 30
# A story page lists at most this many articles (graph and timeline included): big clusters
# exist (wire stories copied hundreds of times) and a page must stay light.
MAX_STORY_ARTICLES = 300


# -- stories ----------------------------------------------------------------------------------
def story_index(store: Store) -> list[tuple[Any, ...]]:
    """Every story, latest first: (story, articles, outlets, first, last, copies). The costly
    part of ``story_list`` (one pass over all articles), which a server may keep while the
    store does not change."""
    # Scanning the (publisher, published) index instead of the articles themselves reads a few
    # hundred index pages rather than every article's row (2x faster at 10k articles).
    return store.conn.execute(
        "SELECT l.story, count(*), count(DISTINCT a.publisher), min(a.published), "
        "max(a.published), sum(l.copy_of IS NOT NULL) "
        "FROM articles a INDEXED BY articles_publisher JOIN links l ON l.article_seq = a.seq "
        "WHERE l.story IS NOT NULL "
        "GROUP BY l.story ORDER BY max(coalesce(a.published, '')) DESC, l.story"
    ).fetchall()


def story_list(
    store: Store,
    *,
    limit: int = 20,
    offset: int = 0,
    index: list[tuple[Any, ...]] | None = None,
) -> dict[str, Any]:
    """Stories, latest first: article, claim and outlet counts, first and last dates.
    ``index``: ``story_index(store)`` when the caller has it already."""
    rows = story_index(store) if index is None else index
    page = rows[offset : offset + limit]
    claims = _claim_counts(store, [r[0] for r in page])
    out = []
    for story, n, outlets, first, last, copies in page:
        out.append(
            {
                "story": story,
                "title": _story_title(store, story),
                "articles": n,
                "copies": copies,
                "outlets": outlets,
                "claims": claims.get(story, 0),
                "first": first,
                "last": last,
            }
        )
    return {**_page(len(rows), limit, offset), "stories": out}


def _claim_counts(store: Store, stories: list[str]) -> dict[str, int]:
    if not stories:
        return {}
    marks = ",".join("?" * len(stories))
    return dict(
        store.conn.execute(
            f"SELECT story, count(*) FROM claims WHERE story IN ({marks}) GROUP BY story",
            stories,
        ).fetchall()
    )


def _story_title(store: Store, story: str) -> str | None:
    """The title of the story's earliest original (not a copy)."""
    row = store.conn.execute(
        "SELECT a.title FROM links l JOIN articles a ON a.seq = l.article_seq "
        "WHERE l.story = ? ORDER BY l.copy_of IS NOT NULL, coalesce(a.published, '9999'), a.seq "
        "LIMIT 1",
        (story,),
    ).fetchone()
    return None if row is None else row[0]


def story(
    store: Store, story_id: str, *, limit: int = 20, offset: int = 0
) -> dict[str, Any] | None:
    """One story: its articles in time order, the provenance graph (sources → outlets →
    copies), a timeline, and its claims ranked by how many outlets carry them (paged)."""
    c = store.conn
    total = c.execute("SELECT count(*) FROM links WHERE story = ?", (story_id,)).fetchone()[0]
    if not total:
        return None
    rows = c.execute(
        f"SELECT {_ART}, a.agencies FROM links l JOIN articles a ON a.seq = l.article_seq "
        "WHERE l.story = ? ORDER BY coalesce(a.published, '9999'), a.seq LIMIT ?",
        (story_id, MAX_STORY_ARTICLES),
    ).fetchall()
    by_key = {r[1]: r for r in rows}
    keys = [r[6] for r in rows if r[6] is not None and r[6] not in by_key]
    originals = _ids_by_key(store, keys)
    articles = []
    for r in rows:
        copy_of = r[6]
        articles.append(
            {
                **_brief(r),
                "copy_of": (by_key[copy_of][2] if copy_of in by_key else originals.get(copy_of))
                if copy_of
                else None,
                "agencies": json.loads(r[8] or "[]"),
            }
        )
    claims_total = c.execute("SELECT count(*) FROM claims WHERE story = ?", (story_id,)).fetchone()[
        0
    ]
    first = next((a for a in articles if a["copy_of"] is None), articles[0])
    dates = [a["published"] for a in articles if a["published"]]
    return {
        "story": story_id,
        "title": first["title"],
        "first": min(dates) if dates else None,
        "last": max(dates) if dates else None,
        "articles_total": total,
        "articles": articles,
        "outlets": sorted({a["publisher"] for a in articles if a["publisher"]}),
        "graph": _graph(store, rows, articles),
        "timeline": [
            {k: a[k] for k in ("id", "title", "publisher", "published", "copy_of")}
            for a in articles
        ],
        "claims_total": claims_total,
        "limit": limit,
        "offset": offset,
        "claims": _ranked_claims(store, story_id, limit, offset),
    }


def _ids_by_key(store: Store, keys: list[str]) -> dict[str, str]:
    if not keys:
        return {}
    marks = ",".join("?" * len(keys))
    return dict(
        store.conn.execute(
            f"SELECT key, coalesce(input_id, path) FROM articles WHERE key IN ({marks})", keys
        ).fetchall()
    )


def _ranked_claims(store: Store, story_id: str, limit: int, offset: int) -> list[dict[str, Any]]:
    """Claims of a story, most outlets first (then most attributions), with their counts."""
    ranked = store.conn.execute(
        "SELECT c.id, count(DISTINCT coalesce(a.publisher, a.seq)) AS outlets, "
        "count(cm.article_seq) AS members "
        "FROM claims c LEFT JOIN claim_members cm ON cm.claim_id = c.id "
        "LEFT JOIN articles a ON a.seq = cm.article_seq "
        "WHERE c.story = ? GROUP BY c.id ORDER BY outlets DESC, members DESC, c.id "
        "LIMIT ? OFFSET ?",
        (story_id, limit, offset),
    ).fetchall()
    if not ranked:
        return []
    marks = ",".join("?" * len(ranked))
    # The few fields a list shows, read by SQLite's JSON functions: parsing whole records
    # (schema 2 keeps every member's spans) in Python would cost more than the page.
    fields = {
        r[0]: r[1:]
        for r in store.conn.execute(
            "SELECT id, text, json_extract(record, '$.independent_sources'), "
            "json_array_length(record, '$.disputers'), json_extract(record, '$.origin.source') "
            f"FROM claims WHERE id IN ({marks})",
            [r[0] for r in ranked],
        )
    }
    out = []
    for cid, outlets, members in ranked:
        text, independent, disputers, origin = fields[cid]
        out.append(
            {
                "claim": cid,
                "text": text or "",
                "outlets": outlets,
                "attributions": members,
                "independent_sources": independent or 0,
                "disputers": disputers or 0,
                "origin": origin,
            }
        )
    return out


def _graph(
    store: Store, rows: list[tuple[Any, ...]], articles: list[dict[str, Any]]
) -> dict[str, Any]:
    """Nodes and typed edges of a story's provenance graph.

    Nodes: ``source`` (who the articles cite; wire agencies the articles credit count as
    sources they relay), ``outlet`` (an original article), ``copy`` (a republished copy).
    Edges: source → outlet ``cites`` / ``relays`` (the source is a medium or wire) / ``disputes``
    (every attribution of that source there denies or dismisses); original → copy ``copies``.
    """
    seqs = [r[0] for r in rows]
    node_of = {
        r[0]: ("copy:" if a["copy_of"] else "outlet:") + a["id"]
        for r, a in zip(rows, articles, strict=True)
    }
    nodes: list[dict[str, Any]] = []
    for r, a in zip(rows, articles, strict=True):
        nodes.append(
            {
                "id": node_of[r[0]],
                "kind": "copy" if a["copy_of"] else "outlet",
                "label": a["publisher"] or a["id"],
                "article": a["id"],
                "published": a["published"],
            }
        )
    by_id = {a["id"]: node_of[r[0]] for r, a in zip(rows, articles, strict=True)}
    # per (source, article): attribution count, stances, anonymity, type
    cited: dict[tuple[str, int], dict[str, Any]] = {}
    info: dict[str, dict[str, Any]] = {}
    for seq, name, stype, anon, stance in _attribution_rows(store, seqs):
        if not name:
            continue
        e = cited.setdefault((name, seq), {"n": 0, "stances": set(), "type": stype})
        e["n"] += 1
        e["stances"].add(stance)
        s = info.setdefault(name, {"n": 0, "anonymous": False, "type": stype or "unknown"})
        s["n"] += 1
        s["anonymous"] = s["anonymous"] or bool(anon)
    for r, a in zip(rows, articles, strict=True):
        for agency in a["agencies"]:
            cited.setdefault((agency, r[0]), {"n": 0, "stances": set(), "type": "media"})
            info.setdefault(agency, {"n": 0, "anonymous": False, "type": "media"})
    publishers = {(a["publisher"] or "").lower() for a in articles}
    ranked = sorted(info, key=lambda n: (-info[n]["n"], n.lower()))
    shown = set(ranked[:MAX_GRAPH_SOURCES])
    for name in ranked[:MAX_GRAPH_SOURCES]:
        s = info[name]
        nodes.append(
            {
                "id": "source:" + name,
                "kind": "source",
                "label": name,
                "type": s["type"],
                "anonymous": s["anonymous"],
                "citations": s["n"],
            }
        )
    edges: list[dict[str, Any]] = []
    for (name, seq), e in cited.items():
        if name not in shown:
            continue
        if e["stances"] and e["stances"] <= DISPUTE_STANCES:
            kind = "disputes"
        elif e["type"] == "media" or name.lower() in publishers:
            kind = "relays"
        else:
            kind = "cites"
        edges.append({"from": "source:" + name, "to": node_of[seq], "kind": kind, "count": e["n"]})
    for a in articles:
        if a["copy_of"] and a["copy_of"] in by_id:
            edges.append(
                {"from": by_id[a["copy_of"]], "to": by_id[a["id"]], "kind": "copies", "count": 1}
            )
    return {
        "nodes": nodes,
        "edges": edges,
        "sources_total": len(info),
        "sources_shown": len(shown),
    }


def _attribution_rows(store: Store, seqs: list[int]) -> Iterable[tuple[Any, ...]]:
    for i in range(0, len(seqs), 500):
        chunk = seqs[i : i + 500]
        marks = ",".join("?" * len(chunk))
        yield from store.conn.execute(
            "SELECT article_seq, source, source_type, anonymous, stance FROM attributions "
            f"WHERE article_seq IN ({marks}) ORDER BY article_seq, idx",
            chunk,
        )


# -- one article ------------------------------------------------------------------------------
def article(
    store: Store, article_id: str, mark: tuple[int, int] | None = None
) -> dict[str, Any] | None:
    """One article: metadata, relay chain, copies, its text cut into highlighted segments, and
    each attribution with the claims it belongs to. ``article_id``: display id, else key.
    ``mark``: a (start, end) range of the text to mark as well (a claim's unattributed
    sentence, which no attribution anchors)."""
    c = store.conn
    row = (
        c.execute(
            f"SELECT {_ART}, a.record FROM articles a LEFT JOIN links l ON l.article_seq = a.seq "
            "WHERE coalesce(a.input_id, a.path) = ? ORDER BY a.seq LIMIT 1",
            (article_id,),
        ).fetchone()
        or c.execute(
            f"SELECT {_ART}, a.record FROM articles a LEFT JOIN links l ON l.article_seq = a.seq "
            "WHERE a.key = ?",
            (article_id,),
        ).fetchone()
    )
    if row is None:
        return None
    seq, key = row[0], row[1]
    rec = json.loads(row[8])
    meta = rec.get("article") or {}
    text = rec.get("text") or ""
    claims_of: dict[int, list[str]] = defaultdict(list)
    claims: dict[str, str] = {}
    for idx, cid, ctext in c.execute(
        "SELECT cm.idx, cm.claim_id, c.text FROM claim_members cm JOIN claims c ON c.id = "
        "cm.claim_id WHERE cm.article_seq = ? ORDER BY cm.idx",
        (seq,),
    ):
        claims_of[idx].append(cid)
        claims[cid] = ctext
    attributions = []
    for i, a in enumerate(rec.get("attributions") or []):
        attributions.append({"index": i, **a, "claims": claims_of.get(i, [])})
    copy_of = None
    if row[6]:
        orig = c.execute(
            "SELECT seq, key, coalesce(input_id, path), title, publisher, published, NULL, NULL "
            "FROM articles WHERE key = ?",
            (row[6],),
        ).fetchone()
        copy_of = _brief(orig) if orig else {"id": row[6]}
    copies = [
        _brief(r)
        for r in c.execute(
            f"SELECT {_ART} FROM links l JOIN articles a ON a.seq = l.article_seq "
            "WHERE l.copy_of = ? ORDER BY coalesce(a.published, '9999'), a.seq",
            (key,),
        )
    ]
    return {
        **_brief(row),
        "key": key,
        "url": meta.get("url"),
        "byline": meta.get("byline"),
        "authors": meta.get("authors") or [],
        "agencies": meta.get("agencies") or [],
        "format": rec.get("format"),
        "path": rec.get("path"),
        "story_title": _story_title(store, row[7]) if row[7] else None,
        "copy_of": copy_of,
        "copies": copies,
        "chain": rec.get("chain") or [],
        "text": text,
        "segments": segments(text, attributions, mark),
        "mark": list(mark) if mark else None,
        "attributions": attributions,
        "claims": [{"claim": k, "text": v} for k, v in claims.items()],
    }


_ROLES = ("source", "cue", "content")


def segments(
    text: str, attributions: Sequence[dict[str, Any]], mark: tuple[int, int] | None = None
) -> list[dict[str, Any]]:
    """``text`` cut at every span boundary: each piece lists the roles (source, cue, content,
    and ``mark`` inside the ``mark`` range) and the attributions covering it; ``anchors`` are
    the attributions that start there (the first piece of their source, else of their cue,
    else of their content), so that a page can give each attribution one focusable, linkable
    place in the text."""
    n = len(text)
    cover: list[tuple[int, int, str, int]] = []
    if mark is not None and 0 <= mark[0] < mark[1] <= n:
        cover.append((mark[0], mark[1], "mark", -1))
    for a in attributions:
        i = int(a["index"])
        for role in _ROLES:
            span = a.get(role)
            if not span:
                continue
            pieces = span.get("fragments") or [[span["start"], span["end"]]]
            for s, e in pieces:
                s, e = max(0, int(s)), min(n, int(e))
                if s < e:
                    cover.append((s, e, role, i))
    cuts = sorted({0, n, *(x[0] for x in cover), *(x[1] for x in cover)})
    at = {c: k for k, c in enumerate(cuts)}
    roles: list[set[str]] = [set() for _ in cuts[1:]]
    owners: list[set[int]] = [set() for _ in cuts[1:]]
    for s, e, role, i in cover:
        for k in range(at[s], at[e]):
            roles[k].add(role)
            owners[k].add(i)
    anchor_at: dict[int, list[int]] = defaultdict(list)
    for a in attributions:
        for role in _ROLES:
            span = a.get(role)
            if span and 0 <= int(span["start"]) < n:
                anchor_at[int(span["start"])].append(int(a["index"]))
                break
    return [
        {
            "start": s,
            "end": e,
            "text": text[s:e],
            "roles": [r for r in (*_ROLES, "mark") if r in roles[k]],
            "attributions": sorted(owners[k] - {-1}),
            "anchors": anchor_at.get(s, []),
        }
        for k, (s, e) in enumerate(zip(cuts, cuts[1:], strict=False))
    ]


# -- one claim --------------------------------------------------------------------------------
def claim(store: Store, claim_id: str) -> dict[str, Any] | None:
    """A claim's trace (the stored record) with, for each entry (origin, backers, relays,
    disputers, hedges, timeline), ``at``: the [article, attribution index] to open in its
    article, or [article, null, start, end] for the article's own, unattributed sentence; and
    the article briefs the page names them by."""
    rec = store.claim_record(claim_id)
    if rec is None:
        return None
    c = store.conn
    members = [
        {"article": r[0], "index": r[1]}
        for r in c.execute(
            "SELECT coalesce(a.input_id, a.path), cm.idx FROM claim_members cm "
            "JOIN articles a ON a.seq = cm.article_seq WHERE cm.claim_id = ? "
            "ORDER BY coalesce(a.published, '9999'), a.seq, cm.idx",
            (claim_id,),
        )
    ]
    # Every [article, index] the record points at (schema 2 lists them per entry), then the
    # members: a timeline entry is matched to one of these by article and source name.
    pointed: list[tuple[str, int | None]] = []
    for entry in [rec.get("origin") or {}, *_entries(rec, "independent_backers", "disputers")]:
        pointed += [(str(x[0]), x[1]) for x in entry.get("attributions") or [] if len(x) == 2]
    if isinstance(rec.get("attributions"), list):
        pointed += [(str(m.get("article")), m.get("index")) for m in rec["attributions"]]
    pointed += [(m["article"], m["index"]) for m in members]
    ids = sorted({a for a, _ in pointed} | set(rec.get("articles") or []))
    briefs: dict[str, dict[str, Any]] = {}
    names: dict[tuple[str, int], str | None] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for r in c.execute(
            "SELECT coalesce(input_id, path), title, publisher, published, seq FROM articles "
            f"WHERE coalesce(input_id, path) IN ({marks})",
            chunk,
        ):
            briefs.setdefault(
                r[0], {"id": r[0], "title": r[1], "publisher": r[2], "published": r[3]}
            )
            for idx, name in c.execute(
                "SELECT idx, source FROM attributions WHERE article_seq = ?", (r[4],)
            ):
                names[(r[0], idx)] = name

    # The article's own sentences that carry the claim (schema 2 members with index null):
    # linked as a marked range of the text.
    own: dict[str, list[int]] = {}
    if isinstance(rec.get("attributions"), list):
        for m in rec["attributions"]:
            content = m.get("content") or {}
            if m.get("index") is None and "start" in content and m.get("article") not in own:
                own[str(m.get("article"))] = [int(content["start"]), int(content["end"])]

    def at(article_id: str | None, *want: str | None, given: Any = None) -> list[Any] | None:
        if given:
            return [given[0][0], given[0][1]]
        if article_id is None:
            return None
        wanted = {w for w in want if w}
        cand = [p for p in pointed if p[0] == article_id]
        for a, i in cand:
            if i is not None and names.get((a, i)) in wanted:
                return [a, i]
        for (a, i), name in names.items():
            if a == article_id and name in wanted:
                return [a, i]
        found = [cand[0][0], cand[0][1]] if cand else [article_id, None]
        if found[1] is None and article_id in own:
            found += own[article_id]  # [article, None, start, end]
        return found

    out = dict(rec)
    if out.get("origin"):
        o = dict(out["origin"])
        o["at"] = at(o.get("article"), o.get("source"), given=o.get("attributions"))
        out["origin"] = o
    out["independent_backers"] = [
        {**b, "at": at(_first(b.get("articles")), b.get("name"), given=b.get("attributions"))}
        for b in rec.get("independent_backers") or []
    ]
    out["disputers"] = [
        {
            **d,
            "at": at(
                _first(d.get("articles")), *(d.get("sources") or []), given=d.get("attributions")
            ),
        }
        for d in rec.get("disputers") or []
    ]
    for key, name in (("relays", "name"), ("hedges", "source"), ("timeline", "source")):
        out[key] = [{**e, "at": at(e.get("article"), e.get(name))} for e in rec.get(key) or []]
    if not isinstance(rec.get("attributions"), list):
        out["attributions"] = [
            {
                "article": m["article"],
                "index": m["index"],
                "source": names.get((m["article"], m["index"])),
            }
            for m in members
        ]
    out["members"] = members
    out["article_briefs"] = briefs
    out["outlets"] = rec.get("outlets") or sorted(
        {b["publisher"] for b in briefs.values() if b["publisher"]}
    )
    out["story_title"] = _story_title(store, rec["story"]) if rec.get("story") else None
    return out


def _entries(rec: dict[str, Any], *keys: str) -> list[dict[str, Any]]:
    return [e for k in keys for e in rec.get(k) or [] if isinstance(e, dict)]


def _first(xs: Any) -> str | None:
    return str(xs[0]) if xs else None


# -- one source -------------------------------------------------------------------------------
def source(store: Store, name: str, *, limit: int = 20, offset: int = 0) -> dict[str, Any] | None:
    """Where a source (its resolved name) is cited: by which outlets, how often anonymously,
    with which stances; its citations, latest first (paged)."""
    c = store.conn
    total, anonymous, articles = c.execute(
        "SELECT count(*), coalesce(sum(anonymous), 0), count(DISTINCT article_seq) "
        "FROM attributions WHERE source = ?",
        (name,),
    ).fetchone()
    if not total:
        return None
    outlets = [
        {"outlet": r[0], "citations": r[1], "anonymous": r[2], "articles": r[3]}
        for r in c.execute(
            "SELECT a.publisher, count(*), sum(t.anonymous), count(DISTINCT a.seq) "
            "FROM attributions t JOIN articles a ON a.seq = t.article_seq WHERE t.source = ? "
            "GROUP BY a.publisher ORDER BY count(*) DESC, a.publisher",
            (name,),
        )
    ]
    stances = Counter(
        dict(
            c.execute(
                "SELECT stance, count(*) FROM attributions WHERE source = ? GROUP BY stance",
                (name,),
            ).fetchall()
        )
    )
    types = Counter(
        dict(
            c.execute(
                "SELECT coalesce(source_type, 'unknown'), count(*) FROM attributions "
                "WHERE source = ? GROUP BY source_type",
                (name,),
            ).fetchall()
        )
    )
    citations = []
    for r in c.execute(
        "SELECT coalesce(a.input_id, a.path), t.idx, a.title, a.publisher, a.published, "
        "t.anonymous, t.stance, t.kind, t.cue, t.content, t.hedges "
        "FROM attributions t JOIN articles a ON a.seq = t.article_seq WHERE t.source = ? "
        "ORDER BY coalesce(a.published, '') DESC, a.seq DESC, t.idx LIMIT ? OFFSET ?",
        (name, limit, offset),
    ):
        citations.append(
            {
                "article": r[0],
                "index": r[1],
                "title": r[2],
                "publisher": r[3],
                "published": r[4],
                "anonymous": bool(r[5]),
                "stance": r[6],
                "kind": r[7],
                "cue": r[8],
                "content": r[9],
                "hedges": json.loads(r[10] or "[]"),
            }
        )
    return {
        "name": name,
        "citations_total": total,
        "anonymous": anonymous,
        "articles": articles,
        "types": dict(types.most_common()),
        "stances": dict(stances.most_common()),
        "outlets": outlets,
        **_page(total, limit, offset),
        "citations": citations,
    }
