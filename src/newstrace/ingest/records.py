"""Records analysed elsewhere: files of ``analyze --format jsonl`` (or ``--format json``) output.

A newsroom can run ``analyze`` on many machines and ``ingest`` the records into one store
without parsing anything again. Such a file is told apart from news-please / CC-News JSONL by
its records' ``schema`` field (``analyze`` writes it first in every record); its records
become ``AnalyzedArticle``s through ``AnalyzedArticle.from_json``, the contract's one reader.

Every other input is handed to ``newstrace.ingest.read_bytes`` untouched, so this module only
adds a reader: ``iter_items`` streams what ``iter_articles`` streams, plus analysed records.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

from newstrace.errors import InputError
from newstrace.ingest import _read_all, detect, expand_paths, iter_articles, read_bytes
from newstrace.ingest.jsonl import article_from_record
from newstrace.model import SCHEMA_VERSION, AnalyzedArticle, Article, Failure, Span

__all__ = ["is_analyzed_record", "iter_items", "read_analyzed", "read_items"]

Item = Article | AnalyzedArticle | Failure

# ``analyze`` writes ``{"schema": N, ...`` (jsonl) or ``[\n  {\n    "schema": N`` (json): the
# key comes first, so a glance at the head of a file is enough to pick this reader.
_HEAD = re.compile(r'\s*\[?\s*\{\s*"schema"\s*:\s*\d+')
# Bytes looked at to tell: the opening of the first record.
_PEEK = 4096


def is_analyzed_record(rec: Any) -> bool:
    """A record written by ``analyze``: a ``schema`` number, the text and its attributions."""
    return (
        isinstance(rec, dict)
        and isinstance(rec.get("schema"), int)
        and isinstance(rec.get("text"), str)
        and isinstance(rec.get("attributions"), list)
    )


def _looks_analyzed(data: bytes) -> bool:
    head = data[:4096].decode("utf-8", "ignore").lstrip("\ufeff")
    if _HEAD.match(head):
        return True
    first = head.lstrip().split("\n", 1)[0]
    if not first.startswith("{"):
        return False
    try:  # a producer that writes "schema" later in the record, one record per line
        rec = json.loads(data.decode("utf-8", "ignore").lstrip("\ufeff").lstrip().split("\n")[0])
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return is_analyzed_record(rec)


def _check_spans(rec: AnalyzedArticle) -> str | None:
    """Why the record's spans do not index its text (a hand-edited or truncated record)."""
    text = rec.text

    def bad(s: Span | None) -> bool:
        if s is None:
            return False
        return not (0 <= s.start <= s.end <= len(text)) or text[s.start : s.end] != s.text

    for i, a in enumerate(rec.attributions):
        for what, span in (
            ("source", a.source.span if a.source else None),
            ("cue", a.cue),
            ("content", a.content),
        ):
            if bad(span):
                return f"attribution {i}: its {what} span does not index the record's text"
    return None


def _one(rec: Any, path: str, where: str) -> AnalyzedArticle | Article | Failure:
    if not isinstance(rec, dict):
        return Failure(where, "not a JSON object")
    if not is_analyzed_record(rec):
        try:  # a plain news record among analysed ones: read it as the JSONL reader would
            return article_from_record(rec, path)
        except ValueError as e:
            return Failure(where, str(e))
    if rec["schema"] > SCHEMA_VERSION:
        return Failure(
            where,
            f"record schema {rec['schema']} is newer than this newstrace reads "
            f"({SCHEMA_VERSION}); upgrade newstrace",
        )
    try:
        out = AnalyzedArticle.from_json(rec)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        return Failure(where, f"malformed analysed record ({type(e).__name__}: {e})")
    why = _check_spans(out)
    return Failure(where, why) if why else out


def read_analyzed(text: str, path: str) -> list[AnalyzedArticle | Article | Failure]:
    """The records of one ``analyze --format jsonl|json`` output; a broken line is a Failure
    naming it (``path:LINE``) and the other lines go on."""
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith("["):  # --format json over several articles: one array
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as e:
            raise InputError(path, f"invalid JSON: {e.msg} (line {e.lineno})") from None
        items = data if isinstance(data, list) else [data]
        return [_one(r, path, f"{path}:#{i}") for i, r in enumerate(items, start=1)]
    if stripped.startswith("{") and "\n" in stripped.rstrip():
        try:  # --format json over one article: one pretty-printed object
            return [_one(json.loads(stripped), path, path)]
        except json.JSONDecodeError:
            pass
    out: list[AnalyzedArticle | Article | Failure] = []
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            out.append(Failure(f"{path}:{no}", f"invalid JSON: {e.msg} (column {e.colno})"))
            continue
        out.append(_one(rec, path, f"{path}:{no}"))
    return out


def read_items(data: bytes, path: str) -> list[Item]:
    """The items of one input's bytes: analysed records when it holds them, else whatever
    ``read_bytes`` makes of it. Raises InputError when nothing can be read."""
    if detect.format_for(path, data) == "jsonl" and _looks_analyzed(data):
        return list(read_analyzed(detect.decode(data, path), path))
    return list(read_bytes(data, path))


def _head(path: str, stdin: BinaryIO | None) -> tuple[bytes, BinaryIO | None]:
    """The first bytes of an input, without using them up: stdin is peeked, or read whole
    and handed on as a new stream."""
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        peek = getattr(stream, "peek", None)
        if callable(peek):
            return bytes(peek(_PEEK))[:_PEEK], stream
        data = stream.read(detect.max_bytes() + 1)
        return data[:_PEEK], io.BytesIO(data)
    try:
        with open(path, "rb") as fh:
            return fh.read(_PEEK), stdin
    except OSError:
        return b"", stdin  # iter_articles names the problem


def iter_items(paths: Sequence[str], stdin: BinaryIO | None = None) -> Iterator[Item]:
    """What ``iter_articles`` yields, and the analysed records of the files that hold them;
    never raises for bad input (each bad file or record is one Failure)."""
    for p in expand_paths(paths):
        if isinstance(p, InputError):
            yield Failure(p.path, p.reason)
            continue
        head, stream = _head(p, stdin)
        if detect.format_for(p, head) == "jsonl" and _looks_analyzed(head):
            try:
                data = _read_all(p, stream)
                yield from read_analyzed(detect.decode(data, p), p)
            except InputError as e:
                yield Failure(p, e.reason)
            except (RecursionError, MemoryError) as e:
                yield Failure(p, f"cannot be read ({type(e).__name__})")
            continue
        # Every other input goes through the readers as ``iter_articles`` reads it (size and
        # length limits, failures named), one path at a time.
        yield from iter_articles([p], stdin=stream)
