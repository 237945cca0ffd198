"""Stories: articles about the same event from different outlets.

Method: sparse TF-IDF over title + lede + body (sublinear tf, the title and the lede counted
twice, each document cut to its strongest terms), cosine similarity between articles published
within ``WINDOW_DAYS`` of each other, blended with the overlap of capitalised names and
discounted by the time between them (days, or hours when both carry a time), then
average-linkage clustering over that sparse similarity graph with a fixed cut.

Order independence: the result does not depend on the order the documents come in (the store's
insertion order) nor on what else is stored: each article's features are a function of the
article alone (TF-IDF weighted by a fixed reference IDF, ``linking.idf``; ties between equal
weights go to the smaller term hash), and clustering runs over the documents sorted by a hash of
their content, so every sum and every tie-break happens in the same order whatever the input.
That is what lets incremental linking (``linking.index``) give exactly the full relink's stories.

Cost: articles are processed in day blocks; each block is compared only to the blocks within
the window (a sparse matrix product), so the work per article depends on how many articles
appear per day, not on the size of the store. Clustering only sees the pairs that passed
``EDGE_MIN``.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from newstrace.linking.text import content_words, instant, names

# Articles more than a week apart are not linked into one story: BASIL's triplets are at most
# 4 days apart (dev), and news-cycle coverage of one event falls off within days. A week leaves
# room for late follow-ups without letting recurring topics chain across months.
WINDOW_DAYS = 10
# Each document keeps only its strongest terms: this bounds memory (100k articles) and removes
# the long tail of words that make every pair of political articles slightly similar.
MAX_TERMS = 200
# The title says what the event is; counting it twice is the usual headline boost.
TITLE_WEIGHT = 2
# The lede (the first LEDE_WORDS content words of the body, about two paragraphs) states the
# event too; the rest of an article drifts into background that neighbouring events share (two
# North Korea events three days apart share Kim, Pompeo, the summit and the nuclear program in
# their bodies, not in their ledes). On claims-dev this raises the weakest event's average
# similarity from 0.171 to 0.188 and lowers the closest two events' from 0.126 to 0.124, and it
# brings the HuffPost opinion piece on the Iran deal (event 4) into its event.
LEDE_WORDS = 80
LEDE_WEIGHT = 2
# Pairs below this combined similarity are dropped before clustering (treated as 0), and each
# article keeps at most MAX_NEIGHBOURS edges: this bounds the graph at O(n) edges. An average-
# linkage cut at THRESHOLD barely moves when edges far below it are dropped.
EDGE_MIN = 0.08
MAX_NEIGHBOURS = 50
# Blend, decay and cut, tuned on basil-dev and claims-dev together (benchmarks/basil.py,
# benchmarks/stories.py, ``newstrace eval stories``): similarity loses DAY_DECAY per day
# apart. Events of one topic a few days apart must stay apart (claims-dev events 0 and 2,
# North Korea, three days apart: their average similarity was 0.126 at the old 0.03, against
# a 0.13 cut), and similarities grow with the size of the store (a larger IDF base weighs
# topic words more): with claims-dev alone and with 25, 75 or 150 unrelated articles added,
# claims-dev is 1.0 at every cut in [0.11, 0.14] with 0.14 per day, only in [0.13, 0.14] with
# 0.12, never with 0.08 for all sizes. The price: BASIL's one triplet spread over four days
# (Dec 9 / 10 / 13) splits, dev pairwise F1 0.993 for cuts 0.10-0.13 (1.0 before).
# With the fixed reference IDF (``linking.idf``, needed for incremental linking) similarities
# no longer grow with the store; they are those of a ~1,200-document base: claims-dev is 1.0 at
# cuts 0.13-0.15 (0.12 merges events 0 and 2), BASIL dev 0.993 / 0.986 / 0.969 at 0.13 / 0.14 /
# 0.15. THRESHOLD is the middle of the claims-dev plateau.
NAME_WEIGHT = 0.2
DAY_DECAY = 0.14
THRESHOLD = 0.14


@dataclass(slots=True)
class StoryInput:
    """What story linking needs of an article (read from the store, no NLP objects)."""

    title: str
    text: str
    published: str | None
    extra_names: Sequence[str] = field(default_factory=tuple)


@dataclass(slots=True)
class StoryFeatures:
    """What clustering needs, without the texts: TF-IDF rows, name rows, day numbers, the
    instants (POSIX seconds, None without a time) and a content key per document (for an order
    that does not depend on the input's)."""

    x: sparse.csr_matrix
    names: sparse.csr_matrix
    days: list[int | None]
    seconds: list[float | None] = field(default_factory=list)
    keys: list[bytes] = field(default_factory=list)

    def permuted(self, order: Sequence[int]) -> StoryFeatures:
        """The same features with the documents in ``order``."""
        idx = np.asarray(order, dtype=np.int64)
        return StoryFeatures(
            self.x[idx],
            self.names[idx],
            [self.days[i] for i in order],
            [self.seconds[i] for i in order] if self.seconds else [],
            [self.keys[i] for i in order] if self.keys else [],
        )


def _csr(ids: list[np.ndarray], vals: list[np.ndarray], width: int) -> sparse.csr_matrix:
    indptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in ids], out=indptr[1:])
    cat = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32)
    data = np.concatenate(vals) if vals else np.zeros(0, dtype=np.float32)
    return sparse.csr_matrix((data, cat, indptr), shape=(len(ids), max(width, 1)))


def _hash(token: str) -> int:
    # 63 bits, stable across processes (Python's hash() is salted): a term's identity in the
    # store's story index (``story_features``), where features must not depend on a vocabulary.
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()) >> 1


@dataclass(slots=True)
class DocFeatures:
    """One article's story features, a function of the article alone (the IDF is the fixed
    reference of ``linking.idf``): term hashes (sorted) with their L2-normalised TF-IDF weights,
    name hashes (sorted), day number, instant, content key. Stored per article in the store's
    story index, so that incremental linking compares newcomers without recomputing anyone."""

    terms: np.ndarray
    weights: np.ndarray
    names: np.ndarray
    day: int | None
    seconds: float | None
    key: bytes


def doc_features(d: StoryInput) -> DocFeatures:
    from newstrace.linking.idf import reference

    n_ref, df = reference()
    key = hashlib.blake2b(
        "\x00".join((d.title, d.published or "", d.text)).encode("utf-8", "replace"),
        digest_size=16,
    ).digest()
    found = names(d.title) | names(d.text[:3000]) | {x.lower() for x in d.extra_names}
    name_ids = np.unique(np.fromiter((_hash(x) for x in found), dtype=np.int64, count=len(found)))
    at = instant(d.published)
    counts: Counter[str] = Counter()
    body = content_words(d.text)
    lede = body[:LEDE_WORDS] * (LEDE_WEIGHT - 1) if LEDE_WORDS else []
    counts.update(content_words(d.title) * TITLE_WEIGHT + body + lede)
    terms = sorted(counts)
    ids = np.fromiter((_hash(t) for t in terms), dtype=np.int64, count=len(terms))
    tf = np.fromiter((counts[t] for t in terms), dtype=np.float32, count=len(terms))
    idf = np.fromiter(
        (np.log((1.0 + n_ref) / (1.0 + df.get(t, 0))) + 1.0 for t in terms),
        dtype=np.float32,
        count=len(terms),
    )
    vals = ((1.0 + np.log(tf)) * idf).astype(np.float32)
    if len(ids) > MAX_TERMS:
        # strongest first, equal weights by term hash (not argpartition's arbitrary pick)
        top = np.lexsort((ids, -vals))[:MAX_TERMS]
        ids, vals = ids[top], vals[top]
    order = np.argsort(ids)
    ids, vals = ids[order], vals[order]
    norm = float(np.sqrt(np.dot(vals, vals))) or 1.0
    return DocFeatures(
        ids,
        (vals / norm).astype(np.float32),
        name_ids,
        None if at is None else at.day,
        None if at is None else at.seconds,
        key,
    )


def assemble(docs: Sequence[DocFeatures]) -> StoryFeatures:
    """The features of ``docs`` as matrices. Columns are the term (name) hashes in ascending
    order, so any two documents' shared terms are summed in the same order whichever other
    documents are assembled with them: a pair's similarity is the same bits in a full relink
    and in an incremental one."""
    terms = np.unique(np.concatenate([d.terms for d in docs])) if docs else np.zeros(0, np.int64)
    nms = np.unique(np.concatenate([d.names for d in docs])) if docs else np.zeros(0, np.int64)
    x = _csr(
        [np.searchsorted(terms, d.terms).astype(np.int32) for d in docs],
        [d.weights for d in docs],
        len(terms),
    )
    nm = _csr(
        [np.searchsorted(nms, d.names).astype(np.int32) for d in docs],
        [np.ones(len(d.names), dtype=np.float32) for d in docs],
        len(nms),
    )
    return StoryFeatures(
        x, nm, [d.day for d in docs], [d.seconds for d in docs], [d.key for d in docs]
    )


def features(docs: Iterable[StoryInput]) -> StoryFeatures:
    """Streams ``docs`` once; memory holds compact term and name ids, not texts."""
    return assemble([doc_features(d) for d in docs])


def block_similarity(f: StoryFeatures, rows: Sequence[int], cols: Sequence[int]) -> np.ndarray:
    """Combined similarity of each of ``rows`` with each of ``cols`` (0 with itself): TF-IDF
    cosine blended with the overlap of names, discounted by the time between them. Each entry
    depends on its pair alone (not on the other rows and columns): incremental linking computes
    the pairs it needs and gets what a full relink gets."""
    x, nm = f.x, f.names
    n = len(f.days)
    r, c = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    days = np.asarray([-1 if d is None else d for d in f.days], dtype=np.int64)
    undated = days < 0
    secs = np.asarray(
        [np.nan if s is None else s for s in (f.seconds or [None] * n)], dtype=np.float64
    )
    timed = ~np.isnan(secs)
    nsize = np.diff(nm.indptr).astype(np.float32)
    cos = (x[r] @ x[c].T).toarray()
    inter = (nm[r] @ nm[c].T).toarray()
    union = nsize[r][:, None] + nsize[c][None, :] - inter
    jac = np.divide(inter, union, out=np.zeros_like(cos), where=union > 0)
    gap = np.abs(days[r][:, None] - days[c][None, :]).astype(np.float32)
    # both with a time of day: the gap in hours (as a fraction of a day), not whole days
    tr, tc = timed[r], timed[c]
    both = tr[:, None] & tc[None, :]
    if both.any():
        hours = np.abs(secs[r][:, None] - secs[c][None, :]) / 86400.0
        gap = np.where(both, hours, gap).astype(np.float32)
    gap[undated[r], :] = WINDOW_DAYS / 2
    gap[:, undated[c]] = WINDOW_DAYS / 2
    sim = ((1 - NAME_WEIGHT) * cos + NAME_WEIGHT * jac) * (1.0 - DAY_DECAY * gap)
    sim[r[:, None] == c[None, :]] = 0.0
    return sim


def top_neighbours(row: np.ndarray, cols: Sequence[int]) -> list[tuple[int, float]]:
    """The (column, similarity) pairs of one row that reach ``EDGE_MIN``, at most
    ``MAX_NEIGHBOURS`` (the most similar; equal ones in the order of ``cols``)."""
    cand = np.flatnonzero(row >= EDGE_MIN)
    if len(cand) > MAX_NEIGHBOURS:
        cand = cand[np.argsort(-row[cand], kind="stable")[:MAX_NEIGHBOURS]]
    return [(int(cols[int(ci)]), float(row[ci])) for ci in cand]


def row_columns(f: StoryFeatures) -> list[tuple[list[int], list[int]]]:
    """Blocks of (rows, the columns each row is compared with): an undated article with every
    article (in document order), a dated one with the dated articles of its day and the
    ``WINDOW_DAYS`` days before (by day, then document order): each pair within the window is
    seen from its later day."""
    n = len(f.days)
    by_day: dict[int, list[int]] = defaultdict(list)
    for i, dn in enumerate(f.days):
        if dn is not None:
            by_day[dn].append(i)
    dated = sorted(by_day)
    blocks: list[tuple[list[int], list[int]]] = []
    und = [i for i in range(n) if f.days[i] is None]
    for lo in range(0, len(und), 256):
        blocks.append((und[lo : lo + 256], list(range(n))))
    lo = 0
    for k in dated:
        while dated[lo] < k - WINDOW_DAYS:
            lo += 1
        blocks.append((by_day[k], [j for d in dated[lo:] if d <= k for j in by_day[d]]))
    return blocks


def directed_edges(f: StoryFeatures) -> dict[int, list[tuple[int, float]]]:
    """Each document's neighbours (``top_neighbours`` of its row over ``row_columns``)."""
    out: dict[int, list[tuple[int, float]]] = {}
    if len(f.days) < 2:
        return out
    for rows, cols in row_columns(f):
        sim = block_similarity(f, rows, cols)
        for ri, i in enumerate(rows):
            out[i] = top_neighbours(sim[ri], cols)
    return out


def undirected(directed: dict[int, list[tuple[int, float]]]) -> dict[tuple[int, int], float]:
    """The similarity graph: a pair is an edge when either side keeps the other."""
    edges: dict[tuple[int, int], float] = {}
    for i, nbrs in directed.items():
        for j, s in nbrs:
            key = (i, j) if i < j else (j, i)
            if key not in edges:
                edges[key] = s
    return edges


def similarity_edges(f: StoryFeatures) -> dict[tuple[int, int], float]:
    """Combined similarity of the pairs within the date window that reach ``EDGE_MIN``
    (at most ``MAX_NEIGHBOURS`` per article, the most similar)."""
    return undirected(directed_edges(f))


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
    """A story label per document (the index of one of its members), the same partition
    whatever the order of the documents: clustering runs in the order of their content keys
    (ties: their day), and the labels are mapped back."""
    n = len(f.days)
    if not f.keys or n < 2:
        return average_linkage(n, similarity_edges(f), threshold)
    order = sorted(range(n), key=lambda i: (f.keys[i], f.days[i] or 0))
    labels = average_linkage(n, similarity_edges(f.permuted(order)), threshold)
    out = [0] * n
    for pos, lab in enumerate(labels):
        out[order[pos]] = order[lab]
    return out
