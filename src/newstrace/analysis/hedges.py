"""Hedges: words that weaken what a source is said to claim ("believed to", "may", "reportedly").

Looked up in the content and the cue of an attribution (and the adverbs next to the cue:
"reportedly said"). The lexicon follows the hedging cues of the CoNLL-2010 uncertainty task
(epistemic modals, speculative adverbs and adjectives, "unclear whether") narrowed to those
that weaken a news claim; "would" and "should" are left out (mostly tense and obligation).
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from newstrace.analysis.extract import doc_text

__all__ = ["find_hedges", "hedges_in"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# One-word hedges, matched on the lower-cased token.
_WORDS = _words(
    "may might could perhaps possibly possible probably probable likely unlikely reportedly "
    "allegedly alleged purported purportedly supposedly apparently apparent suspected "
    "presumably seemingly unconfirmed unverified rumored rumoured"
)
# Multi-word hedges: (first word, rest) on lower-cased tokens; the first word alone is not one.
_PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "believed": (("to",),),
    "thought": (("to",),),
    "said": (("to",),),
    "reported": (("to",),),
    "alleged": (("to",),),
    "suspected": (("of",),),
    "appears": (("to",), ("that",)),
    "appear": (("to",), ("that",)),
    "appeared": (("to",), ("that",)),
    "seems": (("to",), ("that",)),
    "seem": (("to",), ("that",)),
    "seemed": (("to",), ("that",)),
    "unclear": (("whether",), ("if",), ("how",), ("why",)),
    "uncertain": (("whether",), ("if",)),
    "not": (("clear", "whether"), ("clear", "if"), ("known", "whether"), ("yet", "confirmed")),
    "under": (("suspicion",),),
}


def find_hedges(doc: Doc, ranges: Iterable[tuple[int, int]]) -> list[str]:
    """Hedges inside the character ranges of ``doc``, as written, in order, without repeats."""
    found: list[str] = []
    seen: set[str] = set()
    text = doc_text(doc)
    for start, end in ranges:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        toks = list(span)
        for k, t in enumerate(toks):
            low = t.lower_
            hit = None
            for rest in _PHRASES.get(low, ()):
                nxt = toks[k + 1 : k + 1 + len(rest)]
                if len(nxt) == len(rest) and all(
                    a.lower_ == b for a, b in zip(nxt, rest, strict=True)
                ):
                    hit = text[t.idx : nxt[-1].idx + len(nxt[-1].text)]
                    break
            if hit is None and low in _WORDS:
                # "may" as the month, "could" as past of can in "could not": keep modals only
                # when tagged as such.
                if low in ("may", "might", "could") and t.tag_ != "MD":
                    continue
                hit = t.text
            if hit is not None:
                key = hit.lower()
                if key not in seen:
                    seen.add(key)
                    found.append(hit)
    return found


def hedges_in(doc: Doc, spans: Iterable[tuple[int, int] | None]) -> tuple[str, ...]:
    return tuple(find_hedges(doc, [s for s in spans if s is not None]))
