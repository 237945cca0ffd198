"""`newstrace eval claims` on claims-dev: agrees with the shared scorer, and floors under the
figures measured there (README), so that claim linking cannot silently get worse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CLAIMS_DEV = SHARED / "data" / "claims-dev"
SCORER = SHARED / "tools" / "claims_score.py"
needs_shared = pytest.mark.skipif(
    not CLAIMS_DEV.exists(), reason=f"claims-dev not found at {CLAIMS_DEV} (only CI has it)"
)

# Measured on claims-dev with the default profile, the transformer (README: coverage 0.968,
# B-cubed 0.823, found 0.961, origin 0.855, disputers recall 0.714 and precision 0.513);
# floors below them.
FLOORS = {
    "coverage": 0.94,
    "bcubed_f1": 0.79,
    "found": 0.92,
    "origin_right": 0.78,
    "disputers_recall": 0.64,
    "disputers_precision": 0.40,
}


def _figures(result: dict[str, Any]) -> dict[str, float]:
    """The gated figures of an ``eval claims`` result."""
    return {
        "coverage": result["coverage"],
        "bcubed_f1": result["bcubed"]["f1"],
        "found": result["trace"]["found"],
        "origin_right": result["trace"]["origin_right"],
        "disputers_recall": result["trace"]["disputers_recall"],
        "disputers_precision": result["trace"]["disputers_precision"],
    }


@pytest.mark.slow
@needs_shared
def test_claims_dev_figures_and_agreement_with_the_shared_scorer(tmp_path: Path) -> None:
    from newstrace.eval import claims

    result = claims.run(CLAIMS_DEV, out_dir=tmp_path)
    got = _figures(result)
    assert all(got[k] >= floor for k, floor in FLOORS.items()), got
    events = result["events"]
    assert sorted(events) == [f"event-{k}" for k in range(5)]
    assert sum(e["instances"] for e in events.values()) == result["gold_instances"]
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


# The fast profile (CRF) on claims-dev (README: coverage 0.963, B-cubed 0.818, found 0.974,
# origin 0.816, disputers recall 0.750, precision 0.429); floors below the figures.
FAST_FLOORS = {
    "coverage": 0.93,
    "bcubed_f1": 0.78,
    "found": 0.90,
    "origin_right": 0.76,
    "disputers_recall": 0.68,
    "disputers_precision": 0.36,
}


@pytest.mark.slow
@needs_shared
def test_claims_dev_figures_with_the_fast_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    from newstrace.eval import claims

    monkeypatch.setenv("NEWSTRACE_PROFILE", "fast")
    result = claims.run(CLAIMS_DEV)
    got = _figures(result)
    assert all(got[k] >= floor for k, floor in FAST_FLOORS.items()), got


def test_each_event_is_scored_alone() -> None:
    """Two events, one claim each: the first linked right, the second split in two. The
    pooled figure hides which event is weak; the per-event figures name it."""
    from newstrace.eval.claims import per_event, score

    texts = {
        "a1": "Officials said the talks will resume in May.",
        "a2": "The talks will resume in May, officials said.",
        "b1": "The agency reported that the plant was closed.",
        "b2": "According to the agency, the plant was shut down.",
    }

    def instance(article: str, quote: str) -> dict[str, str]:
        assert quote in texts[article]
        return {"article": article, "quote": quote, "source": "x", "relation": "reports"}

    events = {
        "event-0": [
            {
                "id": "0-c1",
                "statement": "The talks will resume in May.",
                "origin": "officials",
                "instances": [
                    instance("a1", "the talks will resume in May"),
                    instance("a2", "The talks will resume in May"),
                ],
            }
        ],
        "event-1": [
            {
                "id": "1-c1",
                "statement": "The plant was closed.",
                "origin": "the agency",
                "instances": [
                    instance("b1", "the plant was closed"),
                    instance("b2", "the plant was shut down"),
                ],
            }
        ],
    }

    def member(article: str, quote: str) -> dict[str, Any]:
        s = texts[article].find(quote)
        return {"article": article, "content": [s, s + len(quote)]}

    predicted = [
        {"claim": "p1", "attributions": [member("a1", "the talks"), member("a2", "The talks")]},
        {"claim": "p2", "attributions": [member("b1", "the plant was closed")]},
        {"claim": "p3", "attributions": [member("b2", "the plant was shut down")]},
    ]
    traces = {
        "0-c1": {"gold": "0-c1", "claim": "p1", "articles": ["a1", "a2"], "origin": "officials"},
        "1-c1": {"gold": "1-c1", "claim": "p2", "articles": ["b1"], "origin": "Reuters"},
    }
    got = per_event(events, texts, predicted, traces)
    assert got["event-0"] == {"instances": 2, "bcubed_f1": 1.0, "found": 1.0, "origin_right": 1.0}
    assert got["event-1"]["instances"] == 2
    assert got["event-1"]["bcubed_f1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert got["event-1"]["found"] == 1.0  # one of two articles: article F1 0.67 >= 0.5
    assert got["event-1"]["origin_right"] == 0.0
    pooled = score([c for cs in events.values() for c in cs], texts, predicted, traces)
    assert got["event-1"]["bcubed_f1"] < pooled["bcubed"]["f1"] < got["event-0"]["bcubed_f1"]
