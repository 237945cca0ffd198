"""Who a source is: coreference, canonical name, type and anonymity.

``SourceResolver`` walks an article's hits in text order and keeps a short history of who has
spoken, so that "It said", "the newspaper", "the spokesman", "he" and a bare surname resolve to
the speaker they refer to. Names are canonicalised (outlets through the ingest outlet table,
people without titles), and each source gets a type and an anonymity flag.

Decisions (documented here because tests and users rely on them):
- "U.S. intelligence", "the Kremlin", "the Pentagon" are collective institutions speaking as
  such: type government, *not* anonymous. Anonymity is about unnamed people: "anonymous
  officials", "a source", "people familiar with the matter", "officials who spoke on condition
  of anonymity", "a senior administration official".
- A spokesman of a government body ("a Kremlin spokesman") speaks for it: type government, not
  anonymous (the body is on the record).
- "it" resolves to the last singular non-person speaker, "he"/"she" to the last person,
  "they" to the last speaker of any kind; failing a speaker, to the nearest named entity
  before it of a fitting kind. For "he"/"she" the candidates are people named as the subject
  of a main clause (not of a reported one), a lone person in this or the previous paragraph
  (not a name modifying a noun: "the Obama daughters"), or a "the president" subject written
  after them; "Mr."/"Ms." rule out the other pronoun.
- "the president", "the Texas governor": the last person the article names with that title
  (else the first named with it later); failing one, the named person who just spoke, unless
  the article names them as a former holder; else nobody (the description stays). Never by
  world knowledge. "the billionaire", "the spokesman": the person who just spoke, else the
  person the text is about.
- "they" is the latest plural speaker or plural main-clause subject, never a document ("the
  memos") nor one named person; a bare given name or surname is the person the article names
  in full; no resolved name ends in a possessive.
- A document speaks for its author: "a statement from Boehner", "Obama's statement", "wrote an
  open letter ..., saying".
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from newstrace.analysis.source_words import (
    ANON_HEADS,
    ANON_WORDS,
    APPOSED_MEDIA,
    AUTHORING,
    DEFINITE,
    DOC_HEADS,
    FEMALE_NAMES,
    HONORIFICS,
    MALE_NAMES,
    MEDIA_HEADS,
    PERSON_HEADS,
    PLATFORMS,
    PRON_GENDER,
    PRON_PERSON,
    PRON_PLURAL,
    PRON_THING,
    RELATIVE,
    ROLE_HEADS,
    TITLE_HEADS,
    TITLES,
    canonical_outlet,
    source_type,
)
from newstrace.model import Source, Span

__all__ = ["SourceResolver", "canonical_outlet", "source_type"]


# "the president's" and "Clinton’s" name a person, not a fragment of one.
_POSSESSIVE = re.compile(r"\s*(’s|'s|’|')$")
# "former President George W. Bush" no longer holds the title.
# "Vice President Mike Pence", "Deputy Secretary ...": another office than the bare title's.
_LESSER = frozenset({"vice", "deputy", "assistant", "associate", "lieutenant", "under"})
_FORMER = frozenset({"former", "ex", "ex-", "late", "then", "then-", "onetime", "one-time"})


# What opens the list of a plural mention's people: "the three chairmen — A, B and C —".
_LIST_OPENERS = frozenset({"—", "–", "-", "--", ",", ":", "("})
_LIST_CLOSERS = frozenset({"—", "–", "--", ")", ";"})


def _group(names: list[str], head: str) -> _Speaker | None:
    """Two or more people speaking as one source ("A, B and C"); None for fewer."""
    names = list(dict.fromkeys(names))
    if len(names) < 2:
        return None
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return _Speaker(listed, "person", head, True, False, False)


def _is_doc(word: str) -> bool:
    """A document noun, singular or plural ("memo", "memos")."""
    return word in DOC_HEADS or (word.endswith("s") and word[:-1] in DOC_HEADS)


@dataclass(slots=True)
class _Speaker:
    name: str
    type: str
    head: str  # lower-case head word ("newspaper", "spokesman", "times")
    plural: bool
    anonymous: bool
    media: bool
    nested: bool = False  # spoke inside another's content: less salient for pronouns
    pos: int = -1  # where it was last mentioned


def _strip_det(text: str) -> str:
    """ "the United States" → "United States"; "A Kremlin spokesman" → "a Kremlin spokesman"
    (an indefinite description stays one)."""
    m = re.match(r"(?i)(the)\s+(.+)", text)
    if m and m.group(2)[:1].isupper():
        return m.group(2)
    m = re.match(r"(A|An)\s+(.+)", text)
    if m:
        return f"{m.group(1).lower()} {m.group(2)}"
    return text


def _main_subject(t: Token) -> bool:
    """``t`` is the subject of its sentence's main verb (or of a verb conjoined to it), not of
    a clause inside what someone said: in "He said Obama “doesn't have a doctrine”", Obama is
    no candidate for a later "he" (BASIL dev: the reported subject stole "he" from the
    speaker)."""
    if t.dep_ not in ("nsubj", "nsubjpass"):
        return False
    v = t.head
    while v.dep_ == "conj" and v.head is not v:
        v = v.head
    return v.dep_ == "ROOT"


def _person_name(ent_text: str) -> str:
    words = ent_text.split()
    while len(words) > 1 and words[0].lower() in TITLES:
        words.pop(0)
    name = " ".join(words)
    return re.sub(r"(’s|'s|’|')$", "", name)


class SourceResolver:
    """Resolves the sources of one article, in text order (call ``resolve`` left to right)."""

    def __init__(self, doc: Doc, text: str) -> None:
        self.doc = doc
        self.text = text
        self.history: list[_Speaker] = []
        self.ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC")]
        # surname → full name, filled as PERSON mentions are passed.
        self._surnames: dict[str, str] = {}
        # given name → full name ("Vladimir" → "Vladimir Putin"); "" when two people share it.
        self._given: dict[str, str] = {}
        self._ent_at = 0
        self._titled: list[Token] | None = None
        self._gender: dict[str, str] = {}
        # surname → the full names that carry it, with how often each is named ("Donald
        # Trump" and "Melania Trump"): "Mr. Trump" is the man, a bare "Trump" the one named most.
        self._bearers: dict[str, Counter[str]] = {}
        self._titled_at: list[int] = []

    # -- entity mentions before a position ---------------------------------------------

    def _advance(self, pos: int) -> None:
        while self._ent_at < len(self.ents) and self.ents[self._ent_at].start_char < pos:
            e = self.ents[self._ent_at]
            if e.label_ == "PERSON":
                name = _person_name(e.text)
                parts = name.split()
                if len(parts) >= 2:
                    self._surnames[parts[-1].lower()] = name
                    self._bearers.setdefault(parts[-1].lower(), Counter())[name] += 1
                    given = parts[0].lower()
                    if self._given.get(given, name) != name:
                        self._given[given] = ""
                    else:
                        self._given[given] = name
                # "Mr. Trump", "Ms. Lauten" (the Times' house style): the person's gender,
                # which rules out "she" for Mr. Trump.
                prev = self.doc[e.start - 1].lower_ if e.start > 0 else ""
                first = e[0].lower_
                for word in (prev, first):
                    g = HONORIFICS.get(word)
                    if g and parts:
                        self._gender.setdefault(parts[-1].lower(), g)
                if len(parts) >= 2:
                    given = parts[0].lower()
                    g = "f" if given in FEMALE_NAMES else "m" if given in MALE_NAMES else None
                    if g:
                        self._gender.setdefault(parts[-1].lower(), g)
            self._ent_at += 1

    def _bearer(self, surname: str, ent: SpacySpan) -> str | None:
        """The full name a bare surname stands for, honouring its honorific ("Mr. Trump")."""
        bearers = self._bearers.get(surname)
        if not bearers:
            return None
        prev = self.doc[ent.start - 1].lower_ if ent.start > 0 else ""
        want = HONORIFICS.get(prev) or HONORIFICS.get(ent[0].lower_)
        fits = [
            n
            for n in bearers
            if want is None
            or (n.split()[0].lower() not in (FEMALE_NAMES if want == "m" else MALE_NAMES))
        ]
        if not fits:
            # "Mr. Trump" in an article that names only Melania Trump in full: him, unnamed.
            return ent.text.split()[-1]
        return max(fits, key=lambda n: bearers[n])

    def _fits(self, name: str, word: str) -> bool:
        """``word`` ("he", "she") may stand for ``name``: no honorific says otherwise."""
        want = PRON_GENDER.get(word)
        words = name.split()
        if want is None or not words:
            return True
        return self._gender.get(words[-1].lower(), want) == want

    def _last_entity(
        self, pos: int, ok: Callable[[SpacySpan], bool], reach: int | None = 1500
    ) -> SpacySpan | None:
        """The last entity before ``pos`` that is ``ok``, within ``reach`` characters
        (``None``: anywhere before)."""
        for e in reversed(self.ents[: self._ent_at]):
            if reach is not None and pos - e.end_char >= reach:
                break
            if e.end_char <= pos and ok(e):
                return e
        return None

    # -- resolution ----------------------------------------------------------------------

    def resolve(
        self, span: Span, head_i: int | None, *, nested: bool = False, before: int | None = None
    ) -> Source:
        """Resolve one source mention. ``before``: where its attribution starts ("“...,” she
        said" looks for "she" before the quote)."""
        self._advance(span.start)
        head = self.doc[head_i] if head_i is not None else self._head_of(span)
        self._cutoff = min(span.start, before) if before is not None else span.start
        speaker = self._resolve(span, head)
        speaker = _Speaker(
            # A name that cleans to nothing (a mention of punctuation and stray symbols) is
            # its own text: an empty name would read back as the span's text from JSON.
            _POSSESSIVE.sub("", speaker.name) or speaker.name or span.text,
            speaker.type,
            speaker.head,
            speaker.plural,
            speaker.anonymous,
            speaker.media,
            nested,
            span.start,
        )
        self.history.append(speaker)
        return Source(
            span=span, resolved=speaker.name, type=speaker.type, anonymous=speaker.anonymous
        )

    def remember(self, name: str, type_: str) -> None:
        """Record a speaker known without a span (the relay of a tagger hit)."""
        self.history.append(
            _Speaker(name, type_, name.split()[-1].lower(), False, False, type_ == "media")
        )

    def _head_of(self, span: Span) -> Token | None:
        cs = self.doc.char_span(span.start, span.end, alignment_mode="expand")
        return cs.root if cs is not None and len(cs) else None

    def _resolve(self, span: Span, head: Token | None) -> _Speaker:
        low = span.text.lower().strip()
        words = low.split()
        if head is not None and head.lower_ in RELATIVE and head.head.dep_ in ("relcl", "acl"):
            # "Bay Financial, which said ...": the relative pronoun stands for its noun.
            ante = head.head.head
            lo, hi = ante.left_edge.i, ante.i + 1
            # A noun phrase holds no verb: where the parse hangs one inside ("praise for the
            # North Korean leader [rankled] critics, who ..."), the noun starts after it.
            verbs = [t.i for t in self.doc[lo : hi - 1] if t.pos_ in ("VERB", "AUX")]
            if verbs:
                lo = verbs[-1] + 1
            ante_span = Span.of(
                self.text, self.doc[lo].idx, self.doc[hi - 1].idx + len(self.doc[hi - 1])
            )
            if ante.lower_ in RELATIVE:
                return self._describe(ante_span, ante)
            # The noun is resolved as a source of its own would be: "The president, who has
            # long denied ..." is the president the article names, not "The president".
            return self._resolve(ante_span, ante)
        if len(words) == 1 and words[0] in PRON_THING | PRON_PERSON | PRON_PLURAL:
            found = self._pronoun(words[0], span.start)
            if found is not None:
                return found
        # "the Munhwa Ilbo newspaper" names itself: no anaphora to resolve.
        self_named = (
            head is not None
            and head.lower_ in MEDIA_HEADS
            and any(
                t.pos_ == "PROPN" and t.i != head.i and t.idx >= span.start and t.idx < span.end
                for t in head.subtree
            )
        )
        if words and words[0] in DEFINITE and head is not None and not self_named:
            if head.tag_ in ("NNS", "NNPS") and len(set(self._listed_after(head))) > 1:
                # "The three Republican chairmen — Representative Robert W. Goodlatte ...":
                # the mention lists its people; no earlier mention is needed.
                return self._describe(span, head)
            found = self._definite(head, span.start)
            if found is not None:
                return found
        return self._describe(span, head)

    def _titled_subject(self, cutoff: int) -> Token | None:
        """The last "the president" / "the senator" subject of a main clause before ``cutoff``
        (within the distance a pronoun reaches back)."""
        if self._titled is None:
            heads = TITLE_HEADS.keys() | ROLE_HEADS
            self._titled = [
                t
                for t in self.doc
                if t.lower_ in heads
                and t.tag_ not in ("NNS", "NNPS")
                and _main_subject(t)
                and any(c.dep_ == "det" and c.lower_ == "the" for c in t.children)
            ]
            self._titled_at = [t.idx for t in self._titled]
        k = bisect_left(self._titled_at, cutoff)
        if k == 0:
            return None
        t = self._titled[k - 1]
        return t if cutoff - t.idx < 600 else None

    def _only_person_nearby(self, cutoff: int, word: str = "") -> SpacySpan | None:
        """The PERSON mentioned in the previous paragraph and this one before ``cutoff``,
        when there is exactly one (by surname)."""
        text = self.text
        at = text.rfind("\n", 0, cutoff)  # end of the previous paragraph's line break
        while at > 0 and text[at - 1] in "\n \t":
            at -= 1
        lo = text.rfind("\n", 0, max(at, 0)) + 1 if at > 0 else 0
        found = [
            e
            for e in self.ents[: self._ent_at]
            if e.label_ == "PERSON"
            and lo <= e.start_char < cutoff
            and e.text not in PLATFORMS  # "on Twitter" is often tagged PERSON
            and canonical_outlet(e.text) is None
            # "the unenthused Obama daughters": a name modifying a noun is not the person.
            and e.root.dep_ != "compound"
            and self._fits(e.text, word)
        ]
        names = {e.text.split()[-1].lower() for e in found}
        return found[-1] if len(names) == 1 else None

    def _pronoun(self, word: str, pos: int) -> _Speaker | None:
        ahead = self._cataphora(word, pos)
        if ahead is not None:
            return ahead
        recent = self.history[-8:]
        # Speakers of the main story first, those quoted inside others' words after.
        recent = [s for s in recent if s.nested] + [s for s in recent if not s.nested]
        if word in PRON_THING:
            for s in reversed(recent):
                if s.type != "person" and not s.plural:
                    return s
            e = self._last_entity(pos, lambda e: e.label_ in ("ORG", "GPE", "FAC"))
        elif word in PRON_PERSON:
            if word in ("i", "we", "me", "us"):
                return None
            # The latest person named as a speaker or as the subject of a sentence: "Lauten
            # later apologized ... “...,” she said".
            person = next(
                (
                    s
                    for s in reversed(recent)
                    if s.type == "person"
                    and not s.plural
                    and not s.anonymous
                    and s.name.lower() not in PRON_PERSON
                    and self._fits(s.name, word)
                ),
                None,
            )
            cutoff = getattr(self, "_cutoff", pos)
            # A person who is a subject earlier in the pronoun's own sentence comes before any
            # earlier speaker: "... Boyd wrote. The release comes as Comey ... is on a tour
            # promoting a book in which he details the encounters" (claims-dev: "he" was Boyd).
            at = self.doc.char_span(pos, pos + len(word), alignment_mode="expand")
            if at is not None and len(at):
                sent_start = at[0].sent.start_char
                same = self._last_entity(
                    cutoff,
                    lambda e: (
                        e.start_char >= sent_start
                        and e.label_ == "PERSON"
                        and e.root.dep_ in ("nsubj", "nsubjpass")
                        and e.text not in PLATFORMS
                        and self._fits(e.text, word)
                    ),
                )
                if same is not None and (person is None or same.start_char > person.pos):
                    return self._describe(
                        Span.of(self.text, same.start_char, same.end_char), same.root
                    )
            only = self._only_person_nearby(cutoff, word)
            e = self._last_entity(
                cutoff,
                lambda e: (
                    e.label_ == "PERSON"
                    and _main_subject(e.root)
                    and e.text not in PLATFORMS
                    and self._fits(e.text, word)
                ),
            )
            titled = self._titled_subject(cutoff)
            if titled is not None and titled.idx > max(
                person.pos if person is not None else -1,
                only.start_char if only is not None else -1,
                e.start_char if e is not None else -1,
            ):
                # "Mr. Comey did not respond. The president, however, was unrepentant. “...,”
                # he wrote": the title written last is who "he" is.
                found = self._definite(titled, titled.idx)
                if found is not None:
                    return found
            if only is not None and (person is None or only.start_char > person.pos):
                # One person named in the paragraph before (and this one up to here):
                # "Enter Ms. Lauten — ... \n\n “...,” she wrote".
                return self._describe(Span.of(self.text, only.start_char, only.end_char), only.root)
            if person is not None and (e is None or e.start_char <= person.pos):
                return person
            if e is None:
                e = self._last_entity(
                    cutoff,
                    lambda e: (
                        e.label_ == "PERSON"
                        and e.text not in PLATFORMS
                        and self._fits(e.text, word)
                    ),
                )
        else:
            # "They": the latest plural speaker or plural subject of a main clause, never a
            # document ("the memos ... They said": the committee chairmen said) nor one person.
            cutoff = getattr(self, "_cutoff", pos)
            plural = next((x for x in reversed(recent) if x.plural and not _is_doc(x.head)), None)
            subj = self._plural_subject(cutoff)
            if subj is not None and (plural is None or subj.idx > plural.pos):
                lo = subj.left_edge.i
                return self._describe(
                    Span.of(self.text, self.doc[lo].idx, subj.idx + len(subj.text)), subj
                )
            if plural is not None:
                return plural
            for x in reversed(recent):
                if x.type not in ("person", "document") and not _is_doc(x.head):
                    return x
            e = self._last_entity(pos, lambda e: e.label_ in ("ORG", "GPE", "NORP"))
        if e is None:
            return None
        return self._describe(Span.of(self.text, e.start_char, e.end_char), e.root)

    def _cataphora(self, word: str, pos: int) -> _Speaker | None:
        """A possessive in a phrase fronted before its clause's named subject is that subject:
        "In his statement deriding the suit, Mr. Parscale said ..." (not the person who spoke
        before)."""
        if word not in ("his", "her"):
            return None
        span = self.doc.char_span(pos, pos + len(word))
        if span is None or len(span) != 1 or span[0].dep_ != "poss":
            return None
        tok = span[0]
        # Climb from the possessed noun through prepositions to the verb it modifies.
        verb = tok.head
        while verb.dep_ in ("pobj", "prep", "acl", "dobj", "appos") and verb.head is not verb:
            verb = verb.head
        if verb.pos_ not in ("VERB", "AUX") or not verb.i > tok.i:
            return None
        for c in verb.children:
            if c.dep_ == "nsubj" and c.i > tok.i:
                ent = next((e for e in self.ents if e.start <= c.i < e.end), None)
                if ent is not None and ent.label_ == "PERSON" and self._fits(ent.text, word):
                    return self._describe(Span.of(self.text, ent.start_char, ent.end_char), c)
        return None

    def _tokens_back(self, pos: int, reach: int) -> Iterator[Token]:
        """The tokens before ``pos``, last first, up to ``reach`` characters back."""
        before = self.doc.char_span(0, pos, alignment_mode="contract") if pos > 0 else None
        for t in reversed(before) if before is not None else ():
            if pos - t.idx > reach:
                return
            yield t

    def _plural_subject(self, cutoff: int) -> Token | None:
        """The last plural noun subject of a main clause before ``cutoff`` (600 chars back)."""
        for t in self._tokens_back(cutoff, 600):
            if (
                t.tag_ in ("NNS", "NNPS")
                and _main_subject(t)
                and not _is_doc(t.lower_)
                and t.lower_ not in PRON_PLURAL
            ):
                return t
        return None

    def _definite(self, head: Token, pos: int) -> _Speaker | None:
        h = head.lower_
        if h in DOC_HEADS and head.tag_ == "NN":
            author = self._issuer(h, pos)
            if author is not None:
                return author
        if h in MEDIA_HEADS:
            for s in reversed(self.history):
                if s.media:
                    return s
            e = self._last_entity(pos, lambda e: canonical_outlet(e.text) is not None)
            if e is not None:
                return self._describe(Span.of(self.text, e.start_char, e.end_char), e.root)
            return None
        if head.tag_ in ("NNS", "NNPS") and head.lemma_.lower() in TITLE_HEADS:
            # "the chairmen": everyone the article names with that title, when that is a group
            # ("Judiciary Chairman Bob Goodlatte, ... and Intelligence Chairman Devin Nunes").
            group = self._titled_group(TITLE_HEADS[head.lemma_.lower()])
            if group is not None:
                return group
        # "the spokesman" → the last spokesman; "the official" → the last official.
        for s in reversed(self.history):
            if s.head == h:
                return s
        if h in TITLE_HEADS and head.tag_ == "NN":
            # "the Texas governor continues": the last person named with that title (else the
            # first named with it further on). When the article names nobody with it, the
            # named person who just spoke ("... says Perry. ... the Texas governor
            # continues") unless named as a former holder ("former President George W.
            # Bush"), else no one: who holds an office is no inference to make.
            titles = TITLE_HEADS[h]
            # At any distance: "President Obama" in the lede is who "the president" is twenty
            # paragraphs on, however many others have spoken in between. A bare "the
            # president" is not one named as another country's ("President Vladimir V. Putin
            # of Russia", "French President Emmanuel Macron") while the article names one
            # without a country: that is the article's own president.
            bare = not any(c.dep_ in ("amod", "compound", "nmod", "poss") for c in head.lefts)
            e = None
            if bare:
                e = self._last_entity(
                    pos,
                    lambda e: (
                        self._has_title(e, titles, current=True) and not self._of_a_country(e)
                    ),
                    reach=None,
                )
            if e is None:
                e = self._last_entity(
                    pos, lambda e: self._has_title(e, titles, current=True), reach=None
                )
            if e is None:
                # Named with the title only further on ("... President Obama then flew home").
                e = next(
                    (
                        x
                        for x in self.ents
                        if x.start_char >= pos and self._has_title(x, titles, current=True)
                    ),
                    None,
                )
            if e is not None:
                return self._describe(Span.of(self.text, e.start_char, e.end_char), e.root)
            former = {
                _person_name(e.text).split()[-1].lower()
                for e in self.ents
                if self._has_title(e, titles) and not self._has_title(e, titles, current=True)
            }
            for s in reversed(self.history[-6:]):
                if s.type == "person" and not s.anonymous and not s.plural and " " in s.name:
                    return None if s.name.split()[-1].lower() in former else s
            return None
        # Any singular tag: the small model tags "pro" in "The communications pro" as an adverb.
        if h in ROLE_HEADS and head.tag_ not in ("NNS", "NNPS"):
            # "added Lauten ... The communications pro also took a shot at ...": a role noun
            # names again the person who just spoke.
            for s in reversed(self.history[-3:]):
                if s.type == "person" and not s.anonymous and not s.plural and " " in s.name:
                    return s
            return self._topic_person(pos)
        return None

    def _issuer(self, noun: str, pos: int) -> _Speaker | None:
        """Who spoke "in a <noun>" last before ``pos``: "In a statement published by KCNA, Kim
        Jong Un promised ... “...,” the statement said" is Kim's statement."""
        for t in self._tokens_back(pos, 1500):
            if t.lower_ != noun or t.dep_ != "pobj" or t.head.lower_ != "in":
                continue
            if not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in t.children):
                continue
            verb = t.head.head
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subj is None or subj.lower_ in PRON_PERSON | PRON_THING | PRON_PLURAL:
                return None
            lo = subj.left_edge.i
            return self._describe(
                Span.of(self.text, self.doc[lo].idx, subj.idx + len(subj.text)), subj
            )
        return None

    def _titled_group(self, titles: frozenset[str]) -> _Speaker | None:
        """The people the article names with one of ``titles``, as one plural source."""
        names: list[str] = []
        for e in self.ents:
            if self._has_title(e, titles, current=True):
                name = _person_name(e.text)
                if name.split()[0].lower() in titles:
                    name = " ".join(name.split()[1:])
                if name and all(n.split()[-1] != name.split()[-1] for n in names):
                    names.append(name)
        return _group(names, names[-1].split()[-1].lower() if names else "")

    def _has_title(self, e: SpacySpan, titles: frozenset[str], current: bool = False) -> bool:
        """``e`` is a person named with one of ``titles`` (with ``current``: not as its
        former holder)."""
        if e.label_ != "PERSON":
            return False
        if e.start > 0 and self.doc[e.start - 1].lower_ in titles:
            k = e.start - 2
        elif e.text.split()[0].lower() in titles:
            k = e.start - 1
        else:
            return False
        m = k - 1 if k >= 1 and self.doc[k].text == "-" else k
        if m >= 0 and self.doc[m].lower_ in _LESSER:
            return False  # "Vice President Mike Pence" is not "the president"
        if not current:
            return True
        before = {self.doc[j].lower_ for j in range(max(0, k - 1), k + 1) if j >= 0}
        return not (before & _FORMER)

    def _of_a_country(self, e: SpacySpan) -> bool:
        """``e``'s title names a country: "Russian President Vladimir Putin", "President
        Vladimir V. Putin of Russia"."""
        doc = self.doc
        k = e.start - 1 if e.start > 0 and doc[e.start - 1].lower_ in TITLES else e.start
        if k > 0 and doc[k - 1].ent_type_ in ("NORP", "GPE"):
            return True
        after = doc[e.end : e.end + 2]
        return len(after) == 2 and after[0].lower_ == "of" and after[1].ent_type_ == "GPE"

    def _topic_person(self, pos: int) -> _Speaker | None:
        """The person the last sentences were about, when nobody has been quoted yet: "Barack
        Obama met with Mitt Romney ... the president told reporters" (the main subject)."""
        e = self._last_entity(
            pos, lambda e: e.label_ == "PERSON" and _main_subject(e.root) and " " in e.text
        )
        if e is None or pos - e.end_char > 600:
            return None
        return self._describe(Span.of(self.text, e.start_char, e.end_char), e.root)

    def _listed_after(self, head: Token) -> list[str]:
        """The people a plural mention lists right after it, between dashes or after a comma
        or colon, up to its verb ("The three chairmen — A of ..., B of ... and C of ... —
        wrote"), however the parser attached them (it often makes the names the subject)."""
        opener = head.i + 1
        if opener >= len(self.doc) or self.doc[opener].text not in _LIST_OPENERS:
            return []
        end = opener + 1
        limit = min(head.sent.end, head.head.i if head.head.i > head.i else head.sent.end)
        while end < limit and self.doc[end].text not in _LIST_CLOSERS:
            end += 1
        return [
            _person_name(e.text)
            for e in self.ents
            if e.label_ == "PERSON" and opener < e.start and e.end <= end
        ]

    def _describe(self, span: Span, head: Token | None) -> _Speaker:
        """Name, type and anonymity of a source from its own words."""
        text = span.text.strip()
        low = text.lower()
        toks = list(self.doc.char_span(span.start, span.end, alignment_mode="expand") or [])
        h = head.lower_ if head is not None else (low.split() or [""])[-1]
        plural = head is not None and head.tag_ in ("NNS", "NNPS")
        ent = None
        apposed_person = False
        if head is not None:
            ent = next((e for e in self.ents if e.start <= head.i < e.end), None)
            if ent is None and not plural:
                # "the aide, Elizabeth Lauten, 31": the appositive names the source (not
                # "the committee chairmen, Devin Nunes and Trey Gowdy": one of them is not all).
                # A person's role names a person even where the small model calls the name
                # an organisation ("the campaign's manager, Brad Parscale," is ORG to it).
                person_role = h in PERSON_HEADS or h in ROLE_HEADS or h in TITLE_HEADS
                for c in head.children:
                    if c.dep_ == "appos" and (
                        c.ent_type_ == "PERSON"
                        or (person_role and c.pos_ == "PROPN" and c.ent_type_ in ("ORG", ""))
                    ):
                        ent = next((e for e in self.ents if e.start <= c.i < e.end), None)
                        apposed_person = ent is not None
                        break
        if ent is None and head is not None and plural:
            # "The three Republican chairmen — Representative Robert W. Goodlatte ..., Devin
            # Nunes ... and Trey Gowdy": the apposition lists the group.
            listed = [
                _person_name(e.text)
                for c in head.children
                if c.dep_ == "appos" and c.ent_type_ == "PERSON"
                for t in (c, *[x for x in c.subtree if x.dep_ == "conj"])
                for e in self.ents
                if e.start <= t.i < e.end and e.label_ == "PERSON"
            ]
            group = _group(listed or self._listed_after(head), h)
            if group is not None:
                return group
        if ent is None and head is not None and h in DOC_HEADS:
            # "according to a statement from Boehner", "Obama's statement said": the author
            # of the document speaks through it.
            author = self._author(head)
            if author is not None:
                return self._describe(
                    Span.of(self.text, author.start_char, author.end_char), author.root
                )
            owner = next((c for c in head.children if c.dep_ == "poss"), None)
            if owner is not None and owner.lower_ in PRON_PERSON | PRON_PLURAL:
                # "his statement deriding the suit": whoever "his" is wrote it.
                found = self._pronoun(owner.lower_, owner.idx)
                if found is not None:
                    return found
        # Media: the outlet table, on the head entity or the whole phrase.
        for cand in ([ent.text] if ent is not None else []) + [text, _strip_det(text)]:
            outlet = canonical_outlet(cand)
            if outlet:
                return _Speaker(outlet, "media", h, False, False, True)
        anonymous = bool(ANON_WORDS & {t.lower_ for t in toks}) or "familiar with" in low
        has_person = any(
            e.label_ == "PERSON" and e.start_char >= span.start and e.end_char <= span.end
            for e in self.ents
        )
        if not anonymous and h in ANON_HEADS and not has_person:
            anonymous = True
        apposed = APPOSED_MEDIA.search(text)
        if apposed is not None:
            # "a South Korean newspaper, Munhwa Ilbo": the apposition names the paper, whatever
            # entity the tagger found in the phrase.
            return _Speaker(apposed.group(1), "media", h, False, False, True)
        if ent is not None and ent.label_ == "PERSON" and head is not None:
            # "Chairman Bob Goodlatte, ...; Chairman Trey Gowdy, ...; and Chairman Devin Nunes
            # said": coordinated people speak together.
            joined = [
                _person_name(e.text)
                for e in self.ents
                if e.label_ == "PERSON" and span.start <= e.start_char and e.end_char <= span.end
            ]
            group = _group(joined, h) if any(x.dep_ == "conj" for x in head.subtree) else None
            if group is not None:
                return group
        if ent is not None and (ent.label_ == "PERSON" or apposed_person):
            name = _person_name(ent.text)
            if len(name.split()) == 1:
                # A bare surname or given name is the person the article names in full.
                low_name = name.lower()
                name = self._bearer(low_name, ent) or self._given.get(low_name) or name
            gov = False
            return _Speaker(name, "government" if gov else "person", h, plural, False, False)
        if head is not None and head.pos_ == "PROPN" and ent is None and h[:1].isalpha():
            full = self._surnames.get(h)
            if full:
                return _Speaker(full, "person", h, False, False, False)
        name = self._name(text, ent, head)
        type_ = source_type(low, h, ent.label_ if ent is not None else None, toks)
        if type_ == "media":
            return _Speaker(name, type_, h, plural, False, True)
        return _Speaker(name, type_, h, plural, anonymous, False)

    def _author(self, head: Token) -> SpacySpan | None:
        """The named person or organisation behind a document noun: its possessor ("Obama's
        statement") or the object of "from"/"by" ("a statement from the White House")."""
        cands: list[Token] = []
        for c in head.children:
            if c.dep_ == "poss":
                cands.append(c)
            if c.dep_ == "prep" and c.lower_ in ("from", "by"):
                cands.extend(g for g in c.children if g.dep_ == "pobj")
        if head.dep_ == "dobj" and head.head.lemma_.lower() in AUTHORING:
            # "the aide, Elizabeth Lauten, wrote an open letter ..., saying": the writer.
            for c in head.head.children:
                if c.dep_ == "nsubj":
                    cands.append(c)
                    cands.extend(g for g in c.children if g.dep_ == "appos")
        for t in cands:
            e = next((e for e in self.ents if e.start <= t.i < e.end), None)
            if e is not None and e.label_ in ("PERSON", "ORG"):
                return e
        return None

    def _name(self, text: str, ent: SpacySpan | None, head: Token | None) -> str:
        # "the Russian Embassy in Washington" keeps its place name; "Trump campaign officials"
        # is not the campaign.
        if (
            ent is not None
            and ent.label_ in ("ORG", "GPE", "FAC")
            and head is not None
            and (ent.root.i == head.i or ent.end - 1 == head.i)
        ):
            return _strip_det(text.split(",")[0].strip())
        first = text.split(",")[0].strip()
        return _strip_det(first) if first else text
