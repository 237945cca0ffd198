"""Markdown / plain text in the seed's layout.

    # Headline
    By [AFP](#)
    June 27, 2020
    Caption of the lead image. **Reuters**        ← photo credit: excluded, not the agency
    Body paragraphs …
    **Related article:** [Title](url)             ← meta.related, excluded
    Original url:
    <https://…>                                   ← meta.url, excluded

``Article.text`` is the file's content exactly; ``body_start`` is where running prose starts and
``exclude`` lists the non-prose lines, so the analysis reads only the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from newstrace.ingest import meta as M
from newstrace.model import Article, ArticleMeta, Related

__all__ = ["parse_layout", "read_markdown"]

_RELATED = re.compile(
    r"^\s*(?:\*\*|__)?\s*(?:related(?: articles?| stories| story| coverage)?|read more|"
    r"see also|more|also read)\s*:?\s*(?:\*\*|__)?\s*:?\s*(?P<rest>.*)$",
    re.I,
)
_MAX_HEADLINE = 250
_LINK = re.compile(r"\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]*)\)")
_ORIGINAL = re.compile(
    r"^\s*(?:original\s+(?:url|link|article)|source(?:\s+url)?|url|link)\s*:\s*(?P<rest>.*)$", re.I
)
_URL_LINE = re.compile(r"^\s*<?(?P<url>https?://[^\s>]+)>?\s*$")
# A caption ends with a bold credit: "... to the Taliban. **Reuters**", "… **Photo: AP**".
_CAPTION_CREDIT = re.compile(r"\*\*(?:photo|image|picture|credit)?:?\s*[^*]{1,60}\*\*\s*$", re.I)
_CAPTION_PREFIX = re.compile(r"^\s*(?:photo|image|picture|caption|credit)\s*:", re.I)
_DATE_LINE = re.compile(
    r"^\s*(?:(?:published|posted|updated|date)\s*:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?[\w ,./:-]{6,40}$",
    re.I,
)


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, line) for every line, end excluding the newline."""
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        yield pos, pos + len(line), line
        pos += len(raw)


def parse_layout(text: str, *, headline_markdown: bool) -> tuple[ArticleMeta, int, list]:
    """Header (headline, byline, date) and the non-prose lines of a text in the seed's layout.

    Returns (meta, body_start, exclude). The headline is the first non-empty line.
    """
    meta = ArticleMeta()
    exclude: list[tuple[int, int]] = []
    lines = list(_lines(text))
    i = 0
    while i < len(lines) and not lines[i][2].strip():
        i += 1
    body_start = 0
    # A first line longer than any headline (PolNeAR's longest is under 200 characters) is
    # running text: such a file has no headline and its body starts at once.
    if i < len(lines) and len(lines[i][2].strip()) <= _MAX_HEADLINE:
        s0, e0, first = lines[i]
        title = first.strip()
        if headline_markdown:
            title = M.clean_title(title, any_outlet=False) or title
        elif title.endswith(".") and not re.search(r"\b\w\.\w\.$|\b[A-Z][a-z]?\.$", title):
            # PolNeAR headlines carry a full stop its metadata titles lack.
            title = title[:-1]
        meta.title = title or None
        body_start = e0
        i += 1
    # Header lines: byline and date, in any order, before the first prose line.
    header_seen = 0
    while i < len(lines) and header_seen < 4:
        s, e, line = lines[i]
        st = line.strip()
        if not st:
            i += 1
            continue
        plain = M.strip_markdown_links(st)
        if meta.byline is None and re.match(r"^(?:by|written by)\b\s*:?\s+\S", plain, re.I):
            meta.byline = plain
            meta.authors, meta.agencies = M.parse_byline(plain)
        elif (
            meta.published is None
            and _DATE_LINE.match(plain)
            and (date := M.normalize_published(plain)) is not None
        ):
            meta.published = date
        else:
            break
        body_start = e
        header_seen += 1
        i += 1
    # Skip the blank lines and leading non-prose (caption) lines to where prose starts.
    prose_started = False
    pending_original = False
    for s, e, line in lines[i:]:
        st = line.strip()
        if not st:
            continue
        if pending_original:
            m = _URL_LINE.match(st)
            if m:
                meta.url = meta.url or m.group("url")
                exclude.append((s, e))
                pending_original = False
                continue
            pending_original = False
        m = _ORIGINAL.match(st)
        if m and (not m.group("rest") or _URL_LINE.match(m.group("rest"))):
            exclude.append((s, e))
            rest = m.group("rest")
            if rest and (mu := _URL_LINE.match(rest)):
                meta.url = meta.url or mu.group("url")
            else:
                pending_original = True
            continue
        m = _RELATED.match(st)
        if m and _LINK.search(m.group("rest") or ""):
            for lk in _LINK.finditer(m.group("rest")):
                url = lk.group("url")
                meta.related.append(
                    Related(lk.group("title").strip(), None if url in ("#", "") else url)
                )
            exclude.append((s, e))
            continue
        if _CAPTION_CREDIT.search(st) or _CAPTION_PREFIX.match(st):
            exclude.append((s, e))
            continue
        if not prose_started:
            prose_started = True
            body_start = s
    return meta, body_start, exclude


def finish_meta(meta: ArticleMeta, text: str, body_start: int) -> None:
    """Dateline, agencies from text credits, publisher from the URL."""
    dl = M.dateline_of(text, body_start)
    if dl is not None:
        meta.dateline = dl.text
    for code in M.agencies_from(text, byline=meta.byline, body_start=body_start):
        if code not in meta.agencies:
            meta.agencies.append(code)
    if meta.publisher is None:
        meta.publisher = M.publisher_for(meta.url, meta.site)


def read_layout(text: str, path: str, *, markdown: bool) -> Article:
    """An article in the headline / byline / date / body layout, Markdown or plain."""
    meta, body_start, exclude = parse_layout(text, headline_markdown=markdown)
    finish_meta(meta, text, body_start)
    return Article(
        path=path,
        text=text,
        meta=meta,
        id=meta.url,
        body_start=body_start,
        format="markdown" if markdown else "text",
        exclude=exclude,
    )


def read_markdown(text: str, path: str) -> Article:
    return read_layout(text, path, markdown=True)
