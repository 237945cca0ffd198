"""`newstrace eval claims` on claims-dev: agrees with the shared scorer, and floors under the
figures measured there (README), so that claim linking cannot silently get worse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CLAIMS_DEV = SHARED / "data" / "claims-dev"
SCORER = SHARED / "tools" / "claims_score.py"
needs_shared = pytest.mark.skipif(
    not CLAIMS_DEV.exists(), reason=f"claims-dev not found at {CLAIMS_DEV} (only CI has it)"
)

# Measured on claims-dev (README: coverage 0.949, B-cubed 0.800, found 0.947, origin 0.842,
# disputers recall 0.714 and precision 0.417); floors below them.
FLOORS = {
    "coverage": 0.92,
    "bcubed_f1": 0.77,
    "found": 0.90,
    "origin_right": 0.72,
    "disputers_recall": 0.60,
    "disputers_precision": 0.38,
}


@pytest.mark.slow
@needs_shared
def test_claims_dev_figures_and_agreement_with_the_shared_scorer(tmp_path: Path) -> None:
    from newstrace.eval import claims

    result = claims.run(CLAIMS_DEV, out_dir=tmp_path)
    got = {
        "coverage": result["coverage"],
        "bcubed_f1": result["bcubed"]["f1"],
        "found": result["trace"]["found"],
        "origin_right": result["trace"]["origin_right"],
        "disputers_recall": result["trace"]["disputers_recall"],
        "disputers_precision": result["trace"]["disputers_precision"],
    }
    assert all(got[k] >= floor for k, floor in FLOORS.items()), got
    shared = json.loads(
        subprocess.run(
            [
                sys.executable,
                str(SCORER),
                str(CLAIMS_DEV / "gold"),
                str(CLAIMS_DEV / "articles.jsonl"),
                str(tmp_path / "claims.jsonl"),
                "--traces",
                str(tmp_path / "traces.jsonl"),
                "--json",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    assert shared["coverage"] == pytest.approx(result["coverage"])
    assert shared["bcubed"]["f1"] == pytest.approx(result["bcubed"]["f1"])
    assert shared["claim_article_f1"] == pytest.approx(result["claim_article_f1"])
    for key in ("found", "origin_right", "disputers_recall", "independent_count_right"):
        assert shared["trace"][key] == pytest.approx(result["trace"][key])
