"""The ingest stage: bytes in, ``Article`` records out. Knows nothing of NLP.

Public API (the CLI calls exactly this):

- ``expand_paths(paths)``: files as given, directories recursively (known extensions only),
  globs, "-" for stdin; a missing path yields an ``InputError`` naming it.
- ``read_path(path, stdin=None)``: the Articles of one input; raises ``InputError`` with one
  clear reason when the input cannot be read at all.
- ``iter_articles(paths, stdin=None)``: streams Articles and ``Failure``s; never raises for bad
  input.
"""

from __future__ import annotations

import errno
import glob
import os
import sys
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from newstrace.errors import InputError
from newstrace.ingest import detect
from newstrace.ingest.outlets import canonical_outlet, is_media_name, outlet_for_domain
from newstrace.model import Article, Failure
from newstrace.settings import MAX_CHARS

__all__ = [
    "canonical_outlet",
    "expand_paths",
    "is_media_name",
    "iter_articles",
    "outlet_for_domain",
    "read_bytes",
    "read_path",
]

_GLOB_CHARS = set("*?[")


def _known(name: str) -> bool:
    low = name.lower()
    return any(low.endswith(ext) for ext in detect.KNOWN_EXTENSIONS)


def _symlink_loop(path: str) -> bool:
    try:
        os.stat(path)
    except OSError as e:
        return e.errno == errno.ELOOP
    return False


def expand_paths(paths: Sequence[str]) -> Iterator[str | InputError]:
    for p in paths:
        if p == "-":
            yield p
        elif os.path.isdir(p):
            found = []
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [
                    os.path.join(root, f) for f in files if not f.startswith(".") and _known(f)
                ]
            if not found:
                # A silent success on an empty folder (a wrong path, a failed download) would
                # look like "nothing to do".
                yield InputError(
                    p,
                    "no article files in this directory",
                    hint="known extensions: " + " ".join(detect.KNOWN_EXTENSIONS),
                )
            yield from sorted(found)
        elif os.path.exists(p):
            yield p
        elif os.path.islink(p):
            yield InputError(p, "symlink loop" if _symlink_loop(p) else "broken symlink")
        elif _GLOB_CHARS & set(p):
            hits = sorted(glob.glob(p, recursive=True))
            if not hits:
                yield InputError(p, "no file matches this pattern")
            for h in hits:
                if os.path.isdir(h):
                    yield from expand_paths([h])
                else:
                    yield h
        else:
            yield InputError(p, "no such file or directory")


def _read_all(path: str, stdin: BinaryIO | None) -> bytes:
    cap = detect.max_bytes()
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(cap + 1)
    else:
        try:
            size = os.path.getsize(path)
        except OSError as e:
            raise _os_error(path, e) from None
        if size > cap:
            raise InputError(
                path,
                f"file too large ({size / 1e6:.1f} MB > {cap / 1e6:.0f} MB)",
                hint=f"split it, or raise the cap with {detect.ENV_MAX}",
            )
        try:
            with open(path, "rb") as fh:
                data = fh.read(cap + 1)
        except IsADirectoryError:
            raise InputError(path, "is a directory") from None
        except OSError as e:
            raise _os_error(path, e) from None
    if len(data) > cap:
        raise InputError(
            path,
            f"input too large (> {cap / 1e6:.0f} MB)",
            hint=f"split it, or raise the cap with {detect.ENV_MAX}",
        )
    return data


def _os_error(path: str, e: OSError) -> InputError:
    if e.errno == errno.ELOOP:
        return InputError(path, "symlink loop")
    if e.errno == errno.ENOENT:
        # Listed a moment ago (a directory walk), gone now: moved or deleted mid-run.
        return InputError(path, "no such file (deleted or moved while reading?)")
    return InputError(path, f"cannot read ({e.strerror or e})")


def read_bytes(data: bytes, path: str, *, name: str | None = None) -> list[Article | Failure]:
    """The Articles (and partial Failures) of one input's bytes. Raises InputError when
    nothing can be read. ``name`` is the file name used for the extension (default: path).

    Each reader is imported when its format first turns up: the HTML and feed readers pull
    in trafilatura (a fifth of a second), which a run over plain text never needs."""
    name = name or path
    if not data or not data.strip():
        raise InputError(path, "empty file")
    data = detect.utf16_to_utf8(data)
    fmt = detect.format_for(name, data)
    if fmt == "gzip":
        if _gz_peek(data).startswith((b"WARC/", b"warc/")) or name.lower().endswith(
            (".warc.gz", ".arc.gz")
        ):
            # WARC members are read one by one: a cut file still yields its first records.
            return _read_warc(data, path)
        inner = detect.gunzip(data, path)  # refuses more than max_bytes while inflating
        inner_name = name[:-3] if name.lower().endswith(".gz") else name
        if detect.sniff(inner) == "warc" or inner_name.lower().endswith((".warc", ".arc")):
            return _read_warc(data, path)
        return read_bytes(inner, path, name=inner_name)
    if fmt == "warc":
        return _read_warc(data, path)
    if fmt == "feed":
        if detect.is_binary(data):
            raise InputError(path, "binary file, not an article")
        from newstrace.ingest.feed import read_feed

        return read_feed(data, path)
    if fmt == "html":
        if detect.is_binary(data):
            raise InputError(path, "binary file, not an article")
        from newstrace.ingest.html import read_html

        text = detect.decode(data, path, markup=True)
        return [read_html(text, path)]
    text = detect.decode(data, path)
    if not text.strip():
        raise InputError(path, "empty file")
    if fmt == "jsonl":
        from newstrace.ingest.jsonl import read_jsonl

        return read_jsonl(text, path)
    if fmt == "markdown":
        from newstrace.ingest.markdown import read_markdown

        return [read_markdown(text, path)]
    from newstrace.ingest.text import read_text

    return [read_text(text, path)]


def _read_warc(data: bytes, path: str) -> list[Article | Failure]:
    from newstrace.ingest.warc import read_warc

    return read_warc(data, path)


def _gz_peek(data: bytes) -> bytes:
    import zlib

    try:
        return zlib.decompressobj(31).decompress(data[:65536], 64)
    except zlib.error:
        return b""


def read_path(path: str, stdin: BinaryIO | None = None) -> list[Article]:
    """The Articles of one input. Raises InputError (one clear reason) for the whole file;
    when only some records of a multi-record input fail, the good ones are returned."""
    out = read_bytes(_read_all(path, stdin), path)
    arts = [a for a in out if isinstance(a, Article)]
    if not arts:
        fails = [f for f in out if isinstance(f, Failure)]
        raise InputError(path, fails[0].reason if fails else "no article found")
    return arts


def iter_articles(
    paths: Sequence[str], stdin: BinaryIO | None = None
) -> Iterator[Article | Failure]:
    """Stream Articles and Failures for every expanded path; never raises for bad input.

    A text longer than ``max_chars`` is a Failure here, before any parsing: spaCy refuses
    texts over its ``max_length`` with an exception that would stop the whole batch."""
    limit = detect.max_chars()
    detect.max_bytes()  # a bad setting is a UsageError before any file is read
    for p in expand_paths(paths):
        if isinstance(p, InputError):
            yield Failure(p.path, p.reason)
            continue
        try:
            items = read_bytes(_read_all(p, stdin), p)
        except InputError as e:
            yield Failure(p, e.reason)
            continue
        except (RecursionError, MemoryError) as e:  # pathological inputs (deeply nested HTML)
            yield Failure(p, f"cannot be read ({type(e).__name__})")
            continue
        for n, item in enumerate(items, start=1):
            if isinstance(item, Article) and len(item.text) > limit:
                # One record of many (JSONL, feed, WARC) is named by its id, else its number.
                where = p if len(items) == 1 else f"{p}:{item.id or f'#{n}'}"
                yield Failure(
                    where,
                    f"text too long ({len(item.text):,} characters > {limit:,}; "
                    f"split it, or raise the limit with {MAX_CHARS.env})",
                )
            else:
                yield item
