"""The relay chain of one article: publisher → agency → relaying media → original sources.

Built from the article's metadata (publisher, agencies) and its attributions' ``via``: a
medium that other sources speak through ("The New York Times, citing anonymous officials") is a
relay; the sources it relays are the origins. Sources that dispute a claim (stance deny or
dismiss: "a Kremlin spokesman saying only that Russia was unaware") answer the story rather
than originate it, and stay out of the chain. When nothing is relayed, the article's own
sources are the origins.
"""

from __future__ import annotations

from collections.abc import Sequence

from newstrace.model import ArticleMeta, Attribution, ChainNode

__all__ = ["build_chain"]

# Stances of a source that reacts to a claim instead of making it.
_REACTIONS = frozenset({"deny", "dismiss", "criticize", "question"})
# Kinds of attribution that pass a claim on; intentions and stances ("the Russian unit may be
# seeking revenge", "Moscow backs Assad") are what the relay says about others, not sources.
_SOURCE_KINDS = frozenset({"speech", "writing", "knowledge", "belief"})
_PRONOUNS = frozenset({"it", "he", "she", "they", "i", "we", "you", "who", "which", "that"})


def build_chain(meta: ArticleMeta, attributions: Sequence[Attribution]) -> list[ChainNode]:
    nodes: list[ChainNode] = []
    seen: set[str] = set()

    def add(name: str, role: str, depth: int, type_: str = "unknown", anon: bool = False) -> None:
        key = name.lower()
        if key in seen:
            return
        seen.add(key)
        nodes.append(ChainNode(name=name, role=role, depth=depth, type=type_, anonymous=anon))

    depth = 0
    publisher = meta.publisher or meta.site
    if publisher:
        add(publisher, "publisher", depth, "media")
        depth += 1
    agencies = [a for a in meta.agencies if a.lower() not in seen]
    for agency in agencies:
        add(agency, "agency", depth, "media")
    if agencies:
        depth += 1

    relayed = [a for a in attributions if a.via and a.source is not None]
    if relayed:
        # Relays in the order the article first names them, each at its depth in the via list.
        types = {a.source.resolved: a.source.type for a in attributions if a.source is not None}
        for a in relayed:
            for k, name in enumerate(a.via):
                add(name, "relay", depth + k, types.get(name, "media"))
        for a in relayed:
            src = a.source
            if src is None or a.stance in _REACTIONS or a.kind not in _SOURCE_KINDS:
                continue
            if src.resolved in a.via or src.resolved.lower() in _PRONOUNS:
                continue
            if src.type == "media" and any(src.resolved in b.via for b in relayed):
                continue
            add(src.resolved, "origin", depth + len(a.via), src.type, src.anonymous)
        return nodes
    for a in attributions:
        src = a.source
        if src is None or a.stance in _REACTIONS or a.kind not in _SOURCE_KINDS:
            continue
        if src.resolved.lower() in _PRONOUNS:
            continue  # a pronoun nobody could be found for
        add(src.resolved, "origin", depth, src.type, src.anonymous)
    return nodes
