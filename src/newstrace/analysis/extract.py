"""Span finding by dependency rules, and the merge with the trained tagger's spans.

The rules read spaCy's parse once, token by token (linear in the document), and propose
``Hit``s: a ``Candidate`` (character fragments for source, cue and content) plus the structure
that enrichment needs and a tagger cannot give: the head tokens of cue and source, the relay of
"X, citing Y, said" / "X quoted Y saying", and whether the content is a direct quote.

Patterns covered (each rule names the construction it reads):
- verb cues with a subject and a clause/object/prepositional content ("Trump has scoffed at
  the findings"), parenthetical cues ("The deal, he said, is dead"), cues after a quote;
- passives, with or without an agent ("has been accused by the United States of ...");
- "according to X, ..."; "X, citing Y, said ..."; "X quoted Y saying ...";
- participles on a noun ("the report claiming that ...", "a spokesman saying ...");
- noun cues with a content clause ("the claim that ...", "his view that ...");
- direct quotes: content stretched to the whole quote, quotes across sentences, and quote
  paragraphs that continue the previous speaker.

The work is split: ``hits`` (the record and span helpers), ``quotes`` (quotation marks),
``rules`` (one construction → one hit), ``merge`` (the tagger hand-off); this module runs them
over a Doc. The names below stay importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token

from newstrace.analysis.cues import noun_cue, verb_cue
from newstrace.analysis.hits import DEFAULT_INFO, Hit, doc_text, inside_any, to_fragments
from newstrace.analysis.merge import hits_from_candidates, merge_hits, outermost
from newstrace.analysis.quotes import continue_quotes, find_quotes, signoff_hits
from newstrace.analysis.rules import (
    according_hit,
    according_source,
    cite_hit,
    noun_hit,
    np_ranges,
    verb_hit,
)

__all__ = [
    "Hit",
    "find_hits",
    "find_quotes",
    "doc_text",
    "hits_from_candidates",
    "merge_hits",
    "outermost",
]


_CACHE_KEY = "newstrace.rule_hits"


def find_hits(doc: Doc, skip: Sequence[tuple[int, int]] = ()) -> list[Hit]:
    """Every attribution the rules find in ``doc``, in text order.

    ``skip``: character ranges that are not prose (captions, related-article lines); hits
    whose cue is inside them are dropped. The result is kept on the Doc (``user_data``): the
    tagger reads the rules as features, and the pipeline merges them, from one run.
    Callers must not mutate the hits (``merge_hits`` copies them).
    """
    cached = doc.user_data.get(_CACHE_KEY)
    if cached is None:
        cached = _find_hits(doc)
        doc.user_data[_CACHE_KEY] = cached
    if not skip:
        return list(cached)
    return [h for h in cached if not (h.cue and inside_any(skip, h.cue[0][0]))]


def _find_hits(doc: Doc, skip: Sequence[tuple[int, int]] = ()) -> list[Hit]:
    quotes = find_quotes(doc_text(doc))
    hits: list[Hit] = []
    by_cue: dict[int, Hit] = {}
    cites: list[Token] = []
    accordings: list[Token] = []
    for t in doc:
        if t.is_space or t.is_punct or (skip and inside_any(skip, t.idx)):
            continue
        lemma = t.lemma_.lower()
        if t.lower_ == "according" and t.dep_ in ("prep", "advcl", "advmod"):
            accordings.append(t)
            continue
        if t.pos_ == "VERB":
            info = verb_cue(lemma)
            if info is None:
                continue
            if lemma == "cite":
                cites.append(t)
                continue
            if lemma == "quote" and any(
                c.dep_ == "dobj" and any(g.dep_ == "acl" for g in c.children) for c in t.children
            ):
                continue  # "X quoted Y saying": the hit comes from "saying", X relays.
            h = verb_hit(doc, t, info, quotes)
            if h:
                hits.append(h)
                by_cue[t.i] = h
        elif t.pos_ == "NOUN":
            info = noun_cue(lemma)
            if info is not None:
                h = noun_hit(doc, t, info)
                if h:
                    hits.append(h)
    for t in accordings:
        said = by_cue.get(t.head.i)
        obj = according_source(t)
        if said is not None and obj is not None and said.relay is None:
            # "..., said Trump in an interview, according to TIME": TIME relays Trump.
            said.relay = to_fragments(doc, np_ranges(doc, obj))
            said.relay_i = obj.i
        h = according_hit(doc, t)
        if h:
            hits.append(h)
    for c in cites:
        head_hit = by_cue.get(c.head.i)
        if head_hit is None and c.dep_ not in ("advcl", "xcomp", "conj"):
            # "Trump cited a poll showing ...": citing as a statement of its own.
            h = verb_hit(doc, c, verb_cue("say") or DEFAULT_INFO, quotes)
        else:
            h = cite_hit(doc, c, head_hit)
        if h:
            hits.append(h)
    hits.extend(signoff_hits(doc, skip))
    hits.sort(key=lambda h: h.start)
    continue_quotes(doc, hits, quotes)
    return hits
