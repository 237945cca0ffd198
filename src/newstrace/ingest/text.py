"""Plain text whose first line is the headline (the PolNeAR layout), and bare text.

The text is kept exactly as read (offsets index it). A "By …" line and a date line right after the
headline are read as in the markdown layout; a dateline ("WASHINGTON (AP) —") opening the body
credits its agency.
"""

from __future__ import annotations

from newstrace.ingest.markdown import finish_meta, parse_layout
from newstrace.model import Article

__all__ = ["read_text"]


def read_text(text: str, path: str) -> Article:
    meta, body_start, exclude = parse_layout(text, headline_markdown=False)
    finish_meta(meta, text, body_start)
    return Article(
        path=path,
        text=text,
        meta=meta,
        id=meta.url,
        body_start=body_start,
        format="text",
        exclude=exclude,
    )
