"""Shared fixtures: the spaCy-backed analyzer is built once per test session."""

from __future__ import annotations

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
