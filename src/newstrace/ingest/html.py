"""Saved HTML pages: trafilatura for the body, then our own corrections of its metadata.

trafilatura finds the body well but takes the ``<title>`` (with its " | Site" suffix) as the
headline and returns bylines as one unsplit string. The page says more precisely what we want:
the on-page headline (``<h1>``, og:title, JSON-LD ``headline``), the authors (JSON-LD ``author``,
``<meta name=author>``, byline elements), the publication date (JSON-LD ``datePublished``,
``article:published_time``; htmldate through trafilatura as the fallback) and the canonical URL.
The page is parsed once with lxml; trafilatura works on that tree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError, XMLSyntaxError
from trafilatura.utils import load_html

from newstrace.errors import InputError
from newstrace.ingest import meta as M
from newstrace.model import Article, ArticleMeta

__all__ = ["Page", "extract_page", "fragment_to_text", "read_html"]

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


@dataclass
class Page:
    """What one HTML page says about its article."""

    title: str | None = None
    byline: str | None = None
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    org_authors: list[str] = field(default_factory=list)
    date: str | None = None
    url: str | None = None
    site: str | None = None
    body: str = ""


def _norm(s: str | None) -> str:
    if not s:
        return ""
    s = _WS.sub(" ", s).strip().casefold()
    return s.strip(" \"'“”‘’«».!?:")


def _text(el: Any) -> str:
    try:
        return _WS.sub(" ", el.text_content()).strip()
    except (ValueError, AttributeError):
        return ""


def _spaced_text(el: Any) -> str:
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


def _jsonld_objects(tree: Any) -> list[dict[str, Any]]:
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


def _ld_article(objs: list[dict[str, Any]]) -> dict[str, Any] | None:
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


def _ld_names(value: Any) -> tuple[list[str], list[str]]:
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


def _meta(tree: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        val = el.get("content")
        if key and val and val.strip():
            out.setdefault(key, []).append(val.strip())
    return out


_BYLINE_XPATH = (
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


def _byline_elements(tree: Any) -> tuple[list[str], list[str]]:
    """(texts of elements marked as bylines, texts of unmarked "By …" elements)."""
    marked: list[str] = []
    unmarked: list[str] = []
    # A "By …" text after the headline is the byline; one before it is usually a credit of
    # the lead picture or of a teaser.
    h1 = next(iter(tree.iter("h1")), None)
    by_text = h1.xpath("following::" + _BY_TEXT_XPATH) if h1 is not None else []
    by_text = by_text or tree.xpath("//body//" + _BY_TEXT_XPATH)
    for els, found in ((tree.xpath(_BYLINE_XPATH)[:12], marked), (by_text[:6], unmarked)):
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
            if found is unmarked and prev is not None and len(_spaced_text(prev)) > 60:
                continue
            t = _spaced_text(el)
            if t and len(t) < 200 and t not in found:
                found.append(t)
    return marked, unmarked


_DATE_KEYS = (
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
_AUTHOR_KEYS = (
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


def _local_date(raw: str | None, tree: Any) -> str | None:
    """The date of a timestamp, in the page's own time zone when the page shows it.

    Metadata often gives UTC ("2023-12-23T03:22:07Z") while the page prints the local time of
    the same instant (<time datetime="2023-12-22T22:22:07-0500">): the publication date is the
    local one. Only a <time> naming the very same instant is trusted for this.
    """
    date = M.normalize_date(raw)
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
            return local.date().isoformat()
    return date


_VISIBLE_DATE_XPATH = (
    "following::*[self::time or contains(@class, 'date') or contains(@id, 'date') or "
    "contains(@class, 'publish') or contains(@class, 'timestamp')][position() <= 8]"
)


def _visible_date(tree: Any) -> str | None:
    """The date printed under the headline ("Date: December 13, 2023", <time datetime=…>),
    for pages whose metadata has none. Read before htmldate, whose page-wide search may pick a
    "Retrieved February 17, 2024" or a copyright year."""
    h1 = next(iter(tree.iter("h1")), None)
    if h1 is None:
        return None
    for el in h1.xpath(_VISIBLE_DATE_XPATH):
        raw = el.get("datetime") or _text(el)
        if raw and len(raw) < 80:
            date = M.normalize_date(raw)
            if date:
                return date
    return None


def _pick_title(
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
    site_keys = {_norm(site), _norm(M.canonical_outlet(site) if site else None)} - {""}
    valid = [
        h
        for h in h1s
        if len(_norm(h)) >= 8
        and len(_norm(h).split()) >= 2
        and _norm(h) not in site_keys
        and not M.canonical_outlet(h)
    ]
    # With several h1s (a newsletter box, a teaser, a modal), the one that shares most words
    # with the page's declared headline wins; a lone h1 wins whatever the metadata says.
    refs = [set(_WORD.findall(_norm(r))) for r in (ld, og, tw, html_title) if r]
    if len(valid) > 1 and refs:

        def overlap(h: str) -> float:
            words = set(_WORD.findall(_norm(h)))
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


def extract_page(html_text: str | bytes, url: str | None = None, path: str = "-") -> Page:
    """Everything we read from one page. Raises InputError when the page has no body text."""
    try:
        tree = load_html(html_text)
    except (ParserError, XMLSyntaxError, ValueError) as e:
        raise InputError(path, f"malformed HTML ({e})") from None
    if tree is None:
        raise InputError(path, "malformed HTML (no document could be parsed)")
    page = Page()
    metas = _meta(tree)

    def first(*keys: str) -> str | None:
        for k in keys:
            for v in metas.get(k, ()):
                if v:
                    return v
        return None

    objs = _jsonld_objects(tree)
    ld = _ld_article(objs) or {}
    site = first("og:site_name", "application-name", "twitter:site")
    if not site:
        for o in objs:
            pub = o.get("publisher")
            if isinstance(pub, dict) and isinstance(pub.get("name"), str):
                site = pub["name"]
                break
    if site and site.startswith("@"):
        site = site[1:]
    page.site = site

    canon = None
    for link in tree.xpath('//link[@rel="canonical"]/@href'):
        if link.startswith("http"):
            canon = link
            break
    ld_url = ld.get("url") if isinstance(ld.get("url"), str) else None
    og_url = first("og:url")
    page.url = next((u for u in (canon, og_url, ld_url, url) if u and u.startswith("http")), url)

    h1s = [t for t in (_text(h) for h in tree.iter("h1")) if t][:5]
    html_title_el = tree.find(".//title")
    html_title = _text(html_title_el) if html_title_el is not None else None
    ld_head = ld.get("headline") if isinstance(ld.get("headline"), str) else None
    page.title = _pick_title(
        h1s, ld_head, first("og:title"), first("twitter:title"), html_title, site
    )

    # Authors: JSON-LD, then <meta>, then byline elements.
    persons: list[str] = []
    orgs: list[str] = []
    byline: str | None = None
    if ld.get("author"):
        ld_persons, ld_orgs = _ld_names(ld["author"])
        for name in ld_persons:
            a, ag = M.parse_byline(name)
            persons += [x for x in a if x not in persons]
            page.agencies += [x for x in ag if x not in page.agencies]
            if not a and not ag:
                orgs.append(name)
        for name in ld_orgs:
            code = M.agency_code(name)
            if code:
                page.agencies.append(code)
            orgs.append(name)
        byline = ", ".join(ld_persons + ld_orgs) or None
    if not persons:
        for k in _AUTHOR_KEYS:
            for v in metas.get(k, ()):
                if v.startswith("http"):
                    continue
                a, ag = M.parse_byline(v)
                persons += [x for x in a if x not in persons]
                page.agencies += [x for x in ag if x not in page.agencies]
                byline = byline or v
            if persons:
                break
    marked, unmarked = _byline_elements(tree)
    for t in marked:
        a, ag = M.parse_byline(t)
        if not (a or ag):
            continue
        if not persons and not page.agencies:
            persons += [x for x in a if x not in persons]
            page.agencies += [x for x in ag if x not in page.agencies]
            byline = t
        elif set(a) & set(persons) or set(ag) & set(page.agencies):
            # The visible byline naming the same people: keep it as written.
            byline = t
        break

    raw_date = ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None
    if not M.normalize_date(raw_date):
        raw_date = next((first(k) for k in _DATE_KEYS if M.normalize_date(first(k))), None)
    date = _local_date(raw_date, tree) or _visible_date(tree)

    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=page.url,
            favor_precision=True,
            include_comments=False,
            with_metadata=True,
        )
    except Exception as e:  # trafilatura raises assorted errors on pathological markup
        raise InputError(path, f"malformed HTML ({type(e).__name__}: {e})") from None
    body = (getattr(doc, "text", None) or "") if doc is not None else ""
    if doc is not None:
        if not date:
            date = M.normalize_date(getattr(doc, "date", None))
        doc_author = getattr(doc, "author", None)
        if not persons and not page.agencies and doc_author:
            a, ag = M.parse_byline(doc_author)
            persons, page.agencies = a, ag
            byline = byline or doc_author
    # Unmarked "By …" texts come last: they are right on most pages but also catch the credits
    # of pictures and teasers that carry no class to tell them apart.
    for t in unmarked:
        a, ag = M.parse_byline(t)
        if not (a or ag):
            continue
        if not persons and not page.agencies:
            persons, page.agencies = a, ag
            byline = t
        elif set(a) & set(persons) and not marked:
            byline = t
        break
    if doc is not None:
        if not page.title:
            page.title = M.clean_title(getattr(doc, "title", None), site)
        doc_site = getattr(doc, "sitename", None)
        if not page.site and doc_site:
            page.site = doc_site
    if not body.strip():
        raise InputError(path, "no article text could be extracted from this HTML page")
    page.body = body
    page.date = date
    # "<meta name=author content=The Daily Ledger>": the site signing as author is no person.
    site_keys = {_norm(page.site), _norm(M.canonical_outlet(page.site))} - {""}
    persons = [p for p in persons if _norm(p) not in site_keys]
    page.authors = persons
    page.org_authors = orgs
    page.byline = M.strip_markdown_links(byline) if byline else None
    return page


def read_html(
    data: str | bytes,
    path: str,
    *,
    url: str | None = None,
    record_id: str | None = None,
    fmt: str = "html",
) -> Article:
    page = extract_page(data, url=url, path=path)
    text = page.body
    meta = ArticleMeta(
        title=page.title,
        authors=page.authors,
        byline=page.byline,
        agencies=list(page.agencies),
        url=page.url,
        published=page.date,
        site=page.site,
    )
    dl = M.dateline_of(text, 0)
    if dl is not None:
        meta.dateline = dl.text
    for code in M.agencies_from(text, byline=None):
        if code not in meta.agencies:
            meta.agencies.append(code)
    meta.publisher = M.publisher_for(meta.url or url, page.site)
    return Article(
        path=path,
        text=text,
        meta=meta,
        id=record_id or meta.url or url,
        body_start=0,
        format=fmt,
    )


_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section"}


def fragment_to_text(fragment: str) -> str:
    """An HTML fragment (a feed entry's content) → plain text, one paragraph per block."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, XMLSyntaxError, ValueError):
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    parts: list[str] = []
    buf: list[str] = []

    def walk(el: Any) -> None:
        if el.tag in _BLOCK and buf:
            parts.append("".join(buf))
            buf.clear()
        if el.text:
            buf.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                buf.append(child.tail)
        if el.tag in _BLOCK and buf:
            parts.append("".join(buf))
            buf.clear()

    walk(root)
    if buf:
        parts.append("".join(buf))
    paras = [_WS.sub(" ", p).strip() for p in parts]
    return "\n\n".join(p for p in paras if p)
