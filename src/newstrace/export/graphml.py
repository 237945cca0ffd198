"""Each story's provenance graph as GraphML (Gephi, yEd, networkx, igraph open it).

One file per story, ``STORY.graphml``, a directed graph:

nodes (``kind``):
  article   one stored article (label: its title; ``url``, ``published``, ``copy``)
  outlet    a publisher or wire agency of the story's articles
  source    someone cited: a person, body, document or medium (``type``); ``anonymous`` is
            true for unnamed sources, which are kept apart per reporter ("anonymous officials"
            via The New York Times is not the same people as via Reuters)
edges (``type``):
  publishes outlet → article it published
  cites     article → the source it attributes something to (the outermost reporter when the
            source is reached through others)
  relays    a reporter → the source it passes on ("The New York Times" → "anonymous
            officials"); an article → the wire agency whose copy it runs
  copies    article → the earliest version it republishes
  disputes  a disputing source → the claim's origin (from the claim records)
Each edge has ``weight`` (how many attributions or claims make it) and ``claims`` (the ids of
the claims it belongs to, space-separated; empty for publishes/copies).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newstrace.model import AnalyzedArticle
from newstrace.store import Store, StoredArticle

__all__ = ["EDGE_TYPES", "NODE_KINDS", "StoryGraph", "story_graphs", "write_graphml"]

NODE_KINDS = ("article", "outlet", "source")
EDGE_TYPES = ("publishes", "cites", "relays", "copies", "disputes")
_NS = "http://graphml.graphdrawing.org/xmlns"
# (name, for, GraphML type): every attribute a node or edge may carry, declared once.
_KEYS = (
    ("label", "node", "string"),
    ("kind", "node", "string"),
    ("type", "node", "string"),
    ("anonymous", "node", "boolean"),
    ("article_id", "node", "string"),
    ("url", "node", "string"),
    ("publisher", "node", "string"),
    ("published", "node", "string"),
    ("copy", "node", "boolean"),
    ("type", "edge", "string"),
    ("weight", "edge", "int"),
    ("claims", "edge", "string"),
    ("story", "graph", "string"),
    ("title", "graph", "string"),
)
_DISPUTE = frozenset({"deny", "dismiss"})


def _norm(name: str) -> str:
    n = re.sub(r"\s+", " ", name.strip().lower())
    return re.sub(r"^(the|a|an)\s+", "", n)


@dataclass(slots=True)
class StoryGraph:
    story: str
    title: str | None
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    def node(self, nid: str, **attrs: Any) -> str:
        if nid not in self.nodes:
            self.nodes[nid] = {k: v for k, v in attrs.items() if v is not None}
        return nid

    def edge(self, u: str, v: str, type_: str, claim: str | None = None) -> None:
        if u == v:
            return
        e = self.edges.setdefault((u, v, type_), {"weight": 0, "claims": []})
        e["weight"] += 1
        if claim and claim not in e["claims"]:
            e["claims"].append(claim)


def _named(g: StoryGraph, name: str, outlets: set[str], **attrs: Any) -> str:
    n = _norm(name)
    if n in outlets:
        return g.node(f"n:{n}", label=name, kind="outlet", type="media", anonymous=False)
    return g.node(f"n:{n}", label=name, kind="source", **attrs)


def _graph(
    story: str,
    members: list[tuple[StoredArticle, AnalyzedArticle]],
    claims: list[dict[str, Any]],
) -> StoryGraph:
    members.sort(key=lambda m: (m[0].published or "9999", m[0].seq))
    originals = [m for m, _ in members if m.copy_of is None] or [m for m, _ in members]
    g = StoryGraph(story, originals[0].title)
    outlets = {_norm(x) for m, _ in members for x in (m.publisher, *m.agencies) if x}
    art_node = {m.key: f"a{m.seq}" for m, _ in members}
    by_id = {m.id: art_node[m.key] for m, _ in members}
    for m, rec in members:
        a = g.node(
            art_node[m.key],
            label=m.title or m.id,
            kind="article",
            article_id=m.id,
            url=m.url,
            publisher=m.publisher,
            published=m.published,
            copy=m.copy_of is not None,
        )
        if m.publisher:
            g.edge(_named(g, m.publisher, outlets), a, "publishes")
        for agency in m.agencies:
            if _norm(agency) != _norm(m.publisher or ""):
                g.edge(a, _named(g, agency, outlets), "relays")
        if m.copy_of and m.copy_of in art_node:
            g.edge(a, art_node[m.copy_of], "copies")
        reporter_default = m.publisher or m.id
        for att in rec.attributions:
            if att.source is None:
                continue
            src = att.source
            hops = [h for h in att.via if _norm(h) != _norm(src.resolved)]
            if src.anonymous:
                via = hops[-1] if hops else reporter_default
                sid = g.node(
                    f"n:{_norm(src.resolved)}@{_norm(via)}",
                    label=f"{src.resolved} (via {via})",
                    kind="source",
                    type=src.type,
                    anonymous=True,
                )
            else:
                sid = _named(g, src.resolved, outlets, type=src.type, anonymous=False)
            chain = [_named(g, h, outlets, type="unknown", anonymous=False) for h in hops]
            chain.append(sid)
            g.edge(a, chain[0], "cites")
            for u, v in zip(chain, chain[1:], strict=False):
                g.edge(u, v, "relays")
    for c in claims:
        cid = c.get("claim")
        origin = (c.get("origin") or {}).get("source")
        first = (c.get("first_report") or {}).get("id")
        target = None
        if origin:
            target = next(
                (n for n, d in g.nodes.items() if d.get("label") == origin),
                None,
            ) or _named(g, origin, outlets, type="unknown", anonymous=False)
        elif first in by_id:
            target = by_id[first]
        if target is None:
            continue
        for d in c.get("disputers") or []:
            for s in d.get("sources") or []:
                who = _named(g, s, outlets, type="unknown", anonymous=False)
                g.edge(who, target, "disputes", cid)
    return g


def story_graphs(store: Store) -> Iterator[StoryGraph]:
    """One graph per story, in order of the story's first stored article."""
    groups: dict[str, list[StoredArticle]] = {}
    for r in store.articles():
        if r.story:
            groups.setdefault(r.story, []).append(r)
    claims: dict[str, list[dict[str, Any]]] = {}
    for c in store.claim_records():
        if c.get("story"):
            claims.setdefault(c["story"], []).append(c)
    for story, rows in groups.items():
        members = []
        for r in rows:
            rec = store.get_seq(r.seq)
            if rec is not None:
                members.append((r, rec))
        yield _graph(story, members, claims.get(story, []))


def _xml(g: StoryGraph) -> ET.ElementTree:
    ET.register_namespace("", _NS)
    root = ET.Element(f"{{{_NS}}}graphml")
    ids: dict[tuple[str, str], str] = {}
    for i, (name, for_, type_) in enumerate(_KEYS):
        ids[(name, for_)] = f"d{i}"
        ET.SubElement(
            root,
            f"{{{_NS}}}key",
            {"id": f"d{i}", "for": for_, "attr.name": name, "attr.type": type_},
        )
    graph = ET.SubElement(root, f"{{{_NS}}}graph", {"id": g.story, "edgedefault": "directed"})

    def data(parent: ET.Element, for_: str, name: str, value: Any) -> None:
        el = ET.SubElement(parent, f"{{{_NS}}}data", {"key": ids[(name, for_)]})
        el.text = ("true" if value else "false") if isinstance(value, bool) else str(value)

    data(graph, "graph", "story", g.story)
    if g.title:
        data(graph, "graph", "title", g.title)
    for nid, attrs in g.nodes.items():
        el = ET.SubElement(graph, f"{{{_NS}}}node", {"id": nid})
        for k, v in attrs.items():
            data(el, "node", k, v)
    for i, ((u, v, t), attrs) in enumerate(g.edges.items()):
        el = ET.SubElement(graph, f"{{{_NS}}}edge", {"id": f"e{i}", "source": u, "target": v})
        data(el, "edge", "type", t)
        data(el, "edge", "weight", attrs["weight"])
        data(el, "edge", "claims", " ".join(attrs["claims"]))
    return ET.ElementTree(root)


def write_graphml(store: Store, to: Path) -> dict[Path, int]:
    """Write ``STORY.graphml`` under ``to`` for every story; nodes written per file."""
    out: dict[Path, int] = {}
    for g in story_graphs(store):
        path = to / (re.sub(r"[^\w.-]", "_", g.story) + ".graphml")
        tree = _xml(g)
        ET.indent(tree)
        tree.write(path, encoding="utf-8", xml_declaration=True)
        out[path] = len(g.nodes)
    return out
