"""Text features every linker shares: word tokens, shingles, names. Pure Python, no NLP model."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import NamedTuple

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


class Instant(NamedTuple):
    """When an article was published, as far as ``published`` says.

    day:     the calendar day as written (days since 0001-01-01): the publisher's own day.
    seconds: POSIX seconds of the instant (UTC; a time without a zone is read as UTC), or None
             when only the day is known.
    """

    day: int
    seconds: float | None


_EPOCH_DAY = date(1970, 1, 1).toordinal()


def instant(published: str | None) -> Instant | None:
    """The ``Instant`` of an ISO 8601 date or date-time (None when absent or malformed).

    The one parser of ``ArticleMeta.published`` for everything that compares dates (story
    windows, copy_of, first reports, timelines): strings must not be compared as strings, since
    "2018-04-17T23:00:00-05:00" is later than "2018-04-18T02:00:00Z".
    """
    if not published:
        return None
    try:
        day = date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None
    if len(published) <= 10:
        return Instant(day, None)
    try:
        dt = datetime.fromisoformat(published.replace("z", "Z"))
    except ValueError:
        return Instant(day, None)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return Instant(day, dt.timestamp())


def day_number(published: str | None) -> int | None:
    """Days since 0001-01-01 of the day ``published`` names (None when absent or malformed)."""
    at = instant(published)
    return None if at is None else at.day


def sort_key(published: str | None) -> tuple[float, int]:
    """A total order on ``published`` values, earliest first: by UTC instant; a date alone
    sorts as the start of its day (UTC), before the timed values of that day; absent or
    malformed values last."""
    at = instant(published)
    if at is None:
        return (math.inf, 0)
    if at.seconds is None:
        return (float((at.day - _EPOCH_DAY) * 86400), 0)
    return (at.seconds, 1)


def hours_between(a: str | None, b: str | None) -> float | None:
    """Hours between two ``published`` values when both carry a time, else None."""
    x, y = instant(a), instant(b)
    if x is None or y is None or x.seconds is None or y.seconds is None:
        return None
    return abs(x.seconds - y.seconds) / 3600.0
