"""What every command shares: exit codes, one-line errors and warnings, setting checks.

- A bad command line (click's ``UsageError``) or a bad setting exits 64 (``UsageError``), so
  that 2 keeps one meaning: "some inputs failed, the others were processed".
- A ``NewstraceError`` or an ``sqlite3.Error`` that reaches a command is one line on stderr and
  the error's exit code, never a traceback.
- Warnings logged under the ``newstrace`` logger (a stray byte replaced in a UTF-8 file) are
  one line each on stderr.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import click

from newstrace import settings
from newstrace.errors import NewstraceError, StoreError, UsageError, one_line

# Settings that must be whole numbers >= 1: checked before any command reads a file, so a typo
# fails at once instead of after the model has loaded.
_INT_SETTINGS = (settings.MAX_BYTES, settings.MAX_CHARS, settings.BATCH_SIZE)


def error(message: str) -> None:
    click.echo(f"newstrace: error: {one_line(message)}", err=True)


def warn(message: str) -> None:
    click.echo(f"newstrace: warning: {one_line(message)}", err=True)


class _EchoHandler(logging.Handler):
    """Writes through click at emit time, so CliRunner and redirected stderr both see it."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            error(record.getMessage())
        else:
            warn(record.getMessage())


def setup() -> None:
    """Route ``newstrace`` warnings to stderr (once) and check the numeric settings."""
    log = logging.getLogger("newstrace")
    if not any(isinstance(h, _EchoHandler) for h in log.handlers):
        log.addHandler(_EchoHandler(logging.WARNING))
    for s in _INT_SETTINGS:
        s.positive_int()


class NewstraceGroup(click.Group):
    """``click.Group`` whose errors follow newstrace's exit codes."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            exc.exit_code = UsageError.exit_code  # type: ignore[misc]
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            exc.exit_code = UsageError.exit_code  # type: ignore[misc]
            raise
        except NewstraceError as exc:
            error(str(exc))
            ctx.exit(exc.exit_code)
        except sqlite3.Error as exc:
            # A store that fails under a command (disk full, a locked or damaged file).
            err = StoreError(f"database error: {exc}", hint="check the --db file and free space")
            error(str(err))
            ctx.exit(err.exit_code)


def db_option(f: Any) -> Any:
    """``--db FILE|URL`` (env ``NEWSTRACE_DB``): one declaration for every store command."""
    return click.option(
        "--db",
        envvar=settings.DB.env,
        default=settings.DB.default,
        show_default=True,
        help=settings.DB.help,
    )(f)
