"""The flat tables (``export.tables``) written as Parquet, CSV or JSON lines, one file each.

Parquet carries the declared types (lists as ``list<string>``, booleans, 64-bit integers), so
DuckDB and pandas read every column as it is meant; an empty table still has its columns.
CSV has a header row, ``true``/``false`` booleans, empty fields for nulls and JSON arrays for
lists. JSON lines hold one object per row with exactly the table's columns.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from newstrace.export.tables import BOOL, INT, LIST, TABLES, Column, rows
from newstrace.store import Store

__all__ = ["FLAT_FORMATS", "write_tables"]

FLAT_FORMATS = ("parquet", "csv", "jsonl")
# Rows per Parquet row group: ~10 MB of article text at the median news length, so memory
# stays bounded on any store while DuckDB still gets large, well-compressed groups.
_BATCH = 2048


def _arrow_schema(cols: tuple[Column, ...]) -> Any:
    import pyarrow as pa

    types = {INT: pa.int64(), BOOL: pa.bool_(), LIST: pa.list_(pa.string())}
    return pa.schema([pa.field(c.name, types.get(c.type, pa.string())) for c in cols])


def _chunks(it: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(islice(it, _BATCH)):
        yield chunk


def _parquet(path: Path, cols: tuple[Column, ...], data: Iterable[dict[str, Any]]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(cols)
    n = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for chunk in _chunks(iter(data)):
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n


def _cell(col: Column, value: Any) -> Any:
    if value is None:
        return ""
    if col.type == LIST:
        return json.dumps(value, ensure_ascii=False)
    if col.type == BOOL:
        return "true" if value else "false"
    return value


def _csv(path: Path, cols: tuple[Column, ...], data: Iterable[dict[str, Any]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([c.name for c in cols])
        for row in data:
            w.writerow([_cell(c, row.get(c.name)) for c in cols])
            n += 1
    return n


def _jsonl(path: Path, cols: tuple[Column, ...], data: Iterable[dict[str, Any]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for row in data:
            fh.write(json.dumps({c.name: row.get(c.name) for c in cols}, ensure_ascii=False))
            fh.write("\n")
            n += 1
    return n


_WRITERS = {"parquet": _parquet, "csv": _csv, "jsonl": _jsonl}


def write_tables(store: Store, to: Path, fmt: str) -> dict[Path, int]:
    """Write every table of ``TABLES`` under ``to`` as ``TABLE.FMT``; rows written per file."""
    if fmt not in _WRITERS:
        raise ValueError(f"not a table format: {fmt!r} (one of {', '.join(FLAT_FORMATS)})")
    out: dict[Path, int] = {}
    for table, cols in TABLES.items():
        path = to / f"{table}.{fmt}"
        out[path] = _WRITERS[fmt](path, cols, rows(store, table))
    return out
