"""WARC archives (warcio): every HTML ``response`` record goes through the HTML reader.

The record's WARC-Target-URI is the article id and the fallback URL. A truncated or corrupt
archive yields the records read before the damage plus one Failure naming where it stopped.
"""

from __future__ import annotations

import contextlib
import io
import logging
import zlib

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newstrace.errors import InputError
from newstrace.ingest.detect import max_bytes
from newstrace.ingest.html import read_html
from newstrace.model import Article, Failure

__all__ = ["read_warc"]


# warcio reports damage on its own (a logger warning with the whole URI, a multi-line note on
# stderr): the reader's one Failure line per damaged record or file says it instead.
logging.getLogger("warcio").setLevel(logging.ERROR)


def read_warc(data: bytes, path: str) -> list[Article | Failure]:
    with contextlib.redirect_stderr(io.StringIO()):
        return _read_warc(data, path)


def _read_warc(data: bytes, path: str) -> list[Article | Failure]:
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
            where = f"{path}:{uri or n}"
            # Bounded: a gzip-compressed record may inflate far beyond the file's size.
            cap = max_bytes()
            body = rec.content_stream().read(cap + 1)
            if len(body) > cap:
                out.append(Failure(where, f"record too large (> {cap / 1e6:.0f} MB)"))
                continue
            if getattr(rec.raw_stream, "limit", 0) > 0:
                # Fewer bytes than the record's Content-Length: the file ends mid-record.
                raise EOFError(f"record {uri or n} is cut short")
            try:
                art = read_html(body, where, url=uri, record_id=uri, fmt="warc")
                art.path = path
                out.append(art)
            except InputError as e:
                out.append(Failure(where, e.reason))
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error, AttributeError) as e:
        # warcio raises AttributeError on a record whose headers are cut or missing.
        reason = f"truncated or corrupt WARC after {n} records ({type(e).__name__}: {e})"
        if not out:
            raise InputError(path, reason) from None
        out.append(Failure(path, reason))
        return out
    if data[:2] == b"\x1f\x8b" and not gzip_complete(data):
        # warcio stops quietly at a cut gzip member: the records in it are lost.
        reason = f"truncated or corrupt WARC after {n} records (incomplete gzip data)"
        if not out:
            raise InputError(path, reason)
        out.append(Failure(path, reason))
    if not out:
        raise InputError(path, "WARC holds no HTML response records")
    return out


def gzip_complete(data: bytes) -> bool:
    """Whether ``data`` is a series of complete gzip members (streamed, little memory)."""
    view = memoryview(data)
    pos = 0
    while pos < len(data):
        d = zlib.decompressobj(31)
        try:
            while not d.eof:
                if pos >= len(data):
                    return False
                chunk = view[pos : pos + 65536]
                pos += len(chunk)
                d.decompress(chunk)
        except zlib.error:
            return False
        pos -= len(d.unused_data)
    return True
