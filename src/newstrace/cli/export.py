"""``newstrace export``: a thin command over ``newstrace.export``."""

from __future__ import annotations

import click

from newstrace.cli.base import db_option, warn
from newstrace.export import FORMATS, export
from newstrace.store import open_store


@click.command("export")
@db_option
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write into (created if missing; files of the same name are replaced).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="parquet",
    show_default=True,
    help="parquet / csv / jsonl: the tables articles, attributions, claims, claim_members, "
    "stories, copies; graphml: one provenance graph per story; claimreview: claims as "
    "schema.org ClaimReview JSON-LD.",
)
def export_cmd(db: str, to: str, fmt: str) -> None:
    """Export a store (opened read-only) for DuckDB, pandas, Gephi, networkx or the web."""
    # One snapshot: an ingest committing meanwhile cannot show half-linked data.
    with open_store(db, readonly=True) as store, store.snapshot():
        if store.state("links_stale") == "1":
            warn(
                f"{db}: articles were added since the store was last linked; rerun "
                "`newstrace ingest` to finish linking before exporting copies, stories, claims"
            )
        written = export(store, to, fmt)
    for path, n in written.items():
        click.echo(f"{path}\t{n}")
