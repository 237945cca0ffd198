"""Plain text whose first line is the headline (the PolNeAR layout), and bare text.

The text is kept exactly as read (offsets index it). A "By …" line and a date line right after the
headline are read as in the markdown layout; a dateline ("WASHINGTON (AP) —") opening the body
credits its agency.
"""

from __future__ import annotations

from newstrace.ingest.markdown import read_layout
from newstrace.model import Article

__all__ = ["read_text"]


def read_text(text: str, path: str) -> Article:
    return read_layout(text, path, markdown=False)
