"""Syndication: which articles are (near-)copies of an earlier one.

A copy is the same text republished: verbatim, trimmed (paragraphs cut, usually from the end),
lightly edited, retitled, or with boilerplate added ("Copyright 2016 The Associated Press",
"Sign up for our newsletter"). Each copy gets ``copy_of`` = the earliest version of its group:
earliest by full timestamp (UTC instant) when the articles carry times, a date-only value
counting as any time of its day; ties go to the fullest text, then to the agency's own copy
(an article whose publisher is the wire service it credits), then to a key of the text (so
that the ingest order does not decide), then, between identical texts, to the one stored first.

Method: 5-word shingles of the whole text; MinHash signatures (datasketch) banded for LSH
(datasketch's optimal band/row split, but the buckets kept as sorted numpy arrays: datasketch's
MinHashLSH keeps Python bytes keys per band, ~15 KB per article, too much for 100k articles in 4
GB) in two tables, one over the whole text (lenient Jaccard threshold, for copies that kept most
of the text) and one over its lead (the first ``LEAD_WORDS`` words, for copies trimmed hard from
the end). Candidate pairs are verified by the *containment* of the smaller shingle set in the
larger, estimated from the signatures and the set sizes: a trimmed copy is contained in its
original even when their Jaccard similarity is low, while two different articles on the same
event share only their quotes. A shared wire credit (same agency) lowers the bar a little.
Nothing here is quadratic: buckets are sorted arrays, and a bucket of k members yields at most
2k candidate pairs.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from newstrace.ingest.meta import agency_code
from newstrace.linking.text import Instant, instant, shingles, words

SHINGLE = 5
NUM_PERM = 128
# Whole-text LSH: Jaccard >= ~0.25 becomes a candidate. A copy trimmed to 40% of its original,
# then lightly edited, still has Jaccard ~0.3; lower thresholds flood verification with noise.
LSH_THRESHOLD = 0.25
# Lead LSH: the first 80 words (~2 paragraphs) carry the dateline and the lede, which trimmed
# and retitled copies keep; boilerplate prepended above them shifts only a few shingles.
LEAD_WORDS = 80
LEAD_THRESHOLD = 0.5
# Containment of the smaller text in the larger one. Measured on benchmarks/syndication.py
# (seed 0, 450 copies): copies have a median of 0.98 and all but one are >= 0.50 after trimming
# and edits; among non-copies that reach verification the highest is 0.36 (a BASIL triplet whose
# outlets reuse the same wire paragraphs), same-day PolNeAR articles stay below 0.3.
MIN_CONTAINMENT = 0.45
# Two texts crediting the same wire service are usually versions of one story: a lower bar,
# still above the 0.36 of the closest non-copy.
MIN_CONTAINMENT_SAME_AGENCY = 0.4
# Texts shorter than this many words are not linked (a one-line brief matches too easily).
MIN_WORDS = 40
# Among versions published at the same time, the "full" texts are those with at least this
# share of the largest one's shingles: trimmed copies lose 20-60% of the text (the benchmark's
# range, and what outlets cut), while light edits and added boilerplate change it by a few
# percent, too little to say which version is fuller.
FULL_TEXT = 0.9


@dataclass(slots=True)
class CopyInput:
    """What syndication needs of an article."""

    text: str
    published: str | None = None
    agencies: Sequence[str] = field(default_factory=tuple)
    # the outlet of this copy: when it is the credited agency itself, the copy is the wire
    # original (a tie-break between versions published at the same time)
    publisher: str | None = None


def _hash32(shingle: str) -> int:
    # CRC-32 is C-fast and stable across runs (Python's hash() is salted per process); 32 bits
    # is what datasketch's default affine32 scheme uses anyway.
    return zlib.crc32(shingle.encode("utf-8"))


@dataclass(slots=True)
class Signatures:
    """MinHash signatures of every document as compact arrays (one row per document).

    ``full``/``lead``: (n, NUM_PERM) uint32 hash values (datasketch's affine32 scheme);
    ``size``: number of distinct shingles; ``ok``: long enough to be linked at all.
    """

    full: np.ndarray
    lead: np.ndarray
    size: np.ndarray
    ok: np.ndarray

    def __len__(self) -> int:
        return len(self.size)


def signatures(docs: Iterable[CopyInput], batch: int = 512) -> Signatures:
    """MinHash signatures, streaming: only ``batch`` texts are held at a time."""
    full_rows: list[np.ndarray] = []
    lead_rows: list[np.ndarray] = []
    sizes: list[int] = []
    ok: list[bool] = []
    it = iter(docs)
    while chunk := list(islice(it, batch)):
        toks = [words(d.text) for d in chunk]
        full = [shingles(t, SHINGLE) for t in toks]
        lead = [shingles(t[:LEAD_WORDS], SHINGLE) for t in toks]
        fm = MinHash.bulk(full, num_perm=NUM_PERM, hashfunc=_hash32)
        lm = MinHash.bulk(lead, num_perm=NUM_PERM, hashfunc=_hash32)
        full_rows.append(np.stack([m.hashvalues for m in fm]).astype(np.uint32))
        lead_rows.append(np.stack([m.hashvalues for m in lm]).astype(np.uint32))
        sizes.extend(len(f) for f in full)
        ok.extend(len(t) >= MIN_WORDS for t in toks)
    empty = np.zeros((0, NUM_PERM), dtype=np.uint32)
    return Signatures(
        np.concatenate(full_rows) if full_rows else empty,
        np.concatenate(lead_rows) if lead_rows else empty,
        np.asarray(sizes, dtype=np.int64),
        np.asarray(ok, dtype=bool),
    )


def containment(sigs: Signatures, i: int, j: int) -> float:
    """Estimated |A ∩ B| / min(|A|, |B|) from the MinHash Jaccard and the set sizes."""
    jac = float(np.mean(sigs.full[i] == sigs.full[j]))
    a, b = int(sigs.size[i]), int(sigs.size[j])
    inter = jac * (a + b) / (1.0 + jac)
    return min(1.0, inter / max(1, min(a, b)))


def band_keys(sig: np.ndarray, threshold: float) -> np.ndarray:
    """(n, bands) uint64 bucket keys of signatures ``sig`` for an LSH at ``threshold``:
    datasketch's optimal (bands, rows) for the threshold; each band's rows are hashed to one
    64-bit key with fixed random odd multipliers (the same keys in every process, so they can
    be kept in the store's copy index)."""
    bands, rows = _optimal_param(threshold, NUM_PERM, 0.5, 0.5)
    rng = np.random.default_rng(7)
    mult = rng.integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    sub = sig.astype(np.uint64)
    out = np.empty((len(sig), bands), dtype=np.uint64)
    for band in range(bands):
        block = sub[:, band * rows : (band + 1) * rows]
        out[:, band] = (block * mult[None, :]).sum(axis=1)  # wraps mod 2**64: a hash, not a sum
    return out


def all_band_keys(full: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """The bucket keys of both LSH tables side by side: whole-text bands, then lead bands."""
    return np.concatenate([band_keys(full, LSH_THRESHOLD), band_keys(lead, LEAD_THRESHOLD)], axis=1)


def bucket_pairs(members: Sequence[int]) -> list[tuple[int, int]]:
    """The candidate pairs of one bucket (members in store order): each member with the
    bucket's first member and with its predecessor. Copies are transitive, so this finds the
    same groups as all pairs would, without the quadratic blow-up of a big bucket (a wire story
    run verbatim by hundreds of sites); each pair belongs to its later member, so a bucket that
    grows by appending keeps its old pairs (incremental linking adds the newcomers' only)."""
    out = []
    for k in range(1, len(members)):
        out.append((members[0], members[k]))
        out.append((members[k - 1], members[k]))
    return out


def _band_candidates(sig: np.ndarray, ok: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    """LSH banding over compact arrays: documents sharing any band are candidates
    (``bucket_pairs`` of each bucket)."""
    idx = np.flatnonzero(ok)
    out: set[tuple[int, int]] = set()
    if len(idx) < 2:
        return out
    keys_all = band_keys(sig[idx], threshold)
    for band in range(keys_all.shape[1]):
        keys = keys_all[:, band]
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
        ends = np.r_[starts[1:], len(sk)]
        for lo, hi in zip(starts[ends - starts > 1], ends[ends - starts > 1], strict=True):
            members = [int(m) for m in idx[order[lo:hi]]]  # ascending store order (stable)
            out.update(bucket_pairs(members))
    return out


def verified(
    sigs: Signatures, agency_lists: Sequence[Sequence[str]], cands: Iterable[tuple[int, int]]
) -> list[tuple[int, int, float]]:
    """The candidate pairs whose containment reaches the bar (lower for a shared agency)."""
    pairs: list[tuple[int, int, float]] = []
    for i, j in sorted(cands):
        if i == j:
            continue
        c = containment(sigs, i, j)
        shared = {a.lower() for a in agency_lists[i]} & {a.lower() for a in agency_lists[j]}
        bar = MIN_CONTAINMENT_SAME_AGENCY if shared else MIN_CONTAINMENT
        if c >= bar:
            pairs.append((i, j, c))
    return pairs


def copy_pairs(
    sigs: Signatures, agency_lists: Sequence[Sequence[str]]
) -> list[tuple[int, int, float]]:
    """Verified (i, j, containment) pairs of near-copies, i < j."""
    cands = _band_candidates(sigs.full, sigs.ok, LSH_THRESHOLD)
    cands |= _band_candidates(sigs.lead, sigs.ok, LEAD_THRESHOLD)
    return verified(sigs, agency_lists, cands)


def copy_of(docs: Sequence[CopyInput]) -> list[int | None]:
    """For each document, the index of the earliest version it copies (None if original)."""
    return resolve_copies(
        signatures(docs),
        [d.published for d in docs],
        [list(d.agencies) for d in docs],
        [d.publisher for d in docs],
    )


def is_agency_copy(publisher: str | None, agencies: Sequence[str]) -> bool:
    """The publisher is one of the wire services the text credits (AP's own copy of an AP
    story)."""
    if not publisher or not agencies:
        return False
    code = agency_code(publisher) or publisher.strip()
    credited = {agency_code(a) or a.strip() for a in agencies}
    return code.casefold() in {c.casefold() for c in credited}


def earliest_candidates(members: Sequence[int], times: Sequence[Instant | None]) -> list[int]:
    """The members that may be the earliest version: those published first.

    Timed members compare by UTC instant; a date-only member counts as any time of its day, so
    it ties with the earliest timed member of the same day (and wins over later days). Undated
    members are candidates only when no member is dated.
    """
    timed = [m for m in members if (t := times[m]) is not None and t.seconds is not None]
    days = [m for m in members if (t := times[m]) is not None and t.seconds is None]
    if not timed and not days:
        return list(members)
    out: list[int] = []
    first_day: int | None = None
    if timed:
        t0 = min(times[m].seconds for m in timed)  # type: ignore[union-attr,type-var]
        out = [m for m in timed if times[m].seconds == t0]  # type: ignore[union-attr]
        first_day = min(times[m].day for m in out)  # type: ignore[union-attr]
    if days:
        d0 = min(times[m].day for m in days)  # type: ignore[union-attr]
        if first_day is None or d0 < first_day:
            out = []
            first_day = d0
        if d0 == first_day:
            out += [m for m in days if times[m].day == d0]  # type: ignore[union-attr]
    return out


def resolve_copies(
    sigs: Signatures,
    published: Sequence[str | None],
    agency_lists: Sequence[Sequence[str]],
    publishers: Sequence[str | None] | None = None,
) -> list[int | None]:
    """Copies are grouped transitively; each points at the group's earliest version.

    Earliest: by full timestamp (``earliest_candidates``); among versions published at the
    same time (or the same day, when one gives only the day), a full text (``FULL_TEXT``: the
    others were trimmed from it), then the agency's own copy (its publisher is
    a wire service the text credits; needs ``publishers``), then a key of the text (its
    MinHash signature: the same pick whatever the ingest order), then, for identical texts,
    the one stored first (documents come in store order)."""
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
    times = [instant(p) for p in published]
    for members in groups.values():
        if len(members) < 2:
            continue
        first = earliest_version(
            members,
            times,
            lambda k: int(sigs.size[k]),
            lambda k: publishers is not None and is_agency_copy(publishers[k], agency_lists[k]),
            lambda k: sigs.full[k].tobytes(),
        )
        for m in members:
            if m != first:
                out[m] = first
    return out


def earliest_version(
    members: Sequence[int],
    times: Sequence[Instant | None],
    size: Callable[[int], int],
    agency_copy: Callable[[int], bool],
    text_key: Callable[[int], bytes],
) -> int:
    """The member of a copy group the others copy (see ``resolve_copies``); members are
    numbered in store order (the last tie-break)."""
    cands = earliest_candidates(members, times)
    full = FULL_TEXT * max(size(k) for k in cands)
    return min(
        cands,
        key=lambda k: (
            size(k) < full,
            not agency_copy(k),
            # then a key of the text itself (its MinHash signature), not the store order:
            # the pick, and the stories copies are linked through, must not depend on the
            # order articles were ingested in; identical texts fall back to store order
            text_key(k),
            k,
        ),
    )
