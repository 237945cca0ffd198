"""Stories: the same event from different outlets; BASIL dev as the real-data check."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.eval import basil
from newstrace.linking.stories import StoryInput, average_linkage, cluster_stories

SHARED = Path(__file__).resolve().parents[2] / "shared"
BASIL = SHARED / "data" / "basil-dev"


def test_average_linkage_needs_the_whole_cluster_close() -> None:
    # a-b close, b-c close, a-c far: average linkage keeps c out at a 0.5 cut.
    edges = {(0, 1): 0.9, (1, 2): 0.6}
    assert average_linkage(3, edges, 0.5) == [0, 0, 2]
    assert average_linkage(3, edges, 0.25) == [0, 0, 0]


def test_far_apart_dates_are_different_stories() -> None:
    text = "Senate Republicans blocked the health care bill on Tuesday, Mitch McConnell said."
    docs = [
        StoryInput("Senate blocks bill", text, "2017-07-25"),
        StoryInput("Senate blocks bill", text, "2017-07-26"),
        StoryInput("Senate blocks bill", text, "2017-09-26"),
    ]
    labels = cluster_stories(docs)
    assert labels[0] == labels[1] != labels[2]


@pytest.mark.skipif(not BASIL.exists(), reason="needs ../shared/data/basil-dev")
def test_basil_dev_pairwise_f1() -> None:
    res = basil.run(BASIL)
    assert res["f1"] >= 0.92, {k: v for k, v in res.items() if k != "predictions"}
    # each year linked on its own (30 articles: weaker IDF) stays usable too
    assert min(res["per_year_f1"].values()) >= 0.85
