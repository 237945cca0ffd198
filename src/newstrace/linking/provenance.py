"""Provenance of one claim: where it started, who relayed it, who backs it on their own, who
disputes it, how hedged it is, and when each of these happened.

Counting independent backers is the point of the product, so the rules are explicit:
- a copy of another article (``copy_of`` set) never adds a backer; it is listed as a relay;
- an outlet's unattributed restatement adds none either: it relays the claim with the
  attribution dropped (relay kind ``unattributed``);
- a medium cited as the source ("The New York Times reported ...") is a relay: the backer is
  whoever that medium cites in the article (its anonymous officials), or the medium's own
  reporting when it cites no one there;
- anonymous and unnamed collective sources ("officials", "people familiar with the matter")
  reached through the same reporter count once, as that reporter's sources;
- named sources count once each, however many articles quote them ("Trump", "Mr. Trump" and
  "Donald Trump" are one);
- a reference to the report itself ("media reports", "the report") backs nothing;
- disputers are only sources whose stance toward *this* claim is deny / dismiss / contradict
  (statements.is_dispute), grouped by the party they speak for.

Origin: the source the claim comes from as the texts tell it. Each candidate (a source of a
claim-bearing member) scores one point per article citing it; a medium cited by another
outlet gets a bonus (it broke the story the others relay), and one stated as first
("first reported by The Washington Post", "according to a report in X") a larger one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from newstrace.linking.statements import (
    DISPUTE_STANCES,
    Statement,
    is_dispute,
    is_reference,
    rejects_in_own_words,
    sentences,
)
from newstrace.linking.text import sort_key
from newstrace.model import Attribution

# Source names that stand for an unnamed group of people rather than someone on record.
_UNNAMED = re.compile(
    r"\b(officials?|sources?|intelligence|authorities|investigators|people|persons|analysts|"
    r"experts|diplomats|aides?|insiders?|spokes(?:man|woman|person)|someone|residents|witnesses)\b",
    re.IGNORECASE,
)
# Who a government body speaks for. Order matters: "the Russian Embassy in Washington" is Russia.
_PARTIES = (
    (re.compile(r"\b(kremlin|moscow|russians?|russia|putin)\b", re.IGNORECASE), "Russia"),
    (re.compile(r"\b(beijing|chinese|china)\b", re.IGNORECASE), "China"),
    (re.compile(r"\b(tehran|iranians?|iran)\b", re.IGNORECASE), "Iran"),
    (re.compile(r"\b(pyongyang|north koreans?|north korea)\b", re.IGNORECASE), "North Korea"),
    (re.compile(r"\b(taliban)\b", re.IGNORECASE), "the Taliban"),
    (
        re.compile(
            r"\b(white house|pentagon|state department|united states|u\.s\.)", re.IGNORECASE
        ),
        "United States",
    ),
)
# "first reported by The Washington Post", "according to a report in the Post", "as the Post
# first reported": the text names where the claim started.
_STATED = re.compile(
    r"(first reported by|first reported|broke the news|according to (?:a|the) (?:report|story) "
    r"(?:in|by|from)|(?:a|the) report (?:in|by|from)|citing (?:a|the) report (?:in|by|from))"
    r"\s*(?:the\s+)?([A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4})",
)
_STATED_BEFORE = re.compile(
    r"([A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4}),?\s+(?:which\s+|who\s+|that\s+)?first reported"
)
# "…, the Washington Post reported" / "The Post reported on Monday that …"
_REPORTED = re.compile(
    r"(?:[Tt]he\s+)?([A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3})\s+(?:first\s+)?"
    r"(?:reported|reports|revealed|broke the news)"
)
_POSSESSIVE_END = re.compile(r"['’]s?$")
MEDIUM_BONUS = 1.0
_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
# Words the parser sometimes leaves as a source ("each said", "some argued"): nobody to name.
_PSEUDO = re.compile(
    r"^(each|some|many|others?|both|all|several|few|most|one|it|they|this|that|which|who|"
    r"he|she|we|you|i)$",
    re.IGNORECASE,
)
STATED_BONUS = 3.0
# A state's voice quoted inside a medium's report outvotes the medium (MEDIUM_BONUS) for the
# claim it makes, short of an origin the text states (STATED_BONUS).
STATE_VOICE_BONUS = 1.5
# A document speaking ("The lawsuit alleges", "the memos show") is its author speaking: the
# claim comes from whoever filed or wrote it, when the coverage names them.
_DOCUMENT = r"(?:lawsuit|suit|complaint|memos?|memorandum|indictment|filing|dossier)"
_DOC_SOURCE = re.compile(
    rf"^(?:the|this|that|their|its|his|her)\s+(?:[\w-]+\s+)?{_DOCUMENT}$", re.I
)
_ENDS_IN_DOCUMENT = re.compile(rf"\b{_DOCUMENT}\W*$", re.I)
_DOC_SUBJECT = re.compile(rf"^\W*(?:The|This|That|Their|Its|His|Her)\s+(?:[\w-]+\s+)?{_DOCUMENT}\b")
_NAME = r"((?:[A-Z][\w.&'’-]*\s+){0,4}[A-Z][\w.&'’-]*)"
_DOC_AUTHOR = (
    # "the D.N.C. filed a multimillion-dollar lawsuit", "Democrats sued"
    re.compile(
        rf"{_NAME}\s+(?:(?:on|last)\s+\w+\s+)?(?:filed|brought|lodged)\s+(?:a|an|the|its)\s+"
        rf"(?:[\w$-]+\s+){{0,4}}?{_DOCUMENT}\b"
    ),
    re.compile(rf"{_NAME}\s+(?:(?:on|last)\s+\w+\s+)?(?:sued|is suing|are suing)\b"),
    # "the lawsuit filed by the Democratic National Committee"
    re.compile(
        rf"{_DOCUMENT}\s+(?:filed|brought|written|released|drafted)\s+by\s+(?:the\s+)?{_NAME}"
    ),
    # "the DNC's lawsuit", "Comey's memos"
    re.compile(rf"{_NAME}['’]s?\s+(?:[\w-]+\s+){{0,2}}?{_DOCUMENT}\b"),
)
_PERSON_TITLES = re.compile(r"^(mr|mrs|ms|dr|president|sen|rep|gov|gen)\.?\s+", re.I)


def norm(name: str) -> str:
    n = re.sub(r"\s+", " ", name.strip().lower())
    return re.sub(r"^(the|a|an)\s+", "", n)


_STATES = frozenset(label for _pattern, label in _PARTIES)
_DEMONYMS = {
    "Russia": "Russian",
    "China": "Chinese",
    "Iran": "Iranian",
    "North Korea": "North Korean",
    "the Taliban": "Taliban",
    "United States": "U.S.",
}


def party(name: str) -> str:
    for pattern, label in _PARTIES:
        if pattern.search(name):
            return label
    return name


# A state's voice: its government, or an office holder named with the state's adjective
# ("Iranian President Hassan Rouhani", "the Iranians", "Tehran" are one origin: Iran).
_STATE_OFFICE = re.compile(
    r"\b(president|minister|spokes(?:man|woman|person)|ambassador|embassy|foreign|"
    r"government|officials?|leader|state media|news agency)\b|^the\s+\w+ians?$",
    re.IGNORECASE,
)


def _vote_key(key: str, a: Attribution) -> str:
    assert a.source is not None
    said = a.source.span.text.strip()
    # The resolved name drops the title that says whom the person speaks for.
    state = next((p for p in (party(a.source.resolved), party(said)) if p in _STATES), None)
    if state is not None and (a.source.type == "government" or _STATE_OFFICE.search(said)):
        return "state:" + state
    return key


_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def person_key(name: str) -> str:
    """'Mr. Trump', 'Donald Trump', 'Donald J. Trump' → 'trump' (one person, one key);
    'Kim Jong-un' and 'Kim Jong Un' → 'un'."""
    n = _PERSON_TITLES.sub("", norm(name)).replace("-", " ")
    words = re.findall(r"[a-z'’]+", n)
    # "Roger J. Stone Jr." is Stone, not "jr"
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else n


@dataclass(slots=True)
class ArticleInfo:
    """A stored article as the linkers see it."""

    seq: int
    key: str
    id: str
    path: str
    title: str | None
    publisher: str | None
    published: str | None
    agencies: tuple[str, ...] = ()
    url: str | None = None
    text: str = ""
    attributions: list[Attribution] = field(default_factory=list)
    copy_of: str | None = None  # display id of the earliest version
    story: str | None = None

    def brief(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "publisher": self.publisher,
            "published": self.published,
            "title": self.title,
            "url": self.url,
        }


def _is_unnamed(a: Attribution) -> bool:
    if a.source is None:
        return False
    return a.source.anonymous or bool(
        a.source.type in ("government", "organization", "unknown", "person")
        and _UNNAMED.search(a.source.resolved)
        and not re.search(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", a.source.span.text)
    )


def _reporter(a: Attribution, art: ArticleInfo) -> str:
    if a.via:
        return a.via[-1]
    return art.publisher or (art.agencies[0] if art.agencies else art.id)


def _is_medium(a: Attribution, media: frozenset[str]) -> bool:
    return a.source is not None and (a.source.type == "media" or norm(a.source.resolved) in media)


def _nested(a: Attribution, art: ArticleInfo) -> bool:
    """Inside another attribution's content ("The NYT said [the unit may be seeking revenge]"):
    the outer source vouches for it, the inner one is what is reported about."""
    anchor = a.source.span if a.source else a.cue
    if anchor is None:
        return False
    return any(
        o is not a and o.content is not None and o.content.start <= anchor.start < o.content.end
        for o in art.attributions
    )


def _outer(a: Attribution, art: ArticleInfo) -> Attribution | None:
    """The attribution whose content holds ``a``'s source (or cue)."""
    anchor = a.source.span if a.source else a.cue
    if anchor is None:
        return None
    return next(
        (
            o
            for o in art.attributions
            if o is not a
            and o.content is not None
            and o.content.start <= anchor.start < o.content.end
        ),
        None,
    )


_CAPITALISED = re.compile(r"[A-Z][\w'’.&-]*")


def _named_in_span(a: Attribution | None) -> str | None:
    """The proper name an organisation's or medium's source span spells out, if any ("the
    Munhwa Ilbo newspaper" → "Munhwa Ilbo"): capitalised words, not a person's title."""
    if a is None or a.source is None or a.source.type not in ("media", "organization"):
        return None
    words = a.source.span.text.strip().split()
    run: list[str] = []
    best: list[str] = []
    for w in words:
        if _CAPITALISED.fullmatch(w.strip(",;:")) and w.lower() not in ("the", "a", "an"):
            run.append(w.strip(",;:"))
            # The last of equal runs: an apposition names after it describes ("a South
            # Korean newspaper, Munhwa Ilbo").
            if len(run) >= len(best):
                best = list(run)
        else:
            run = []
    return " ".join(best) if len(best) >= 2 else None


def _acronym(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'’-]*", name) if w[0].isupper())


def _looks_like_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return len(letters) > 1 and letters.isupper()


def _is_acronym_of(short: str, full: str) -> bool:
    """ "DNC" or "D.N.C." for "Democratic National Committee"."""
    spelled_out = len(full.split()) > 1 and any(c.islower() for c in full)
    return _looks_like_acronym(short) and spelled_out and _acronym(full) == short.replace(".", "")


# Whom a person speaks for, as the article titles them: "DNC Chair Tom Perez", "Tom Perez, the
# chairman of the Democratic Party", "Tom Perez, chair of the DNC".
_ROLE_WORDS = (
    r"(?:chair(?:man|woman|person)?|spokes(?:man|woman|person)|president|director|head|"
    r"leader|chief|secretary|counsel|lawyer|attorney|official|executive|founder|manager|"
    r"treasurer|general counsel|communications director|deputy)"
)
# Words of an organisation's name that say nothing of which one it is.
_GENERIC_ORG_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "national",
        "committee",
        "party",
        "department",
        "office",
        "united",
        "states",
        "american",
        "association",
        "group",
        "council",
        "campaign",
        "government",
        "agency",
        "u.s.",
        "us",
    ]
)


def _org_marks(org: str) -> list[str]:
    """How a text may name ``org`` in a title: its distinctive words and its acronym."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", org) if w.lower() not in _GENERIC_ORG_WORDS]
    marks = [w for w in words if len(w) > 2]
    acronym = _acronym(org)
    if len(acronym) > 1 and len(org.split()) > 1:
        marks += [acronym, ".".join(acronym) + "."]
    return marks


def affiliated(person: str, org: str, texts: Sequence[str]) -> bool:
    """Whether some text titles ``person`` (a full name) as speaking for ``org``: an
    organisation's chair answering criticism is not a disputer of the organisation's claim."""
    if len(person.split()) < 2 or not org:
        return False
    # Only a text that names the person can title them (and the patterns are slow to run
    # over every article of every claim: linking calls this per claim).
    low = person.lower()
    texts = [t for t in texts if t and low in t.lower()]
    patterns = _affiliation_patterns(person, org) if texts else None
    if patterns is None:
        return False
    before, after = patterns
    return any(before.search(t) or after.search(t) for t in texts)


@lru_cache(maxsize=4096)
def _affiliation_patterns(person: str, org: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    marks = _org_marks(org)
    if not marks:
        return None
    mark = "(?:" + "|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True)) + ")"
    named = re.escape(person)
    # "DNC Chair Tom Perez", "Democratic Party chairman Tom Perez"
    before = re.compile(rf"\b{mark}\W*(?:[A-Z]\w+\s+){{0,2}}{_ROLE_WORDS}\s+{named}\b", re.I)
    # "Tom Perez, the chairman of the Democratic Party", "Tom Perez, chair of the DNC"
    after = re.compile(
        rf"\b{named},\s+(?:the\s+)?(?:\w+\s+){{0,2}}{_ROLE_WORDS}\s+(?:of|for|at)\s+"
        rf"(?:the\s+)?(?:[\w.’'-]+\s+){{0,2}}{mark}",
        re.I,
    )
    return before, after


def document_author(
    texts: Sequence[str], spelled: frozenset[str] | set[str] = frozenset()
) -> str | None:
    """Who filed or wrote the document a claim is attributed to, as the coverage says it
    ("the D.N.C. filed a lawsuit", "the lawsuit filed by the DNC", "Comey's memos"): the name
    most often given, spelled out where an acronym ("DNC") is."""
    found: Counter[str] = Counter()
    for text in texts:
        for pattern in _DOC_AUTHOR:
            for m in pattern.finditer(text or ""):
                name = _ARTICLE.sub("", m.group(1).strip())
                if not name or name.split()[0] in _NOT_AUTHOR:
                    continue
                full = next((x for x in sorted(spelled) if _is_acronym_of(name, x)), name)
                found[full] += 1
    if not found:
        return None
    return max(found, key=lambda n: (found[n], len(n)))


# A name of two to five capitalised words, which an acronym may stand for.
_SPELLED_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of\s+)?[A-Z][a-z]+){1,4}\b")
# Capitalised words that start a sentence, not a name ("On Friday the DNC filed ...").
_NOT_AUTHOR = frozenset(
    {"On", "In", "Last", "It", "They", "He", "She", "We", "This", "That", "But", "And"}
)


def _cited_label(art: ArticleInfo, medium: str) -> tuple[str, bool]:
    """How to name "the sources ``medium`` cites in this article": its anonymous sources
    first (they are the ones that need a name), else its first unnamed one, else itself."""
    cited = sorted(
        (
            o
            for o in art.attributions
            if o.source is not None and o.via and norm(o.via[-1]) == norm(medium) and _is_unnamed(o)
        ),
        key=lambda o: not (o.source and o.source.anonymous),
    )
    if cited and cited[0].source is not None:
        return f"{cited[0].source.resolved} (via {medium})", True
    return medium, False


def _speaks_for_a_state(a: Attribution) -> bool:
    """An unnamed source on record for a state ("a Kremlin spokesman", "the Russian embassy"),
    not one of the reporter's anonymous sources: the Times quoting a Kremlin spokesman is
    Russia speaking, not the officials the Times keeps unnamed."""
    assert a.source is not None
    said = a.source.span.text
    return (
        not a.source.anonymous
        and bool(_STATE_OFFICE.search(said))
        and party(a.source.resolved + " " + said) in _STATES
    )


def _state_voice_inside(
    a: Attribution, st: Statement, members: Sequence[Statement], art: ArticleInfo
) -> Attribution | None:
    """A member of the claim nested in ``a``'s content whose source speaks for a state."""
    for o in members:
        inner = o.attribution
        if (
            o.article == st.article
            and inner is not None
            and inner is not a
            and inner.source is not None
            and _outer(inner, art) is a
            and _speaks_for_a_state(inner)
        ):
            return inner
    return None


def _backer(
    a: Attribution, art: ArticleInfo, media: frozenset[str]
) -> tuple[tuple[str, str], str, bool]:
    """(key, label, anonymous) of who vouches for the claim in this attribution."""
    assert a.source is not None
    src = a.source.resolved
    if _is_medium(a, media):
        label, anon = _cited_label(art, src)
        return ("via", norm(src)), label, anon
    if _is_unnamed(a):
        reporter = _reporter(a, art)
        if _speaks_for_a_state(a):
            # On record for a state, whoever carries it: not one of the reporter's sources.
            return ("named", norm(src)), f"{src} (via {reporter})" if a.via else src, False
        if a.via:
            label, anon = _cited_label(art, reporter)
            return ("via", norm(reporter)), label, anon or a.source.anonymous
        return ("via", norm(reporter)), f"{src} (via {reporter})", a.source.anonymous
    if a.source.type == "person":
        return ("named", person_key(src)), src, False
    return ("named", norm(src)), src, False


_GROUP_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def _merge_into_groups(backers: dict[tuple[str, str], dict[str, Any]]) -> None:
    """A person who also speaks in a group the claim is credited to ("Bob Goodlatte" beside
    "Robert W. Goodlatte, Devin Nunes and Trey Gowdy", their joint statement) is that group's
    voice, not a second independent source."""
    groups: dict[tuple[str, str], set[str]] = {}
    for k, entry in backers.items():
        parts = [p for p in _GROUP_SPLIT.split(entry["name"]) if p.strip()]
        if len(parts) >= 2 and all(p.strip()[:1].isupper() for p in parts):
            groups[k] = {person_key(p) for p in parts}
    for k in list(backers):
        b = backers[k]
        if k in groups or b.get("anonymous"):
            continue
        into = next((g for g, keys in groups.items() if person_key(b["name"]) in keys), None)
        if into is None:
            continue
        target = backers[into]
        for field_name in ("articles", "attributions"):
            target[field_name] += [x for x in b[field_name] if x not in target[field_name]]
        del backers[k]


_PASSED_ON = re.compile(r"^(?:according to|citing|cited)\b", re.I)


def _relaying_outlets(
    cited: dict[tuple[str, str], list[tuple[str, Statement, Attribution]]],
) -> list[tuple[str, str]]:
    """Outlets cited for a claim only as passing on another cited outlet's report: "Yonhap
    reports that the Korean Central News Agency published the announcement", "KCNA said
    that ..., according to The Associated Press". They add no independent source (the
    guidelines: a re-report of the same source by another outlet adds nothing)."""
    if len(cited) < 2:
        return []
    out = []
    for k, said in cited.items():
        others = {o: v for o, v in cited.items() if o != k}
        if all(_passes_on(article, st, a, others) for article, st, a in said):
            out.append(k)
    # Two outlets naming each other relay nothing but each other: keep both.
    return out if len(out) < len(cited) else []


def _passes_on(
    article: str,
    st: Statement,
    a: Attribution,
    others: dict[tuple[str, str], list[tuple[str, Statement, Attribution]]],
) -> bool:
    """This citation names another cited outlet, or is "according to" it on the same content."""
    text = norm(st.text)
    if any(len(o[1]) > 3 and o[1] in text for o in others):
        return True
    return bool(a.cue is not None and _PASSED_ON.match(a.cue.text)) and any(
        art2 == article and st2.content.start == st.content.start
        for said in others.values()
        for art2, st2, _a2 in said
    )


def _dispute_party(src: str, a: Attribution) -> str:
    """Disputers are grouped by party: a state's voices as the state, a person under any
    spelling of the name ("Parscale", "Brad Parscale"), anyone else by the name."""
    p = party(src)
    # "Russia" itself is the party its voices ("a Kremlin spokesman") are grouped under.
    if p != src or p in _STATES:
        return p
    # "Trump" alone is often typed unknown beside "President Trump", a person.
    if a.source is not None and a.source.type in ("person", "unknown") and src[:1].isupper():
        return "person:" + person_key(src)
    return norm(src)


def _merge_surnames(disputers: dict[str, dict[str, Any]], where: dict[str, set[int]]) -> None:
    """A surname alone joins the person of that surname: the analysis may type "Parscale"
    an organisation in one article and "Brad Parscale" a person in the next."""
    for p in [p for p in disputers if not p.startswith("person:") and " " not in p]:
        person = "person:" + p
        if person not in disputers:
            continue
        into, gone = disputers[person], disputers.pop(p)
        for key in ("sources", "stances", "articles", "attributions"):
            for val in gone[key]:
                if val not in into[key]:
                    into[key].append(val)
        where.setdefault(person, set()).update(where.pop(p, set()))


def _reported_by_member(st: Statement, members: Sequence[Statement]) -> bool:
    """The denial is what another member reports ("The newspaper quoted [a Kremlin spokesman
    saying only that Russia was unaware of the accusations]"): that claim is the denial itself,
    which its speaker does not dispute."""
    a = st.attribution
    if a is None or a.cue is None:
        return False
    cue = a.cue.start
    return any(
        m.article == st.article
        and m.attribution is not None
        and m.attribution is not a
        and m.attribution.content is not None
        and m.attribution.content.start <= cue < m.attribution.content.end
        for m in members
    )


def _can_dispute(a: Attribution) -> bool:
    """Only someone can dispute: a named or typed party, not a phrase the parser took for a
    source ("the 2020 president election")."""
    if a.source is None:
        return False
    # "James Comey Memos just out show ... NO COLLUSION": the document is what the speaker
    # cites, not a party that disputes anything.
    if _ENDS_IN_DOCUMENT.search(a.source.resolved):
        return False
    if a.source.type in ("person", "organization", "government", "media"):
        return True
    return a.source.anonymous or a.source.resolved[:1].isupper()


def stated_origin(
    art: ArticleInfo, near: int, media: frozenset[str] = frozenset()
) -> tuple[str, bool] | None:
    """A source the article names as where the claim started, in the sentence at ``near``:
    "first reported by X", "according to a report in X", or a known medium other than the
    publisher that "reported" it ("…, the Washington Post reported"). The flag says which: a
    text that says "first" (True) or one that only says "reported" (False)."""
    text = art.text
    if not text:
        return None
    # The sentence around the statement: a paragraph often names other reports too. Cut as
    # statements are ("Mr. Pompeo" does not end it: "The Washington Post first reported Mr."
    # named "Mr" the origin).
    para_start = text.rfind("\n", 0, max(0, near)) + 1
    para_end = text.find("\n", near)
    para = text[para_start : para_end if para_end >= 0 else len(text)]
    for s, e in sentences(text, para_start):
        if e > near:
            para = text[s:e]
            break
    for m in (_STATED.search(para), _STATED_BEFORE.search(para)):
        if m is None:
            continue
        name = m.group(m.lastindex or 1).strip(" ,.")
        # "who first reported the DNC's lawsuit": a possessive is what was reported, not who.
        if name and not _POSSESSIVE_END.search(name):
            return name, True
    own = norm(art.publisher or "")
    for r in _REPORTED.finditer(para):
        name = r.group(1).strip(" ,.")
        if norm(name) in media and norm(name) != own:
            return name, False
    return None


def _article_ref(art: ArticleInfo, st: Statement) -> list[Any]:
    return [art.id, st.index]


def provenance(
    claim_id: str,
    members: Sequence[Statement],
    articles: Sequence[ArticleInfo],
    media: frozenset[str],
    outside_disputes: Sequence[Statement] = (),
) -> dict[str, Any]:
    """The claim record of one claim (``media``: normalised names of known media).

    ``outside_disputes``: disputes in the claim's story that are not members but point at it
    (a campaign calling the whole lawsuit "a sham"); they count as disputers.
    """

    def when(st: Statement) -> tuple[Any, int, int]:
        art = articles[st.article]
        return (sort_key(art.published), art.seq, st.content.start)

    ordered = sorted(members, key=when)
    backers: dict[tuple[str, str], dict[str, Any]] = {}
    # What each outlet cited for the claim said, where: to tell an outlet that relays another
    # outlet's report from one with its own.
    cited: dict[tuple[str, str], list[tuple[str, Statement, Attribution]]] = {}
    relays: list[dict[str, Any]] = []
    disputers: dict[str, dict[str, Any]] = {}
    hedges: list[dict[str, Any]] = []
    timeline: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    votes: dict[str, dict[str, Any]] = {}
    seen_relay: set[tuple[str, str, str]] = set()

    def relay(entry: dict[str, Any]) -> None:
        k = (entry["kind"], str(entry.get("name")), entry["article"])
        if k not in seen_relay:
            seen_relay.add(k)
            relays.append(entry)

    dispute_articles: dict[str, set[int]] = {}

    def dispute(st: Statement) -> None:
        art, a = articles[st.article], st.attribution
        assert a is not None and a.source is not None
        src = a.source.resolved
        if not _can_dispute(a):
            return
        p = _dispute_party(src, a)
        dispute_articles.setdefault(p, set()).add(st.article)
        d = disputers.setdefault(
            p,
            {"party": party(src), "sources": [], "stances": [], "articles": [], "attributions": []},
        )
        if p.startswith("person:") and len(src) > len(d["party"]):
            d["party"] = src  # the fullest spelling names the party ("Brad Parscale")
        # The stance toward this claim: a cue that asserts "the report is false" contradicts it.
        toward = a.stance if a.stance in DISPUTE_STANCES else "contradict"
        for key, val in (("sources", src), ("stances", toward), ("articles", art.id)):
            if val not in d[key]:
                d[key].append(val)
        ref = _article_ref(art, st)
        if ref not in d["attributions"]:
            d["attributions"].append(ref)

    def vote(
        key: str,
        label: str,
        a: Attribution | None,
        art: ArticleInfo,
        st: Statement,
        bonus: float = 0.0,
        anonymous: bool = False,
        stated: bool = False,
        kind: str | None = None,
    ) -> None:
        v = votes.setdefault(
            key,
            {
                "labels": [],
                "articles": set(),
                "bonus": 0.0,
                "first": when(st),
                "ref": (art, st),
                "type": kind or (a.source.type if a and a.source else "media"),
                "anonymous": anonymous,
                "stated": False,
                "attributions": [],
                "spellings": [],
                "key": key,
            },
        )
        if _PSEUDO.match(label):
            return
        named = _named_in_span(a)
        if named and a is not None and a.source is not None and named not in label:
            # The text names it ("the Munhwa Ilbo newspaper") and the resolution says another
            # name: the words on the page win.
            label = named
        v["labels"].append(label)
        if a is not None and a.source is not None:
            v["spellings"].append(_ARTICLE.sub("", a.source.span.text.strip()))
        v["articles"].add(art.id)
        v["bonus"] = max(v["bonus"], bonus)
        v["stated"] = v["stated"] or stated
        if when(st) < v["first"]:
            v["first"], v["ref"] = when(st), (art, st)
        # One attribution can be several statements of a claim (a quoted paragraph's
        # sentences): it is pointed at once.
        if st.index is not None and _article_ref(art, st) not in v["attributions"]:
            v["attributions"].append(_article_ref(art, st))

    for st in ordered:
        art, a = articles[st.article], st.attribution
        src = a.source.resolved if a is not None and a.source is not None else None
        role = "backer"
        if st.sort == "unattributed" or a is None or a.source is None:
            role = "unattributed"
            # Only an outlet that never names a source for it drops the attribution.
            if not any(
                o.article == st.article and o.attribution is not None and o.attribution.source
                for o in members
            ):
                relay({"kind": "unattributed", "name": art.publisher, "article": art.id})
            # "The lawsuit also names Donald Trump Jr. …": the document is the source.
            doc = _DOC_SUBJECT.match(art.text[st.content.start : st.content.end])
            if doc is not None:
                document = doc.group(0).strip(" \"'“”")
                vote(norm(document), document, None, art, st, kind="document")
        elif (st.sort == "dispute" or a.stance in DISPUTE_STANCES and is_dispute(a)) and not (
            _reported_by_member(st, members)
        ):
            # A denial that restates the claim ("Russia denied that it paid bounties") is a
            # member by its wording but disputes it by its cue.
            role = "dispute"
            dispute(st)
        elif is_reference(a):
            role = "reference"
        elif _nested(a, art):
            role = "nested"
            # Inside a medium's report ("U.S. intelligence has concluded ..., the Times
            # reported") the inner source is where the claim comes from; inside anyone else's
            # statement ("the memos say Trump told Comey ...") the outer one vouches for it.
            outer = _outer(a, art)
            if outer is not None and _is_medium(outer, media):
                key, label, anon = _backer(a, art, media)
                # A state's voice quoted in the medium's report ("a Kremlin spokesman saying
                # only that Russia was unaware") speaks for itself: the claim is not the
                # medium's, whose own vote carries the cited-medium bonus.
                own_voice = STATE_VOICE_BONUS if _speaks_for_a_state(a) else 0.0
                vote(key[1], label, a, art, st, anonymous=anon, bonus=own_voice)
        elif art.copy_of is not None:
            role = "copy"
            relay(
                {"kind": "copy", "name": art.publisher, "article": art.id, "copy_of": art.copy_of}
            )
        else:
            bkey, label, anon = _backer(a, art, media)
            if bkey[0] == "via" and norm(art.publisher or "") != bkey[1]:
                role = "relay"
                for name in (art.publisher, *art.agencies):
                    if name and norm(name) != bkey[1]:
                        relay({"kind": "re-report", "name": name, "article": art.id, "of": src})
            medium_key = bkey
            voice = _state_voice_inside(a, st, members, art) if _is_medium(a, media) else None
            if voice is not None:
                # The medium quotes a state's voice for the claim ("a Kremlin spokesman
                # saying only that Russia was unaware"): that voice backs it, not the sources
                # the medium keeps unnamed elsewhere in the article.
                bkey, label, anon = _backer(voice, art, media)
            if bkey[0] == "named":
                # One state's voices (its leader, its news agency, "the North") back the claim
                # once, as that state.
                state = _vote_key(bkey[1], voice or a)
                if state.startswith("state:"):
                    bkey = ("state", state[6:])
            b = backers.get(bkey)
            if b is None:
                b = backers[bkey] = {
                    "name": label,
                    "anonymous": anon,
                    "articles": [],
                    "first": art.published,
                    "attributions": [],
                }
            if art.id not in b["articles"]:
                b["articles"].append(art.id)
            if _article_ref(art, st) not in b["attributions"]:
                b["attributions"].append(_article_ref(art, st))
            if bkey[0] == "via":
                cited.setdefault(bkey, []).append((art.id, st, a))
            if _is_medium(a, media) and medium_key[1] != norm(art.publisher or ""):
                # Another outlet's reporting, cited: that outlet is where the claim started.
                vote(medium_key[1], a.source.resolved, a, art, st, bonus=MEDIUM_BONUS)
            else:
                vote(_vote_key(bkey[1], a), label, a, art, st, anonymous=anon)
        # Where the article names where the claim started, unless it quotes someone on record
        # for it ("Trump said …" is Trump's, whatever else the sentence cites).
        on_record = role == "backer" and a is not None and not _is_medium(a, media)
        if role in ("backer", "relay", "nested", "copy", "unattributed") and not on_record:
            stated = stated_origin(art, st.content.start, media)
            # Inside a medium's report the inner source is the origin (above): that the
            # medium "reported" it says no more ("U.S. intelligence has concluded …, The New
            # York Times reported"); only "first reported by" names where it started.
            if stated and not stated[1] and role == "nested" and a is not None:
                outer = _outer(a, art)
                if outer is not None and _is_medium(outer, media):
                    stated = None
            if stated:
                named, strong = stated
                vote(
                    person_key(named) if " " not in named else norm(named),
                    named,
                    None,
                    art,
                    st,
                    bonus=STATED_BONUS if strong else MEDIUM_BONUS,
                    stated=True,
                )
        if a is not None:
            for h in a.hedges:
                hedges.append({"hedge": h, "source": src, "article": art.id})
        entry = {
            "article": art.id,
            "url": art.url,
            "index": st.index,
            "source": a.source.to_json() if a is not None and a.source is not None else None,
            "cue": a.cue.to_json() if a is not None and a.cue is not None else None,
            "content": st.content.to_json(),
            "stance": a.stance if a is not None else None,
            "role": role,
        }
        entries.append(entry)
        timeline.append(
            {
                "date": art.published,
                "article": art.id,
                "publisher": art.publisher,
                "source": src or "(unattributed)",
                "role": role,
                "stance": a.stance if a is not None else None,
                "text": st.text,
            }
        )
    for st in outside_disputes:
        dispute(st)
    # A named backer whose name is the reporter of another backer only relays that one.
    reporters = {k[1] for k in backers if k[0] == "via"}
    for k in [k for k in backers if k[0] == "named" and k[1] in reporters]:
        del backers[k]
    for k in _relaying_outlets(cited):
        if len(backers) > 1:
            del backers[k]
    _merge_into_groups(backers)
    member_texts = [articles[i].text for i in sorted({m.article for m in members})]

    @cache
    def spelled() -> set[str]:
        """Names the member articles spell out anywhere, for acronyms ("DNC" → "Democratic
        National Committee"): the claim's own votes may only ever say "DNC". Read from the
        texts only when an acronym or a document needs it (most claims need neither)."""
        return {
            _ARTICLE.sub("", o.source.resolved.strip())
            for i in {m.article for m in members}
            for o in articles[i].attributions
            if o.source is not None
        } | {m.group(0) for t in member_texts for m in _SPELLED_NAME.finditer(t or "")}

    @cache
    def author_of_documents() -> str | None:
        return document_author(member_texts, spelled())

    # "The suit says …" backs the claim as its author does: one backer, not two.
    documents = [k for k, b in backers.items() if _DOC_SOURCE.match(b["name"])]
    author = author_of_documents() if documents else None
    if author:
        same = [
            k
            for k, b in backers.items()
            if k not in documents
            and (norm(b["name"]) == norm(author) or _is_acronym_of(b["name"], author))
        ]
        target = backers[same[0] if same else documents[0]]
        if not same:
            target["name"] = f"{author}'s {target['name'].split()[-1].lower()}"
        for document_key in documents if same else documents[1:]:
            for field_name in ("articles", "attributions"):
                merged = target[field_name]
                merged += [x for x in backers[document_key][field_name] if x not in merged]
            del backers[document_key]
    origin = _origin(votes, spelled)
    if origin is not None and _DOC_SOURCE.match(origin["source"]):
        author = author_of_documents()
        if author:
            noun = origin["source"].split()[-1].lower()
            origin["source"] = f"{author}'s {noun}"
            origin["type"] = "document"
    _merge_surnames(disputers, dispute_articles)
    if disputers:
        # A party never disputes its own claim, and neither does the one titled as its voice.
        # (A backer may: "Trump asked Comey to let it go", in Comey's memos, is Trump's words
        # as Comey reports them, and Trump denies them.)
        own = {person_key(origin["source"])} if origin is not None else set()
        for p in list(disputers):
            texts = [articles[i].text for i in sorted(dispute_articles.get(p, ()))]
            sources = disputers[p]["sources"]
            if any(person_key(src) in own for src in sources) or (
                origin is not None
                and any(affiliated(src, origin["source"], texts) for src in sources)
            ):
                del disputers[p]
    first_article = articles[ordered[0].article] if ordered else None
    text_ref = next((s for s in ordered if s.sort == "claim"), ordered[0] if ordered else None)
    outlets: list[str] = []
    for st in ordered:
        pub = articles[st.article].publisher
        if pub and pub not in outlets:
            outlets.append(pub)
    return {
        "schema": 2,
        "claim": claim_id,
        "text": text_ref.text if text_ref else "",
        "story": first_article.story if first_article else None,
        "stories": sorted({articles[s.article].story or "" for s in members} - {""}),
        "origin": origin,
        "first_report": first_article.brief() if first_article else None,
        "relays": relays,
        "independent_sources": len(backers),
        "independent_backers": list(backers.values()),
        "disputers": list(disputers.values()),
        "hedges": hedges,
        "timeline": timeline,
        "articles": sorted({articles[s.article].id for s in members}),
        "outlets": outlets,
        "size": len(members),
        "attributions": entries,
    }


def _origin(
    votes: dict[str, dict[str, Any]], spelled: Callable[[], set[str]]
) -> dict[str, Any] | None:
    if not votes:
        return None
    # Candidates in order of first appearance: max() keeps the first of equal scores, so
    # the earliest wins a tie.
    ranked = sorted((v for v in votes.values() if v["labels"]), key=lambda v: v["first"])
    if not ranked:
        return None
    v = max(ranked, key=lambda v: len(v["articles"]) + v["bonus"])
    art, _st = v["ref"]
    # The name most articles give, the fullest on a tie ("Donald Trump" over "Trump"; a
    # misresolved "Melania Trump" in one article does not win).
    counts = Counter(v["labels"])
    label = max(counts, key=lambda s: (counts[s], len(s.split()), len(s)))
    # "KCNA" is named in full elsewhere ("Korean Central News Agency"): say it in full.
    if _looks_like_acronym(label):
        label = next(
            (x for x in (*counts, *v["spellings"], *sorted(spelled())) if _is_acronym_of(label, x)),
            label,
        )
    kind = v["type"]
    if kind == "person" and len(label.split()) == 1:
        # "Comey" is named in full elsewhere ("James Comey"): say who, when only one person of
        # that surname is spelled out.
        label = _full_name(label, spelled()) or label
    if v["key"].startswith("state:") and len(counts) > 1:
        # Several voices of one state ("Hassan Rouhani", "the Iranians"): the state is the
        # origin; the voice heard most is named with it.
        label = f"{_DEMONYMS[v['key'][6:]]} government ({label})"
        kind = "government"
    return {
        "source": label,
        "type": kind,
        "anonymous": bool(v["anonymous"]),
        "stated": bool(v["stated"]),
        "article": art.id,
        "published": art.published,
        "attributions": v["attributions"],
    }


_NAME_WORD = re.compile(r"^[A-Z][a-z]+$")


def _full_name(surname: str, spelled: set[str]) -> str | None:
    key = person_key(surname)
    full = {
        " ".join(words[-2:])
        for x in spelled
        if person_key(x) == key
        and len(words := x.split()) >= 2
        and _NAME_WORD.match(words[-2])
        and not _PERSON_TITLES.match(words[-2] + " ")
        and words[-2].lower() not in _NOT_FIRST_NAMES
    }
    return full.pop() if len(full) == 1 else None


# Words that stand before a surname without being a first name ("Director Comey").
_NOT_FIRST_NAMES = frozenset(
    re.findall(
        r"\S+",
        "director former chairman chair senator secretary minister speaker leader general judge "
        "governor mayor ambassador attorney chief vice deputy agent officer counsel spokesman "
        "spokeswoman representative congressman congresswoman justice lady prime king queen "
        "prince pope dictator commander",
    )
)


# What a reaction points back at. A "report" is one outlet's story: a reaction to it answers
# the story's main claim and the claims of that report's origin. An accusation ("a sham
# lawsuit", "baseless allegations", "denied colluding") answers every claim of the accusation
# that two or more outlets carry, whoever they name as its source.
_POINTS_AT_REPORT = re.compile(
    r"\b(report|reports|reporting|story|findings|assessment|memos?)\b", re.IGNORECASE
)
_POINTS_AT_ACCUSATION = re.compile(
    r"\b(accusations?|allegations?|claims|lawsuit|suit|complaint|charges?|collu\w*|"
    r"conspir\w*|meddl\w*|witch\s*hunt|hoax)\b",
    re.IGNORECASE,
)


def _origin_name(record: dict[str, Any]) -> str:
    return str((record.get("origin") or {}).get("source") or "")


# Kinds of document a dispute may name and a claim may be backed by ("the suit" = "the
# DNC's lawsuit"; "the memos" = "Comey's memo").
_DOCUMENT_KINDS = (
    ("suit", re.compile(r"\b(?:law)?suits?\b|\bcomplaint\b|\bfiling\b", re.I)),
    ("memo", re.compile(r"\bmemo(?:s|randum|randa)?\b", re.I)),
    ("dossier", re.compile(r"\bdossier\b", re.I)),
    ("indictment", re.compile(r"\bindictments?\b", re.I)),
)


def _document_kinds(text: str) -> set[str]:
    return {kind for kind, pattern in _DOCUMENT_KINDS if pattern.search(text)}


def _same_side(name: str, main_name: str, texts: Sequence[str]) -> bool:
    if not main_name:
        return False
    if person_key(name) == person_key(main_name) or party(name) == party(main_name):
        return True
    a, b = norm(name), norm(main_name)
    return a.startswith(b) or b.startswith(a) or affiliated(name, main_name, texts)


def answering_disputes(
    record: dict[str, Any],
    members: Sequence[Statement],
    disputes: Sequence[Statement],
    main: bool,
    main_record: dict[str, Any] | None,
    texts: Sequence[str] = (),
) -> list[Statement]:
    """Disputes of the story that answer this claim without restating it (see
    ``_POINTS_AT_REPORT`` and ``_POINTS_AT_ACCUSATION``), plus those naming its origin. A
    party never disputes its own claim; one listed among its backers may (a statement grouped
    into the claim by mistake made Parscale a backer of the DNC's allegations, hiding his
    "sham lawsuit"). ``main``: this is the story's main claim."""
    name = _origin_name(record)
    main_name = _origin_name(main_record or {})
    # A claim no one is named for (outlets state it as fact) is the story's news itself; a
    # claim of the main claim's origin, its document or its titled voice ("the DNC's
    # lawsuit", "DNC Chair Tom Perez") is on the side the story's reactions answer. A
    # reaction to the accusation does not answer the accused's own claims ("sham lawsuit"
    # disputes the DNC's allegations, not Parscale's statement that it was filed for money).
    carried = len(record.get("articles") or []) >= 2
    if not carried and not main:
        return []
    side: list[bool] = []

    def same_origin() -> bool:
        # Read from the texts only when a reaction needs it (most claims meet none).
        if not side:
            side.append(not name or _same_side(name, main_name, texts))
        return side[0]

    inside = {(s.article, s.index) for s in members}
    backed_by = _document_kinds(
        " ".join([name, *(b.get("name") or "" for b in record.get("independent_backers") or [])])
    )
    out = []
    for d in disputes:
        a = d.attribution
        if (d.article, d.index) in inside or a is None or a.source is None:
            continue
        who = a.source.resolved
        if name and (party(who) == party(name) or person_key(who) == person_key(name)):
            continue
        said = d.text + " " + (a.cue.text if a.cue else "")
        # "a sham lawsuit" answers whatever the lawsuit backs, whoever the story's main claim
        # is credited to (the outlet that first reported the suit, say); "disagreed, tweeting
        # that the memos are proof of ..." names the memos without rejecting them.
        rejects = a.stance != "contradict" or rejects_in_own_words(d.text)
        pointed = bool(_POINTS_AT_REPORT.search(said) or _POINTS_AT_ACCUSATION.search(said))
        answered = pointed and (
            main or (rejects and bool(_document_kinds(said) & backed_by)) or same_origin()
        )
        # Naming the claim's origin answers it with a denial's cue ("Trump has disputed some
        # parts of Comey's account"), or when the claim is the story's news ("Stop producing
        # #fakenews, @nytimes"); elsewhere words such as "ridiculous" or "lying" near the name
        # say something else ("Flynn pleaded guilty to lying to the F.B.I." beside a claim
        # of Comey's memos). A denial reported inside someone's account ("... said 'the
        # hookers thing' is nonsense," Mr. Comey wrote) is part of that account: naming its
        # author does not answer his claims (claims-dev listed Trump against five of Comey's).
        names_origin = (
            bool(name)
            and not a.nested
            # "the lawsuit" names a document, not who is behind it (the rule above answers it)
            and not _document_kinds(person_key(name))
            and person_key(name) in said.lower()
            and (main or a.stance in DISPUTE_STANCES)
        )
        if answered or names_origin:
            out.append(d)
    return out
