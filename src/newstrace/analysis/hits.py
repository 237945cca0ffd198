"""The hit record the span finders share, and the token/character helpers they build with.

A ``Hit`` is a ``Candidate`` (character fragments for source, cue and content) plus the
structure that enrichment needs and a tagger cannot give: the head tokens of cue and source,
the relay of "X, citing Y, said" / "X quoted Y saying", and whether the content is a direct
quote.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from newstrace.analysis.candidates import Candidate, Fragments
from newstrace.analysis.cues import CueInfo

__all__ = [
    "DEFAULT_INFO",
    "QUOTE_CHARS",
    "Hit",
    "char_extent",
    "doc_text",
    "inside_any",
    "overlaps",
    "subtree_ranges",
    "to_fragments",
    "trim_tokens",
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


_TEXT_KEY = "newstrace.text"
QUOTE_CHARS = "\"“”‘’'«»"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds it from the tokens on every access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT_KEY] = text
    return str(text)


def char_extent(doc: Doc, i: int, j: int) -> tuple[int, int]:
    """Character extent of tokens [i, j)."""
    last = doc[j - 1]
    return doc[i].idx, last.idx + len(last.text)


def trim_tokens(doc: Doc, i: int, j: int, keep_quotes: bool = False) -> tuple[int, int]:
    """Token range [i, j) without edge punctuation and whitespace."""

    def bad(t: Token) -> bool:
        if t.is_space or t.dep_ == "cc":
            return True
        if t.is_punct:
            return not (keep_quotes and t.text in QUOTE_CHARS)
        return False

    while i < j and bad(doc[i]):
        i += 1
    while j > i and bad(doc[j - 1]):
        j -= 1
    return i, j


def subtree_ranges(
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
        s, e = trim_tokens(doc, s, e, keep_quotes)
        if e > s:
            out.append((s, e))
    return out


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges with overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def to_fragments(doc: Doc, ranges: Sequence[tuple[int, int]]) -> Fragments | None:
    return tuple(char_extent(doc, s, e) for s, e in merge_ranges(ranges)) or None


def overlaps(a: Fragments | None, b: Fragments | None) -> bool:
    if not a or not b:
        return False
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def inside_any(ranges: Sequence[tuple[int, int]], pos: int) -> bool:
    return any(s <= pos < e for s, e in ranges)
