"""Dependency rules: one token's construction → a ``Hit``.

Each rule reads spaCy's parse around one cue token (constant work per token):
- verb cues with a subject and a clause/object/prepositional content ("Trump has scoffed at
  the findings"), parenthetical cues ("The deal, he said, is dead"), cues after a quote;
- passives, with or without an agent ("has been accused by the United States of ...");
- "according to X, ..."; "X, citing Y, said ..."; "X quoted Y saying ...";
- participles on a noun ("the report claiming that ...", "a spokesman saying ...");
- noun cues with a content clause ("the claim that ...", "his view that ...").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Doc, Token

from newstrace.analysis.candidates import Fragments
from newstrace.analysis.cues import CHANNEL_WORDS, CueInfo, verb_cue
from newstrace.analysis.hits import (
    DEFAULT_INFO,
    Hit,
    char_extent,
    doc_text,
    overlaps,
    subtree_ranges,
    to_fragments,
    trim_tokens,
)
from newstrace.analysis.quotes import _adjacent_quote, _stretch_to_quote

__all__ = [
    "according_hit",
    "according_source",
    "cite_hit",
    "noun_hit",
    "np_ranges",
    "verb_hit",
]

# Dependency labels of spaCy's English (ClearNLP-style) scheme.
_SUBJ = ("nsubj",)
_VERB_GROUP = ("aux", "auxpass", "neg", "prt")
# Prepositions that introduce the content of a non-plain cue: "scoffed at the findings",
# "warned of ...", "accused ... of ...", "blamed ... for ...", "criticized ... over ...".
# "on" is left out: with reporting verbs it is nearly always a date ("said on Friday").
_CONTENT_PREPS = frozenset({"at", "about", "of", "against", "for", "over"})
_TIME_ENTS = frozenset({"DATE", "TIME"})
# Verbs that can introduce a quote next to them; participles on nouns ("accusations,
# published by the newspaper") cannot.
# "Biden was quick to retort: “...”": an open complement can introduce its quote too.
_MAIN_DEPS = frozenset({"ROOT", "conj", "parataxis", "ccomp", "advcl", "xcomp"})


def _cue_ranges(doc: Doc, v: Token, extra: Iterable[int] = ()) -> tuple[int, int]:
    """The contiguous verb group around ``v``: auxiliaries, negation, adverbs, particles."""
    group = {v.i, *extra}
    for c in v.children:
        if c.dep_ in _VERB_GROUP or (c.dep_ == "advmod" and c.i < v.i):
            group.update(t.i for t in c.subtree)
        elif c.i > v.i and (
            (c.dep_ == "npadvmod" and c.ent_type_ in _TIME_ENTS)
            or (
                c.dep_ == "prep"
                and c.lower_ in ("in", "on", "during", "at")
                and any(g.dep_ == "pobj" and g.lemma_.lower() in CHANNEL_WORDS for g in c.children)
            )
        ):
            # PolNeAR's cue keeps the verb's when and how: "said Tuesday", "said in a
            # statement", "wrote on Twitter" (annotated that way in train).
            group.update(t.i for t in c.subtree)
    s = e = v.i
    while s - 1 in group:
        s -= 1
    while e + 1 in group:
        e += 1
    return s, e + 1


def speaker_subject(v: Token, depth: int = 0) -> Token | None:
    """The speaker of verb ``v``: its subject, or the one it shares with the verb it hangs on."""
    for c in v.children:
        if c.dep_ in _SUBJ:
            return None if c.dep_ == "expl" else c
    for c in v.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    if depth > 3 or v.head is v:
        return None
    if v.dep_ == "pcomp" and v.head.head.pos_ in ("VERB", "AUX"):
        return speaker_subject(v.head.head, depth + 1)  # "began by saying", "apologized for saying"
    # "announced X and said Y": conjoined verbs share the subject; "wants to say", "went on to
    # say" (xcomp) and "..., saying that" (participle adverbial) speak for the head's subject.
    if v.dep_ == "conj" and v.head.pos_ in ("VERB", "AUX"):
        return speaker_subject(v.head, depth + 1)
    # "went on to say" is parsed as an infinitival adverbial too ("called to say", alike).
    infinitive = v.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children)
    if v.dep_ == "xcomp" or (v.dep_ == "advcl" and (v.tag_ == "VBG" or infinitive)):
        if v.head.pos_ == "ADJ" and v.head.head is not v.head:
            return speaker_subject(v.head.head, depth + 1)  # "Biden was quick to retort"
        return speaker_subject(v.head, depth + 1)
    return None


def _is_passive(v: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children)


def _content_children(v: Token, info: CueInfo) -> tuple[list[Token], list[int]]:
    """Heads of the content of cue verb ``v`` and extra cue tokens (a content preposition)."""
    if v.lemma_.lower() == "call":
        return _call_content(v)
    clause = [c for c in v.children if c.dep_ == "ccomp"]
    if clause:
        # "wrote that Malia and Sasha, aged 16 and 13, should ...": the parser may split one
        # clause into several; those on the same side of the cue are one content.
        side = clause[0].i < v.i
        heads = [c for c in clause if (c.i < v.i) == side]
        # "said that X, but that Y": the second clause is parsed as a conjunct of "said".
        for c in v.children:
            if c.dep_ == "conj" and c.i > clause[0].i:
                first = next(iter(c.children), None)
                if (
                    first is not None
                    and first.dep_ == "mark"
                    and first.lower_ in ("that", "whether")
                ):
                    heads.append(c)
        return heads, []
    xcomp = [c for c in v.children if c.dep_ == "xcomp"]
    passive = _is_passive(v)
    heads = []
    if passive:
        heads.extend(
            c for c in v.children if c.dep_ == "nsubjpass" and c.lower_ not in ("it", "there")
        )
    if xcomp:
        return heads + xcomp[:1], []
    dobj = [c for c in v.children if c.dep_ in ("dobj", "attr")]
    for c in v.children:
        plain = info.kind == "speech" and info.stance == "assert"
        if (
            c.dep_ == "prep"
            and c.lower_ in _CONTENT_PREPS
            and (not plain or c.lower_ == "about" or ("p" in info.flags and c.lower_ == "of"))
            or ("t" in info.flags and c.dep_ == "prep" and c.lower_ == "to")
        ):
            obj = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
            if not obj or obj[0].ent_type_ in _TIME_ENTS:
                continue
            if dobj and "r" not in info.flags and "c" not in info.flags:
                # "accused Russia of providing": the accused and the charge, one stretch.
                return heads + dobj[:1] + [c], []
            extra = [c.i] if c.i == v.i + 1 else []
            return heads + ([obj[0]] if extra else [c]), extra
    if passive and heads and info.kind in ("speech", "belief", "knowledge"):
        return heads, []
    if dobj and "r" not in info.flags and "c" not in info.flags:
        return heads + dobj[:1], []
    return heads, []


def _call_content(v: Token) -> tuple[list[Token], list[int]]:
    """ "called her a liar" (object and predicate), "called for a ban", "called on X to ..."."""
    obj = [c for c in v.children if c.dep_ in ("dobj", "nsubjpass")]
    pred = [c for c in v.children if c.dep_ in ("oprd", "xcomp", "attr") and c.i > v.i]
    if obj and pred:
        return obj[:1] + pred[:1], []
    for c in v.children:
        if c.dep_ == "prep" and c.lower_ in ("for", "on") and c.i == v.i + 1:
            objs = [g for g in c.children if g.dep_ in ("pobj", "pcomp")]
            if objs:
                rest = [g for g in v.children if g.dep_ == "xcomp" and g.i > c.i]
                return objs[:1] + rest[:1], [c.i]
    return [], []


def np_ranges(doc: Doc, n: Token, cut: Iterable[Token] = ()) -> list[tuple[int, int]]:
    """The source noun phrase headed by ``n``, without the cue hanging on it, focus words
    ("Even China", "Both Mr. King and Mr. Schultz") or a dateline ("WASHINGTON -- Obama")."""
    lead = [c for c in n.children if c.i < n.i and c.dep_ in ("advmod", "preconj", "predet")]
    ranges = subtree_ranges(doc, n, [*cut, *lead])
    if ranges:
        s, e = ranges[0]
        for k in range(s, min(e, n.i)):
            if doc[k].text in ("--", "—", "–") and k + 1 < e:
                ranges[0] = trim_tokens(doc, k + 1, e)
    return [r for r in ranges if r[1] > r[0]]


def _incidental(h: Token) -> list[Token]:
    """Non-restrictive modifiers inside a content: PolNeAR leaves out what the author may have
    added ("Mr. Trump, the presumed Putin favorite", "the Republican party, led by Donald
    Trump,", "..., though she noted ...")."""
    out = []
    for t in h.subtree:
        if t is h or t.i == 0:
            continue
        comma_before = t.left_edge.i > 0 and t.doc[t.left_edge.i - 1].text == ","
        if not comma_before:
            continue
        # Non-restrictive relative clauses were tried too: they lower exact content F1 on
        # PolNeAR dev (annotators keep them about as often as not).
        named = t.dep_ in ("appos", "acl") and t.head.pos_ == "PROPN"
        concessive = t.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in ("although", "though", "while") for c in t.children
        )
        if named or concessive:
            out.append(t)
    return out


def verb_hit(doc: Doc, v: Token, info: CueInfo, quotes: Sequence[tuple[int, int]]) -> Hit | None:
    lemma = v.lemma_.lower()
    if v.dep_ in ("amod", "compound"):
        return _inverted_hit(doc, v, info, quotes)
    # "a unit known as the GRU" names; it does not attribute.
    if any(c.dep_ == "prep" and c.lower_ == "as" for c in v.children) and lemma in (
        "know",
        "describe",
    ):
        return None
    heads, extra_cue = _content_children(v, info) if "q" not in info.flags else ([], [])
    cue_s, cue_e = _cue_ranges(doc, v, extra_cue)
    if heads and all(h.dep_ == "nsubjpass" for h in heads):
        return None  # "Trump was briefed": the passive subject alone is the hearer, not content
    content_ranges: list[tuple[int, int]] = []
    for h in heads:
        # "it was opposed to the test and warned North Korea ...": a conjoined cue verb is an
        # attribution of its own, not part of this content.
        own = [
            c
            for c in h.children
            if c.dep_ == "conj"
            and c.pos_ == "VERB"
            and verb_cue(c.lemma_) is not None
            and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        ]
        content_ranges.extend(subtree_ranges(doc, h, cut=own + _incidental(h), keep_quotes=True))
    if len(heads) > 1 and heads[0].dep_ == "ccomp" and content_ranges:
        # "said that X, but that Y": one stretch, the joining "but" included.
        content_ranges = [(min(r[0] for r in content_ranges), max(r[1] for r in content_ranges))]
    direct = False
    if not content_ranges and info.kind in ("speech", "writing") and v.dep_ == "ROOT":
        # "Trump Could Address Clean Energy, Lindsey Graham Says": the content, misread as an
        # adverbial clause, stands before the speaker, closed by a comma.
        before = [
            c
            for c in v.children
            if c.dep_ in ("advcl", "parataxis", "dep")
            and c.i < v.i
            and c.right_edge.i + 1 < len(doc)
            and doc[c.right_edge.i + 1].text == ","
        ]
        if before:
            content_ranges = subtree_ranges(doc, before[0], keep_quotes=True)
    if not content_ranges and v.dep_ == "parataxis" and v.head.pos_ in ("VERB", "AUX"):
        # "The deal, he said, is dead": the content is the host clause around the cue.
        content_ranges = subtree_ranges(doc, v.head, cut=[v], keep_quotes=True)
    if not content_ranges and info.kind in ("speech", "writing") and v.dep_ in _MAIN_DEPS:
        q = _adjacent_quote(doc, v, (cue_s, cue_e), quotes)
        if q is not None:
            qs = doc.char_span(q[0], q[1], alignment_mode="expand")
            if qs is not None:
                content_ranges = [(qs.start, qs.end)]
                direct = True
    if not content_ranges:
        return None
    if (
        "c" in info.flags
        and not direct
        and not any(h.dep_ in ("ccomp", "xcomp", "conj") or h.dep_ == "nsubjpass" for h in heads)
        and v.dep_ != "parataxis"
    ):
        return None
    source = speaker_subject(v)
    source_cut: list[Token] = []
    relay: Token | None = None
    if (
        source is None
        and v.dep_ == "acl"
        and v.head.pos_ in ("NOUN", "PROPN")
        and info.kind in ("speech", "writing", "knowledge")
    ):
        # "the report claiming that ...", "a Kremlin spokesman saying ...".
        source = v.head
        source_cut = [
            c for c in v.head.children if c.dep_ in ("acl", "relcl", "prep") and c.i > v.head.i
        ]
        # "The newspaper quoted a Kremlin spokesman saying ...": the quoting subject relays.
        if source.dep_ == "dobj" and source.head.lemma_.lower() in ("quote", "cite"):
            relay = speaker_subject(source.head)
    if source is None and not _is_passive(v) and not direct:
        return None
    if source is not None and source.i in range(cue_s, cue_e):
        return None
    src_frags = None
    if source is not None:
        src_frags = to_fragments(doc, np_ranges(doc, source, source_cut))
        if src_frags is None:
            source = None
    # "wrote what she thought they should have done: “Rise to the occasion ...”": the quote
    # announced by a colon right after the content is part of it.
    if content_ranges and not direct:
        end = content_ranges[-1][1]
        if end < len(doc) and doc[end].text == ":":
            after = doc[end].idx + 1
            q = next(
                (q for q in quotes if q[0] >= after and not doc_text(doc)[after : q[0]].strip()),
                None,
            )
            if q is not None:
                qs = doc.char_span(q[0], q[1], alignment_mode="expand")
                if qs is not None:
                    content_ranges.append((qs.start, qs.end))
    content = to_fragments(doc, content_ranges)
    # Content must not swallow the cue or the source (a misparse): drop those hits.
    if content is None or overlaps(content, to_fragments(doc, [(cue_s, cue_e)])):
        return None
    content, is_quote = _stretch_to_quote(content, quotes, char_extent(doc, cue_s, cue_e))
    hit = Hit(
        source=src_frags,
        cue=(char_extent(doc, cue_s, cue_e),),
        content=content,
        cue_i=v.i,
        source_i=source.i if source is not None else None,
        info=info,
        direct=direct or is_quote,
    )
    if relay is not None:
        hit.relay = to_fragments(doc, np_ranges(doc, relay))
        hit.relay_i = relay.i
    return hit


def _inverted_hit(
    doc: Doc, v: Token, info: CueInfo, quotes: Sequence[tuple[int, int]]
) -> Hit | None:
    """ "“...” added Lauten, who works for ...": the parser reads "added" as a modifier of the
    name; a quote right before it makes it a cue with the name as source."""
    n = v.head
    if n.pos_ != "PROPN" or n.i < v.i or info.kind not in ("speech", "writing"):
        return None
    start = doc[v.i].idx
    q = next(
        (q for q in quotes if q[1] <= start and len(doc_text(doc)[q[1] : start].strip(" ,")) == 0),
        None,
    )
    if q is None:
        return None
    cut = [c for c in n.children if c.i > n.i and c.dep_ in ("relcl", "acl", "prep")]
    src_ranges = subtree_ranges(doc, n, cut=[v, *cut])
    if not src_ranges:
        return None
    return Hit(
        source=to_fragments(doc, src_ranges),
        cue=(char_extent(doc, v.i, v.i + 1),),
        content=(q,),
        cue_i=v.i,
        source_i=n.i,
        info=info,
        direct=True,
    )


def cite_hit(doc: Doc, v: Token, head_hit: Hit | None) -> Hit | None:
    """ "The newspaper, citing anonymous officials, said that ...": officials are the source,
    the newspaper the relay, the content that of the governing verb."""
    objs = [c for c in v.children if c.dep_ in ("dobj", "pobj")]
    if not objs:
        return None
    content: Fragments | None
    if head_hit is not None and head_hit.content:
        content = head_hit.content
    else:
        host = v.head if v.head is not v else v
        content = to_fragments(
            doc, subtree_ranges(doc, host, cut=[v] + [c for c in host.children if c.dep_ in _SUBJ])
        )
    if content is None:
        return None
    relay = speaker_subject(v.head) if v.head is not v else None
    hit = Hit(
        source=to_fragments(doc, np_ranges(doc, objs[0])),
        cue=(char_extent(doc, *_cue_ranges(doc, v)),),
        content=content,
        cue_i=v.i,
        source_i=objs[0].i,
        info=verb_cue("cite") or DEFAULT_INFO,
    )
    if relay is not None:
        hit.relay = to_fragments(doc, np_ranges(doc, relay))
        hit.relay_i = relay.i
    return hit


def according_source(t: Token) -> Token | None:
    to = next((c for c in t.children if c.lower_ == "to"), None)
    if to is None:
        return None
    return next((c for c in to.children if c.dep_ == "pobj"), None)


def according_hit(doc: Doc, t: Token) -> Hit | None:
    """ "According to the newspaper, the Taliban operation was led by ..." """
    obj = according_source(t)
    if obj is None:
        return None
    to = obj.head
    host = t.head
    if host is t or host.pos_ not in ("VERB", "AUX"):
        host = t.sent.root
    content = to_fragments(doc, subtree_ranges(doc, host, cut=[t], keep_quotes=True))
    if content is None:
        return None
    return Hit(
        source=to_fragments(doc, np_ranges(doc, obj)),
        cue=(char_extent(doc, t.i, to.i + 1),),
        content=content,
        cue_i=t.i,
        source_i=obj.i,
        info=DEFAULT_INFO,
    )


def noun_hit(doc: Doc, n: Token, info: CueInfo) -> Hit | None:
    """ "the claim that ...", "his view that ...", "Her words: ..." """
    clause = next(
        (
            c
            for c in n.children
            if c.dep_ in ("acl", "ccomp", "appos")
            and c.pos_ in ("VERB", "AUX")
            and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        ),
        None,
    )
    if clause is None and n.dep_ == "nsubj" and n.head.lemma_ == "be":
        # "His concern is that they will eliminate the position."
        clause = next(
            (c for c in n.head.children if c.dep_ in ("ccomp", "attr") and c.i > n.i), None
        )
        if clause is not None and clause.pos_ not in ("VERB", "AUX"):
            clause = None
    if clause is None:
        return None
    source = next((c for c in n.children if c.dep_ == "poss"), None)
    if source is None:
        for c in n.children:
            if c.dep_ == "prep" and c.lower_ in ("by", "from"):
                source = next((g for g in c.children if g.dep_ == "pobj"), None)
    content = to_fragments(doc, subtree_ranges(doc, clause, keep_quotes=True))
    if content is None:
        return None
    return Hit(
        source=to_fragments(doc, np_ranges(doc, source)) if source is not None else None,
        cue=(char_extent(doc, n.i, n.i + 1),),
        content=content,
        cue_i=n.i,
        source_i=source.i if source is not None else None,
        info=info,
    )
