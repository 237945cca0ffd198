"""RSS and Atom feeds (feedparser): one Article per entry.

Entries with full content (``content:encoded``, Atom ``<content>``) are Articles whose text is
that content as plain text; entries with only a summary are Articles too, marked
``meta.summary_only`` (text = the summary) so the caller can report them as such.
"""

from __future__ import annotations

import re
from typing import Any

import feedparser

from newstrace.errors import InputError
from newstrace.ingest import meta as M
from newstrace.ingest.html import fragment_to_text
from newstrace.model import Article, ArticleMeta, Failure

__all__ = ["read_feed"]


def _date(entry: Any) -> str | None:
    # The entry's own string first: it keeps the publisher's zone ("… -0400"), which
    # feedparser's *_parsed tuples (converted to UTC) lose.
    for key in ("published", "updated", "dc_date", "created"):
        raw = entry.get(key)
        if isinstance(raw, str) and (date := M.normalize_published(raw)):
            return date
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            return M.normalize_published(
                f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
                f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}Z"
            )
    return None


def _feed_site(title: str | None) -> str | None:
    """ "The Daily Ledger - Politics", "NYT > World News", "Reuters: Top News" → the outlet part."""
    if not title:
        return None
    head = re.split(r"\s+(?:[-–—|>»:]|::)\s+|:\s+", title.strip(), maxsplit=1)[0].strip()
    return head or title.strip()


def read_feed(data: bytes, path: str) -> list[Article | Failure]:
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            exc = parsed.get("bozo_exception")
            raise InputError(path, f"malformed feed ({exc})" if exc else "malformed feed")
        raise InputError(path, "feed has no entries")
    feed_info = parsed.get("feed") or {}
    feed_title = feed_info.get("title")
    feed_link = feed_info.get("link")
    out: list[Article | Failure] = []
    for i, e in enumerate(entries, start=1):
        contents = [c.get("value", "") for c in e.get("content") or [] if c.get("value")]
        full = max(contents, key=len) if contents else ""
        summary = e.get("summary") or e.get("description") or ""
        text = fragment_to_text(full) if full else ""
        summary_only = False
        if not text.strip():
            text = fragment_to_text(summary) if summary else ""
            summary_only = True
        link = e.get("link")
        if not text.strip():
            out.append(
                Failure(f"{path}:#{i}", f"feed entry {link or i} has neither content nor summary")
            )
            continue
        byline = e.get("author")
        authors: list[str] = []
        agencies: list[str] = []
        names = [a.get("name") for a in e.get("authors") or [] if a.get("name")] or (
            [byline] if byline else []
        )
        for n in names:
            ps, ags = M.parse_byline(n)
            authors += [p for p in ps if p not in authors]
            agencies += [g for g in ags if g not in agencies]
        meta = ArticleMeta(
            title=M.clean_title(e.get("title"), any_outlet=False),
            authors=authors,
            byline=byline,
            agencies=agencies,
            url=link,
            published=_date(e),
            site=feed_title,
            summary_only=summary_only,
        )
        for code in M.agencies_from(text):
            if code not in meta.agencies:
                meta.agencies.append(code)
        dl = M.dateline_of(text, 0)
        if dl is not None:
            meta.dateline = dl.text
        meta.publisher = M.publisher_for(link or feed_link, _feed_site(feed_title))
        out.append(
            Article(
                path=path,
                text=text,
                meta=meta,
                id=e.get("id") or link,
                body_start=0,
                format="feed",
            )
        )
    return out
