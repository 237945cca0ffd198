"""The ``newstrace`` command: thin click commands over plain functions that return records."""

from __future__ import annotations

import click

from newstrace import __version__
from newstrace.cli.analyze import analyze_cmd, info_cmd
from newstrace.cli.base import NewstraceGroup, setup
from newstrace.cli.evaluate import eval_group, train_cmd
from newstrace.cli.export import export_cmd
from newstrace.cli.serve import serve_cmd


@click.group(cls=NewstraceGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newstrace")
def cli() -> None:
    """Trace who said what in news coverage, on whose authority, and who merely relays it."""
    setup()  # exit codes, one-line warnings, settings checked: see cli/base.py


cli.add_command(analyze_cmd)
cli.add_command(info_cmd)
cli.add_command(eval_group)
cli.add_command(train_cmd)
cli.add_command(serve_cmd)
cli.add_command(export_cmd)

try:  # the store commands live in their own module; see cli/store.py
    from newstrace.cli.claims import claims_cmd, trace_cmd
    from newstrace.cli.store import articles_cmd, ingest_cmd, relink_cmd, stories_cmd
except ModuleNotFoundError as exc:  # pragma: no cover - only while the store is being built
    if exc.name != "newstrace.cli.store":
        raise
else:
    for command in (ingest_cmd, articles_cmd, stories_cmd, relink_cmd, claims_cmd, trace_cmd):
        cli.add_command(command)


def main() -> None:
    cli(prog_name="newstrace")
