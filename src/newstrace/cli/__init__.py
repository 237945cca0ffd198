"""The ``newstrace`` command: thin click commands over plain functions that return records.

Subcommands are imported when they run, not at start-up: the store commands pull in the
linker (scipy, datasketch) and ``newstrace analyze`` should not wait for them (about 0.8 s a
call). ``newstrace --help`` imports them all to print their summaries.
"""

from __future__ import annotations

import importlib

import click

from newstrace import __version__
from newstrace.cli.base import NewstraceGroup, setup

# name -> "module:attribute" of the click command.
COMMANDS = {
    "analyze": "newstrace.cli.analyze:analyze_cmd",
    "info": "newstrace.cli.analyze:info_cmd",
    "eval": "newstrace.cli.evaluate:eval_group",
    "train": "newstrace.cli.evaluate:train_cmd",
    "serve": "newstrace.cli.serve:serve_cmd",
    "export": "newstrace.cli.export:export_cmd",
    "ingest": "newstrace.cli.store:ingest_cmd",
    "articles": "newstrace.cli.store:articles_cmd",
    "stories": "newstrace.cli.store:stories_cmd",
    "relink": "newstrace.cli.store:relink_cmd",
    "claims": "newstrace.cli.claims:claims_cmd",
    "trace": "newstrace.cli.claims:trace_cmd",
}


class LazyGroup(NewstraceGroup):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attr = COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newstrace")
def cli() -> None:
    """Trace who said what in news coverage, on whose authority, and who merely relays it."""
    setup()  # exit codes, one-line warnings, settings checked: see cli/base.py


def main() -> None:
    cli(prog_name="newstrace")
