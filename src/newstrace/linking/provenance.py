"""Provenance of one claim: where it started, who relayed it, who backs it on their own, who
disputes it, how hedged it is, and when each of these happened.

Counting independent backers is the point of the product, so the rules are explicit:
- a copy of another article (``copy_of`` set) never adds a backer; it is listed as a relay;
- a medium cited as the source ("The New York Times reported ...") is a relay: the backer is
  whoever that medium cites in the article (its anonymous officials), or the medium's own
  reporting when it cites no one there;
- anonymous and unnamed collective sources ("officials", "U.S. intelligence", "people familiar
  with the matter") reached through the same reporter count once, as that reporter's sources;
- named sources count once each, however many articles quote them;
- an attribution inside another one's content ("The Times said [the unit may be seeking
  revenge]") is vouched for by the outer source, not by the one it is about;
- disputers (stance deny / dismiss, or dispute words in the content) never back the claim and are
  grouped by the party they speak for (the Kremlin and the Russian Embassy speak for Russia).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newstrace.linking.claims import (
    DISPUTE_STANCES,
    AttrRef,
    is_anaphoric,
    is_dispute,
    is_reference,
)
from newstrace.model import Attribution

# Source names that stand for an unnamed group of people rather than someone on record.
_UNNAMED = re.compile(
    r"\b(officials?|sources?|intelligence|authorities|investigators|people|persons|analysts|"
    r"experts|diplomats|aides?|insiders?|spokes(?:man|woman|person)|someone|residents|witnesses)\b",
    re.IGNORECASE,
)
# Who a government body speaks for. Order matters: "the Russian Embassy in Washington" is Russia.
_PARTIES = (
    (re.compile(r"\b(kremlin|moscow|russian?|putin)\b", re.IGNORECASE), "Russia"),
    (re.compile(r"\b(beijing|chinese|china)\b", re.IGNORECASE), "China"),
    (re.compile(r"\b(tehran|iranian|iran)\b", re.IGNORECASE), "Iran"),
    (re.compile(r"\b(taliban)\b", re.IGNORECASE), "the Taliban"),
    (
        re.compile(
            r"\b(white house|pentagon|state department|united states|u\.s\.)", re.IGNORECASE
        ),
        "United States",
    ),
)


def norm(name: str) -> str:
    n = re.sub(r"\s+", " ", name.strip().lower())
    return re.sub(r"^(the|a|an)\s+", "", n)


def party(name: str) -> str:
    for pattern, label in _PARTIES:
        if pattern.search(name):
            return label
    return name


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
    attributions: list[Attribution] = field(default_factory=list)
    copy_of: str | None = None  # display id of the earliest version
    story: str | None = None

    def brief(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "publisher": self.publisher,
            "published": self.published,
            "title": self.title,
        }


def _source_name(a: Attribution) -> str | None:
    return a.source.resolved if a.source else None


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


def _relays_in_article(a: Attribution, art: ArticleInfo) -> bool:
    """True when the source only relays someone else here ("The newspaper quoted a Kremlin
    spokesman saying Russia was unaware"): the dispute words are the quoted party's, not the
    reporter's, unless the reporter's own cue disputes (stance deny / dismiss)."""
    if a.stance in DISPUTE_STANCES or a.source is None:
        return False
    name = norm(a.source.resolved)
    return any(name in {norm(v) for v in other.via} for other in art.attributions)


def provenance(
    claim_id: str,
    members: Sequence[AttrRef],
    articles: Sequence[ArticleInfo],
    media: frozenset[str],
) -> dict[str, Any]:
    """The provenance record of one claim (``media``: normalised names of known media)."""

    def when(ref: AttrRef) -> tuple[str, int, int]:
        art = articles[ref.article]
        return (art.published or "9999", art.seq, ref.idx)

    ordered = sorted(members, key=when)
    backers: dict[tuple[str, str], dict[str, Any]] = {}
    relays: list[dict[str, Any]] = []
    disputers: dict[str, dict[str, Any]] = {}
    hedges: list[dict[str, Any]] = []
    timeline: list[dict[str, Any]] = []
    seen_relay: set[tuple[str, str, str]] = set()

    def relay(entry: dict[str, Any]) -> None:
        k = (entry["kind"], str(entry.get("name")), entry["article"])
        if k not in seen_relay:
            seen_relay.add(k)
            relays.append(entry)

    origin: dict[str, Any] | None = None
    for ref in ordered:
        art, a = articles[ref.article], ref.attribution
        src = _source_name(a) or "(unattributed)"
        role = "backer"
        if a.source is None:
            # The article's own voice ("militants were believed to…") is not a source of its
            # own: counting it would make every publisher an independent backer.
            role = "unattributed"
        elif is_reference(a):
            role = "reference"
        elif is_dispute(a) and not _relays_in_article(a, art):
            role = "dispute"
            p = party(src)
            d = disputers.setdefault(p, {"party": p, "sources": [], "stances": [], "articles": []})
            for field_, val in (("sources", src), ("stances", a.stance), ("articles", art.id)):
                if val not in d[field_]:
                    d[field_].append(val)
        elif _nested(a, art):
            role = "nested"
        elif art.copy_of is not None:
            role = "copy"
            relay(
                {"kind": "copy", "name": art.publisher, "article": art.id, "copy_of": art.copy_of}
            )
        else:
            bkey, label = _backer(a, art, media)
            if bkey[0] == "via":
                reporter = bkey[1]
                if norm(art.publisher or "") != reporter:
                    role = "relay"
                    for name in (art.publisher, *art.agencies):
                        if name and norm(name) != reporter:
                            relay(
                                {
                                    "kind": "re-report",
                                    "name": name,
                                    "article": art.id,
                                    "of": _reporter_label(a, art, media),
                                }
                            )
            b = backers.get(bkey)
            if b is None:
                b = backers[bkey] = {"name": label, "articles": [], "first": art.published}
            if art.id not in b["articles"]:
                b["articles"].append(art.id)
            if origin is None:
                origin = {"source": b["name"], "article": art.id, "published": art.published}
        for h in a.hedges:
            hedges.append({"hedge": h, "source": src, "article": art.id})
        timeline.append(
            {
                "date": art.published,
                "article": art.id,
                "publisher": art.publisher,
                "source": src,
                "role": role,
                "stance": a.stance,
                "text": a.content.text if a.content else None,
            }
        )
    # A named backer whose name is the reporter of another backer only relays that one.
    reporters = {k[1] for k in backers if k[0] == "via"}
    for k in [k for k in backers if k[0] == "named" and k[1] in reporters]:
        del backers[k]
    if origin is not None and origin["source"] not in {b["name"] for b in backers.values()}:
        first = min(backers.values(), key=lambda b: b["first"] or "9999", default=None)
        if first is not None:
            origin["source"] = first["name"]
    first_article = articles[ordered[0].article] if ordered else None
    text_ref = next(
        (r for r in ordered if not is_dispute(r.attribution) and not is_anaphoric(r.attribution)),
        ordered[0] if ordered else None,
    )
    content = text_ref.attribution.content if text_ref else None
    return {
        "claim": claim_id,
        "text": content.text if content else "",
        "story": first_article.story if first_article else None,
        "origin": origin,
        "first_report": first_article.brief() if first_article else None,
        "relays": relays,
        "independent_sources": len(backers),
        "independent_backers": list(backers.values()),
        "disputers": list(disputers.values()),
        "hedges": hedges,
        "timeline": timeline,
        "articles": sorted({articles[r.article].id for r in members}),
        "attributions": len(members),
    }


def _reporter_label(a: Attribution, art: ArticleInfo, media: frozenset[str]) -> str:
    src = _source_name(a)
    if src and (a.source and a.source.type == "media" or norm(src) in media):
        return src
    return _reporter(a, art)


def _backer(a: Attribution, art: ArticleInfo, media: frozenset[str]) -> tuple[tuple[str, str], str]:
    src = _source_name(a)
    if src is None:
        name = _reporter(a, art)
        return ("via", norm(name)), _cited_label(art, name) if a.via else name
    if a.source is not None and (a.source.type == "media" or norm(src) in media):
        # A medium reporting: its backers are the people it cites in this article.
        return ("via", norm(src)), _cited_label(art, src)
    if _is_unnamed(a):
        reporter = _reporter(a, art)
        if a.via:
            return ("via", norm(reporter)), _cited_label(art, reporter)
        return ("via", norm(reporter)), f"{src} (via {reporter})"
    return ("named", norm(src)), src


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


def _cited_label(art: ArticleInfo, medium: str) -> str:
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
    return f"{_source_name(cited[0])} (via {medium})" if cited else medium
