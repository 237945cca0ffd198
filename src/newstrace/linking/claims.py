"""Claims: statements in different articles (and within one) that assert the same proposition.

Similarity carries meaning, not shared words: the cosine of two statements' sentence
embeddings (all-MiniLM-L6-v2, ``linking/embed.py``), corrected by what embeddings blur — a
negation on one side only, numbers or names that disagree — plus the same speaker and shared
rare words. Statements are grouped with a linkage that mixes average and closest pair
(``AVERAGE_WEIGHT``), cut at ``CLAIM_MIN``, under one rule from the annotation guidelines: an
article states a claim once, so two clusters holding different attributions of one article
never merge (sentences of one quoted paragraph may, and so may two near-identical statements
of one article: ``RESTATEMENT_MIN``). Single-link chains, which glued unrelated statements into
story-sized blobs, cannot form. A local search (``refine``) then moves single statements to
the claim they fit best, which the greedy merges cannot undo. Then:

- an outlet's own sentences cluster with the rest at a stricter bar (``UNATTRIBUTED_PENALTY``,
  ``UNATTRIBUTED_PAIR_PENALTY`` between two of them):
  one restating an attributed claim joins it with ``role: "unattributed"``; several outlets
  stating the same thing as fact make a claim of their own;
- a dispute too short to be a proposition joins the claim it is closest to (``DISPUTE_MIN``),
  else only provenance reads it (``provenance.answering_disputes``).

Comparisons stay inside a block (a story, plus copies): one similarity matrix per block, and
the cubic clustering per connected component of the pairs at the cut (exact, since clusters
merge only through such a pair), so the cost follows the size of stories, not of the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from newstrace.linking.statements import MIN_CLAIM_WORDS, Statement, word_count
from newstrace.linking.text import STOPWORDS, content_words

# The average-linkage cut, tuned on claims-dev (benchmarks: `newstrace eval claims`): the
# same proposition in two outlets' wordings scores 0.55-0.85, two statements of one story
# about different things 0.25-0.5. With the refinement below, B-cubed F1 is flat (0.799-0.803)
# for cuts 0.58-0.61 and AVERAGE_WEIGHT 0.6-0.8; the middle is taken.
CLAIM_MIN = 0.60
DISPUTE_MIN = 0.5
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
# Linkage between two clusters: this share of their average similarity, the rest their closest
# pair. Pure average linkage (1.0) lets one odd member keep two wordings of a claim apart;
# pure single link (0.0) chains unrelated statements.
AVERAGE_WEIGHT = 0.7
# An outlet's own sentence must restate a claim more closely than two attributions must match
# each other: it carries no source to confirm the match. Two outlets' own sentences are held
# to less than that: stating the same thing as fact, they are how the event's news itself
# appears (the annotated unseen events: 28% of a claim's places carry no source; claims-dev
# 11%). claims-dev B-cubed F1 with (this, the pair's): 0.799 at (0.2, 0.2), 0.808 at
# (0.15, 0.05), 0.814 at (0.08-0.1, 0-0.05), 0.813 at (0.05, 0), 0.791 at (0, 0).
UNATTRIBUTED_PENALTY = 0.1
UNATTRIBUTED_PAIR_PENALTY = 0.05
# An article that states a claim twice (the lede restated lower down; a quote and its paraphrase,
# "called the collusion 'an act of unprecedented treachery'" beside the quoted paragraph) keeps
# both statements in the claim: the one-per-article rule gives way between two statements of
# one article this similar (the same-article penalty included). On claims-dev the rule, kept
# absolute, split 63 pairs of one gold claim's instances into two claims that each held a
# statement of some shared article (B-cubed F1 0.774; with this rule 0.783).
RESTATEMENT_MIN = 0.95
# The greedy linkage is then refined: a statement moves to the claim it fits best, scored as
# the summed margin of its similarities over this bar (CLAIM_MIN + REFINE_MARGIN). A greedy
# merge is final, so a statement that joined early (a fragment such as "whether Trump would
# grant the request", sharing a sentence with the real claim) otherwise stays where it blocks
# the better merge. claims-dev B-cubed F1: 0.774 without either, 0.781 refined alone, 0.794
# with the restatement rule, 0.803 with the cut and linkage weights retuned for both.
REFINE_MARGIN = 0.05
REFINE_MOVES_PER_STATEMENT = 4
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


def _incidence(sets: Sequence[frozenset[str]]) -> sparse.csr_matrix:
    """(n, vocabulary) 0/1 matrix of which statement holds which item."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, items in enumerate(sets):
        for item in items:
            rows.append(r)
            cols.append(vocab.setdefault(item, len(vocab)))
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(sets), max(len(vocab), 1)))


def _shared(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """(n, n) counts of items two statements share."""
    m = _incidence(sets)
    return np.asarray((m @ m.T).todense())


def similarity(vecs: np.ndarray, feats: Sequence[Features], articles: Sequence[int]) -> np.ndarray:
    """(n, n) similarity: cosine corrected by negation, numbers, names, speaker, article.

    All corrections are matrix operations (incidence matrices of numbers, names and stems):
    a story's few thousand statements cost milliseconds, not a Python loop over pairs."""
    sim = (vecs @ vecs.T).astype(np.float64)
    n = len(feats)
    arts = np.asarray(articles)
    sim -= SAME_ARTICLE_PENALTY * (arts[:, None] == arts[None, :])
    negated = np.array([f.negated for f in feats])
    sim -= NEGATION_PENALTY * (negated[:, None] != negated[None, :])
    for sets, penalty in (
        ([f.numbers for f in feats], NUMBER_PENALTY),
        ([f.names for f in feats], NAME_PENALTY),
    ):
        has = np.array([bool(x) for x in sets])
        disjoint = (has[:, None] & has[None, :]) & (_shared(sets) == 0)
        sim -= penalty * disjoint
    speakers = [f.speaker for f in feats]
    codes = {sp: k for k, sp in enumerate(sorted({x for x in speakers if x}))}
    code = np.array([codes.get(x, -1) if x else -1 for x in speakers])
    sim += SPEAKER_BONUS * ((code[:, None] == code[None, :]) & (code[:, None] >= 0))
    stems = [f.stems for f in feats]
    sizes = np.array([len(x) for x in stems], dtype=np.float64)
    smaller = np.minimum(sizes[:, None], sizes[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = np.where(smaller > 0, _shared(stems) / np.where(smaller > 0, smaller, 1), 0.0)
    sim += LEXICAL_WEIGHT * overlap
    # The corrections are for pairs; a statement compared with itself keeps its cosine.
    np.fill_diagonal(sim, np.diag(vecs @ vecs.T) - SAME_ARTICLE_PENALTY if n else 0.0)
    return sim


def average_linkage(
    sim: np.ndarray,
    articles: Sequence[int],
    threshold: float,
    parts: Sequence[Any] | None = None,
    restatement: float | None = None,
) -> list[int]:
    """Average-linkage clustering of an (n, n) similarity matrix, cut at ``threshold``, where
    two clusters holding statements of the same article never merge (an article states a
    claim once: the guidelines' "clearest statement") unless both come from the same ``part``
    of it (the sentences of one quoted paragraph), or, given ``restatement``, the two
    statements are at least that similar (the article said it twice). Labels 0..k-1 in order
    of first member.

    O(n^2) memory; each merge updates one row and column and re-scans only the rows whose
    best partner it touched, so a component of n statements costs about O(n^2), not the
    O(n^3) of recomputing every pair per merge.
    """
    n = sim.shape[0]
    if n == 0:
        return []
    # Two statements conflict when they are of one article through different parts of it.
    # A cluster holds one part per article, so a merged cluster conflicts with whatever
    # either half conflicted with: the matrix is kept by OR-ing rows, never recomputed.
    conflict = _conflicts(sim, articles, parts, restatement)
    np.fill_diagonal(conflict, True)
    total = sim.astype(np.float64).copy()
    best = sim.astype(np.float64).copy()
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    parent = np.arange(n)
    score = AVERAGE_WEIGHT * total / np.outer(size, size) + (1 - AVERAGE_WEIGHT) * best
    score[conflict] = -np.inf
    rowmax = score.max(axis=1)
    rowarg = score.argmax(axis=1)
    while True:
        a = int(np.argmax(rowmax))
        b = int(rowarg[a])
        if not rowmax[a] >= threshold:
            break
        a, b = min(a, b), max(a, b)
        total[a, :] += total[b, :]
        total[:, a] += total[:, b]
        best[a, :] = np.maximum(best[a, :], best[b, :])
        best[:, a] = np.maximum(best[:, a], best[:, b])
        size[a] += size[b]
        conflict[a, :] |= conflict[b, :]
        conflict[:, a] |= conflict[:, b]
        alive[b] = False
        parent[parent == b] = a
        row = AVERAGE_WEIGHT * total[a, :] / (size[a] * size) + (1 - AVERAGE_WEIGHT) * best[a, :]
        row[conflict[a, :] | ~alive] = -np.inf
        row[a] = -np.inf
        score[a, :] = row
        score[:, a] = row
        score[b, :] = -np.inf
        score[:, b] = -np.inf
        rowmax[b] = -np.inf
        # Rows whose best partner was a or b look again; the rest only compare with a.
        stale = np.flatnonzero(alive & ((rowarg == a) | (rowarg == b)))
        for i in stale:
            rowarg[i] = int(np.argmax(score[i]))
            rowmax[i] = score[i, rowarg[i]]
        others = alive & ~((rowarg == a) | (rowarg == b))
        others[a] = False
        up = others & ((row > rowmax) | ((row == rowmax) & (a < rowarg)))
        rowmax[up] = row[up]
        rowarg[up] = a
        rowarg[a] = int(np.argmax(row))
        rowmax[a] = row[rowarg[a]]
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
    loose = np.array([s.sort == "unattributed" for s in statements])
    sim = sim - UNATTRIBUTED_PENALTY * (loose[:, None] ^ loose[None, :])
    sim = sim - UNATTRIBUTED_PAIR_PENALTY * (loose[:, None] & loose[None, :])
    core = [i for i, s in enumerate(statements) if s.sort in ("claim", "unattributed")]
    # Overlapping statements of one article (a reporter's content and the nested attribution
    # inside it: "The Times reported [U.S. intelligence has concluded [that X]]") say one
    # thing: they cluster as one unit, so the article constraint does not split them.
    units = _overlap_units([statements[i] for i in core])
    unit_of = {core[k]: u for u, ks in enumerate(units) for k in ks}
    # Unit-to-unit similarity: the mean over their members' pairs (one sparse product).
    pick = sparse.csr_matrix(
        (
            [1.0 / len(ks) for ks in units for _k in ks],
            ([unit_of[core[k]] for ks in units for k in ks], [k for ks in units for k in ks]),
        ),
        shape=(len(units), len(core)),
    )
    sub = sim[np.ix_(core, core)]
    unit_sim = np.asarray(pick @ sub @ pick.T) if units else np.zeros((0, 0))
    # The one-per-article rule is per attribution: sentences of one quoted paragraph may
    # state one proposition together.
    unit_articles = [statements[core[ks[0]]].article for ks in units]
    unit_parts: list[int] = []
    for u, ks in enumerate(units):
        index = statements[core[ks[0]]].index
        unit_parts.append(index if index is not None else -1 - u)
    labels = _by_component(unit_sim, unit_articles, unit_parts)
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
        if s.sort != "dispute" or not attributed:
            continue
        if word_count(s.text) < MIN_CLAIM_WORDS:
            # "scoffed at the findings": too little wording to match by; provenance attaches
            # it to the claim it points back at.
            continue
        row = sim[i, core_arr]
        best = int(np.argmax(row))
        if row[best] >= DISPUTE_MIN:
            claims[owner[attributed[best]]].append(i)
    return [sorted(c) for c in claims]


def _by_component(sim: np.ndarray, articles: list[int], parts: list[int]) -> list[int]:
    """``average_linkage`` run on each connected component of the graph of pairs at or above
    the cut, separately. Exact: two clusters merge only when some pair of their members is at
    the cut or above (the linkage mixes in their closest pair), so no claim spans components;
    and it keeps the cubic clustering to components of a few statements, not whole stories."""
    n = sim.shape[0]
    if n == 0:
        return []
    adjacency = sparse.csr_matrix(sim >= CLAIM_MIN)
    count, component = connected_components(adjacency, directed=False)
    labels = [-1] * n
    next_label = 0
    for c in range(count):
        idx = np.flatnonzero(component == c)
        local_sim = sim[np.ix_(idx, idx)]
        local_articles = [articles[i] for i in idx]
        local_parts = [parts[i] for i in idx]
        local = average_linkage(
            local_sim, local_articles, CLAIM_MIN, local_parts, restatement=RESTATEMENT_MIN
        )
        conflict = _conflicts(local_sim, local_articles, local_parts, RESTATEMENT_MIN)
        local = refine(local_sim, conflict, local, CLAIM_MIN + REFINE_MARGIN)
        for i, lab in zip(idx, local, strict=True):
            labels[int(i)] = next_label + lab
        next_label += max(local) + 1
    # Labels in order of first member, as average_linkage gives them.
    relabel: dict[int, int] = {}
    return [relabel.setdefault(lab, len(relabel)) for lab in labels]


def _conflicts(
    sim: np.ndarray,
    articles: Sequence[int],
    parts: Sequence[Any] | None,
    restatement: float | None,
) -> np.ndarray:
    """(n, n) bool: the two statements may not share a claim (one article, different parts,
    not a restatement)."""
    n = len(articles)
    arts = np.asarray(articles)
    keys = [hash((a, p)) for a, p in zip(articles, parts, strict=True)] if parts else range(n)
    pk = np.asarray(list(keys))
    conflict = (arts[:, None] == arts[None, :]) & (pk[:, None] != pk[None, :])
    if restatement is not None:
        conflict &= sim < restatement
    return conflict


def refine(sim: np.ndarray, conflict: np.ndarray, labels: Sequence[int], bar: float) -> list[int]:
    """Local search on a clustering: the statement whose move gains most goes to the cluster
    (or a cluster of its own) where its summed ``sim - bar`` over the members is highest,
    never into one holding a statement it conflicts with; repeated while a move gains. Each
    move raises the total within-cluster margin, so it ends; taking the best move of all
    (not sweeping in input order) keeps the result independent of the order statements come
    in, as incremental linking needs. Labels 0..k-1 in order of first member."""
    n = len(labels)
    lab = np.asarray(labels, dtype=np.int64).copy()
    if n < 2:
        return [int(x) for x in lab]
    # float32: four n x n matrices, ~0.25 GB for a block of 4,000 statements rather than 0.5.
    margin = (sim - bar).astype(np.float32)
    np.fill_diagonal(margin, 0.0)
    onehot = np.zeros((n, n), dtype=np.float32)
    onehot[np.arange(n), lab] = 1.0
    # gain[u, c]: u's summed margin over cluster c; blocked[u, c]: c holds a conflict of u.
    gain = margin @ onehot
    blocked = conflict.astype(np.float32) @ onehot
    size = onehot.sum(axis=0)
    rows = np.arange(n)
    for _move in range(REFINE_MOVES_PER_STATEMENT * n):
        here = gain[rows, lab]
        # Only clusters that exist are candidates: k columns of n, and k is usually n / 10.
        alive = np.flatnonzero(size > 0)
        options = np.where(blocked[:, alive] > 0, -np.inf, gain[:, alive])
        options[alive[None, :] == lab[:, None]] = -np.inf
        pick = options.argmax(axis=1)
        target = alive[pick]
        best = options[rows, pick] - here
        # A cluster of its own gains -here (an empty label is always free: n labels).
        alone = np.where(size[lab] > 1, -here, -np.inf)
        use_alone = alone > best
        best = np.where(use_alone, alone, best)
        u = int(np.argmax(best))
        if not best[u] > 1e-9:
            break
        src = int(lab[u])
        dst = int(np.flatnonzero(size == 0)[0]) if use_alone[u] else int(target[u])
        lab[u] = dst
        size[src] -= 1
        size[dst] += 1
        gain[:, src] -= margin[:, u]
        gain[:, dst] += margin[:, u]
        blocked[:, src] -= conflict[:, u]
        blocked[:, dst] += conflict[:, u]
    relabel: dict[int, int] = {}
    return [relabel.setdefault(int(x), len(relabel)) for x in lab]


def _overlap_units(sts: Sequence[Statement]) -> list[list[int]]:
    """Groups of statements of one article whose spans overlap by half the shorter one."""
    rows: list[int] = []
    cols: list[int] = []
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
                    rows.append(k)
                    cols.append(m)
    n = len(sts)
    pairs = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _count, label = connected_components(pairs, directed=False)
    out: dict[int, list[int]] = {}
    for k in range(n):
        out.setdefault(int(label[k]), []).append(k)
    return list(out.values())
