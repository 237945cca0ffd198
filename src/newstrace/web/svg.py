"""Server-side layout of a story's provenance graph and timeline, as plain shapes for the SVG
templates: no JavaScript, works offline, and every label goes through Jinja's escaping.

The graph has fixed columns (sources → outlets → copies), nodes ordered inside each column and
edges drawn as curves between the columns: a layered layout needs no solver at this size (a
story shows at most ``views.MAX_GRAPH_SOURCES`` sources and a few dozen articles).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

WIDTH = 960
NODE_W = 250
NODE_H = 34
GAP = 10
TOP = 40
# Labels longer than this are cut (the full name is in the node's <title>): 250 px of 13 px text.
LABEL_CHARS = 32


def _cut(s: str, n: int = LABEL_CHARS) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def article_href(article_id: str, index: int | None = None, *span: int) -> str:
    """The article page, at attribution ``index``, or with ``span`` (start, end) marked."""
    href = "/article?id=" + quote(article_id, safe="")
    if index is not None:
        return href + f"#a{index}"
    if len(span) == 2:
        return href + f"&mark={int(span[0])}-{int(span[1])}#m"
    return href


def source_href(name: str) -> str:
    return "/source?name=" + quote(name, safe="")


def graph_layout(graph: dict[str, Any]) -> dict[str, Any]:
    """Positions for the nodes and paths for the edges of ``views.story``'s graph."""
    cols: dict[str, list[dict[str, Any]]] = {"source": [], "outlet": [], "copy": []}
    for n in graph["nodes"]:
        cols[n["kind"]].append(n)
    used = [k for k in ("source", "outlet", "copy") if cols[k]]
    step = (WIDTH - NODE_W - 20) / max(1, len(used) - 1)
    rows = max((len(cols[k]) for k in used), default=0)
    height = TOP + rows * (NODE_H + GAP) + 20
    pos: dict[str, tuple[float, float]] = {}
    nodes = []
    for ci, kind in enumerate(used):
        x = 10 + ci * step if len(used) > 1 else (WIDTH - NODE_W) / 2
        col = cols[kind]
        y0 = TOP + (rows - len(col)) * (NODE_H + GAP) / 2
        for i, n in enumerate(col):
            y = y0 + i * (NODE_H + GAP)
            pos[n["id"]] = (x, y)
            if kind == "source":
                href = source_href(n["label"])
                sub = n.get("type") or "unknown"
                if n.get("anonymous"):
                    sub += ", anonymous"
                sub += f" · {n['citations']}×" if n.get("citations") else " · credited wire"
            else:
                href = article_href(n["article"])
                sub = (n.get("published") or "undated")[:16] + (" · copy" if kind == "copy" else "")
            nodes.append(
                {
                    **n,
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "w": NODE_W,
                    "h": NODE_H,
                    "text": _cut(n["label"]),
                    "sub": sub,
                    "href": href,
                    "title": n["label"] + (" (anonymous)" if n.get("anonymous") else ""),
                }
            )
    edges = []
    for e in graph["edges"]:
        if e["from"] not in pos or e["to"] not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e["from"]], pos[e["to"]]
        if x1 == x2:  # same column (a copy of a copy laid out beside it): loop on the right
            sx, sy, tx, ty = x1 + NODE_W, y1 + NODE_H / 2, x2 + NODE_W, y2 + NODE_H / 2
            c1, c2 = f"{sx + 40:.0f},{sy:.0f}", f"{tx + 40:.0f},{ty:.0f}"
            d = f"M{sx:.0f},{sy:.0f} C{c1} {c2} {tx:.0f},{ty:.0f}"
        else:
            sx, sy, tx, ty = x1 + NODE_W, y1 + NODE_H / 2, x2, y2 + NODE_H / 2
            mx = (sx + tx) / 2
            d = f"M{sx:.0f},{sy:.0f} C{mx:.0f},{sy:.0f} {mx:.0f},{ty:.0f} {tx:.0f},{ty:.0f}"
        edges.append({**e, "d": d})
    heads = {"source": "Sources", "outlet": "Outlets", "copy": "Copies"}
    labels = []
    for ci, kind in enumerate(used):
        x = 10 + ci * step if len(used) > 1 else (WIDTH - NODE_W) / 2
        labels.append({"x": round(x, 1), "text": heads[kind]})
    return {
        "width": WIDTH,
        "height": round(height),
        "nodes": nodes,
        "edges": edges,
        "heads": labels,
    }


def when(published: str | None) -> float | None:
    """Seconds since the epoch of a date or ISO timestamp (naive values are read as UTC)."""
    if not published:
        return None
    try:
        t = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            t = datetime.fromisoformat(published.strip()[:10])
        except ValueError:
            return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.timestamp()


def timeline_layout(items: list[dict[str, Any]]) -> dict[str, Any]:
    """One lane per outlet, one dot per article at its publication time (copies hollow)."""
    dated = [(when(a.get("published")), a) for a in items]
    points = [(t, a) for t, a in dated if t is not None]
    lanes: list[str] = []
    for _t, a in points:
        lane = a.get("publisher") or "?"
        if lane not in lanes:
            lanes.append(lane)
    left, right, lane_h = 190, WIDTH - 30, 30
    height = 50 + len(lanes) * lane_h
    if not points:
        return {"width": WIDTH, "height": 0, "dots": [], "lanes": [], "ticks": [], "undated": items}
    t0, t1 = min(t for t, _ in points), max(t for t, _ in points)
    span = t1 - t0
    dots = []
    taken: dict[tuple[int, int], int] = {}
    for t, a in points:
        lane = lanes.index(a.get("publisher") or "?")
        x = (left + right) / 2 if span == 0 else left + (t - t0) / span * (right - left)
        # Same outlet, same moment (dates without a time): fan the dots out so each stays
        # clickable.
        k = (lane, round(x))
        n = taken.get(k, 0)
        taken[k] = n + 1
        dots.append(
            {
                "x": round(x + n * 12, 1),
                "y": 30 + lane * lane_h + lane_h / 2,
                "is_copy": bool(a.get("copy_of")),
                "href": article_href(a["id"]),
                "title": f"{a.get('published') or 'undated'} · {a.get('publisher') or '?'} · "
                f"{a.get('title') or a['id']}",
            }
        )
    ticks = [{"x": left if span else (left + right) / 2, "text": _label(t0)}]
    if span:
        ticks.append({"x": right, "text": _label(t1)})
    return {
        "width": WIDTH,
        "height": height,
        "dots": dots,
        "lanes": [
            {"y": 30 + i * lane_h + lane_h / 2, "text": _cut(name, 24)}
            for i, name in enumerate(lanes)
        ],
        "ticks": ticks,
        "left": left,
        "right": right,
        "undated": [a for t, a in dated if t is None],
    }


def _label(t: float) -> str:
    d = datetime.fromtimestamp(t, tz=UTC)
    return d.strftime("%Y-%m-%d %H:%M") if (d.hour or d.minute) else d.strftime("%Y-%m-%d")


_KINDS = ("cites", "relays", "copies", "disputes")


def graph_svg(g: dict[str, Any], labelledby: str = "graph-h") -> Markup:
    """The graph layout as SVG markup (built here rather than in a template loop: a story
    graph has up to a few hundred shapes). Every label is escaped."""
    out = [
        f'<svg class="graph" id="graph" viewBox="0 0 {g["width"]} {g["height"]}" '
        f'width="{g["width"]}" height="{g["height"]}" aria-labelledby="{escape(labelledby)}">',
        "<defs>",
    ]
    for k in _KINDS:
        out.append(
            f'<marker id="arrow-{k}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            f'class="head h-{k}"/></marker>'
        )
    out.append("</defs>")
    for h in g["heads"]:
        out.append(f'<text class="head-label" x="{h["x"]}" y="20">{escape(h["text"])}</text>')
    for e in g["edges"]:
        kind = e["kind"] if e["kind"] in _KINDS else "cites"
        title = f"{e['from'].split(':', 1)[1]} {kind} {e['to'].split(':', 1)[1]}"
        if e.get("count", 1) > 1:
            title += f" ({e['count']}×)"
        out.append(
            f'<path class="edge e-{kind}" d="{e["d"]}" marker-end="url(#arrow-{kind})">'
            f"<title>{escape(title)}</title></path>"
        )
    for n in g["nodes"]:
        anon = " anon" if n.get("anonymous") else ""
        mark = "⚠ " if n.get("anonymous") else ""
        out.append(
            f'<a href="{escape(n["href"])}" class="node n-{n["kind"]}{anon}" '
            f'aria-label="{escape(n["kind"])}: {escape(n["title"])}" data-node="{escape(n["id"])}">'
            f"<title>{escape(n['title'])}</title>"
            f'<rect x="{n["x"]}" y="{n["y"]}" width="{n["w"]}" height="{n["h"]}" rx="6"/>'
            f'<text class="label" x="{n["x"] + 8}" y="{n["y"] + 14}">'
            f"{mark}{escape(n['text'])}</text>"
            f'<text class="sub" x="{n["x"] + 8}" y="{n["y"] + 28}">{escape(n["sub"])}</text></a>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def timeline_svg(t: dict[str, Any]) -> Markup:
    """The timeline layout as SVG markup (decorative: the list under it says the same)."""
    if not t["dots"]:
        return Markup("")
    out = [
        f'<svg class="timeline" viewBox="0 0 {t["width"]} {t["height"]}" width="{t["width"]}" '
        f'height="{t["height"]}" aria-hidden="true" focusable="false">'
    ]
    for lane in t["lanes"]:
        out.append(
            f'<text class="lane" x="10" y="{lane["y"] + 4}">{escape(lane["text"])}</text>'
            f'<line class="lane-line" x1="{t["left"]}" x2="{t["right"]}" y1="{lane["y"]}" '
            f'y2="{lane["y"]}"/>'
        )
    for tick in t["ticks"]:
        out.append(
            f'<text class="tick" x="{tick["x"]}" y="{t["height"] - 6}">'
            f"{escape(tick['text'])}</text>"
        )
    for p in t["dots"]:
        copy = " copy" if p["is_copy"] else ""
        out.append(
            f'<a href="{escape(p["href"])}" tabindex="-1"><circle class="dot{copy}" cx="{p["x"]}" '
            f'cy="{p["y"]}" r="7"><title>{escape(p["title"])}</title></circle></a>'
        )
    out.append("</svg>")
    return Markup("".join(out))
