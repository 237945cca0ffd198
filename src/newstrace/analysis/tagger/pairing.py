"""Tagged runs -> attributions: each content to one cue, each cue to a source.

PolNeAR gives every attribution exactly one cue and one (possibly discontinuous) content, so
the cue is the pivot. A content run goes to the cue it hangs from in the parse; else to the
nearest cue of its sentence; else (a quote continued in the next sentence or paragraph, as the
guidelines' "content continuations" section describes) to the last cue before it in the same
or the previous paragraph, or failing that the next one. All contents of one cue are joined
into one fragmented span, which is how the gold writes "A," he said, "B".
A cue's source is a source run it governs (subject, possessor, "according to" object, passive
agent); else the nearest source run of its sentence; else none (7.5% of gold has no source).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from newstrace.analysis.candidates import Candidate
from newstrace.analysis.hits import doc_text
from newstrace.analysis.rules import speaker_subject
from newstrace.analysis.tagger.brat import label_runs

# How many dependency steps a run's head may climb to reach the cue it belongs to. Beyond 6
# the path usually crosses into another clause with its own cue.
MAX_CLIMB = 6
# A content with no cue in its sentence joins a cue at most this many sentences away.
MAX_SENT_GAP = 3
QUOTES = {'"', "“", "”", "'", "‘", "’", "``", "''"}
OPENING = {"“", "``"}
CLOSING = {"”", "''"}
STRAIGHT = {'"'}


@dataclass
class Run:
    role: str
    start: int  # token index
    end: int  # token index, exclusive
    sent: int
    para: int

    def chars(self, doc: Doc) -> tuple[int, int]:
        last = doc[self.end - 1]
        return doc[self.start].idx, last.idx + len(last.text)


def _climb_to(doc: Doc, run: Run, owner: Sequence[int], target_role: Sequence[str]) -> int | None:
    """The run id of the nearest ``target`` run reached from ``run``'s tokens via heads."""
    best: tuple[int, int] | None = None
    for i in range(run.start, run.end):
        if run.start <= doc[i].head.i < run.end and doc[i].head.i != i:
            continue  # only the run's roots climb out of it
        j, steps = i, 0
        while steps < MAX_CLIMB:
            h = doc[j].head.i
            if h == j:
                break
            j, steps = h, steps + 1
            r = owner[j]
            if r >= 0:
                if target_role[r] == "cue" and (best is None or steps < best[0]):
                    best = (steps, r)
                break
    return best[1] if best else None


def pair(doc: Doc, labels: Sequence[str], origin: str = "tagger") -> list[Candidate]:
    """Candidates from one document's BIO labels (spaces trimmed off every run)."""
    sent_of = [0] * len(doc)
    for si, s in enumerate(doc.sents):
        for i in range(s.start, s.end):
            sent_of[i] = si
    para_of = [0] * len(doc)
    p = 0
    for tok in doc:
        para_of[tok.i] = p
        if "\n" in tok.text or "\n" in tok.whitespace_:
            p += 1

    runs: list[Run] = []
    for role, a, b in _whole_words(doc, label_runs(labels)):
        while a < b and doc[a].is_space:
            a += 1
        while b > a and doc[b - 1].is_space:
            b -= 1
        if a < b:
            runs.append(Run(role, a, b, sent_of[a], para_of[a]))
    owner = [-1] * len(doc)
    for r, run in enumerate(runs):
        for i in range(run.start, run.end):
            owner[i] = r
    roles = [run.role for run in runs]
    cue_ids = [r for r, run in enumerate(runs) if run.role == "cue"]
    contents: dict[int, list[int]] = {c: [] for c in cue_ids}
    orphans: list[int] = []

    quoted = [_quoted(doc, run) for run in runs]
    pending: list[int] = []
    for r, run in enumerate(runs):
        if run.role != "content":
            continue
        cue = _climb_to(doc, run, owner, roles)
        if cue is None:
            # A cue hanging from the content ("X, according to Y") also binds it.
            for c in cue_ids:
                cr = runs[c]
                if cr.sent == run.sent:
                    h = doc[cr.start].head.i
                    if run.start <= h < run.end:
                        cue = c
                        break
        if cue is None:
            pending.append(r)
        else:
            contents[cue].append(r)
    # Same sentence, no parse link: the nearest cue of the sentence.
    cross: list[int] = []
    for r in pending:
        run = runs[r]
        same = [c for c in cue_ids if runs[c].sent == run.sent]
        if same:
            contents[min(same, key=lambda c: _gap(runs[c], run))].append(r)
        elif quoted[r]:
            cross.append(r)
        else:
            orphans.append(r)
    # A quoted run with no cue in its sentence: first the cue of another run of the same
    # quotation ('"A. B," she said' puts A with "said"), else the last cue before it, else
    # the next one, within MAX_SENT_GAP sentences and the neighbouring paragraph.
    region = quote_regions(doc)
    cue_of_region: dict[int, int] = {}
    for c in cue_ids:
        for k in contents[c]:
            q = region[runs[k].start]
            if q >= 0:
                cue_of_region.setdefault(q, c)
    for r in cross:
        run = runs[r]
        cue = cue_of_region.get(region[run.start]) if region[run.start] >= 0 else None
        if cue is None:
            before = [
                c
                for c in cue_ids
                if runs[c].end <= run.start
                and run.sent - runs[c].sent <= MAX_SENT_GAP
                and run.para - runs[c].para <= 1
            ]
            after = [
                c
                for c in cue_ids
                if runs[c].start >= run.end
                and runs[c].sent - run.sent <= MAX_SENT_GAP
                and runs[c].para - run.para <= 1
            ]
            if before:
                cue = before[-1]
            elif after:
                cue = after[0]
        if cue is None:
            orphans.append(r)
        else:
            contents[cue].append(r)

    out: list[Candidate] = []
    used_sources: set[int] = set()
    text = doc_text(doc)
    for c in cue_ids:
        cr = runs[c]
        src = _source_for(doc, runs, owner, c)
        if src is not None:
            used_sources.add(src)
        frags = _join_touching(
            text, [runs[k].chars(doc) for k in sorted(contents[c], key=lambda k: runs[k].start)]
        )
        out.append(
            Candidate(
                source=(runs[src].chars(doc),) if src is not None else None,
                cue=(cr.chars(doc),),
                content=frags or None,
                origin=origin,
            )
        )
    for r in orphans:
        out.append(Candidate(None, None, (runs[r].chars(doc),), origin=origin, score=0.5))
    for r, run in enumerate(runs):
        if run.role == "source" and r not in used_sources:
            out.append(Candidate((run.chars(doc),), None, None, origin=origin, score=0.5))
    return out


def _glued(doc: Doc, i: int) -> bool:
    """Token i continues the word of token i - 1 ("n't" after "did", "’s" not: a quote)."""
    return (
        0 < i < len(doc)
        and not doc[i - 1].whitespace_
        and doc[i - 1].text[-1:].isalnum()
        and doc[i].text[:1].isalnum()
    )


def _whole_words(doc: Doc, runs: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Runs that cover whole words. spaCy splits "didn't" into "did" + "n't", and a tagger
    may label the pieces apart: one cue "did" and another "n't expect", or "n't saying"
    alone. Pieces of one role join; a run grows over the rest of a word left untagged."""
    joined: list[tuple[str, int, int]] = []
    for role, a, b in runs:
        if joined and joined[-1][0] == role and joined[-1][2] == a and _glued(doc, a):
            joined[-1] = (role, joined[-1][1], b)
        else:
            joined.append((role, a, b))
    out: list[tuple[str, int, int]] = []
    for k, (role, a, b) in enumerate(joined):
        floor = out[-1][2] if out else 0
        while a > floor and _glued(doc, a):
            a -= 1
        ceiling = joined[k + 1][1] if k + 1 < len(joined) else len(doc)
        while b < ceiling and _glued(doc, b):
            b += 1
        out.append((role, a, b))
    return out


# What may lie between two content runs of one cue for them to be one fragment: the tagger
# often leaves a quote mark or comma untagged inside a span the annotators mark whole
# ('that, "For those few people ..."'); a line break still separates two fragments.
_GLUE = frozenset(" \t,;:\"'“”‘’()—–-")


def _join_touching(text: str, frags: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for s, e in frags:
        if out and out[-1][1] <= s and all(ch in _GLUE for ch in text[out[-1][1] : s]):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return tuple(out)


def quote_regions(doc: Doc) -> list[int]:
    """Per token, the index of the opening quote mark of the quotation it is in, else -1.

    Quotations may run over sentences but not over paragraphs without a new opening mark.
    """
    out = [-1] * len(doc)
    open_at = -1
    for tok in doc:
        t = tok.text
        if t in OPENING or (t in STRAIGHT and open_at < 0):
            open_at = tok.i
            out[tok.i] = open_at
            continue
        out[tok.i] = open_at
        if t in CLOSING or t in STRAIGHT or "\n" in t or "\n" in tok.whitespace_:
            open_at = -1
    return out


def _quoted(doc: Doc, run: Run) -> bool:
    """The run opens with a quote mark, or one sits just before it."""
    return any(0 <= i < len(doc) and doc[i].text in QUOTES for i in (run.start, run.start - 1))


def _gap(a: Run, b: Run) -> int:
    if a.end <= b.start:
        return b.start - a.end
    if b.end <= a.start:
        return a.start - b.end
    return 0


def _source_for(doc: Doc, runs: Sequence[Run], owner: Sequence[int], c: int) -> int | None:
    cue = runs[c]
    # 1. A source run the cue governs: climb from each source token to the cue.
    best: tuple[int, int] | None = None
    for r, run in enumerate(runs):
        if run.role != "source" or abs(run.sent - cue.sent) > 0:
            continue
        for i in range(run.start, run.end):
            j, steps = i, 0
            while steps < 4:
                h = doc[j].head.i
                if h == j:
                    break
                j, steps = h, steps + 1
                if cue.start <= j < cue.end:
                    if best is None or steps < best[0]:
                        best = (steps, r)
                    break
                if owner[j] >= 0 and owner[j] != r:
                    break
    if best is not None:
        return best[1]
    # 2. The source run holding the cue verb's speaker as the parse gives it: its subject, or
    #    the one a participle or coordinated verb shares ("Lauten, who ... was a spokeswoman,
    #    wrote a letter, saying ..."), not the nearest run (here inside the relative clause).
    root = next((t for t in doc[cue.start : cue.end] if not cue.start <= t.head.i < cue.end), None)
    speaker = speaker_subject(root) if root is not None else None
    if speaker is not None:
        for r, run in enumerate(runs):
            if run.role == "source" and run.start <= speaker.i < run.end:
                return r
    # 3. The nearest source of the sentence, preferring one before the cue.
    same = [r for r, run in enumerate(runs) if run.role == "source" and run.sent == cue.sent]
    if same:
        return min(same, key=lambda r: (_gap(runs[r], cue), runs[r].start > cue.start))
    return None
