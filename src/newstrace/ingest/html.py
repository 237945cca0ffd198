"""Saved HTML pages: trafilatura for the body, then our own corrections of its metadata.

trafilatura finds the body well but takes the ``<title>`` (with its " | Site" suffix) as the
headline and returns bylines as one unsplit string. The page says more precisely what we want:
the on-page headline (``<h1>``, og:title, JSON-LD ``headline``), the authors (JSON-LD ``author``,
``<meta name=author>``, byline elements), the publication date (JSON-LD ``datePublished``,
``article:published_time``; htmldate through trafilatura as the fallback) and the canonical URL.
The page is parsed once with lxml; trafilatura works on that tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError, XMLSyntaxError
from trafilatura.utils import load_html

from newstrace.errors import InputError
from newstrace.ingest import htmlmeta as H
from newstrace.ingest import meta as M
from newstrace.model import Article, ArticleMeta

__all__ = ["Page", "extract_page", "fragment_to_text", "read_html"]

_WS = re.compile(r"\s+")


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


def extract_page(html_text: str | bytes, url: str | None = None, path: str = "-") -> Page:
    """Everything we read from one page. Raises InputError when the page has no body text."""
    try:
        tree = load_html(html_text)
    except (ParserError, XMLSyntaxError, ValueError) as e:
        raise InputError(path, f"malformed HTML ({e})") from None
    if tree is None:
        raise InputError(path, "malformed HTML (no document could be parsed)")
    page = Page()
    metas = H.meta_tags(tree)

    def first(*keys: str) -> str | None:
        for k in keys:
            for v in metas.get(k, ()):
                if v:
                    return v
        return None

    objs = H.jsonld_objects(tree)
    ld = H.ld_article(objs) or {}
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

    h1s = [t for t in (H.text_of(h) for h in tree.iter("h1")) if t][:5]
    html_title_el = tree.find(".//title")
    html_title = H.text_of(html_title_el) if html_title_el is not None else None
    ld_head = ld.get("headline") if isinstance(ld.get("headline"), str) else None
    page.title = H.pick_title(
        h1s, ld_head, first("og:title"), first("twitter:title"), html_title, site
    )

    # Authors: JSON-LD, then <meta>, then byline elements.
    persons: list[str] = []
    orgs: list[str] = []
    byline: str | None = None
    if ld.get("author"):
        ld_persons, ld_orgs = H.ld_names(ld["author"])
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
        for k in H.AUTHOR_KEYS:
            for v in metas.get(k, ()):
                if v.startswith("http"):
                    continue
                a, ag = M.parse_byline(v)
                persons += [x for x in a if x not in persons]
                page.agencies += [x for x in ag if x not in page.agencies]
                byline = byline or v
            if persons:
                break
    marked, unmarked = H.byline_elements(tree)
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
        raw_date = next((first(k) for k in H.DATE_KEYS if M.normalize_date(first(k))), None)
    date = H.local_date(raw_date, tree) or H.visible_date(tree)

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
    site_keys = {H.norm(page.site), H.norm(M.canonical_outlet(page.site))} - {""}
    persons = [p for p in persons if H.norm(p) not in site_keys]
    page.authors = persons
    page.org_authors = orgs
    if byline:
        # A category label printed before the byline ("News By Aaron Klotz"): the byline as
        # written starts at its "By".
        byline = re.sub(r"^[^,;|]{1,40}?\s(?=By\b)", "", M.strip_markdown_links(byline))
    page.byline = byline or None
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
