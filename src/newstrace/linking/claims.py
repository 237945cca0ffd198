"""Claims: attributions in different articles (and within one) that carry the same proposition.

Two attributions are one claim when their contents share enough content words (an overlap
coefficient over crudely stemmed words, with a minimum count so that two short quotes do not
match on one word). Comparisons stay inside a story (plus copies, which share their original's
story), through an inverted index, so the cost follows the size of stories, not of the store.

Reactions rarely restate the proposition: "Trump has scoffed at the findings", "Russia was
unaware of the accusations", "Stop producing #fakenews". An attribution that disputes (stance
deny / dismiss, or dispute words in its content) or refers back to "the report / the findings /
the accusations" without matching a claim of its own is attached to the main claim of its
article (the one with the most attributions there, then the earliest).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from newstrace.linking.text import content_words
from newstrace.model import Attribution

# Overlap coefficient |A ∩ B| / min(|A|, |B|) over content-word stems, and the fewest shared
# stems: set on the seed and its re-tellings (the AFP text vs. the AP and NYT wordings of the
# bounty story share 6-10 stems; unrelated quotes in one story share 1-3).
MIN_OVERLAP = 0.5
MIN_SHARED = 4
# ... and of the larger content too: a short phrase inside a long quote is not the same claim
# (without this, union-find chains a poll figure, an expert's view and a candidate's promise).
MIN_OVERLAP_LARGE = 0.25
# Stems in more than this many attributions of one story are too common to index on.
MAX_POSTING = 200

DISPUTE_STANCES = frozenset({"deny", "dismiss", "reject", "refute", "dispute"})
# Words that make an attributed content a rejection of what was reported: from the seed's
# reactions ("baseless", "#fakenews", "unaware") and the usual denial vocabulary.
_DISPUTE_WORDS = re.compile(
    r"\b(baseless|false|fake\s*news|#?fakenews|unaware|untrue|hoax|nonsense|lies?|fabricat\w*|"
    r"groundless|no evidence|not true|denie[sd]|deny|rubbish|absurd)\b",
    re.IGNORECASE,
)
# Nouns by which a reaction points back at a report without restating it.
_ANAPHOR = re.compile(
    r"\b(the|this|these|those|such)\s+(\S+\s+){0,3}[\"“']?(report|reports|reporting|findings|"
    r"accusations?|allegations?|claims?|story|stories|article|assessment|intelligence)\b",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"(ings?|ed|es|s)$")


def stems(text: str) -> frozenset[str]:
    """Content words with the commonest English suffixes cut ("killing" ~ "kill")."""
    out = set()
    for w in content_words(text):
        w = w.removesuffix("'s")
        out.add(_SUFFIX.sub("", w) if len(w) > 4 else w)
    return frozenset(out)


# A source that is the report itself ("the report claiming that ...", "the findings show"):
# it restates the claim, it neither backs nor disputes it.
_REFERENCE = re.compile(
    r"^(the|this|that|these|those)?\s*(new\s+)?(report|reports|findings|story|article|"
    r"accusations?|allegations?|claims?|assessment)$",
    re.IGNORECASE,
)


def is_reference(a: Attribution) -> bool:
    return a.source is not None and bool(_REFERENCE.match(a.source.resolved.strip()))


def is_dispute(a: Attribution) -> bool:
    if a.stance in DISPUTE_STANCES:
        return True
    if is_reference(a):
        return False
    return bool(a.content and _DISPUTE_WORDS.search(a.content.text))


def is_anaphoric(a: Attribution) -> bool:
    return a.content is None or bool(_ANAPHOR.search(a.content.text))


@dataclass(frozen=True, slots=True)
class AttrRef:
    """One attribution of one stored article, with what claim grouping needs."""

    article: int  # index into the linker's article list
    idx: int  # index of the attribution in its article
    group: str  # blocking key: the story (copies share their original's)
    attribution: Attribution


def group_claims(refs: Sequence[AttrRef]) -> list[list[int]]:
    """Partition ``refs`` (indices) into claims; singletons are kept (a claim with one report)."""
    parent = list(range(len(refs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    feats = [
        stems(r.attribution.content.text) if r.attribution.content else frozenset() for r in refs
    ]
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(refs):
        by_group[r.group].append(i)
    for members in by_group.values():
        postings: dict[str, list[int]] = defaultdict(list)
        for i in members:
            for s in feats[i]:
                postings[s].append(i)
        for i in members:
            if len(feats[i]) < MIN_SHARED:
                continue
            shared: Counter[int] = Counter()
            for s in feats[i]:
                post = postings[s]
                if len(post) <= MAX_POSTING:
                    shared.update(j for j in post if j > i)
            for j, c in shared.items():
                small, large = sorted((len(feats[i]), len(feats[j])))
                if c >= MIN_SHARED and c / small >= MIN_OVERLAP and c / large >= MIN_OVERLAP_LARGE:
                    union(i, j)
    # Reactions that do not restate the proposition join their article's main claim.
    claim_size = Counter(find(i) for i in range(len(refs)))
    by_article: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(refs):
        by_article[r.article].append(i)
    for members in by_article.values():
        sizes = Counter(find(i) for i in members)
        if not sizes:
            continue
        first: dict[int, int] = {}
        for i in members:
            first.setdefault(find(i), refs[i].idx)
        main = min(sizes, key=lambda root: (-sizes[root], first[root]))
        for i in members:
            a = refs[i].attribution
            if find(i) == main or claim_size[find(i)] > 1:
                continue
            short = len(feats[i]) < 8
            if is_dispute(a) and (is_anaphoric(a) or short) or is_anaphoric(a) and short:
                union(i, main)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(refs)):
        groups[find(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])
