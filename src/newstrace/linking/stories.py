"""Stories: articles about the same event from different outlets.

Method: sparse TF-IDF over title + body (sublinear tf, each document cut to its strongest
terms), cosine similarity between articles published within ``WINDOW_DAYS`` of each other,
blended with the overlap of capitalised names and discounted by the days between them, then
average-linkage clustering over that sparse similarity graph with a fixed cut.

Cost: articles are processed in day blocks; each block is compared only to the blocks within
the window (a sparse matrix product), so the work per article depends on how many articles
appear per day, not on the size of the store. Clustering only sees the pairs that passed
``EDGE_MIN``.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from newstrace.linking.text import content_words, day_number, names

# Articles more than a week apart are not linked into one story: BASIL's triplets are at most
# 4 days apart (dev), and news-cycle coverage of one event falls off within days. A week leaves
# room for late follow-ups without letting recurring topics chain across months.
WINDOW_DAYS = 10
# Each document keeps only its strongest terms: this bounds memory (100k articles) and removes
# the long tail of words that make every pair of political articles slightly similar.
MAX_TERMS = 200
# The title says what the event is; counting it twice is the usual headline boost.
TITLE_WEIGHT = 2
# Pairs below this combined similarity are dropped before clustering (treated as 0).
EDGE_MIN = 0.05
# Blend and cut, tuned on basil-dev (see benchmarks/basil.py): stable over a wide plateau.
NAME_WEIGHT = 0.2
DAY_DECAY = 0.03
THRESHOLD = 0.13


@dataclass(slots=True)
class StoryInput:
    """What story linking needs of an article (read from the store, no NLP objects)."""

    title: str
    text: str
    published: str | None
    extra_names: Sequence[str] = field(default_factory=tuple)


@dataclass(slots=True)
class StoryFeatures:
    """What clustering needs, without the texts: TF-IDF rows, name sets, day numbers."""

    x: sparse.csr_matrix
    names: list[frozenset[str]]
    days: list[int | None]


def features(docs: Iterable[StoryInput]) -> StoryFeatures:
    """Streams ``docs`` once; memory holds term counts, not texts."""
    vocab: dict[str, int] = {}
    df: Counter[int] = Counter()
    rows: list[dict[int, float]] = []
    name_sets: list[frozenset[str]] = []
    days: list[int | None] = []
    for d in docs:
        found = names(d.title) | names(d.text[:3000])
        name_sets.append(frozenset(found | {x.lower() for x in d.extra_names}))
        days.append(day_number(d.published))
        counts: Counter[int] = Counter()
        toks = content_words(d.title) * TITLE_WEIGHT + content_words(d.text)
        for t in toks:
            counts[vocab.setdefault(t, len(vocab))] += 1
        df.update(counts.keys())
        rows.append({t: 1.0 + math.log(c) for t, c in counts.items()})
    n = len(rows)
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for row in rows:
        weighted = sorted(((w * idf[k], k) for k, w in row.items()), reverse=True)[:MAX_TERMS]
        norm = math.sqrt(sum(w * w for w, _ in weighted)) or 1.0
        for w, term in weighted:
            indices.append(term)
            data.append(w / norm)
        indptr.append(len(indices))
    x = sparse.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
        shape=(n, max(len(vocab), 1)),
    )
    return StoryFeatures(x, name_sets, days)


def similarity_edges(f: StoryFeatures) -> dict[tuple[int, int], float]:
    """Combined similarity of every pair within the date window that reaches ``EDGE_MIN``."""
    x, name_sets, days = f.x, f.names, f.days
    n = len(days)
    if n < 2:
        return {}
    by_day: dict[int | None, list[int]] = defaultdict(list)
    for i, dn in enumerate(days):
        by_day[dn].append(i)
    dated = sorted(k for k in by_day if k is not None)
    edges: dict[tuple[int, int], float] = {}
    # Undated articles are compared with everything (there are few); dated ones block by day.
    blocks: list[tuple[list[int], list[int]]] = []
    undated = by_day.get(None, [])
    if undated:
        blocks.append((undated, list(range(n))))
    lo = 0
    for k in dated:
        while dated[lo] < k - WINDOW_DAYS:
            lo += 1
        # compare day k with days in [k - WINDOW, k] (each pair once: the later day asks).
        others = [j for d in dated[lo:] if d <= k for j in by_day[d]]
        blocks.append((by_day[k], others))
    for rows, cols in blocks:
        prod = (x[rows] @ x[cols].T).tocoo()
        for r, c, v in zip(prod.row, prod.col, prod.data, strict=True):
            i, j = rows[r], cols[c]
            if i == j:
                continue
            a, b = (i, j) if i < j else (j, i)
            if (a, b) in edges:
                continue
            s = _combine(float(v), name_sets[a], name_sets[b], days[a], days[b])
            if s >= EDGE_MIN:
                edges[(a, b)] = s
    return edges


def _combine(
    cos: float, na: frozenset[str], nb: frozenset[str], da: int | None, db: int | None
) -> float:
    jac = len(na & nb) / len(na | nb) if na and nb else 0.0
    gap = abs(da - db) if da is not None and db is not None else WINDOW_DAYS / 2
    return ((1 - NAME_WEIGHT) * cos + NAME_WEIGHT * jac) * (1.0 - DAY_DECAY * gap)


def average_linkage(n: int, edges: dict[tuple[int, int], float], threshold: float) -> list[int]:
    """Average-linkage agglomerative clustering on a sparse graph (missing pairs count 0).

    Returns a cluster label per item. Merging stops when no pair of clusters has an average
    similarity >= ``threshold``. Cost is O(E log E) in the number of edges.
    """
    size = [1] * n
    label = list(range(n))
    adj: dict[int, dict[int, float]] = defaultdict(dict)
    for (a, b), s in edges.items():
        adj[a][b] = s
        adj[b][a] = s
    heap = [(-s, a, b) for (a, b), s in edges.items() if s >= threshold]
    heapq.heapify(heap)
    alive = [True] * n
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    while heap:
        neg, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or b not in adj[a]:
            continue
        avg = adj[a][b] / (size[a] * size[b])
        if abs(avg + neg) > 1e-9:
            continue  # stale entry: a newer one for this pair is in the heap
        # merge b into a
        alive[b] = False
        size[a] += size[b]
        members[a].extend(members.pop(b))
        for c, s in adj.pop(b).items():
            del adj[c][b]
            if c == a:
                continue
            adj[a][c] = adj[a].get(c, 0.0) + s
            adj[c][a] = adj[a][c]
        for c, s in adj[a].items():
            avg = s / (size[a] * size[c])
            if avg >= threshold:
                heapq.heappush(heap, (-avg, min(a, c), max(a, c)))
    for root, ms in members.items():
        for m in ms:
            label[m] = root
    return label


def cluster_stories(docs: Iterable[StoryInput], threshold: float = THRESHOLD) -> list[int]:
    """A story label per document (the index of one of its members)."""
    return cluster_features(features(docs), threshold)


def cluster_features(f: StoryFeatures, threshold: float = THRESHOLD) -> list[int]:
    return average_linkage(len(f.days), similarity_edges(f), threshold)
