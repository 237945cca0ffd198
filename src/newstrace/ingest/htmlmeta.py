"""What an HTML page says about its article, apart from the body: JSON-LD, <meta> tags, the
visible byline and date, the on-page headline. Works on one lxml tree parsed by ``html``."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from newstrace.ingest import meta as M

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "webpage",
        "posting",
        "socialmediaposting",
        "review",
        "medicalwebpage",
        "howto",
        "recipe",
    }
)


def norm(s: str | None) -> str:
    if not s:
        return ""
    s = _WS.sub(" ", s).strip().casefold()
    return s.strip(" \"'“”‘’«».!?:")


def text_of(el: Any) -> str:
    try:
        return _WS.sub(" ", el.text_content()).strip()
    except (ValueError, AttributeError):
        return ""


def spaced_text(el: Any) -> str:
    """Text of an element with a space between its descendants' texts, so that
    "<span>Jane Doe</span><span>Published</span>" does not read "Jane DoePublished"."""
    parts: list[str] = []

    def walk(e: Any) -> None:
        if not isinstance(e.tag, str) or e.tag in ("script", "style"):
            return
        if e.text:
            parts.append(e.text)
        for child in e:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return _WS.sub(" ", " ".join(p.strip() for p in parts if p.strip())).replace(" ,", ",")


def jsonld_objects(tree: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, ValueError):
            # Some CMSs emit trailing commas or several objects back to back.
            try:
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw))
            except (json.JSONDecodeError, ValueError):
                continue
        stack = [data]
        while stack:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(obj)
            elif isinstance(obj, dict):
                out.append(obj)
                if "@graph" in obj:
                    stack.append(obj["@graph"])
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.casefold()}
    if isinstance(t, list):
        return {x.casefold() for x in t if isinstance(x, str)}
    return set()


def ld_article(objs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The JSON-LD object describing the article (the most specific type wins)."""
    best: dict[str, Any] | None = None
    best_rank = 99
    for obj in objs:
        types = _types(obj)
        if not types & _ARTICLE_TYPES:
            continue
        rank = 0 if any("article" in t or "posting" in t for t in types) else 1
        if "webpage" in types and rank:
            rank = 2
        if rank < best_rank and (
            obj.get("headline") or obj.get("author") or obj.get("datePublished")
        ):
            best, best_rank = obj, rank
    return best


def ld_names(value: Any) -> tuple[list[str], list[str]]:
    """JSON-LD author value → (person names, organisation names)."""
    persons: list[str] = []
    orgs: list[str] = []
    items = value if isinstance(value, list) else [value]
    for it in items:
        if isinstance(it, str):
            if not it.startswith("http"):
                persons.append(it)
        elif isinstance(it, dict):
            name = it.get("name")
            names = [str(n) for n in name] if isinstance(name, list) else [name]
            for nm in names:
                if not isinstance(nm, str) or not nm.strip():
                    continue
                if _types(it) & {"organization", "newsmediaorganization", "corporation"}:
                    orgs.append(nm.strip())
                else:
                    persons.append(nm.strip())
    return persons, orgs


def meta_tags(tree: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        val = el.get("content")
        if key and val and val.strip():
            out.setdefault(key, []).append(val.strip())
    return out


BYLINE_XPATH = (
    '//*[@rel="author" or @itemprop="author" or '
    'contains(translate(@class, "BYLINE", "byline"), "byline") or '
    'contains(translate(@class, "AUTHOR", "author"), "author-name") or '
    'contains(translate(@class, "AUTHOR", "author"), "authorname") or '
    'contains(translate(@data-testid, "BYLINE", "byline"), "byline")]'
)


# Short elements whose own text starts with "By": the visible byline on pages that mark it
# with no class or rel ("<span>By <a>Charles Fried</a>, Contributing Opinion Writer</span>").
_BY_TEXT_XPATH = (
    "*[self::span or self::div or self::p or self::address or self::li or self::section"
    " or self::h3 or self::h4 or self::h5 or self::h6]"
    '[starts-with(normalize-space(text()), "By ") or normalize-space(text()) = "By"]'
)


def byline_elements(tree: Any) -> tuple[list[str], list[str]]:
    """(texts of elements marked as bylines, texts of unmarked "By …" elements)."""
    marked: list[str] = []
    unmarked: list[str] = []
    # A "By …" text after the headline is the byline; one before it is usually a credit of
    # the lead picture or of a teaser.
    h1 = next(iter(tree.iter("h1")), None)
    by_text = h1.xpath("following::" + _BY_TEXT_XPATH) if h1 is not None else []
    by_text = by_text or tree.xpath("//body//" + _BY_TEXT_XPATH)
    for els, found in ((tree.xpath(BYLINE_XPATH)[:12], marked), (by_text[:6], unmarked)):
        for el in els:
            if el.tag in ("meta", "link", "script", "style"):
                continue
            # Photo credits ("By Aleah C. Bowie" under a picture) are not the byline.
            if el.xpath(
                "ancestor-or-self::figure or ancestor-or-self::figcaption or "
                'ancestor-or-self::*[contains(@class, "caption") or contains(@class, "credit")'
                ' or contains(@class, "photo")]'
            ):
                continue
            # … and so is a "By …" right after a caption sentence in the same block.
            prev = el.getprevious()
            while prev is not None and prev.tag in ("style", "script", "noscript"):
                prev = prev.getprevious()
            if found is unmarked and prev is not None and len(spaced_text(prev)) > 60:
                continue
            t = spaced_text(el)
            if t and len(t) < 200 and t not in found:
                found.append(t)
    if h1 is not None:
        unmarked += _author_links(h1) + _by_after_headline(h1)
    return marked, unmarked


# Links to an author's page ("/author/kaitlin/", "/writer/1207921/Charles__Fried/").
_AUTHOR_HREF = re.compile(
    r"/(?:authors?|writers?|contributors?|people|profile|staff|by)/[^/?#]+", re.I
)


def _author_links(h1: Any) -> list[str]:
    """Texts of the first author-page links after the headline, as a byline ("A, B")."""
    names: list[str] = []
    for a in h1.xpath("following::a[@href][position() <= 60]"):
        if not _AUTHOR_HREF.search(a.get("href", "")):
            continue
        t = text_of(a)
        if t and len(t) < 60 and t not in names:
            names.append(t)
        if len(names) == 3:
            break
    return [", ".join(names)] if names else []


_BY_IN_TEXT = re.compile(r"(?:^|[\s(|•·,-])[Bb]y:?\s+([A-Z][^\n|•·]{2,60})$")


def _by_after_headline(h1: Any) -> list[str]:
    """A "… by Jane Doe" ending a text right under the headline ("posted on … by …")."""
    seen = 0
    for t in h1.xpath("following::text()[normalize-space()][position() <= 12]"):
        parent = t.getparent()
        if parent is not None and parent.tag in ("script", "style", "noscript"):
            continue
        seen += len(t)
        m = _BY_IN_TEXT.search(str(t).strip())
        if m:
            return [m.group(1)]
        if seen > 400:
            break
    return []


DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "date",
    "article.published",
    "cxenseparse:recs:publishtime",
)
AUTHOR_KEYS = (
    "author",
    "article:author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
)


def _instant(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def local_date(raw: str | None, tree: Any) -> str | None:
    """A timestamp (``M.normalize_published``), in the page's own time zone when the page
    shows it.

    Metadata often gives UTC ("2023-12-23T03:22:07Z") while the page prints the local time of
    the same instant (<time datetime="2023-12-22T22:22:07-0500">): the publication date is the
    local one, so the local form is kept (same instant, the publisher's day). Only a <time>
    naming the very same instant is trusted for this.
    """
    date = M.normalize_published(raw)
    if not raw or not date:
        return date
    utc = _instant(raw)
    if utc is None or utc.utcoffset() is None or utc.utcoffset() != timedelta(0):
        return date
    for value in tree.xpath("//time/@datetime")[:20]:
        v = str(value).strip()
        # "-0500" → "-05:00" for fromisoformat on older pythons' stricter parsing.
        v = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", v)
        local = _instant(v)
        if local is None or local.utcoffset() in (None, timedelta(0)):
            continue
        if abs((local - utc).total_seconds()) < 60:
            return M.normalize_published(local.isoformat(timespec="seconds"))
    return date


_VISIBLE_DATE_XPATH = (
    "following::*[self::time or contains(@class, 'date') or contains(@id, 'date') or "
    "contains(@class, 'publish') or contains(@class, 'timestamp')][position() <= 8]"
)


def visible_date(tree: Any) -> str | None:
    """The date printed under the headline ("Date: December 13, 2023", <time datetime=…>),
    for pages whose metadata has none. Read before htmldate, whose page-wide search may pick a
    "Retrieved February 17, 2024" or a copyright year."""
    h1 = next(iter(tree.iter("h1")), None)
    if h1 is None:
        return None
    for el in h1.xpath(_VISIBLE_DATE_XPATH):
        raw = el.get("datetime") or text_of(el)
        if raw and len(raw) < 80:
            date = M.normalize_published(raw)
            if date:
                return date
    return None


def pick_title(
    h1s: list[str],
    ld: str | None,
    og: str | None,
    tw: str | None,
    html_title: str | None,
    site: str | None,
) -> str | None:
    # The on-page headline is the first <h1> on nearly every news page (NAEB dev: 94 of 99 gold
    # titles are the first h1 verbatim, while og:title / JSON-LD often carry an SEO variant).
    # An h1 that is only the site's name (a logo) or a one-word label is skipped.
    site_keys = {norm(site), norm(M.canonical_outlet(site) if site else None)} - {""}
    valid = [
        h
        for h in h1s
        if len(norm(h)) >= 8
        and len(norm(h).split()) >= 2
        and norm(h) not in site_keys
        and not M.canonical_outlet(h)
    ]
    # With several h1s (a newsletter box, a teaser, a modal), the one that shares most words
    # with the page's declared headline wins; a lone h1 wins whatever the metadata says.
    refs = [set(_WORD.findall(norm(r))) for r in (ld, og, tw, html_title) if r]
    if len(valid) > 1 and refs:

        def overlap(h: str) -> float:
            words = set(_WORD.findall(norm(h)))
            return max(len(words & r) / max(len(words | r), 1) for r in refs)

        best = max(valid, key=overlap)
        if overlap(best) >= 0.5:
            return best
    if valid:
        return valid[0]
    for cand in (ld, og, tw):
        if cand:
            return M.clean_title(cand, site)
    if h1s:
        return h1s[0]
    return M.clean_title(html_title, site)
