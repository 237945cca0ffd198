"""Claims: statements in different articles (and within one) that assert the same proposition.

Similarity carries meaning, not shared words: the cosine of two statements' sentence
embeddings (all-MiniLM-L6-v2, ``linking/embed.py``), corrected by what embeddings blur —
a negation on one side only, numbers that disagree, names one side lacks — plus a little for
the same speaker. Claim-bearing statements (``statements.py``) are grouped by *average*
linkage with a fixed cut, so one chain of pairwise matches cannot glue unrelated statements
into a story-sized blob as single-link did. Then:

- an outlet's unattributed sentence joins the claim it restates best, if it restates it
  closely (``UNATTRIBUTED_MIN``), with ``role: "unattributed"``;
- a dispute joins the claim it is closest to (``DISPUTE_MIN``, lower: a denial restates the
  claim with a negation), else it stays out of claims and only provenance reads it;
- claims of different stories within the story window that say the same thing (their
  centroids above ``CROSS_STORY_MIN``) are one claim: a claim may span stories.

Comparisons stay inside a block (a story, plus copies) through one matrix product per block,
so the cost follows the size of stories, not of the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newstrace.linking.statements import MIN_CLAIM_WORDS, Statement, word_count
from newstrace.linking.text import STOPWORDS, content_words

# The average-linkage cut, tuned on claims-dev (benchmarks: `newstrace eval claims`): the
# same proposition in two outlets' wordings scores 0.55-0.85, two statements of one story
# about different things 0.25-0.5.
CLAIM_MIN = 0.56
UNATTRIBUTED_MIN = 0.66
DISPUTE_MIN = 0.5
CROSS_STORY_MIN = 0.75
# Corrections to the cosine (set on claims-dev; each alone moves B-cubed F1 by 0.01-0.03).
NEGATION_PENALTY = 0.12
NUMBER_PENALTY = 0.12
SPEAKER_BONUS = 0.12
NAME_PENALTY = 0.05
# Two statements of one article are nearly always two claims (an article states a claim once,
# the guidelines' "clearest statement"): a quote and its paraphrase in one text are the rare
# exception.
SAME_ARTICLE_PENALTY = 0.15
# Shared content words (overlap coefficient of crude stems) add what a small embedding model
# misses: rare names and terms the outlets copy from one another ("pre-preliminary stages").
LEXICAL_WEIGHT = 0.4
ONE_PER_ARTICLE = True
# Overlapping statements of one article (a quote and the fragment of it a nested cue
# governs) say one thing: the unit is as close to another as its closest member.
UNIT_MAX = False
# Linkage between two clusters: this share of their average similarity, the rest their closest
# pair. Pure average linkage (1.0) lets one odd member keep two wordings of a claim apart;
# pure single link (0.0) chains unrelated statements.
AVERAGE_WEIGHT = 0.5
UNATTRIBUTED_IN_CLUSTERING = True
UNATTRIBUTED_PENALTY = 0.2
MIN_UNATTRIBUTED_ARTICLES = 2
_SUFFIX = re.compile(r"(ings?|ed|es|s)$")

_NEGATION = re.compile(r"\b(not|no|never|n't|nor|none|nothing|neither|without)\b|n['’]t\b", re.I)
_NUMBER = re.compile(
    r"\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundred|thousand|million|billion|dozen)\b",
    re.I,
)
_NAME = re.compile(r"\b[A-Z][a-zA-Z'’-]+\b")
_NOT_NAMES = frozenset(
    re.findall(
        r"\S+",
        "The A An And But Or In On At For To Of By From With As It He She They We I This That "
        "These Those His Her Their Its Our If When While After Before Mr Mrs Ms Dr President",
    )
)


@dataclass(frozen=True, slots=True)
class Features:
    """What similarity needs of one statement besides its embedding."""

    negated: bool
    numbers: frozenset[str]
    names: frozenset[str]
    speaker: str | None
    stems: frozenset[str]


def _speaker(st: Statement) -> str | None:
    a = st.attribution
    if a is None or a.source is None:
        return None
    words = re.findall(r"[a-z]+", a.source.resolved.lower())
    words = [w for w in words if w not in STOPWORDS]
    return words[-1] if words else None


def features(st: Statement) -> Features:
    text = st.text
    names = {m.group(0).lower().rstrip("'’s") for m in _NAME.finditer(text)}
    return Features(
        negated=bool(_NEGATION.search(text)),
        numbers=frozenset(m.group(0).lower().rstrip(".,") for m in _NUMBER.finditer(text)),
        names=frozenset(n for n in names if n.capitalize() not in _NOT_NAMES and len(n) > 2),
        speaker=_speaker(st),
        stems=frozenset(
            _SUFFIX.sub("", w) if len(w) > 4 else w for w in content_words(text) if not w.isdigit()
        ),
    )


def similarity(vecs: np.ndarray, feats: Sequence[Features], articles: Sequence[int]) -> np.ndarray:
    """(n, n) similarity: cosine corrected by negation, numbers, names, speaker, article."""
    sim = vecs @ vecs.T
    arts = np.asarray(articles)
    sim -= SAME_ARTICLE_PENALTY * (arts[:, None] == arts[None, :])
    n = len(feats)
    for i in range(n):
        fi = feats[i]
        for j in range(i + 1, n):
            fj = feats[j]
            adj = 0.0
            if fi.negated != fj.negated:
                adj -= NEGATION_PENALTY
            if fi.numbers and fj.numbers and not fi.numbers & fj.numbers:
                adj -= NUMBER_PENALTY
            if fi.names and fj.names and not fi.names & fj.names:
                adj -= NAME_PENALTY
            if fi.speaker and fi.speaker == fj.speaker:
                adj += SPEAKER_BONUS
            if fi.stems and fj.stems:
                shared = len(fi.stems & fj.stems)
                adj += LEXICAL_WEIGHT * shared / min(len(fi.stems), len(fj.stems))
            if adj:
                sim[i, j] += adj
                sim[j, i] += adj
    return sim


def average_linkage(
    sim: np.ndarray,
    articles: Sequence[int],
    threshold: float,
    parts: Sequence[Any] | None = None,
) -> list[int]:
    """Average-linkage clustering of an (n, n) similarity matrix, cut at ``threshold``, where
    two clusters holding statements of the same article never merge (an article states a
    claim once: the guidelines' "clearest statement") unless both come from the same ``part``
    of it (the sentences of one quoted paragraph). Labels 0..k-1 in order of first member.

    O(n^2) memory and O(n^3 / vector width) time: blocks are one story's statements.
    """
    n = sim.shape[0]
    if n == 0:
        return []
    arts = np.asarray(articles)
    _, art_ids = np.unique(arts, return_inverse=True)
    owns = np.zeros((n, int(art_ids.max()) + 1), dtype=bool)
    owns[np.arange(n), art_ids] = True
    part_keys = [(a, p) for a, p in zip(articles, parts, strict=True)] if parts else list(range(n))
    _, part_ids = np.unique(np.array([hash(k) for k in part_keys]), return_inverse=True)
    owns_part = np.zeros((n, int(part_ids.max()) + 1), dtype=bool)
    owns_part[np.arange(n), part_ids] = True
    total = sim.astype(np.float64).copy()
    best = sim.astype(np.float64).copy()
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    parent = np.arange(n)
    while True:
        shared = owns.astype(np.int32) @ owns.T.astype(np.int32)
        # An article both clusters hold, through different parts of it.
        conflict = shared > (owns_part.astype(np.int32) @ owns_part.T.astype(np.int32))
        np.fill_diagonal(conflict, True)
        if not ONE_PER_ARTICLE:
            conflict[:] = False
            np.fill_diagonal(conflict, True)
        avg = AVERAGE_WEIGHT * total / np.outer(size, size) + (1 - AVERAGE_WEIGHT) * best
        avg[conflict | ~alive[:, None] | ~alive[None, :]] = -np.inf
        flat = int(np.argmax(avg))
        a, b = divmod(flat, n)
        if avg[a, b] < threshold:
            break
        a, b = min(a, b), max(a, b)
        total[a, :] += total[b, :]
        total[:, a] += total[:, b]
        best[a, :] = np.maximum(best[a, :], best[b, :])
        best[:, a] = np.maximum(best[:, a], best[:, b])
        size[a] += size[b]
        owns[a] |= owns[b]
        owns_part[a] |= owns_part[b]
        alive[b] = False
        parent[parent == b] = a
    relabel: dict[int, int] = {}
    return [relabel.setdefault(int(r), len(relabel)) for r in parent]


def group(statements: Sequence[Statement], vecs: np.ndarray) -> list[list[int]]:
    """Partition one block's statements into claims (lists of indices into ``statements``).

    Every claim-bearing statement is in exactly one claim (singletons kept: a claim one
    article makes); unattributed sentences and disputes are in at most one, only when they
    match; a claim made only of them does not exist.
    """
    feats = [features(s) for s in statements]
    sim = similarity(vecs, feats, [s.article for s in statements])
    sorts = np.array([s.sort for s in statements])
    if UNATTRIBUTED_IN_CLUSTERING:
        # An outlet's own sentence must restate a claim more closely than two attributions
        # must match each other: it carries no source to confirm the match.
        loose = sorts == "unattributed"
        sim = sim - UNATTRIBUTED_PENALTY * (loose[:, None] | loose[None, :])
        core = [i for i, s in enumerate(statements) if s.sort in ("claim", "unattributed")]
    else:
        core = [i for i, s in enumerate(statements) if s.sort == "claim"]
    # Overlapping statements of one article (a reporter's content and the nested attribution
    # inside it: "The Times reported [U.S. intelligence has concluded [that X]]") say one
    # thing: they cluster as one unit, so the article constraint does not split them.
    units = _overlap_units([statements[i] for i in core])
    unit_of = {core[k]: u for u, ks in enumerate(units) for k in ks}
    unit_sim = np.zeros((len(units), len(units)))
    for u, ku in enumerate(units):
        rows = [core[k] for k in ku]
        for v in range(u, len(units)):
            cols = [core[k] for k in units[v]]
            block = sim[np.ix_(rows, cols)]
            unit_sim[u, v] = unit_sim[v, u] = float(
                block.max() if UNIT_MAX and u != v else block.mean()
            )
    # The one-per-article rule is per attribution: sentences of one quoted paragraph may
    # state one proposition together.
    unit_articles = [statements[core[ks[0]]].article for ks in units]
    unit_parts = [
        statements[core[ks[0]]].index if statements[core[ks[0]]].index is not None else -1 - u
        for u, ks in enumerate(units)
    ]
    labels = average_linkage(unit_sim, unit_articles, CLAIM_MIN, unit_parts) if units else []
    found: list[list[int]] = [[] for _ in range(max(labels, default=-1) + 1)]
    for i in core:
        found[labels[unit_of[i]]].append(i)
    # A claim needs a source, or outlets that state it as reported fact: unattributed
    # sentences of one article alone are that outlet's own reporting.
    claims = [
        c
        for c in found
        if any(statements[i].sort == "claim" for i in c)
        or len({statements[i].article for i in c}) >= MIN_UNATTRIBUTED_ARTICLES
    ]
    if not claims:
        return []
    owner = np.full(len(statements), -1)
    for k, members in enumerate(claims):
        owner[members] = k
    attributed = [i for i in core if statements[i].sort == "claim" and owner[i] >= 0]
    core_arr = np.array(attributed, dtype=int)
    for i, s in enumerate(statements):
        if s.sort == "claim" or owner[i] >= 0:
            continue
        if s.sort == "unattributed" and UNATTRIBUTED_IN_CLUSTERING:
            continue
        floor = UNATTRIBUTED_MIN if s.sort == "unattributed" else DISPUTE_MIN
        if not attributed:
            break
        if s.sort == "dispute" and word_count(s.text) < MIN_CLAIM_WORDS:
            # "scoffed at the findings": too little wording to match by; provenance attaches
            # it to the claim it points back at.
            continue
        row = sim[i, core_arr]
        if s.sort == "unattributed":
            # An outlet restating its own attributed statement is not a relay of anyone.
            other = np.array([statements[j].article != s.article for j in attributed])
            row = np.where(other, row, -1.0)
        best = int(np.argmax(row))
        if row[best] >= floor:
            claims[owner[attributed[best]]].append(i)
    return [sorted(c) for c in claims]


def _overlap_units(sts: Sequence[Statement]) -> list[list[int]]:
    """Groups of statements of one article whose spans overlap by half the shorter one."""
    parent = list(range(len(sts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_article: dict[int, list[int]] = {}
    for k, st in enumerate(sts):
        by_article.setdefault(st.article, []).append(k)
    for ks in by_article.values():
        ks.sort(key=lambda k: sts[k].content.start)
        for a, k in enumerate(ks):
            sk = sts[k].content
            for m in ks[a + 1 :]:
                sm = sts[m].content
                if sm.start >= sk.end:
                    break
                shorter = min(sk.end - sk.start, sm.end - sm.start) or 1
                if min(sk.end, sm.end) - max(sk.start, sm.start) >= shorter / 2:
                    parent[find(m)] = find(k)
    out: dict[int, list[int]] = {}
    for k in range(len(sts)):
        out.setdefault(find(k), []).append(k)
    return list(out.values())


def merge_across(centroids: np.ndarray, days: Sequence[int | None], window: int) -> list[int]:
    """Union claims of different blocks whose centroids say the same thing (labels per claim)."""
    n = len(centroids)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    if n > 1:
        norms = np.linalg.norm(centroids, axis=1, keepdims=True)
        unit = centroids / np.where(norms == 0, 1.0, norms)
        order = sorted(range(n), key=lambda i: (days[i] is None, days[i] or 0))
        for a, i in enumerate(order):
            for j in order[a + 1 :]:
                di, dj = days[i], days[j]
                if di is not None and dj is not None and dj - di > window:
                    break
                if float(unit[i] @ unit[j]) >= CROSS_STORY_MIN:
                    ri, rj = find(i), find(j)
                    if ri != rj:
                        parent[max(ri, rj)] = min(ri, rj)
    return [find(i) for i in range(n)]
