"""Syndication: copies (verbatim, trimmed, edited, retitled, boilerplate) point at the earliest."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from newstrace.linking.syndication import CopyInput, copy_of

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = (ROOT / "src/newstrace/data/moscow-times-russia-bounties.md").read_text(encoding="utf-8")
PARAS = SEED.split("\n\n")


def test_variants_of_the_seed_point_at_the_original() -> None:
    trimmed = "\n\n".join(PARAS[: len(PARAS) * 6 // 10])
    retitled = "Moscow denies bounty report\n\n" + "\n\n".join(PARAS[1:])
    boiler = "By AFP\n\n" + SEED + "\n\nCopyright AFP 2020. Sign up for our newsletter.\n"
    edited = SEED.replace("said", "stated").replace("Trump", "President Trump")
    docs = [
        CopyInput(trimmed, "2020-06-28", ["AFP"]),
        CopyInput(SEED, "2020-06-27", ["AFP"]),  # the original, stored second
        CopyInput(retitled, "2020-06-27"),
        CopyInput(boiler, "2020-06-29"),
        CopyInput(edited, "2020-06-27"),
    ]
    assert copy_of(docs) == [1, None, 1, 1, 1]


def test_same_day_tie_goes_to_the_one_stored_first() -> None:
    assert copy_of([CopyInput(SEED, "2020-06-27"), CopyInput(SEED, "2020-06-27")]) == [None, 0]


def test_short_texts_and_different_articles_are_not_copies() -> None:
    other = (
        "Russia on Saturday denounced reports about bounties. The Kremlin said the story was "
        "invented. The Russian Embassy in Washington said the accusations were baseless and had "
        "led to threats against its staff. U.S. officials declined to comment on the matter, "
        "and the White House said the president had not been briefed on the intelligence."
    )
    assert copy_of([CopyInput(SEED, "2020-06-27"), CopyInput(other, "2020-06-27")]) == [None, None]
    assert copy_of([CopyInput("Trump said.", None), CopyInput("Trump said.", None)]) == [None, None]


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared (PolNeAR, BASIL)")
def test_small_syndication_benchmark() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import syndication as bench

    arts, gold = bench.build(60, seed=1, negatives=300)
    res = bench.score(arts, gold)
    assert float(res["precision"]) >= 0.95, res  # type: ignore[arg-type]
    assert float(res["recall"]) >= 0.90, res  # type: ignore[arg-type]
