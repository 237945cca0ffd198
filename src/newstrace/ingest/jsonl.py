"""JSON lines in the news-please / CC-News record shape, and JSON files holding such records.

Fields read: ``title``, ``maintext`` (news-please) or ``text``, ``url``, ``date_publish``,
``source_domain``, ``authors``, optional ``id``; also ``byline`` when present, and BASIL's
``body-paragraphs`` / ``uuid``.
``Article.text`` is the record's text verbatim. A broken line becomes one Failure
("path:LINE: invalid JSON …") and the other lines go on.
"""

from __future__ import annotations

import json
from typing import Any

from newstrace.errors import InputError
from newstrace.ingest import meta as M
from newstrace.model import Article, ArticleMeta, Failure

__all__ = ["article_from_record", "read_jsonl"]

_TEXT_KEYS = ("maintext", "text", "body", "content", "articleBody", "article")


def article_from_record(rec: dict[str, Any], path: str) -> Article:
    """One record → Article. Raises ValueError when the record has no text."""
    text = next(
        (rec[k] for k in _TEXT_KEYS if isinstance(rec.get(k), str) and rec[k].strip()), None
    )
    paras = rec.get("body-paragraphs")
    if text is None and isinstance(paras, list) and paras:
        # BASIL's shape: paragraphs as lists of sentences; sentences joined by one space,
        # paragraphs by a blank line.
        text = "\n\n".join(
            " ".join(str(x) for x in p) if isinstance(p, list) else str(p) for p in paras
        )
    if text is None:
        raise ValueError("record has no text (expected 'maintext' or 'text')")
    url = rec.get("url") if isinstance(rec.get("url"), str) else None
    raw_authors = rec.get("authors") or rec.get("author") or []
    if isinstance(raw_authors, str):
        raw_authors = [raw_authors]
    authors: list[str] = []
    agencies: list[str] = []
    for a in raw_authors:
        if not isinstance(a, str):
            continue
        ps, ags = M.parse_byline(a)
        authors += [p for p in ps if p not in authors]
        agencies += [g for g in ags if g not in agencies]
    byline = rec.get("byline") if isinstance(rec.get("byline"), str) else None
    if byline is None and raw_authors:
        byline = ", ".join(a for a in raw_authors if isinstance(a, str)) or None
    date_raw = rec.get("date_publish") or rec.get("published") or rec.get("date")
    domain = rec.get("source_domain") if isinstance(rec.get("source_domain"), str) else None
    meta = ArticleMeta(
        title=M.clean_title(rec["title"], any_outlet=False)
        if isinstance(rec.get("title"), str)
        else None,
        authors=authors,
        byline=byline,
        agencies=agencies,
        url=url,
        published=M.normalize_published(str(date_raw)) if date_raw else None,
        site=domain,
    )
    dl = M.dateline_of(text, 0)
    if dl is not None:
        meta.dateline = dl.text
    for code in M.agencies_from(text, body_start=0):
        if code not in meta.agencies:
            meta.agencies.append(code)
    meta.publisher = M.publisher_for(url or domain, rec.get("publisher") or None)
    if meta.publisher is None and domain:
        meta.publisher = M.publisher_for(domain)
    rid = rec.get("id") if rec.get("id") not in (None, "") else rec.get("uuid")
    return Article(
        path=path,
        text=text,
        meta=meta,
        id=str(rid) if rid not in (None, "") else url,
        body_start=0,
        format="jsonl",
    )


def read_jsonl(text: str, path: str) -> list[Article | Failure]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        # A .json file holding a list of records.
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as e:
            raise InputError(path, f"invalid JSON: {e.msg} (line {e.lineno})") from None
        return _records(data if isinstance(data, list) else [data], path)
    out: list[Article | Failure] = []
    # JSON Lines records end at "\n" only: str.splitlines() also breaks at U+2028, U+0085 and
    # other separators that are valid, unescaped, inside JSON strings (a "\r" left at a line's
    # end is JSON whitespace).
    lines = text.split("\n")
    if stripped.startswith("{") and len([ln for ln in lines if ln.strip()]) > 1:
        # A pretty-printed single JSON object spans many lines: try the whole file first.
        try:
            return _records([json.loads(stripped)], path)
        except json.JSONDecodeError:
            pass
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{no}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            out.append(Failure(where, f"invalid JSON: {e.msg} (column {e.colno})"))
            continue
        out.append(_record(rec, path, where))
    only = out[0] if len(out) == 1 else None
    if isinstance(only, Failure):
        # A one-record file that fails is a failed file, not a file with one bad line.
        line = only.path.rsplit(":", 1)[-1]
        raise InputError(path, f"line {line}: {only.reason}")
    return out


def _records(data: list[Any], path: str) -> list[Article | Failure]:
    return [_record(rec, path, f"{path}:#{i}") for i, rec in enumerate(data, start=1)]


def _record(rec: Any, path: str, where: str) -> Article | Failure:
    """One record, or the Failure that names where it is (``path:LINE`` or ``path:#N``)."""
    if not isinstance(rec, dict):
        return Failure(where, "not a JSON object")
    try:
        return article_from_record(rec, path)
    except ValueError as e:
        return Failure(where, str(e))
