"""WARC archives (warcio): every HTML ``response`` record goes through the HTML reader.

The record's WARC-Target-URI is the article id and the fallback URL. A truncated or corrupt
archive yields the records read before the damage plus one Failure naming where it stopped.
"""

from __future__ import annotations

import io
import zlib

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newstrace.errors import InputError
from newstrace.ingest.html import read_html
from newstrace.model import Article, Failure

__all__ = ["read_warc"]


def read_warc(data: bytes, path: str) -> list[Article | Failure]:
    out: list[Article | Failure] = []
    n = 0
    try:
        for rec in ArchiveIterator(io.BytesIO(data), arc2warc=True):
            if rec.rec_type != "response":
                continue
            ctype = ""
            if rec.http_headers is not None:
                ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
            if ctype and "html" not in ctype:
                continue
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            n += 1
            body = rec.content_stream().read()
            where = f"{path}:{uri or n}"
            try:
                art = read_html(body, where, url=uri, record_id=uri, fmt="warc")
                art.path = path
                out.append(art)
            except InputError as e:
                out.append(Failure(where, e.reason))
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error) as e:
        reason = f"truncated or corrupt WARC after {n} records ({type(e).__name__}: {e})"
        if not out:
            raise InputError(path, reason) from None
        out.append(Failure(path, reason))
        return out
    if not out:
        raise InputError(path, "WARC holds no HTML response records")
    return out
