"""Which reader an input needs (by extension and by sniffing its bytes), and its encoding."""

from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib

from newstrace.errors import InputError
from newstrace.settings import MAX_BYTES

__all__ = [
    "DEFAULT_MAX_BYTES",
    "KNOWN_EXTENSIONS",
    "decode",
    "format_for",
    "gunzip",
    "max_bytes",
    "sniff",
]

KNOWN_EXTENSIONS = (
    ".md",
    ".markdown",
    ".txt",
    ".text",
    ".html",
    ".htm",
    ".xhtml",
    ".jsonl",
    ".ndjson",
    ".json",
    ".xml",
    ".rss",
    ".atom",
    ".warc",
    ".warc.gz",
    ".arc",
    ".gz",
)

_BY_EXT = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".warc": "warc",
    ".arc": "warc",
}

# The cap itself is the MAX_BYTES setting (newstrace.settings, env NEWSTRACE_MAX_BYTES).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
ENV_MAX = MAX_BYTES.env


def max_bytes() -> int:
    """The size cap of one input file, in bytes (setting ``max_bytes``, default 50 MB)."""
    try:
        return int(float(MAX_BYTES.value()))
    except ValueError:
        return DEFAULT_MAX_BYTES


def _ext(path: str) -> str:
    low = path.lower()
    for double in (".warc.gz", ".arc.gz"):
        if low.endswith(double):
            return ".warc.gz"
    return os.path.splitext(low)[1]


_MAGIC_BINARY = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"%PDF",
    b"\x7fELF",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00\x00\x01\x00",
    b"MZ",
)


def is_binary(data: bytes) -> bool:
    """Images, archives, executables, or text with many NUL/control bytes."""
    if data.startswith(_MAGIC_BINARY):
        return True
    head = data[:4096]
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    # Real text has almost no C0 controls; 5% marks binary data mislabelled as text.
    return ctrl > len(head) * 0.05


def gunzip(data: bytes, path: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as e:
        raise InputError(path, f"truncated or corrupt gzip data ({e})") from None


def sniff(data: bytes) -> str | None:
    """The format the bytes look like, or None when nothing stands out."""
    if data.startswith(b"\x1f\x8b"):
        return "gzip"
    if data.startswith((b"WARC/", b"warc/")):
        return "warc"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        body = head[head.find(b"?>") + 2 :].lstrip()
        while body.startswith((b"<!--", b"<?")):
            end = body.find(b">")
            body = body[end + 1 :].lstrip()
        head = body or head
    if head.startswith((b"<rss", b"<feed", b"<rdf", b"<rdf:rdf")):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")) or (
        head.startswith(b"<") and (b"<html" in head or b"<body" in head or b"<div" in head)
    ):
        return "html"
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"["):
        return "jsonl"
    if head.startswith((b"# ", b"#\t")):
        return "markdown"
    return None


def format_for(path: str, data: bytes) -> str:
    """The reader for ``path``: content sniffing wins over the extension when they disagree
    on something unmistakable (a .txt that is an HTML page, a .xml that is a feed)."""
    sniffed = sniff(data)
    if sniffed in ("gzip", "warc", "feed", "html"):
        return sniffed
    by_ext = _BY_EXT.get(_ext(path))
    if _ext(path) == ".warc.gz":
        return "warc"
    if by_ext == "feed" and sniffed != "feed":
        # An .xml file that is not a feed: read it as HTML/XHTML text.
        return "html"
    if by_ext:
        return by_ext
    return sniffed or "text"


_WESTERN = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿŒœŠšŸŽž"
    "‘’“”–—…€£¥©®°±·«»¡¿§¶ªº½¼¾×÷\u00a0"
)
_CHARSET_DECL = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.I)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w:.-]+)["']""", re.I)


def _declared(data: bytes) -> str | None:
    head = data[:4096]
    m = _XML_DECL.search(head) or _CHARSET_DECL.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, path: str, *, markup: bool = False) -> str:
    """Bytes → str: BOM, then the declared charset (markup), then UTF-8, then detection.

    Raises InputError for binary data and for bytes no encoding explains.
    """
    if not data or not data.strip():
        raise InputError(path, "empty file")
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc)
            except UnicodeDecodeError:
                raise InputError(path, f"not valid {enc} despite its byte-order mark") from None
    if is_binary(data):
        raise InputError(
            path, "binary file, not an article", hint="expected text, HTML, JSONL, a feed or WARC"
        )
    if markup:
        declared = _declared(data)
        if declared and declared not in ("utf-8", "ascii"):
            try:
                return data.decode(declared)
            except (UnicodeDecodeError, LookupError):
                pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Western text saved as Windows-1252 / Latin-1 is the commonest non-UTF-8 news file; when
    # every non-ASCII character it decodes to is a Latin letter or typographic punctuation,
    # take it before asking the statistical detector (which may pick a Central European page
    # for a French "naïve").
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None:
        high = [ch for ch in western if ord(ch) > 127]
        letters = sum(1 for ch in western if ch.isalpha())
        # Accents are a few percent of the letters of French, German or Spanish text; a text
        # mostly made of them is another alphabet (Cyrillic in cp1251, Greek…) read wrongly.
        if all(ch in _WESTERN for ch in high) and len(high) <= 0.35 * max(letters, 1):
            return western
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    # charset-normalizer's chaos score: above ~0.2 the "text" is mojibake, not a real encoding.
    if best is not None and best.encoding and best.chaos < 0.2:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise InputError(
        path, "undecodable text (not UTF-8 and no encoding fits)", hint="re-save it as UTF-8"
    )
