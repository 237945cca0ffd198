"""Quotation marks: quoted stretches, quotes next to a cue, quotes across sentences and
paragraphs, and sign-offs ("“...” ― Sonya Herridge").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from spacy.tokens import Doc, Token

from newstrace.analysis.candidates import Fragments
from newstrace.analysis.hits import (
    DEFAULT_INFO,
    QUOTE_CHARS,
    Hit,
    char_extent,
    doc_text,
    inside_any,
    merge_ranges,
)

__all__ = ["find_quotes", "continue_quotes", "signoff_hits"]

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
    hi = char_extent(doc, cue[0], cue[1])[1]
    for q in quotes:
        if q[1] <= lo and q[1] >= doc[sent.start].idx - 3:
            gap = text[q[1] : lo]
            if len(gap) <= 4 and all(ch in " ,.;:-–—\n" or ch in QUOTE_CHARS for ch in gap):
                return q
        if q[0] >= hi:
            gap = text[hi : q[0]]
            if len(gap) <= 4 and all(ch in " ,:-–—\n" for ch in gap):
                return q
            break
    return None


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
    merged = merge_ranges(out)
    if any(s <= cue[0] < e for s, e in merged):
        return content, False
    return tuple(merged), direct


# "“He represents our greatest shame.” ― Sonya Herridge": a quote signed with a dash and a
# name (PolNeAR guidelines p.18: the dash is the cue).
_SIGNOFF = re.compile(
    r"(?m)^[ \t]*(?P<content>[“”\"][^\n]*?[”\"])[ \t\u00a0]*(?P<cue>[―—])[ \t\u00a0]*"
    r"(?P<source>[A-Z][^\n,;(―—]{1,60}?)[ \t\u00a0]*(?=[,;(\n]|$)"
)


def signoff_hits(doc: Doc, skip: Sequence[tuple[int, int]]) -> list[Hit]:
    out = []
    for m in _SIGNOFF.finditer(doc_text(doc)):
        if skip and inside_any(skip, m.start("cue")):
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


def continue_quotes(doc: Doc, hits: list[Hit], quotes: Sequence[tuple[int, int]]) -> None:
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
            _continue_reported(text, hits, starts, q, taken)
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
            rest = _without_titles(text, between, last_end, quotes).strip()
            ok = not rest.strip(".,;:") or (
                rest.endswith((".", "!", "?", ":")) and not any(c in rest for c in _DOUBLE)
            )
        else:
            # A new paragraph that opens with the quote, at most one paragraph after.
            line_start = text.rfind("\n", 0, q[0]) + 1
            ok = para_breaks <= 1 and text[line_start : q[0]].strip() == ""
        if not ok:
            _continue_reported(text, hits, starts, q, taken)
            continue
        prev.content = (*prev.content, q)
        taken.append(q)
    _open_paragraphs(text, hits, quotes, free)


def _open_paragraphs(
    text: str,
    hits: list[Hit],
    quotes: Sequence[tuple[int, int]],
    free: Callable[[tuple[int, int]], bool],
) -> None:
    """A quote left open at its paragraph's end goes on in the next paragraph, which re-opens
    it: "“We are going to build a wall. ... ¶ “And who is going to pay for it?” Mr. Trump
    asked" — the speaker named in the last paragraph of the quotation said all of it."""
    owner: dict[tuple[int, int], Hit] = {}
    for h in hits:
        if h.direct and h.content:
            for f in h.content:
                owner[f] = h
    for k in range(len(quotes) - 2, -1, -1):
        q, nxt = quotes[k], quotes[k + 1]
        if text[q[1] - 1] in _DOUBLE or not free(q):
            continue  # closed in its paragraph, or someone's already
        line_start = text.rfind("\n", 0, q[0]) + 1
        if text[line_start : q[0]].strip() or any(c in _DOUBLE for c in text[q[0] + 1 : q[1]]):
            continue  # the quotation opens the paragraph; a stray mark inside: mispaired
        gap = text[q[1] : nxt[0]]
        if gap.strip() or gap.count("\n") < 1:
            continue  # the next paragraph must open with the quote
        found = next((o for f, o in owner.items() if f[0] <= nxt[0] < f[1]), None)
        if found is None or found.content is None:
            continue
        found.content = tuple(sorted((q, *found.content)))
        owner[q] = found


def _continue_reported(
    text: str,
    hits: list[Hit],
    starts: Sequence[int],
    q: tuple[int, int],
    taken: list[tuple[int, int]],
) -> None:
    """A paragraph that is one quote and nothing else, right after a paragraph whose last
    attribution reports someone's words: "Sanders said he would keep fighting. ¶ “We are in
    this until the last vote is cast.”" (news style: the quote is the reported speaker's)."""
    line_start = text.rfind("\n", 0, q[0]) + 1
    line_end = text.find("\n", q[1])
    line_end = len(text) if line_end == -1 else line_end
    if text[line_start : q[0]].strip() or text[q[1] : line_end].strip():
        return
    prev = None
    for h in hits:
        if h.content and h.content[-1][1] <= q[0]:
            prev = h
    if (
        prev is None
        or prev.content is None
        or prev.source is None
        or prev.info.kind not in ("speech", "writing")
    ):
        return
    last_end = max(f[-1][1] for f in (prev.source, prev.cue, prev.content) if f)
    if any(last_end <= s < q[0] for s in starts):
        return
    between = text[last_end:line_start]
    if between.count("\n\n") != 1 or not between.strip(" \n").endswith((".", "!", "?")):
        return  # the reported words close their paragraph
    if "\n" in between.strip(" \n"):
        return
    prev.content = (*prev.content, q)
    taken.append(q)


# Double quotation marks: a quote between the cue and the next quote is another voice; single
# ones are apostrophes more often ("NBC's").
_DOUBLE = '"“”«»'


def _without_titles(text: str, between: str, at: int, quotes: Sequence[tuple[int, int]]) -> str:
    """``between`` (which starts at ``at``) with short quoted titles blanked: "said Trump on
    NBC's “Today” show. “How come ...”" still continues Trump."""
    end = at + len(between)
    for qs, qe in quotes:
        if qs >= end:
            break
        if qs >= at and qe <= end and len(text[qs:qe].split()) < 4:
            # "on NBC’s “Meet the Press.”": the title's own full stop ends the sentence.
            stop = "." if text[qs:qe].rstrip(_DOUBLE + "’' ").endswith((".", "!", "?")) else " "
            between = between[: qs - at] + " " * (qe - qs - 1) + stop + between[qe - at :]
    return between
