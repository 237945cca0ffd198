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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from newstrace.analysis.candidates import Candidate, Fragments
from newstrace.analysis.cues import CHANNEL_WORDS, CueInfo, noun_cue, verb_cue

__all__ = [
    "Hit",
    "find_hits",
    "find_quotes",
    "doc_text",
    "hits_from_candidates",
    "merge_hits",
    "outermost",
]

DEFAULT_INFO = CueInfo("speech")


@dataclass(slots=True)
class Hit:
    """A candidate attribution with the structure the rules know about it."""

    source: Fragments | None
    cue: Fragments | None
    content: Fragments | None
    cue_i: int | None = None  # head token of the cue
    source_i: int | None = None  # head token of the source
    relay: Fragments | None = None  # "The newspaper" in "The newspaper, citing Y, said"
    relay_i: int | None = None
    info: CueInfo = DEFAULT_INFO
    direct: bool = False
    channel: str | None = None
    origin: str = "rule"
    score: float = 1.0

    def candidate(self) -> Candidate:
        return Candidate(self.source, self.cue, self.content, self.origin, self.score)

    @property
    def start(self) -> int:
        spans = [f[0][0] for f in (self.cue, self.source, self.content) if f]
        return min(spans) if spans else 0


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
_MAIN_DEPS = frozenset({"ROOT", "conj", "parataxis", "ccomp", "advcl"})
_TEXT_KEY = "newstrace.text"
_QUOTE_CHARS = "\"“”‘’'«»"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds it from the tokens on every access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT_KEY] = text
    return str(text)


def _chars(doc: Doc, i: int, j: int) -> tuple[int, int]:
    """Character extent of tokens [i, j)."""
    last = doc[j - 1]
    return doc[i].idx, last.idx + len(last.text)


def _trim(doc: Doc, i: int, j: int, keep_quotes: bool = False) -> tuple[int, int]:
    """Token range [i, j) without edge punctuation and whitespace."""

    def bad(t: Token) -> bool:
        if t.is_space or t.dep_ == "cc":
            return True
        if t.is_punct:
            return not (keep_quotes and t.text in _QUOTE_CHARS)
        return False

    while i < j and bad(doc[i]):
        i += 1
    while j > i and bad(doc[j - 1]):
        j -= 1
    return i, j


def _ranges(
    doc: Doc, head: Token, cut: Iterable[Token] = (), keep_quotes: bool = False
) -> list[tuple[int, int]]:
    """Token ranges of ``head``'s subtree minus the subtrees of ``cut``, trimmed."""
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    holes = sorted((c.left_edge.i, c.right_edge.i + 1) for c in cut if lo <= c.i < hi)
    inside = {t.i for t in head.subtree}
    if len(inside) != hi - lo:
        # A non-projective tree ("which he said were at his side": "which" hangs on "were"
        # across the cue): the tokens between that are not in the subtree are holes too.
        gap_start = None
        for k in range(lo, hi + 1):
            if k < hi and k not in inside:
                gap_start = k if gap_start is None else gap_start
            elif gap_start is not None:
                holes.append((gap_start, k))
                gap_start = None
        holes.sort()
    pieces: list[tuple[int, int]] = []
    at = lo
    for hs, he in holes:
        if hs > at:
            pieces.append((at, hs))
        at = max(at, he)
    if at < hi:
        pieces.append((at, hi))
    out = []
    for s, e in pieces:
        s, e = _trim(doc, s, e, keep_quotes)
        if e > s:
            out.append((s, e))
    return out


def _frags(doc: Doc, ranges: Sequence[tuple[int, int]]) -> Fragments | None:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return tuple(_chars(doc, s, e) for s, e in merged) or None


# --------------------------------------------------------------------------- quotes


_OPEN_CLOSE = {"“": "”", "«": "»"}


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Quoted stretches (including the marks), paragraph by paragraph.

    A quote left open at the end of a paragraph runs to the paragraph's end: the news
    convention for a quotation continued in the next paragraph (which re-opens it).
    """
    out: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        p0, ptext = para.start(), para.group()
        i, n = 0, len(ptext)
        while i < n:
            ch = ptext[i]
            if ch in _OPEN_CLOSE or ch == '"':
                close = _OPEN_CLOSE.get(ch, '"')
                j = ptext.find(close, i + 1)
                if ch == '"' and j == -1 or j == -1:
                    j = n - 1
                out.append((p0 + i, p0 + j + 1))
                i = j + 1
            else:
                i += 1
    return out


def _quote_at(quotes: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The quote overlapping [start, end), if any (quotes are sorted and disjoint)."""
    for q in quotes:
        if q[0] < end and start < q[1]:
            return q
        if q[0] >= end:
            break
    return None


# --------------------------------------------------------------------------- verb rules


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


def _subject(v: Token, depth: int = 0) -> Token | None:
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
        return _subject(v.head.head, depth + 1)  # "began by saying", "apologized for saying"
    # "announced X and said Y": conjoined verbs share the subject; "wants to say", "went on to
    # say" (xcomp) and "..., saying that" (participle adverbial) speak for the head's subject.
    if v.dep_ == "conj" and v.head.pos_ in ("VERB", "AUX"):
        return _subject(v.head, depth + 1)
    if v.dep_ == "xcomp" or (v.dep_ == "advcl" and v.tag_ == "VBG"):
        if v.head.pos_ == "ADJ" and v.head.head is not v.head:
            return _subject(v.head.head, depth + 1)  # "Biden was quick to retort"
        return _subject(v.head, depth + 1)
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


def _np_ranges(doc: Doc, n: Token, cut: Iterable[Token] = ()) -> list[tuple[int, int]]:
    """The source noun phrase headed by ``n``, without the cue hanging on it, focus words
    ("Even China", "Both Mr. King and Mr. Schultz") or a dateline ("WASHINGTON -- Obama")."""
    lead = [c for c in n.children if c.i < n.i and c.dep_ in ("advmod", "preconj", "predet")]
    ranges = _ranges(doc, n, [*cut, *lead])
    if ranges:
        s, e = ranges[0]
        for k in range(s, min(e, n.i)):
            if doc[k].text in ("--", "—", "–") and k + 1 < e:
                ranges[0] = _trim(doc, k + 1, e)
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


def _adjacent_quote(
    doc: Doc, v: Token, cue: tuple[int, int], quotes: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """A quote just before the clause of ``v`` ("“...,” he said") or just after the cue
    ("he said: “...”"), with only punctuation and space between."""
    sent = v.sent
    text = doc_text(doc)
    # The clause starts at the subject or the cue; words of the quote itself may hang on the
    # verb ("“Nah,” Malia said": "Nah" is a child of "said") and do not count.
    subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    left = cue[0] if subj is None else min(cue[0], subj.left_edge.i)
    lo = doc[left].idx
    hi = _chars(doc, cue[0], cue[1])[1]
    for q in quotes:
        if q[1] <= lo and q[1] >= doc[sent.start].idx - 3:
            gap = text[q[1] : lo]
            if len(gap) <= 4 and all(ch in " ,.;:-–—\n" or ch in _QUOTE_CHARS for ch in gap):
                return q
        if q[0] >= hi:
            gap = text[hi : q[0]]
            if len(gap) <= 4 and all(ch in " ,:-–—\n" for ch in gap):
                return q
            break
    return None


def _verb_hit(doc: Doc, v: Token, info: CueInfo, quotes: Sequence[tuple[int, int]]) -> Hit | None:
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
        content_ranges.extend(_ranges(doc, h, cut=own + _incidental(h), keep_quotes=True))
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
            content_ranges = _ranges(doc, before[0], keep_quotes=True)
    if not content_ranges and v.dep_ == "parataxis" and v.head.pos_ in ("VERB", "AUX"):
        # "The deal, he said, is dead": the content is the host clause around the cue.
        content_ranges = _ranges(doc, v.head, cut=[v], keep_quotes=True)
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
    source = _subject(v)
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
            relay = _subject(source.head)
    if source is None and not _is_passive(v) and not direct:
        return None
    if source is not None and source.i in range(cue_s, cue_e):
        return None
    src_frags = None
    if source is not None:
        src_frags = _frags(doc, _np_ranges(doc, source, source_cut))
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
    content = _frags(doc, content_ranges)
    # Content must not swallow the cue or the source (a misparse): drop those hits.
    if content is None or _overlaps(content, _frags(doc, [(cue_s, cue_e)])):
        return None
    content, is_quote = _stretch_to_quote(content, quotes, _chars(doc, cue_s, cue_e))
    hit = Hit(
        source=src_frags,
        cue=(_chars(doc, cue_s, cue_e),),
        content=content,
        cue_i=v.i,
        source_i=source.i if source is not None else None,
        info=info,
        direct=direct or is_quote,
    )
    if relay is not None:
        hit.relay = _frags(doc, _np_ranges(doc, relay))
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
    src_ranges = _ranges(doc, n, cut=[v, *cut])
    if not src_ranges:
        return None
    return Hit(
        source=_frags(doc, src_ranges),
        cue=(_chars(doc, v.i, v.i + 1),),
        content=(q,),
        cue_i=v.i,
        source_i=n.i,
        info=info,
        direct=True,
    )


def _stretch_to_quote(
    content: Fragments, quotes: Sequence[tuple[int, int]], cue: tuple[int, int]
) -> tuple[Fragments, bool]:
    """Stretch each content fragment to the whole quotes it starts or ends in (quotes across
    sentences: the parse holds only one of them). Direct when every fragment is one quote.

    Quotes holding the cue are left alone: a cue inside a quote is the speaker's own words.
    """
    out: list[tuple[int, int]] = []
    direct = True
    for s, e in content:
        qs = [q for q in quotes if q[0] < e and s < q[1] and not (q[0] <= cue[0] < q[1])]
        if not qs:
            out.append((s, e))
            direct = False
            continue
        ns, ne = min(s, qs[0][0]), max(e, qs[-1][1])
        out.append((ns, ne))
        direct = direct and len(qs) == 1 and (ns, ne) == qs[0]
    merged: list[tuple[int, int]] = []
    for s, e in sorted(out):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    if any(s <= cue[0] < e for s, e in merged):
        return content, False
    return tuple(merged), direct


def _overlaps(a: Fragments | None, b: Fragments | None) -> bool:
    if not a or not b:
        return False
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _cite_hit(doc: Doc, v: Token, head_hit: Hit | None) -> Hit | None:
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
        content = _frags(
            doc, _ranges(doc, host, cut=[v] + [c for c in host.children if c.dep_ in _SUBJ])
        )
    if content is None:
        return None
    relay = _subject(v.head) if v.head is not v else None
    hit = Hit(
        source=_frags(doc, _np_ranges(doc, objs[0])),
        cue=(_chars(doc, *_cue_ranges(doc, v)),),
        content=content,
        cue_i=v.i,
        source_i=objs[0].i,
        info=verb_cue("cite") or DEFAULT_INFO,
    )
    if relay is not None:
        hit.relay = _frags(doc, _np_ranges(doc, relay))
        hit.relay_i = relay.i
    return hit


def _according_source(t: Token) -> Token | None:
    to = next((c for c in t.children if c.lower_ == "to"), None)
    if to is None:
        return None
    return next((c for c in to.children if c.dep_ == "pobj"), None)


def _according_hit(doc: Doc, t: Token) -> Hit | None:
    """ "According to the newspaper, the Taliban operation was led by ..." """
    obj = _according_source(t)
    if obj is None:
        return None
    to = obj.head
    host = t.head
    if host is t or host.pos_ not in ("VERB", "AUX"):
        host = t.sent.root
    content = _frags(doc, _ranges(doc, host, cut=[t], keep_quotes=True))
    if content is None:
        return None
    return Hit(
        source=_frags(doc, _np_ranges(doc, obj)),
        cue=(_chars(doc, t.i, to.i + 1),),
        content=content,
        cue_i=t.i,
        source_i=obj.i,
        info=DEFAULT_INFO,
    )


def _noun_hit(doc: Doc, n: Token, info: CueInfo) -> Hit | None:
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
    content = _frags(doc, _ranges(doc, clause, keep_quotes=True))
    if content is None:
        return None
    return Hit(
        source=_frags(doc, _np_ranges(doc, source)) if source is not None else None,
        cue=(_chars(doc, n.i, n.i + 1),),
        content=content,
        cue_i=n.i,
        source_i=source.i if source is not None else None,
        info=info,
    )


def _inside(ranges: Sequence[tuple[int, int]], pos: int) -> bool:
    return any(s <= pos < e for s, e in ranges)


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
    return [h for h in cached if not (h.cue and _inside(skip, h.cue[0][0]))]


def _find_hits(doc: Doc, skip: Sequence[tuple[int, int]] = ()) -> list[Hit]:
    quotes = find_quotes(doc_text(doc))
    hits: list[Hit] = []
    by_cue: dict[int, Hit] = {}
    cites: list[Token] = []
    accordings: list[Token] = []
    for t in doc:
        if t.is_space or t.is_punct or (skip and _inside(skip, t.idx)):
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
            h = _verb_hit(doc, t, info, quotes)
            if h:
                hits.append(h)
                by_cue[t.i] = h
        elif t.pos_ == "NOUN":
            info = noun_cue(lemma)
            if info is not None:
                h = _noun_hit(doc, t, info)
                if h:
                    hits.append(h)
    for t in accordings:
        said = by_cue.get(t.head.i)
        obj = _according_source(t)
        if said is not None and obj is not None and said.relay is None:
            # "..., said Trump in an interview, according to TIME": TIME relays Trump.
            said.relay = _frags(doc, _np_ranges(doc, obj))
            said.relay_i = obj.i
        h = _according_hit(doc, t)
        if h:
            hits.append(h)
    for c in cites:
        head_hit = by_cue.get(c.head.i)
        if head_hit is None and c.dep_ not in ("advcl", "xcomp", "conj"):
            # "Trump cited a poll showing ...": citing as a statement of its own.
            h = _verb_hit(doc, c, verb_cue("say") or DEFAULT_INFO, quotes)
        else:
            h = _cite_hit(doc, c, head_hit)
        if h:
            hits.append(h)
    hits.extend(_signoff_hits(doc, skip))
    hits.sort(key=lambda h: h.start)
    _continue_quotes(doc, hits, quotes)
    return hits


# "“He represents our greatest shame.” ― Sonya Herridge": a quote signed with a dash and a
# name (PolNeAR guidelines p.18: the dash is the cue).
_SIGNOFF = re.compile(
    r"(?m)^[ \t]*(?P<content>[“”\"][^\n]*?[”\"])[ \t\u00a0]*(?P<cue>[―—])[ \t\u00a0]*"
    r"(?P<source>[A-Z][^\n,;(―—]{1,60}?)[ \t\u00a0]*(?=[,;(\n]|$)"
)


def _signoff_hits(doc: Doc, skip: Sequence[tuple[int, int]]) -> list[Hit]:
    out = []
    for m in _SIGNOFF.finditer(doc_text(doc)):
        if skip and _inside(skip, m.start("cue")):
            continue
        src = doc.char_span(m.start("source"), m.end("source"), alignment_mode="expand")
        out.append(
            Hit(
                source=((m.start("source"), m.end("source")),),
                cue=((m.start("cue"), m.end("cue")),),
                content=((m.start("content"), m.end("content")),),
                source_i=src.root.i if src is not None and len(src) else None,
                info=DEFAULT_INFO,
                direct=True,
            )
        )
    return out


def _continue_quotes(doc: Doc, hits: list[Hit], quotes: Sequence[tuple[int, int]]) -> None:
    """Attach quotes no hit covers to the direct quote just before them.

    A quote in the same paragraph after a direct-quote hit ("“...,” she said. “These cases
    take patience.”"), or a paragraph that opens with a quote right after a paragraph whose
    last hit was a direct quote, continues that speaker (PolNeAR: one attribution, its
    content in several fragments).
    """
    if not quotes or not hits:
        return
    text = doc_text(doc)
    taken: list[tuple[int, int]] = []

    def free(q: tuple[int, int]) -> bool:
        # Hits inside the quote (the speaker's own "I can see ...") do not claim it.
        for h in hits:
            if h.cue and q[0] <= h.cue[0][0] < q[1]:
                continue
            for f in (h.source, h.cue, h.content):
                if f and any(s < q[1] and q[0] < e for s, e in f):
                    return False
        return not any(s < q[1] and q[0] < e for s, e in taken)

    direct = [h for h in hits if h.direct and h.content]
    if not direct:
        return
    starts = [h.start for h in hits]
    for q in quotes:
        if not free(q):
            continue
        words = len(text[q[0] : q[1]].split())
        if words < 4:
            continue  # short quotes are scare quotes or titles more often than speech
        prev = None
        for h in direct:
            if h.content and h.content[-1][1] <= q[0]:
                prev = h
        if prev is None or prev.content is None:
            continue
        last_end = max(f[-1][1] for f in (prev.source, prev.cue, prev.content) if f)
        # Another attribution in between takes over, unless it sits in the cue's own sentence
        # ("said Trump in an interview, according to TIME. “How come ...”").
        cue_sent_end = last_end
        if prev.cue_i is not None:
            cue_sent_end = doc[prev.cue_i].sent.end_char
        if any(max(last_end, cue_sent_end) <= s < q[0] for s in starts):
            continue
        between = text[last_end : q[0]]
        para_breaks = between.count("\n\n") + (
            1 if "\n" in between and "\n\n" not in between else 0
        )
        if para_breaks == 0:
            # Right after the cue ("“...,” she said. “...”") or after the rest of the cue's
            # sentence ("he said on the Sunday show. “...”").
            rest = between.strip()
            ok = not rest.strip(".,;:") or (
                rest.endswith((".", "!", "?", ":")) and not any(c in rest for c in _QUOTE_CHARS)
            )
        else:
            # A new paragraph that opens with the quote, at most one paragraph after.
            line_start = text.rfind("\n", 0, q[0]) + 1
            ok = para_breaks <= 1 and text[line_start : q[0]].strip() == ""
        if not ok:
            continue
        prev.content = (*prev.content, q)
        taken.append(q)


# --------------------------------------------------------------------------- tagger hand-off


def hits_from_candidates(doc: Doc, cands: Iterable[Candidate]) -> list[Hit]:
    """Wrap another finder's candidates (the trained tagger) so enrichment can read them."""
    out = []
    quotes = find_quotes(doc_text(doc))
    for c in cands:
        cue_i = None
        info = DEFAULT_INFO
        if c.cue:
            span = doc.char_span(c.cue[0][0], c.cue[-1][1], alignment_mode="expand")
            if span is not None and len(span):
                cue_i = span.root.i
                for t in span:
                    found = verb_cue(t.lemma_) if t.pos_ == "VERB" else noun_cue(t.lemma_)
                    if found is not None:
                        info, cue_i = found, t.i
                        break
        source_i = None
        if c.source:
            span = doc.char_span(c.source[0][0], c.source[0][1], alignment_mode="expand")
            if span is not None and len(span):
                source_i = span.root.i
        direct = bool(
            c.content
            and any(q[0] <= c.content[0][0] + 1 and c.content[-1][1] <= q[1] + 1 for q in quotes)
        )
        out.append(
            Hit(
                c.source,
                c.cue,
                c.content,
                cue_i=cue_i,
                source_i=source_i,
                info=info,
                direct=direct,
                origin=c.origin,
                score=c.score,
            )
        )
    return out


def merge_hits(
    tagger: Sequence[Hit], rules: Sequence[Hit], *, keep_nested: bool = True
) -> list[Hit]:
    """Tagger spans first; rule hits fill in what the tagger has not.

    - a rule hit whose cue overlaps a tagger cue is the same attribution: the tagger's spans
      stand, the rule lends its structure (cue head, relay, channel, direct) and its source
      when the tagger found none. Two exceptions, where the rules know the structure better:
      a relay ("The newspaper, citing anonymous officials, said": PolNeAR-style the tagger
      makes the officials content of "citing"; the rules make them its source, relayed by
      the newspaper) takes the rule's source and content; a rule content in more fragments
      that holds the tagger's ("Russia has been accused ... of providing arms" where the
      tagger kept "Russia"), or a tagger hit without content, takes the rule's content;
    - a rule hit whose cue overlaps a tagger source is a misreading: dropped;
    - any other rule hit is added. With ``keep_nested`` (the default) that includes hits
      nested inside a tagger content ("U.S. intelligence has concluded ..., the Times
      reported"): PolNeAR annotates only the outermost, but provenance needs the inner ones.
    """
    out = [replace(t) for t in tagger]
    for r in rules:
        twin = next((t for t in out if t.origin != "rule" and _overlaps(t.cue, r.cue)), None)
        if twin is not None:
            if r.relay is not None and r.source is not None and r.content is not None:
                twin.source, twin.source_i, twin.content = r.source, r.source_i, r.content
            elif twin.content is None or _extends(r.content, twin.content):
                # A tagger cue without content gets the rule's (+0.02 exact content F1 on
                # PolNeAR dev; taking the rule's content for every twin gained less).
                twin.content = r.content
            if twin.source is None and r.source is not None:
                twin.source, twin.source_i = r.source, r.source_i
            if twin.relay is None:
                twin.relay, twin.relay_i = r.relay, r.relay_i
            if r.cue_i is not None and _overlaps(twin.cue, r.cue):
                twin.cue_i = r.cue_i
                twin.info = r.info
            twin.direct = twin.direct or r.direct
            continue
        if any(_overlaps(t.source, r.cue) for t in tagger):
            continue
        if not keep_nested and any(_overlaps(t.content, r.cue) for t in tagger):
            continue
        out.append(replace(r))
    out.sort(key=lambda h: h.start)
    return out


def _extends(a: Fragments | None, b: Fragments | None) -> bool:
    """``a`` has more fragments than ``b`` and covers every one of them."""
    if not a or not b or len(a) <= len(b):
        return False
    return all(any(s <= bs and be <= e for s, e in a) for bs, be in b)


def outermost(hits: Sequence[Hit]) -> list[Hit]:
    """Hits whose cue lies in no other hit's content: PolNeAR's univocal annotation keeps only
    these (guidelines, "No nested attributions")."""
    return [h for h in hits if not any(o is not h and _overlaps(o.content, h.cue) for o in hits)]
