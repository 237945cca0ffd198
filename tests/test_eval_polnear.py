"""``newstrace.eval.polnear`` must score exactly as ``shared/tools/polnear_score.py``."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from newstrace.analysis.candidates import Candidate
from newstrace.analysis.tagger.brat import gold_files, read_ann
from newstrace.eval import polnear

FIXTURE = Path(__file__).parent / "fixtures" / "polnear"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SCORER = SHARED / "tools" / "polnear_score.py"
DEV = SHARED / "data" / "polnear" / "dev"
needs_shared = pytest.mark.skipif(
    not SCORER.exists(), reason="../shared (PolNeAR and its scorer) is not beside the repository"
)


def _shared_scores(split: Path, preds: dict[str, list[Candidate]], tmp: Path) -> dict:
    out = tmp / "preds.jsonl"
    polnear.write_predictions(preds, out)
    proc = subprocess.run(
        [sys.executable, str(SCORER), str(split), str(out), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout)


def _perturbed(split: Path, seed: int) -> dict[str, list[Candidate]]:
    """Gold attributions with spans dropped, shifted, widened into punctuation and merged."""
    rnd = random.Random(seed)
    preds: dict[str, list[Candidate]] = {}
    for stem, (text_path, ann) in gold_files(split).items():
        n = len(text_path.read_text(encoding="utf-8"))
        out = []
        for att in read_ann(ann):
            roles = []
            for frags in (att.source, att.cue, att.content):
                if frags is None or rnd.random() < 0.15:
                    roles.append(None)
                    continue
                x = rnd.random()
                if x < 0.1:
                    frags = tuple((s + 2, e) for s, e in frags)
                elif x < 0.2:
                    frags = tuple((max(0, s - 1), min(n, e + 1)) for s, e in frags)
                elif x < 0.25 and len(frags) > 1:
                    frags = frags[:1]
                roles.append(frags)
            out.append(Candidate(roles[0], roles[1], roles[2]))
        if rnd.random() < 0.1:
            continue  # an article with no prediction at all
        preds[stem] = out
    return preds


def test_score_fixture_by_hand() -> None:
    gold = polnear.load_gold(FIXTURE)
    text = gold["smith-plan"].text
    said = text.index("said")
    quote2 = text.index('"We will')
    preds = {
        "smith-plan": [
            # The content misses its second piece: exact fails, overlap holds.
            Candidate(((said - 14, said - 1),), ((said, said + 4),), ((19, 38),)),
            # Trailing comma and quote are trimmed before comparing.
            Candidate(None, ((quote2, quote2 + 3),), None),
        ]
    }
    res = polnear.score(gold, preds)["scores"]
    assert res["exact.source"]["f1"] == pytest.approx(2 * 0.5 / 1.5, abs=1e-4)
    assert res["exact.cue"] == {"p": 0.5, "r": 0.5, "f1": 0.5, "pred": 2, "gold": 2}
    assert res["exact.content"]["p"] == 0.0
    assert res["overlap.content"]["p"] == 1.0


@needs_shared
def test_agrees_with_shared_scorer_on_fixture(tmp_path: Path) -> None:
    preds = _perturbed(FIXTURE, 1) or {"smith-plan": []}
    ours = polnear.score(polnear.load_gold(FIXTURE), preds)
    theirs = _shared_scores(FIXTURE, preds, tmp_path)
    assert ours["scores"] == theirs["scores"]


@needs_shared
@pytest.mark.skipif(not DEV.exists(), reason="PolNeAR dev split absent")
@pytest.mark.parametrize("seed", [3, 4])
def test_agrees_with_shared_scorer_on_dev(tmp_path: Path, seed: int) -> None:
    preds = _perturbed(DEV, seed)
    ours = polnear.score(polnear.load_gold(DEV), preds)
    theirs = _shared_scores(DEV, preds, tmp_path)
    assert ours["articles"] == theirs["articles"]
    assert ours["predicted_articles"] == theirs["predicted_articles"]
    assert ours["scores"] == theirs["scores"]
    assert 0.3 < ours["scores"]["exact.cue"]["f1"] < 1.0  # the perturbation did something


def test_run_with_custom_predictor(tmp_path: Path) -> None:
    gold = polnear.load_gold(FIXTURE)
    ann = read_ann(FIXTURE / "attributions" / "smith-plan_1a2b.ann")

    def predict(stem: str, text: str) -> list[Candidate]:
        assert text == gold[stem].text
        return [Candidate(a.source, a.cue, a.content) for a in ann]

    out = tmp_path / "p.jsonl"
    res = polnear.run(FIXTURE, predict=predict, predictions_out=out)
    assert all(v["f1"] == 1.0 for v in res["scores"].values())
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["id"] == "smith-plan" and len(line["attributions"]) == 2
