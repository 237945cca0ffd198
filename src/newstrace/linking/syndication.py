"""Syndication: which articles are (near-)copies of an earlier one.

A copy is the same text republished: verbatim, trimmed (paragraphs cut, usually from the end),
lightly edited, retitled, or with boilerplate added ("Copyright 2016 The Associated Press",
"Sign up for our newsletter"). Each copy gets ``copy_of`` = the earliest version of its group.

Method: 5-word shingles of the whole text; MinHash signatures (datasketch) indexed in two LSH
tables, one over the whole text (lenient Jaccard threshold, for copies that kept most of the
text) and one over its lead (the first ``LEAD_WORDS`` words, for copies trimmed hard from the
end). Candidate pairs are verified by the *containment* of the smaller shingle set in the
larger, estimated from the signatures and the set sizes: a trimmed copy is contained in its
original even when their Jaccard similarity is low, while two different articles on the same
event share only their quotes. A shared wire credit (same agency) lowers the bar a little.
Nothing here is quadratic: each article is queried once against the LSH buckets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice

from datasketch import MinHash, MinHashLSH

from newstrace.linking.text import day_number, shingles, words

SHINGLE = 5
NUM_PERM = 128
# Whole-text LSH: Jaccard >= ~0.25 becomes a candidate. A copy trimmed to 40% of its original,
# then lightly edited, still has Jaccard ~0.3; lower thresholds flood verification with noise.
LSH_THRESHOLD = 0.25
# Lead LSH: the first 80 words (~2 paragraphs) carry the dateline and the lede, which trimmed
# and retitled copies keep; boilerplate prepended above them shifts only a few shingles.
LEAD_WORDS = 80
LEAD_THRESHOLD = 0.5
# Containment of the smaller text in the larger one: measured on the syndication benchmark
# (benchmarks/syndication.py) copies score >= 0.55 even after edits, while same-event articles
# from different outlets (BASIL triplets) stay below 0.15: 0.45 sits in the gap.
MIN_CONTAINMENT = 0.45
# Two texts crediting the same wire service are usually the same story: a lower bar.
MIN_CONTAINMENT_SAME_AGENCY = 0.35
# Texts shorter than this many words are not linked (a one-line brief matches too easily).
MIN_WORDS = 40


@dataclass(slots=True)
class CopyInput:
    """What syndication needs of an article."""

    text: str
    published: str | None = None
    agencies: Sequence[str] = field(default_factory=tuple)


@dataclass(slots=True)
class _Sig:
    full: MinHash
    lead: MinHash
    size: int


def signatures(docs: Iterable[CopyInput], batch: int = 512) -> list[_Sig | None]:
    """MinHash signatures, streaming: only ``batch`` texts are held at a time."""
    out: list[_Sig | None] = []
    it = iter(docs)
    while chunk := list(islice(it, batch)):
        toks = [words(d.text) for d in chunk]
        full = [{s.encode() for s in shingles(t, SHINGLE)} for t in toks]
        lead = [{s.encode() for s in shingles(t[:LEAD_WORDS], SHINGLE)} for t in toks]
        fm = MinHash.bulk(full, num_perm=NUM_PERM)
        lm = MinHash.bulk(lead, num_perm=NUM_PERM)
        for t, f, a, b in zip(toks, full, fm, lm, strict=True):
            out.append(_Sig(a, b, len(f)) if len(t) >= MIN_WORDS else None)
    return out


def containment(a: _Sig, b: _Sig) -> float:
    """Estimated |A ∩ B| / min(|A|, |B|) from the MinHash Jaccard and the set sizes."""
    j = a.full.jaccard(b.full)
    inter = j * (a.size + b.size) / (1.0 + j)
    return min(1.0, inter / max(1, min(a.size, b.size)))


def copy_pairs(
    sigs: Sequence[_Sig | None], agency_lists: Sequence[Sequence[str]]
) -> list[tuple[int, int, float]]:
    """Verified (i, j, containment) pairs of near-copies, i < j."""
    full_lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    lead_lsh = MinHashLSH(threshold=LEAD_THRESHOLD, num_perm=NUM_PERM)
    agencies = [frozenset(a.lower() for a in ag) for ag in agency_lists]
    pairs: list[tuple[int, int, float]] = []
    for i, sig in enumerate(sigs):
        if sig is None:
            continue
        cands = set(full_lsh.query(sig.full)) | set(lead_lsh.query(sig.lead))
        for j in cands:
            other = sigs[j]
            assert other is not None
            c = containment(sig, other)
            bar = MIN_CONTAINMENT_SAME_AGENCY if agencies[i] & agencies[j] else MIN_CONTAINMENT
            if c >= bar:
                pairs.append((j, i, c))
        full_lsh.insert(i, sig.full)
        lead_lsh.insert(i, sig.lead)
    return pairs


def copy_of(docs: Sequence[CopyInput]) -> list[int | None]:
    """For each document, the index of the earliest version it copies (None if original)."""
    return resolve_copies(
        signatures(docs), [d.published for d in docs], [list(d.agencies) for d in docs]
    )


def resolve_copies(
    sigs: Sequence[_Sig | None],
    published: Sequence[str | None],
    agency_lists: Sequence[Sequence[str]],
) -> list[int | None]:
    """Copies are grouped transitively; each points at the group's earliest version: the one
    with the earliest date, then the one stored first (documents come in store order)."""
    n = len(sigs)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, _ in copy_pairs(sigs, agency_lists):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    out: list[int | None] = [None] * n
    far = 10**9
    for members in groups.values():
        if len(members) < 2:
            continue
        first = min(members, key=lambda k: (day_number(published[k]) or far, k))
        for m in members:
            if m != first:
                out[m] = first
    return out
