"""The records every stage speaks, and their JSON form (the public contract of ``analyze``).

Everything that turns a record into JSON or back lives here, so the contract has one home.
Fields may be added (consumers must ignore keys they do not know); none are renamed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of ``AnalyzedArticle.text``: ``text == article.text[start:end]``.

    ``fragments`` is set only for discontinuous spans (PolNeAR content such as
    "The deal, he said, is dead"): each (start, end) piece, in order; start/end are then the
    outer extent.
    """

    text: str
    start: int
    end: int
    fragments: tuple[tuple[int, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        if self.fragments:
            out["fragments"] = [list(f) for f in self.fragments]
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Span:
        frags = tuple((int(s), int(e)) for s, e in d.get("fragments") or ())
        return cls(text=d["text"], start=int(d["start"]), end=int(d["end"]), fragments=frags)

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(text=text[start:end], start=start, end=end)


# Source types. "government" is a state, ministry, embassy, agency of state or its officials
# acting as such; "media" is an outlet or wire service; "document" a report, filing, study.
SOURCE_TYPES = ("person", "organization", "government", "media", "document", "unknown")


@dataclass(frozen=True, slots=True)
class Source:
    """Who an attribution is to: the span as written, plus who it refers to."""

    span: Span
    resolved: str
    type: str = "unknown"
    anonymous: bool = False

    def to_json(self) -> dict[str, Any]:
        out = self.span.to_json()
        out.update(resolved=self.resolved, type=self.type, anonymous=self.anonymous)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Source:
        return cls(
            span=Span.from_json(d),
            resolved=d.get("resolved") or d["text"],
            type=d.get("type", "unknown"),
            anonymous=bool(d.get("anonymous", False)),
        )


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution relation: ``source`` says/believes ``content`` (signalled by ``cue``).

    kind:    speech | writing | belief | knowledge | intention | stance | perception | unknown
    stance:  assert | deny | dismiss | confirm | accuse | question | warn | promise | ...
    hedges:  hedging expressions that weaken the content ("believed to", "may", "reportedly")
    channel: twitter | statement | interview | report | ... or None when not said
    via:     resolved names of the reporters above the source in this article, outermost first
             (a newspaper quoting a spokesman: via == ["The New York Times"])
    nested:  the cue lies inside another attribution's content ("U.S. intelligence has
             concluded …, the Times reported"). Corpora such as PolNeAR annotate only the
             outermost attributions: compare against them with ``nested == False``.
    content_shape: "clause" when the content has a verb and can state a proposition ("that
             Trump campaign officials conspired with Russia"), "phrase" when it is a noun phrase
             ("the meddling of a foreign power", "accused her of [treason]"); None in records
             analysed before the field existed.
    """

    source: Source | None
    cue: Span | None
    content: Span | None
    kind: str = "speech"
    stance: str = "assert"
    hedges: tuple[str, ...] = ()
    channel: str | None = None
    via: tuple[str, ...] = ()
    direct: bool = False
    nested: bool = False
    content_shape: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source.to_json() if self.source else None,
            "cue": self.cue.to_json() if self.cue else None,
            "content": self.content.to_json() if self.content else None,
            "kind": self.kind,
            "stance": self.stance,
            "hedges": list(self.hedges),
            "channel": self.channel,
            "via": list(self.via),
            "direct": self.direct,
            "nested": self.nested,
            "content_shape": self.content_shape,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Attribution:
        return cls(
            source=Source.from_json(d["source"]) if d.get("source") else None,
            cue=Span.from_json(d["cue"]) if d.get("cue") else None,
            content=Span.from_json(d["content"]) if d.get("content") else None,
            kind=d.get("kind", "speech"),
            stance=d.get("stance", "assert"),
            hedges=tuple(d.get("hedges") or ()),
            channel=d.get("channel"),
            via=tuple(d.get("via") or ()),
            direct=bool(d.get("direct", False)),
            nested=bool(d.get("nested", False)),
            content_shape=d.get("content_shape"),
        )


@dataclass(frozen=True, slots=True)
class Related:
    title: str
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url}


@dataclass(slots=True)
class ArticleMeta:
    """What is known about one article apart from its attributions.

    agencies:  wire services credited for *this text* (byline "By AFP", dateline "(AP) —",
               trailing credits), never media the text merely cites.
    publisher: the outlet that published this copy (from the URL's domain via the outlet
               table, else the site name).
    published: ISO 8601: a date-time "YYYY-MM-DDTHH:MM:SS" with its zone ("Z", "+02:00") when
               the input gives one, without a zone when it does not; the date "YYYY-MM-DD" when
               only the day is known; None when unknown. Compare through
               ``newstrace.linking.text.instant`` / ``sort_key``, not as strings.
    """

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    byline: str | None = None
    agencies: list[str] = field(default_factory=list)
    publisher: str | None = None
    url: str | None = None
    published: str | None = None
    related: list[Related] = field(default_factory=list)
    site: str | None = None
    dateline: str | None = None
    summary_only: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "authors": list(self.authors),
            "byline": self.byline,
            "agencies": list(self.agencies),
            "publisher": self.publisher,
            "url": self.url,
            "published": self.published,
            "related": [r.to_json() for r in self.related],
            "site": self.site,
            "dateline": self.dateline,
            "summary_only": self.summary_only,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ArticleMeta:
        return cls(
            title=d.get("title"),
            authors=list(d.get("authors") or []),
            byline=d.get("byline"),
            agencies=list(d.get("agencies") or []),
            publisher=d.get("publisher"),
            url=d.get("url"),
            published=d.get("published"),
            related=[Related(r["title"], r.get("url")) for r in d.get("related") or []],
            site=d.get("site"),
            dateline=d.get("dateline"),
            summary_only=bool(d.get("summary_only", False)),
        )


@dataclass(slots=True)
class Article:
    """An article as read from its input, before any NLP.

    text:     what offsets index. For .txt/.md input the file's content exactly; for JSONL the
              record's text verbatim; for HTML/feeds/WARC the extracted body.
    body_start: offset in ``text`` where the running text begins (after headline, byline, date
              lines); analysis looks for attributions from there on.
    path:     the input file (or "-" for stdin); id: the record's id, else its URL, else None.
    exclude:  (start, end) ranges of ``text`` that are not running prose (image captions with
              their credits, "Related article" lines, "Original url" lines): analysis skips them.
    format:   which reader made it: text | markdown | html | jsonl | feed | warc
    """

    path: str
    text: str
    meta: ArticleMeta
    id: str | None = None
    body_start: int = 0
    format: str = "text"
    exclude: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChainNode:
    """One level of the relay chain: publisher → agency → relaying media → original sources.

    depth 0 is the publisher; nodes sharing a depth are alternatives at that level
    ("anonymous U.S. officials / U.S. intelligence").
    role: publisher | agency | relay | origin
    """

    name: str
    role: str
    depth: int
    type: str = "unknown"
    anonymous: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "depth": self.depth,
            "type": self.type,
            "anonymous": self.anonymous,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChainNode:
        return cls(
            name=d["name"],
            role=d["role"],
            depth=int(d["depth"]),
            type=d.get("type", "unknown"),
            anonymous=bool(d.get("anonymous", False)),
        )


@dataclass(slots=True)
class AnalyzedArticle:
    """The output record of ``analyze``: one per article."""

    article: Article
    attributions: list[Attribution] = field(default_factory=list)
    chain: list[ChainNode] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.article.text

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "path": self.article.path,
            "id": self.article.id,
            "format": self.article.format,
            "text": self.article.text,
            "article": self.article.meta.to_json(),
            "attributions": [a.to_json() for a in self.attributions],
            "chain": [c.to_json() for c in self.chain],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> AnalyzedArticle:
        article = Article(
            path=d["path"],
            text=d["text"],
            meta=ArticleMeta.from_json(d.get("article") or {}),
            id=d.get("id"),
            format=d.get("format", "text"),
        )
        return cls(
            article=article,
            attributions=[Attribution.from_json(a) for a in d.get("attributions") or []],
            chain=[ChainNode.from_json(c) for c in d.get("chain") or []],
        )


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be read: the batch goes on, the exit status says it failed."""

    path: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "error": self.reason}


# -- claims, provenance, stories: the records of `claims`, `trace` and `stories` ---------------

# Version of the claim record. 2: `attributions` became the member list (it was a count; the
# count is `size`), with `origin.attributions`, `outlets`, `stories` added.
CLAIM_SCHEMA = 2

# How a member statement relates to its claim:
#   backer        a source stating the claim on its own authority (or the medium reporting it)
#   relay         a medium re-reporting another's claim ("…, The New York Times reported")
#   nested        a source inside another attribution's content (the outer one vouches)
#   copy          the statement in a copy of another article (syndication)
#   unattributed  the outlet states it as fact, with the attribution dropped
#   dispute       a source denying / dismissing / contradicting it
#   reference     the report itself as the grammatical source ("the report said")
MEMBER_ROLES = ("backer", "relay", "nested", "copy", "unattributed", "dispute", "reference")

# [article id, attribution index or None for an unattributed sentence]
MemberRef = tuple[str, int | None]


def _refs(raw: Any) -> list[MemberRef]:
    return [(str(r[0]), None if r[1] is None else int(r[1])) for r in raw or ()]


@dataclass(frozen=True, slots=True)
class ClaimMember:
    """One place the claim appears: an attribution (``index`` into that article's
    ``attributions``) or an outlet's own sentence (``index`` None, ``source`` None). Offsets
    index that article's ``text``."""

    article: str
    index: int | None
    content: Span
    role: str
    source: Source | None = None
    cue: Span | None = None
    stance: str | None = None
    url: str | None = None  # the article's URL, when it has one

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "url": self.url,
            "index": self.index,
            "source": self.source.to_json() if self.source else None,
            "cue": self.cue.to_json() if self.cue else None,
            "content": self.content.to_json(),
            "stance": self.stance,
            "role": self.role,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ClaimMember:
        return cls(
            article=d["article"],
            index=d.get("index"),
            content=Span.from_json(d["content"]),
            role=d.get("role", "backer"),
            source=Source.from_json(d["source"]) if d.get("source") else None,
            cue=Span.from_json(d["cue"]) if d.get("cue") else None,
            stance=d.get("stance"),
            url=d.get("url"),
        )


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the claim started as the texts tell it; ``stated``: a text says so ("first
    reported by …")."""

    source: str
    type: str
    anonymous: bool
    stated: bool
    article: str
    published: str | None
    attributions: list[MemberRef] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "type": self.type,
            "anonymous": self.anonymous,
            "stated": self.stated,
            "article": self.article,
            "published": self.published,
            "attributions": [list(r) for r in self.attributions],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Origin:
        return cls(
            source=d["source"],
            type=d.get("type", "unknown"),
            anonymous=bool(d.get("anonymous")),
            stated=bool(d.get("stated")),
            article=d["article"],
            published=d.get("published"),
            attributions=_refs(d.get("attributions")),
        )


@dataclass(frozen=True, slots=True)
class Backer:
    """An independent source of the claim, with the articles and attributions it comes from."""

    name: str
    anonymous: bool
    articles: list[str]
    first: str | None
    attributions: list[MemberRef] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "anonymous": self.anonymous,
            "articles": list(self.articles),
            "first": self.first,
            "attributions": [list(r) for r in self.attributions],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Backer:
        return cls(
            name=d["name"],
            anonymous=bool(d.get("anonymous")),
            articles=list(d.get("articles") or []),
            first=d.get("first"),
            attributions=_refs(d.get("attributions")),
        )


@dataclass(frozen=True, slots=True)
class Disputer:
    """A party disputing the claim: the sources speaking for it and their stances."""

    party: str
    sources: list[str]
    stances: list[str]
    articles: list[str]
    attributions: list[MemberRef] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "sources": list(self.sources),
            "stances": list(self.stances),
            "articles": list(self.articles),
            "attributions": [list(r) for r in self.attributions],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Disputer:
        return cls(
            party=d["party"],
            sources=list(d.get("sources") or []),
            stances=list(d.get("stances") or []),
            articles=list(d.get("articles") or []),
            attributions=_refs(d.get("attributions")),
        )


@dataclass(frozen=True, slots=True)
class Relay:
    """An outlet passing the claim on without adding a source: ``kind`` copy (``copy_of`` the
    original's id), re-report (``of`` the reporter it relays) or unattributed."""

    kind: str
    name: str | None
    article: str
    copy_of: str | None = None
    of: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "name": self.name, "article": self.article}
        if self.kind == "copy":
            out["copy_of"] = self.copy_of
        if self.kind == "re-report":
            out["of"] = self.of
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Relay:
        return cls(d["kind"], d.get("name"), d["article"], d.get("copy_of"), d.get("of"))


@dataclass(frozen=True, slots=True)
class Claim:
    """One proposition and its provenance: the record of ``claims`` and ``trace``.

    ``first_report``: the earliest article carrying it ({id, publisher, published, title, url});
    ``hedges`` ({hedge, source, article}) and ``timeline`` ({date, article, publisher, source,
    role, stance, text}, in publication order) are plain objects.
    """

    claim: str
    story: str | None
    text: str
    origin: Origin | None
    first_report: dict[str, Any] | None
    relays: list[Relay]
    independent_backers: list[Backer]
    disputers: list[Disputer]
    hedges: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    articles: list[str]
    outlets: list[str]
    attributions: list[ClaimMember]
    stories: list[str] = field(default_factory=list)

    @property
    def independent_sources(self) -> int:
        return len(self.independent_backers)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": CLAIM_SCHEMA,
            "claim": self.claim,
            "story": self.story,
            "stories": list(self.stories),
            "text": self.text,
            "origin": self.origin.to_json() if self.origin else None,
            "first_report": self.first_report,
            "relays": [r.to_json() for r in self.relays],
            "independent_sources": self.independent_sources,
            "independent_backers": [b.to_json() for b in self.independent_backers],
            "disputers": [d.to_json() for d in self.disputers],
            "hedges": list(self.hedges),
            "timeline": list(self.timeline),
            "articles": list(self.articles),
            "outlets": list(self.outlets),
            "size": len(self.attributions),
            "attributions": [m.to_json() for m in self.attributions],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Claim:
        members = d.get("attributions")
        return cls(
            claim=d["claim"],
            story=d.get("story"),
            stories=list(d.get("stories") or ([d["story"]] if d.get("story") else [])),
            text=d.get("text") or "",
            origin=Origin.from_json(d["origin"]) if d.get("origin") else None,
            first_report=d.get("first_report"),
            relays=[Relay.from_json(r) for r in d.get("relays") or []],
            independent_backers=[Backer.from_json(b) for b in d.get("independent_backers") or []],
            disputers=[Disputer.from_json(x) for x in d.get("disputers") or []],
            hedges=list(d.get("hedges") or []),
            timeline=list(d.get("timeline") or []),
            articles=list(d.get("articles") or []),
            outlets=list(d.get("outlets") or []),
            attributions=[ClaimMember.from_json(m) for m in members]
            if isinstance(members, list)
            else [],
        )


@dataclass(frozen=True, slots=True)
class StoryArticle:
    id: str
    path: str
    title: str | None
    publisher: str | None
    published: str | None
    copy_of: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published,
            "copy_of": self.copy_of,
        }


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event across outlets (the record of ``stories``), with summaries of
    its claims ({claim, text, independent_sources, disputers, articles, outlets,
    attributions}: counts where the claim record has lists), most outlets first."""

    story: str
    title: str | None
    articles: list[StoryArticle]
    claims: list[dict[str, Any]]
    start: str | None = None  # earliest and latest ``published`` (compared as instants)
    end: str | None = None

    @property
    def outlets(self) -> list[str]:
        return sorted({a.publisher for a in self.articles if a.publisher})

    def to_json(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "title": self.title,
            "outlets": self.outlets,
            "start": self.start,
            "end": self.end,
            "articles": [a.to_json() for a in self.articles],
            "claims": list(self.claims),
        }
