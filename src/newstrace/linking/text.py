"""Text features every linker shares: word tokens, shingles, names. Pure Python, no NLP model."""

from __future__ import annotations

import re
from datetime import date

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NAME = re.compile(r"\b([A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|[A-Z]\.))*|[A-Z]{2,6})\b")

# A short English stopword list (function words and reporting verbs): news articles on one event
# differ mostly in these, so they only add noise to content similarity.
STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my no nor not now of off on once only or other our ours out over own
said same says she should so some such than that the their theirs them then there these they
this those through to too under until up very was we were what when where which while who whom
why will with would you your yours yet told say tell according mr mrs ms dr one two new like
year years last week day time get got go going make made may might must us s t don
    """.split()  # noqa: SIM905
)

# Capitalised words that start sentences or name weekdays/months rather than entities.
_NOT_NAMES = frozenset(
    """
The A An And But Or In On At For To Of By From With As It He She They We I This That These Those
His Her Their Its Our Mr Mrs Ms Dr If When While After Before Since Although Though Yet So Not
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
July August September October November December Today Yesterday Tomorrow There Here What Who
Why How Some Many Most All Both Each Every Also Still Even Just More Now Then According Read
    """.split()  # noqa: SIM905
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes normalised)."""
    return _WORD.findall(text.lower().replace("’", "'"))


def content_words(text: str) -> list[str]:
    """Word tokens without stopwords and single characters."""
    return [w for w in words(text) if len(w) > 1 and w not in STOPWORDS]


def shingles(tokens: list[str], k: int) -> set[str]:
    """The set of k-word shingles (the whole text as one shingle when it is shorter than k)."""
    if len(tokens) < k:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


def names(text: str) -> set[str]:
    """Capitalised word sequences (a cheap stand-in for named entities), lower-cased.

    Multi-word names also contribute their last word ("Michael Steele" → "steele"), since later
    mentions use the surname alone.
    """
    out: set[str] = set()
    for m in _NAME.finditer(text):
        parts = [p for p in re.split(r"[ -]", m.group(1)) if p and p not in _NOT_NAMES]
        if not parts:
            continue
        out.add(" ".join(parts).lower())
        if len(parts) > 1:
            out.add(parts[-1].lower())
    return out


def day_number(published: str | None) -> int | None:
    """Days since 0001-01-01 for a YYYY-MM-DD date (None when absent or malformed)."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None
