"""Statements: the places in one article where a claim can appear.

Three sorts, decided from the stored record alone (no NLP model at linking time):

- **claim-bearing attributions**: a source states a proposition. ``kind`` speech, writing,
  belief, knowledge or perception, with a content that reads as a proposition (at least
  ``MIN_CLAIM_WORDS`` words: "that Trump was briefed on the findings in March", a quoted
  sentence), and not a short noun phrase (``content_shape`` "phrase", at most
  ``MAX_PHRASE_WORDS`` words: "the meddling of a foreign power"). Intentions ("plans to
  visit"), requests ("urged Trump [to remain in the deal]", stance urge), aims (a content that
  opens with an infinitive: "anxious [to persuade Mr. Trump]") and stances ("welcomed Prime
  Minister Abe", "sought a warmer relationship") are acts, not propositions: they never enter
  claims, and the sentence reporting them is the outlet's own.
- **disputes**: a source denies, dismisses or rejects something (stance deny / dismiss /
  reject / refute / dispute, or a content made of dispute words: "baseless", "#fakenews",
  "a sham lawsuit") without stating a proposition of its own. They attach to the claims they
  dispute; they never back one. A denial that does state one ("there was NO COLLUSION") is a
  claim like any other; provenance reads its stance toward the claims it meets.
- **unattributed sentences**: the outlet's own sentences outside every attribution's content.
  One enters a claim only when it states what another article attributes to a source: the
  outlet is then relaying the claim with the attribution dropped (``role: "unattributed"``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from newstrace.model import AnalyzedArticle, Attribution, Span

CLAIM_KINDS = frozenset({"speech", "writing", "belief", "knowledge", "perception", "unknown"})
# Shorter contents are fragments ("the report", "it", "so") rather than propositions.
MIN_CLAIM_WORDS = 4
# A short content without a verb names a thing ("the meddling of a foreign power", "the
# Russian government, the Trump campaign and WikiLeaks"): it states no proposition, and as a
# statement it joined claims it does not make. Longer verbless contents (a headline-style
# "Obamacare ‘crazy system’ during campaign stop", a list of demands) keep their chance.
# claims-dev, transformer profile (whose tagger finds more such contents): B-cubed F1 0.781 ->
# 0.797, origin right 0.763 -> 0.803, disputers found 0.464 -> 0.714; fast profile 0.800 ->
# 0.798, 0.855 -> 0.842, 0.714 -> 0.750. Flat for limits of 8-20 words (6 lost the
# transformer's disputers again); accusations exempted were no better.
MAX_PHRASE_WORDS = 10
# An unattributed sentence must be long enough to state something checkable on its own.
MIN_SENTENCE_WORDS = 7
MAX_SENTENCE_CHARS = 600

# A request or an aim is an act, not a proposition, whatever its cue's kind: "have encouraged
# [Trump to remain in the agreement]" (stance urge), "anxious [to persuade Mr. Trump to preserve
# the Iran agreement]", "made no commitment [to stick with the nuclear agreement]" (a content
# that opens with an infinitive). The sentence stays the outlet's own statement that Macron
# urged it, which is how the annotators read it (claims-dev: such places carry no source). With
# both rules claims-dev B-cubed F1 0.816 -> 0.823 (fast profile 0.807 -> 0.818); places with no
# source, B-cubed recall 0.583 -> 0.641.
_INFINITIVE = re.compile(r"[\"“‘']?to\s+[a-z]")

DISPUTE_STANCES = frozenset({"deny", "dismiss", "reject", "refute", "dispute", "contradict"})
# Words that make an attributed content a rejection of what was reported: the seed's reactions
# ("baseless", "#fakenews", "unaware") and the usual denial vocabulary of campaign responses
# ("a sham lawsuit", "frivolous", "bogus").
DISPUTE_WORDS = re.compile(
    r"\b(baseless|false|fake\s*news|#?fakenews|unaware|untrue|hoax|nonsense|lies|lying|"
    r"fabricat\w*|groundless|no evidence|not true|rubbish|absurd|sham|bogus|frivolous|"
    r"witch\s*hunt|ridiculous|made[- ]up|no collusion|meritless|without merit)\b",
    re.IGNORECASE,
)
# A passive cue ("Comey, who was abruptly dismissed") says what was done to the source, not
# what the source did: no dispute.
_PASSIVE_CUE = re.compile(r"\b(was|were|been|being|is|are|be|got|get)\s+(\w+ly\s+)?\w+ed\b", re.I)
# A source that is the report itself ("the report claiming that ...", "the findings show"):
# it restates the claim, it neither backs nor disputes it.
_REFERENCE = re.compile(
    r"^(the|this|that|these|those)?\s*(new\s+)?(report|reports|findings|story|stories|article|"
    r"accusations?|allegations?|claims?|assessment|media reports|news reports)$",
    re.IGNORECASE,
)
# Layout lines of Markdown and text inputs (headings, "**Related article:**", bare links):
# navigation, not the outlet's statements.
_LAYOUT = re.compile(r"#|\*\*|<https?:|\[|!\[|Original url", re.IGNORECASE)
_WORD = re.compile(r"\w+(?:['’]\w+)?")
# Where a reported sentence goes on to a second reported proposition: "that five sites were
# considered, but that none of them were in the United States". (Cutting at semicolons and
# colons too was measured on claims-dev: it split quotes whose halves belong together.)
_CLAUSE_BREAK = re.compile(r",?\s+(?:and|but)\s+(?=that\s)", re.IGNORECASE)
# Sentence ends: ., ! or ? (plus closing quotes/brackets) followed by space and an upper-case
# letter, digit or opening quote; abbreviations common in news ("Mr.", "U.S.", "Jan.") excepted.
_SENT_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_ABBREV = re.compile(
    r"(\b(Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Col|Lt|Sgt|St|Jr|Sr|Inc|Co|Corp|Ltd|No|vs|Jan|Feb|Mar|"
    r"Apr|Aug|Sept?|Oct|Nov|Dec|Ft|Mt|Pres|Prof|Rev|Adm|Capt|Cmdr|Maj)\.|\b[A-Z]\.|\b[A-Z]\.[A-Z]\.)$"
)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def is_reference(a: Attribution) -> bool:
    return a.source is not None and bool(_REFERENCE.match(a.source.resolved.strip()))


def is_dispute(a: Attribution) -> bool:
    if a.source is None or is_reference(a):
        return False
    if a.cue is not None and _PASSIVE_CUE.search(a.cue.text):
        return False
    if a.stance in DISPUTE_STANCES:
        return True
    if a.content is None:
        return False
    return rejects_in_own_words(a.content.text)


def rejects_in_own_words(text: str) -> bool:
    """A dispute word the speaker uses, not one quoted as a name for someone else's line."""
    return any(not _mentioned(text, m.start(), m.end()) for m in DISPUTE_WORDS.finditer(text))


# A dispute word quoted alone as a name for someone else's line ("to counter the president's
# mantra of 'no collusion'", "the 'witch hunt' refrain") is not the speaker's own denial;
# "called the lawsuit "frivolous"" and 'The "baseless and anonymous accusations"' are.
_MENTION_BEFORE = re.compile(r"\b(?:of|the|a|an|his|her|its|their|our|this|that)\s+[‘'\"“]$", re.I)
_MENTION_AFTER = re.compile(r"^[,.]?[’'\"”]")


# "repeating [his false and misleading claims]": the reporter's word for the source's own
# claims, not a denial by the source (claims-dev listed Trump against Macron's claims).
_OWN_CLAIMS_BEFORE = re.compile(r"\b(?:his|her|their)\s+$", re.IGNORECASE)


def _mentioned(text: str, start: int, end: int) -> bool:
    if _in_title(text, start, end):
        return True
    if _OWN_CLAIMS_BEFORE.search(text[max(0, start - 8) : start]):
        return True
    return bool(
        _MENTION_BEFORE.search(text[max(0, start - 12) : start])
        and _MENTION_AFTER.match(text[end : end + 3])
    )


_TITLE_WORD = re.compile(r"[A-Z][a-z'’]+[,:]?$")


def _in_title(text: str, start: int, end: int) -> bool:
    """A capitalised dispute word among capitalised words is a title's ("a book, Higher
    Loyalty: Truth, Lies, and Leadership, in which he details ..." made Comey deny eight
    claims), not a word the speaker uses; Trump's "NO COLLUSION" and "the Witch Hunt" are his."""
    if not _TITLE_WORD.match(text[start:end]):
        return False
    before = text[max(0, start - 40) : start].split()[-2:]
    after = text[end : end + 40].split()[:3]
    after = [w for w in after if w.lower() not in ("and", "of", "the", "&")][:2]
    return sum(bool(_TITLE_WORD.match(w)) for w in before + after) >= 2


def is_claim_bearing(a: Attribution) -> bool:
    """A source states a proposition (see the module docstring for the rule)."""
    if a.content is None:
        return False
    words = word_count(a.content.text)
    if a.content_shape == "phrase" and words <= MAX_PHRASE_WORDS:
        return False
    if a.kind not in CLAIM_KINDS:
        return a.stance == "accuse"
    if a.stance == "urge" or _INFINITIVE.match(a.content.text):
        return False
    return words >= MIN_CLAIM_WORDS


@dataclass(frozen=True, slots=True)
class Statement:
    """One place a claim may appear: an attribution (``index`` set) or an outlet's own
    sentence (``index`` None). ``sort``: claim | dispute | unattributed."""

    article: int  # position of the article in the linker's list
    index: int | None
    sort: str
    content: Span
    attribution: Attribution | None = None

    @property
    def text(self) -> str:
        return self.content.text


def sentences(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of the sentences of ``text[start:]``, paragraph by paragraph."""
    for para in re.finditer(r"[^\n]+", text[start:]):
        p0 = start + para.start()
        chunk = para.group(0)
        s = 0
        for m in _SENT_END.finditer(chunk):
            if _ABBREV.search(chunk[s : m.start() + 1]):
                continue
            yield p0 + s, p0 + m.end()
            s = m.end()
        if s < len(chunk):
            yield p0 + s, p0 + len(chunk)


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A content sentence cut where it reports a second proposition ("that X, and that Y"):
    each part can then join the claim it states (one attribution's parts may still share a
    claim). Each part must be a proposition of its own (``MIN_CLAIM_WORDS``), else the
    sentence stays whole."""
    parts, at = [], s
    for m in _CLAUSE_BREAK.finditer(text, s, e):
        parts.append((at, m.start()))
        at = m.end()
    if not parts:
        return [(s, e)]
    parts.append((at, e))
    parts = [_trimmed(text, a, b) for a, b in parts]
    if all(word_count(text[a:b]) >= MIN_CLAIM_WORDS for a, b in parts):
        return parts
    return [(s, e)]


def _content_sentences(text: str, content: Span) -> list[tuple[int, int]]:
    pieces = content.fragments or ((content.start, content.end),)
    out = []
    for fs, fe in pieces:
        parts: list[tuple[int, int]] = []
        for s, e in sentences(text[:fe], fs):
            s, e = _trimmed(text, s, e)
            if e > s:
                parts.extend(_clauses(text, s, e))
        # A sentence too short to state anything ("WOW!", "Sad.") stays with its neighbour
        # in the same fragment: before, it kept a whole quoted paragraph one statement, so
        # Trump's tweet ("... NO COLLUSION ... Also, he leaked classified information. WOW!")
        # could join only one of the two claims it makes.
        joined: list[tuple[int, int]] = []
        for s, e in parts:
            if joined and min(_words(text, s, e), _words(text, *joined[-1])) < MIN_CLAIM_WORDS:
                joined[-1] = (joined[-1][0], e)
            else:
                joined.append((s, e))
        out.extend(joined)
    if len(out) > 1:
        short = [p for p in out if word_count(text[p[0] : p[1]]) < MIN_CLAIM_WORDS]
        if not short:
            return out
    return [(content.start, content.end)]


def _words(text: str, s: int, e: int) -> int:
    return word_count(text[s:e])


def _trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def statements(position: int, rec: AnalyzedArticle) -> list[Statement]:
    """Every statement of one analysed article, attributions first, in text order."""
    out: list[Statement] = []
    covered: list[tuple[int, int]] = []
    for i, a in enumerate(rec.attributions):
        # Only what is stated elsewhere keeps a sentence from being the outlet's own: an
        # intention or act reported inside it ("Kim gave no indication he [plans to destroy]
        # his arsenal", "The suit reportedly [seeks] ...") leaves the sentence the outlet's
        # statement (claims-dev: coverage 0.940 -> 0.949).
        if (is_claim_bearing(a) and a.content is not None) or is_dispute(a):
            if a.content is not None:
                covered.append((a.content.start, a.content.end))
            if a.source is not None:
                covered.append((a.source.span.start, a.source.span.end))
        if is_claim_bearing(a) and a.content is not None:
            # A long content often holds several propositions (a quoted paragraph): each of
            # its sentences is a statement, so each can join the claim it states.
            for s, e in _content_sentences(rec.text, a.content):
                out.append(Statement(position, i, "claim", Span.of(rec.text, s, e), a))
        elif is_dispute(a):
            # A denial too short to be a proposition of its own ("called it baseless"):
            # it can only attach to the claim it rejects.
            anchor = a.content or a.cue or a.source.span  # type: ignore[union-attr]
            out.append(Statement(position, i, "dispute", anchor, a))
    text = rec.text
    title = rec.article.meta.title or ""
    # The headline is the outlet's summary, not a statement of its own (and the guidelines
    # leave headlines out): start after it when the text opens with it.
    first = text.find(title) + len(title) if title and text.startswith(title[:40]) else 0
    for s, e in sentences(text, first):
        s, e = _trimmed(text, s, e)
        if e - s > MAX_SENTENCE_CHARS or word_count(text[s:e]) < MIN_SENTENCE_WORDS:
            continue
        if any(cs < e and s < ce for cs, ce in covered) or _LAYOUT.match(text, s):
            continue
        out.append(Statement(position, None, "unattributed", Span.of(text, s, e)))
    return out


def context(text: str, content: Span, spans: list[tuple[int, int]] | None = None) -> str:
    """The sentence(s) of ``text`` that hold ``content`` ("Trump said on Tuesday that [the
    meeting went well]"): who said it and about what, which the content alone may leave out.
    ``spans``: the text's ``sentences``, when the caller has them."""
    spans = spans if spans is not None else list(sentences(text))
    lo = bisect_right([s for s, _e in spans], content.start) - 1
    hi = bisect_left([e for _s, e in spans], content.end)
    if lo < 0 or hi >= len(spans) or hi < lo:
        return content.text
    return text[spans[lo][0] : spans[hi][1]].strip()
