"""Which reader an input needs (by extension and by sniffing its bytes), and its encoding."""

from __future__ import annotations

import codecs
import logging
import os
import re
import zlib

from newstrace.errors import InputError
from newstrace.settings import MAX_BYTES, MAX_CHARS

__all__ = [
    "DEFAULT_MAX_BYTES",
    "KNOWN_EXTENSIONS",
    "decode",
    "format_for",
    "gunzip",
    "max_bytes",
    "max_chars",
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

log = logging.getLogger("newstrace")

# The cap itself is the MAX_BYTES setting (newstrace.settings, env NEWSTRACE_MAX_BYTES).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
ENV_MAX = MAX_BYTES.env


def max_bytes() -> int:
    """The size cap of one input file, in bytes (setting ``max_bytes``, default 50 MB).

    Raises UsageError for a value that is not a positive whole number (``abc``, ``0``): a cap
    silently ignored, or one that refuses every file, is worse than a clear error."""
    return MAX_BYTES.positive_int()


def max_chars() -> int:
    """The longest text analysed, in characters (setting ``max_chars``)."""
    return MAX_CHARS.positive_int()


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
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_guess(head):
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    # Real text has almost no C0 controls; 5% marks binary data mislabelled as text.
    return ctrl > len(head) * 0.05


def utf16_guess(data: bytes) -> str | None:
    """ "utf-16-le" / "utf-16-be" for UTF-16 text without a byte-order mark, else None.

    Text in a Latin script saved as UTF-16 has a NUL in every other byte (the high byte of
    each ASCII character) and almost none in the other position; binary data has NULs
    scattered everywhere or nowhere.
    """
    head = data[:4096]
    if len(head) < 4:
        return None
    head = head[: len(head) - len(head) % 2]
    pairs = len(head) // 2
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    # 30%: a page of mostly ASCII text is > 90% such pairs; 1%: allows a stray U+0100-block
    # letter (whose low byte is NUL) but not a binary blob.
    for nuls, others, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= 0.3 * pairs and others <= 0.01 * pairs:
            try:
                text = head.decode(enc)
            except UnicodeDecodeError:
                # A cut surrogate pair at the end of the sample is fine.
                text = head[:-2].decode(enc, errors="replace")
            ctrl = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
            if ctrl <= 0.01 * len(text):
                return enc
    return None


def utf16_to_utf8(data: bytes) -> bytes:
    """UTF-16 input (with a byte-order mark, or recognised without one) as UTF-8 bytes, so
    that sniffing and the readers see ordinary text; any other input unchanged."""
    enc = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"  # the BOM picks the byte order and is dropped
    elif not data.startswith(codecs.BOM_UTF8):
        enc = utf16_guess(data)
    if enc is None:
        return data
    try:
        return data.decode(enc).encode("utf-8")
    except UnicodeDecodeError:
        return data  # decode() reports it (a byte-order mark but not UTF-16 after it)


def gunzip(data: bytes, path: str, limit: int | None = None) -> bytes:
    """Decompress every gzip member of ``data``, never holding more than ``limit`` bytes
    (default: the ``max_bytes`` cap): a small file inflating to gigabytes (a gzip bomb) is
    refused after ``limit`` bytes, not after filling memory."""
    cap = max_bytes() if limit is None else limit
    out = bytearray()
    rest = data
    try:
        while rest:
            d = zlib.decompressobj(31)
            out += d.decompress(rest, cap + 1 - len(out))
            if len(out) > cap or d.unconsumed_tail:
                raise InputError(
                    path,
                    f"decompressed input too large (> {cap / 1e6:.0f} MB)",
                    hint=f"split it, or raise the cap with {ENV_MAX}",
                )
            if not d.eof:
                raise EOFError("compressed file ended before the end-of-stream marker")
            # Concatenated members (``cat a.gz b.gz``) are one file; trailing NULs are padding.
            rest = d.unused_data.lstrip(b"\x00")
    except (EOFError, zlib.error) as e:
        raise InputError(path, f"truncated or corrupt gzip data ({e})") from None
    return bytes(out)


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


def _utf8_lenient(data: bytes) -> tuple[str, int, int]:
    """UTF-8 with each invalid byte as U+FFFD: (text, invalid bytes, valid multi-byte chars)."""
    raw = data.decode("utf-8", errors="surrogateescape")
    bad = sum(1 for ch in raw if "\udc80" <= ch <= "\udcff")
    good = sum(1 for ch in raw if ord(ch) > 127) - bad
    if bad:
        raw = "".join("\ufffd" if "\udc80" <= ch <= "\udcff" else ch for ch in raw)
    return raw, bad, good


def _replaced(path: str, text: str, bad: int) -> str:
    log.warning(
        "%s: %d invalid UTF-8 byte%s replaced by U+FFFD (the rest is read as UTF-8)",
        path,
        bad,
        "" if bad == 1 else "s",
    )
    return text


def decode(data: bytes, path: str, *, markup: bool = False) -> str:
    """Bytes → str: BOM (UTF-8, UTF-16), UTF-16 without BOM, then the declared charset
    (markup), then UTF-8, then UTF-8 with a few stray bytes replaced, then detection.

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
    bomless = utf16_guess(data)
    if bomless is not None:
        try:
            return data.decode(bomless)
        except UnicodeDecodeError:
            pass
    if is_binary(data):
        raise InputError(
            path, "binary file, not an article", hint="expected text, HTML, JSONL, a feed or WARC"
        )
    if markup:
        declared = _declared(data)
        # A UTF-16/32 declaration on bytes that are not UTF-16 (a page re-saved as UTF-8
        # keeps its old <meta>) would turn the text into CJK noise.
        if declared and declared not in ("utf-8", "ascii") and not declared.startswith("utf-"):
            try:
                return data.decode(declared)
            except (UnicodeDecodeError, LookupError):
                pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient, bad, good = _utf8_lenient(data)
    if good >= bad:
        # UTF-8 text with a few stray bytes (a cut character, one pasted Latin-1 letter): at
        # least as many well-formed multi-byte characters as bad bytes means the file is UTF-8.
        # Re-reading it all as another charset would garble every one of them ("’" → "‚Äô").
        return _replaced(path, lenient, bad)
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
    if bad <= max(1, 0.01 * len(data)):
        # Plain ASCII text with a stray byte or two that no Western charset explains.
        return _replaced(path, lenient, bad)
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
