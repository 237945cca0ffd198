"""CI accuracy gate for what ``analyze`` outputs (tagger + rules), on PolNeAR dev.

Measured on the shipped model and rules (``newstrace eval polnear ../shared/data/polnear/dev``):
exact F1 0.773 / 0.710 / 0.571, overlap 0.809 / 0.809 / 0.836 (source / cue / content). The
floors sit about 0.02 below, so a real regression fails while a small rule change does not.
The tagger alone has its own gate in test_tagger_model.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev"
needs_shared = pytest.mark.skipif(not DEV.exists(), reason=f"PolNeAR dev not found at {DEV}")

FLOORS = {
    "exact.source": 0.75,
    "exact.cue": 0.69,
    "exact.content": 0.55,
    "overlap.source": 0.79,
    "overlap.cue": 0.79,
    "overlap.content": 0.815,
}


@needs_shared
@pytest.mark.slow
def test_polnear_dev_attributions_stay_above_their_floors():
    from newstrace.eval import polnear

    result = polnear.run(DEV, system="analyzer")
    assert result["articles"] == 84
    for key, floor in FLOORS.items():
        assert result["scores"][key]["f1"] >= floor, (key, result["scores"][key])
