"""CI accuracy gates for what ``analyze`` outputs (tagger + rules), on PolNeAR dev, per profile.

Measured on the shipped models and rules (``newstrace eval polnear ../shared/data/polnear/dev
--profile P``; titles read as ``analyze`` reads them, headlines analysed):
- ``fast`` (CRF): exact F1 0.770 / 0.710 / 0.574, overlap 0.806 / 0.804 / 0.833
  (source / cue / content);
- ``transformer`` (MiniLM mixed with the CRF): exact F1 0.804 / 0.744 / 0.636, overlap
  0.843 / 0.836 / 0.860.
The floors sit about 0.02 below, so a real regression fails while a small rule change does not.
The CRF alone has its own gate in test_tagger_model.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.analysis.tagger.onnx_tagger import DEFAULT_ONNX_PATH

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev"
needs_shared = pytest.mark.skipif(not DEV.exists(), reason=f"PolNeAR dev not found at {DEV}")

FLOORS = {
    "fast": {
        "exact.source": 0.75,
        "exact.cue": 0.69,
        "exact.content": 0.55,
        "overlap.source": 0.785,
        "overlap.cue": 0.785,
        "overlap.content": 0.815,
    },
    "transformer": {
        "exact.source": 0.78,
        "exact.cue": 0.72,
        "exact.content": 0.615,
        "overlap.source": 0.82,
        "overlap.cue": 0.815,
        "overlap.content": 0.84,
    },
}


@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("profile", ["fast", "transformer"])
def test_polnear_dev_attributions_stay_above_their_floors(profile: str) -> None:
    from newstrace.eval import polnear

    if profile == "transformer" and not DEFAULT_ONNX_PATH.is_file():
        pytest.skip("no transformer tagger shipped in this checkout")
    result = polnear.run(DEV, system="analyzer", profile=profile)
    assert result["articles"] == 84
    assert result["profile"] == profile
    for key, floor in FLOORS[profile].items():
        assert result["scores"][key]["f1"] >= floor, (key, result["scores"][key])
