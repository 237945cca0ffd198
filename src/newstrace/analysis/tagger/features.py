"""Token features for the attribution CRF: plain Python over an already parsed ``Doc``.

Nothing here re-parses: every feature is read from spaCy's tags, dependencies, entities and
the characters around quotes, so tagging costs a small fraction of the parse.

The cue prior (``CueLexicon``) is learned from the training split: for each lemma, how often
its occurrences lie inside a gold cue. It lets the CRF generalise from "said" to rare cues
("quipped", "acknowledgment") and, through the dependency path to the nearest likely cue,
tells it whether a token sits in that cue's subject (source) or complement (content).
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc

# A lemma seen fewer times than this in training keeps no prior: its rate is noise.
MIN_COUNT = 3
# Additive smoothing of the rate (cue / (seen + SMOOTH)): "said" (~0.9) stays high, a lemma
# seen 3 times as a cue out of 3 gets 0.6 rather than 1.0.
SMOOTH = 2.0
# The path to a likely cue ends at the first ancestor whose prior reaches ANCESTOR_PRIOR.
# 0.15 was picked on dev among 0.1 / 0.15 / 0.3: lower catches noun cues ("view"), higher
# stops at "said" only.
ANCESTOR_PRIOR = 0.15
MAX_UP = 12

OPEN_QUOTES = {"“", "‘‘", "``"}
CLOSE_QUOTES = {"”", "’’", "''"}
STRAIGHT = {'"'}


@dataclass
class CueLexicon:
    """lemma -> rate at which its occurrences are (part of) a gold cue."""

    prior: dict[str, float] = field(default_factory=dict)

    def get(self, lemma: str) -> float:
        return self.prior.get(lemma, 0.0)

    @classmethod
    def learn(cls, docs_labels: Iterable[tuple[Doc, Sequence[str]]]) -> CueLexicon:
        seen: Counter[str] = Counter()
        cue: Counter[str] = Counter()
        for doc, labels in docs_labels:
            for tok, lab in zip(doc, labels, strict=True):
                key = _lemma(tok)
                seen[key] += 1
                if lab.endswith("CUE"):
                    cue[key] += 1
        prior = {
            lem: round(cue[lem] / (n + SMOOTH), 4)
            for lem, n in seen.items()
            if n >= MIN_COUNT and cue[lem] / (n + SMOOTH) >= 0.02
        }
        return cls(prior)

    def to_json(self) -> str:
        return json.dumps({"version": 1, "prior": self.prior}, sort_keys=True)

    @classmethod
    def from_file(cls, path: Path) -> CueLexicon:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({str(k): float(v) for k, v in data["prior"].items()})


def _lemma(tok: object) -> str:
    lemma: str = tok.lemma_.lower()  # type: ignore[attr-defined]
    return lemma


def _bucket(p: float) -> str:
    if p <= 0.0:
        return "0"
    if p < 0.05:
        return "1"
    if p < 0.2:
        return "2"
    if p < 0.5:
        return "3"
    return "4"


def _dist(d: int) -> str:
    a = abs(d)
    b = (
        "1"
        if a <= 1
        else "2"
        if a <= 2
        else "4"
        if a <= 4
        else "8"
        if a <= 8
        else "16"
        if a <= 16
        else "far"
    )
    return ("-" if d < 0 else "+") + b


def _closest(positions: Sequence[int], i: int) -> int:
    best = positions[0]
    for k in positions:
        if abs(k - i) < abs(best - i):
            best = k
    return best


def quote_depths(doc: Doc) -> list[int]:
    """Quote depth per token, reset at each paragraph; quote marks count as inside."""
    depths = [0] * len(doc)
    depth = 0
    straight_open = False
    for tok in doc:
        t = tok.text
        if "\n" in t or (tok.is_space and "\n" in tok.whitespace_):
            depth, straight_open = 0, False
            depths[tok.i] = 0
            continue
        if t in OPEN_QUOTES:
            depth += 1
            depths[tok.i] = depth
        elif t in CLOSE_QUOTES:
            depths[tok.i] = max(depth, 1)
            depth = max(0, depth - 1)
        elif t in STRAIGHT:
            if straight_open:
                depths[tok.i] = max(depth, 1)
                depth = max(0, depth - 1)
            else:
                depth += 1
                depths[tok.i] = depth
            straight_open = not straight_open
        else:
            depths[tok.i] = depth
        if tok.whitespace_ == "" and t.endswith("\n"):
            depth, straight_open = 0, False
    return depths


def rule_roles(doc: Doc) -> list[str]:
    """Per token, the role the dependency rules (``analysis.extract``) give it, "O" if none.

    The rules encode hand-written knowledge the 840 training articles cannot teach a CRF
    (a cue lexicon with kinds, passives, "according to", quote continuation); as features
    they are a prior the CRF learns how far to trust. Empty when the rules are unavailable.
    """
    out = ["O"] * len(doc)
    try:
        from newstrace.analysis.extract import find_hits
    except ImportError:
        return out
    starts = [t.idx for t in doc]
    for hit in find_hits(doc):
        kind = hit.info.kind if hit.info else "speech"
        for role, frags in (("SRC", hit.source), ("CUE", hit.cue), ("CON", hit.content)):
            for s, e in frags or ():
                i = max(0, bisect.bisect_right(starts, s) - 1)
                first = True
                while i < len(doc) and starts[i] < e:
                    if out[i] == "O" and starts[i] + len(doc[i].text) > s:
                        tag = ("B-" if first else "I-") + role
                        out[i] = tag + ("|" + kind if role == "CUE" else "")
                        first = False
                    i += 1
    return out


def doc_features(doc: Doc, lex: CueLexicon, rules: Sequence[str] | None = None) -> list[list[str]]:
    """One list of ``name=value`` strings per token; ``rules`` from ``rule_roles``."""
    n = len(doc)
    rr = list(rules) if rules is not None else ["O"] * n
    rrole = [r[2:5] if r != "O" else "O" for r in rr]
    toks = list(doc)
    lower = [t.lower_ for t in toks]
    lemma = [_lemma(t) for t in toks]
    pos = [t.pos_ for t in toks]
    tag = [t.tag_ for t in toks]
    dep = [t.dep_ for t in toks]
    heads = [t.head.i for t in toks]
    prior = [lex.get(lem) for lem in lemma]
    pb = [_bucket(p) for p in prior]
    qd = quote_depths(doc)
    ent = [(t.ent_iob_ + t.ent_type_) if t.ent_type_ else "O" for t in toks]
    shape = [t.shape_ if len(t.shape_) <= 4 else t.shape_[:2] + t.shape_[-2:] for t in toks]

    # Sentence and paragraph context.
    sent_of = [0] * n
    sent_bounds: list[tuple[int, int]] = []
    for si, sent in enumerate(doc.sents):
        sent_bounds.append((sent.start, sent.end))
        for i in range(sent.start, sent.end):
            sent_of[i] = si
    para = [0] * n
    p = 0
    for i, t in enumerate(toks):
        para[i] = p
        if "\n" in t.text or "\n" in t.whitespace_:
            p += 1
    # Position in the line and the side of an early colon: headlines ("Pence: Flowers Won't Be
    # at Debate") and transcripts ("PENCE: Well, look, ...") make the colon the cue.
    line_pos = [0] * n
    colon_side = ["none"] * n
    line_start = 0
    for i in range(n + 1):
        if i == n or (i > 0 and ("\n" in toks[i - 1].text or "\n" in toks[i - 1].whitespace_)):
            colon = next(
                (k for k in range(line_start, min(i, line_start + 8)) if lower[k] == ":"), -1
            )
            for k in range(line_start, i):
                line_pos[k] = k - line_start
                if colon >= 0:
                    colon_side[k] = "pre" if k < colon else "colon" if k == colon else "post"
            line_start = i

    # The nearest likely cue up the dependency tree, and the relation under which we hang.
    up_rel = ["none"] * n
    up_lem = [""] * n
    up_dist = [0] * n
    for i in range(n):
        j, child, steps = i, i, 0
        path: list[str] = []
        while steps < MAX_UP:
            h = heads[j]
            if h == j:
                break
            path.append(dep[j])
            child, j = j, h
            steps += 1
            if prior[j] >= ANCESTOR_PRIOR:
                up_rel[i] = dep[child] + ("|" + path[-2] if len(path) >= 2 else "")
                up_lem[i] = lemma[j] if prior[j] >= 0.3 else "_"
                up_dist[i] = steps
                break

    # Nearest likely cue within the sentence, by token distance.
    near = [""] * n
    sent_cue = [0.0] * len(sent_bounds)
    for si, (s, e) in enumerate(sent_bounds):
        cues = [k for k in range(s, e) if prior[k] >= 0.3]
        sent_cue[si] = max((prior[k] for k in range(s, e)), default=0.0)
        for i in range(s, e):
            if cues:
                k = _closest(cues, i)
                near[i] = _dist(k - i) if k != i else "self"
            else:
                near[i] = "none"

    sent_q = [0] * len(sent_bounds)
    for si, (s, e) in enumerate(sent_bounds):
        sent_q[si] = 1 if any(qd[k] for k in range(s, e)) else 0

    def at(seq: Sequence[str], k: int) -> str:
        return seq[k] if 0 <= k < n else "#"

    # What each token governs: verbs with a clausal complement and a sentient subject are
    # the cue pattern; the subject's kind separates "Obama said" from "the plan said".
    kids: list[list[str]] = [[] for _ in range(n)]
    for t in toks:
        if t.i == heads[t.i]:
            continue
        h = heads[t.i]
        d = dep[t.i]
        if d in ("nsubj", "nsubjpass", "poss", "agent"):
            kids[h].append("ch=" + d + "|" + (ent[t.i][1:] if ent[t.i] != "O" else pos[t.i]))
        elif d in (
            "ccomp",
            "xcomp",
            "dobj",
            "prep",
            "advcl",
            "acl",
            "mark",
            "punct",
            "conj",
            "relcl",
        ):
            kids[h].append("ch=" + d)
            if d == "mark" or (d == "prep" and lower[t.i] in ("to", "of", "that", "about")):
                kids[h].append("chw=" + d + "|" + lower[t.i])
    qs = [str(min(d, 2)) for d in qd]
    # Built column by column (one list comprehension per feature) and zipped into rows:
    # about twice as fast as one Python loop over tokens, which matters at inference.
    spos = [0] * n
    sfirst = ["0"] * n
    slast = ["0"] * n
    for s, e in sent_bounds:
        sfirst[s] = "1"
        slast[e - 1] = "1"
        for i in range(s, e):
            spos[i] = i - s
    hs = heads
    hrole = [rrole[h] for h in hs]
    cols: list[list[str]] = [
        ["b"] * n,
        ["w=" + x for x in lower],
        ["l=" + x for x in lemma],
        ["p=" + x for x in pos],
        ["t=" + x for x in tag],
        ["d=" + x for x in dep],
        ["sh=" + x for x in shape],
        ["suf=" + x[-3:] for x in lower],
        ["cp=" + x for x in pb],
        ["hl=" + lemma[h] for h in hs],
        ["hp=" + pos[h] for h in hs],
        ["hd=" + dep[h] for h in hs],
        ["hcp=" + pb[h] for h in hs],
        ["dhd=" + dep[i] + "|" + dep[h] for i, h in enumerate(hs)],
        ["ent=" + x for x in ent],
        ["q=" + x for x in qs],
        ["up=" + x for x in up_rel],
        ["upl=" + x for x in up_lem],
        ["upd=" + str(min(x, 4)) for x in up_dist],
        ["upq=" + x + "|" + y for x, y in zip(up_rel, qs, strict=True)],
        ["near=" + x for x in near],
        ["nearq=" + x + "|" + y for x, y in zip(near, qs, strict=True)],
        ["scp=" + _bucket(sent_cue[si]) for si in sent_of],
        ["sq=" + str(sent_q[si]) for si in sent_of],
        ["sfirst=" + x for x in sfirst],
        ["slast=" + x for x in slast],
        ["spos=" + ("0" if x < 3 else "1" if x < 10 else "2") for x in spos],
        ["head=" + str(int(x == 0)) for x in para],
        ["lp=" + (str(x) if x < 4 else "4+" if x < 8 else "8+") for x in line_pos],
        ["lcol=" + x for x in colon_side],
        ["lcolp=" + x + "|" + y for x, y in zip(colon_side, pos, strict=True)],
        ["r=" + x for x in rr],
        ["rr=" + x for x in rrole],
        ["rup=" + x + "|" + y for x, y in zip(rrole, up_rel, strict=True)],
        ["-1rr=" + x for x in _shift(rrole, -1)],
        ["1rr=" + x for x in _shift(rrole, 1)],
        ["hrr=" + x for x in hrole],
    ]
    for k in (-2, -1, 1, 2):
        cols.append([f"{k}w=" + x for x in _shift(lower, k)])
        cols.append([f"{k}p=" + x for x in _shift(pos, k)])
        cols.append([f"{k}q=" + x for x in _shift(qs, k)])
        cols.append([f"{k}cp=" + x for x in _shift(pb, k)])
    for k in (-1, 1):
        cols.append([f"{k}d=" + x for x in _shift(dep, k)])
        cols.append([f"{k}up=" + x for x in _shift(up_rel, k)])
    prev_w, next_w, prev_p, next_p = (
        _shift(lower, -1),
        _shift(lower, 1),
        _shift(pos, -1),
        _shift(pos, 1),
    )
    cols.append(["-1w|w=" + x + "|" + y for x, y in zip(prev_w, lower, strict=True)])
    cols.append(["w|1w=" + x + "|" + y for x, y in zip(lower, next_w, strict=True)])
    cols.append(
        ["-1p|p|1p=" + x + "|" + y + "|" + z for x, y, z in zip(prev_p, pos, next_p, strict=True)]
    )
    feats = [list(row) for row in zip(*cols, strict=True)]
    for i, t in enumerate(toks):
        f = feats[i]
        if qd[i] and t.is_sent_start:
            f.append("qstart")
        if kids[i]:
            f.extend(kids[i])
        hk = kids[hs[i]]
        if hk:
            f.extend("h" + k for k in hk if k.startswith("ch=n"))
    return feats


def _shift(values: Sequence[str], k: int) -> list[str]:
    """values[i + k] at position i, "#" past either end."""
    n = len(values)
    if k < 0:
        return ["#"] * min(-k, n) + list(values[: max(0, n + k)])
    return list(values[k:]) + ["#"] * min(k, n)
