"""User-facing errors: each carries its exit code and says how to fix the problem."""

from __future__ import annotations


class NewstraceError(Exception):
    """Base of every error a user may see. ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(NewstraceError):
    """One input (file or record) could not be read; the batch goes on without it."""

    exit_code = 2

    def __init__(self, path: str, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"{path}: {reason}", hint=hint)
        self.path = path
        self.reason = reason if not hint else f"{reason} ({hint})"


class ModelError(NewstraceError):
    """The spaCy pipeline or the attribution tagger could not be loaded."""

    exit_code = 3


class StoreError(NewstraceError):
    """The database could not be opened, migrated or written."""

    exit_code = 4


class UsageError(NewstraceError):
    """A bad command line or setting (``NEWSTRACE_MAX_BYTES=abc``): nothing was read.

    64 is EX_USAGE of BSD ``sysexits.h``; 2 stays "some inputs failed" (``InputError``)."""

    exit_code = 64


def one_line(text: str) -> str:
    """``text`` safe to print as one line of an error report: control characters and line
    separators (a newline in a file name, U+2028) are shown escaped, as Python writes them."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)
