"""export stage: a linked store out to the tools people already use.

- ``parquet`` / ``csv`` / ``jsonl``: the tables articles, attributions, claims, claim_members,
  stories and copies, with the columns declared in ``export.tables.TABLES`` (``export.flat``);
- ``graphml``: each story's provenance graph (``export.graphml``);
- ``claimreview``: claims as schema.org ClaimReview-style JSON-LD (``export.claimreview``).

``export(store, to, fmt)`` writes into the folder ``to`` and returns each file with the rows
(or nodes, or claims) it holds. The store is only read: open it with
``open_store(path, readonly=True)``.
"""

from __future__ import annotations

from pathlib import Path

from newstrace.export.flat import FLAT_FORMATS, write_tables
from newstrace.export.tables import TABLES
from newstrace.store import Store

__all__ = ["FORMATS", "TABLES", "export"]

FORMATS = (*FLAT_FORMATS, "graphml", "claimreview")


def export(store: Store, to: str | Path, fmt: str) -> dict[Path, int]:
    """Write ``store`` under the folder ``to`` (created if missing) in format ``fmt``."""
    folder = Path(to)
    folder.mkdir(parents=True, exist_ok=True)
    if fmt in FLAT_FORMATS:
        return write_tables(store, folder, fmt)
    if fmt == "graphml":
        from newstrace.export.graphml import write_graphml

        return write_graphml(store, folder)
    if fmt == "claimreview":
        from newstrace.export.claimreview import write_claimreview

        return write_claimreview(store, folder)
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
