"""Shared fixtures: the spaCy-backed analyzer is built once per test session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "src" / "newstrace" / "data" / "moscow-times-russia-bounties.md"
# CI clones the project beside shared/; a user's checkout usually has no shared/ at all.
SHARED = ROOT.parent / "shared"
needs_shared = pytest.mark.skipif(
    not SHARED.exists(),
    reason=f"shared corpora not found at {SHARED} (only CI and developers have them)",
)


@pytest.fixture(scope="session")
def analyzer():
    from newstrace.analysis.pipeline import Analyzer

    return Analyzer()


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


# PostgreSQL store tests: .ci/run starts Debian's PostgreSQL and exports this URL (a role that
# may create schemas); without it they are skipped and `-ra` says so.
PG_URL = os.environ.get("NEWSTRACE_TEST_PG", "")
PG_SKIP = "set NEWSTRACE_TEST_PG to run the PostgreSQL store tests"


@pytest.fixture
def pg_db() -> Iterator[str]:
    """A URL to an empty PostgreSQL schema of its own (dropped afterwards)."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    import psycopg

    schema = "nt_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new store on each backend: a SQLite file, a PostgreSQL URL (skipped without one)."""
    if request.param == "sqlite":
        return str(tmp_path / "n.db")
    return str(request.getfixturevalue("pg_db"))
