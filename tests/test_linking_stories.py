"""Stories: the same event from different outlets; BASIL dev as the real-data check."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.eval import basil, stories
from newstrace.linking.stories import (
    StoryInput,
    average_linkage,
    cluster_stories,
    features,
    similarity_edges,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
BASIL = SHARED / "data" / "basil-dev"
CLAIMS_DEV = SHARED / "data" / "claims-dev"
POLNEAR_DEV = SHARED / "data" / "polnear" / "dev"


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


def test_times_of_day_measure_the_gap_in_hours() -> None:
    # 23:00 and 01:00 the next day are two hours apart, not a day: a smaller discount.
    text = "Senate Republicans blocked the health care bill on Tuesday, Mitch McConnell said."
    other = "The governor signed the water bill after a long drought, officials in Sacramento said."
    dated = [
        StoryInput("Senate blocks bill", text, "2017-07-25"),
        StoryInput("Senate blocks bill", text, "2017-07-26"),
        StoryInput("Water bill signed", other, "2017-07-26"),
    ]
    timed = [
        StoryInput("Senate blocks bill", text, "2017-07-25T23:00:00-04:00"),
        StoryInput("Senate blocks bill", text, "2017-07-26T01:00:00-04:00"),
        StoryInput("Water bill signed", other, "2017-07-26T09:00:00-04:00"),
    ]
    by_day = similarity_edges(features(dated))[(0, 1)]
    by_hour = similarity_edges(features(timed))[(0, 1)]
    assert by_hour > by_day


def _reversed_edges(docs: list[StoryInput]) -> dict[tuple[int, int], float]:
    """Similarity edges of ``docs`` computed in reverse order, indexed as in ``docs``."""
    n = len(docs)
    back = similarity_edges(features(docs[::-1]))
    return {(min(n - 1 - a, n - 1 - b), max(n - 1 - a, n - 1 - b)): v for (a, b), v in back.items()}


def test_strongest_terms_cut_does_not_depend_on_input_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every word once, every word in a few documents: many terms of equal weight, so the cut to
    # each document's strongest terms must break ties by a stable key (it broke them by the
    # order words were first seen in, so reversing the input changed the similarities).
    import random

    from newstrace.linking import stories as st

    monkeypatch.setattr(st, "MAX_TERMS", 3)
    vocab = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
        "kilo",
        "lima",
    ]
    rng = random.Random(0)
    docs = [StoryInput("", " ".join(rng.sample(vocab, 6)), "2020-03-01") for _ in range(8)]
    assert similarity_edges(features(docs)) == _reversed_edges(docs)


@pytest.mark.slow
@pytest.mark.skipif(
    not (CLAIMS_DEV.exists() and BASIL.exists()), reason="needs ../shared (claims-dev, BASIL)"
)
def test_dense_month_stories_and_basil() -> None:
    # Issue 7, acceptance 2: the five claims-dev events (two North Korea events three days
    # apart among them) as five stories, while BASIL stays linked. Measured: claims-dev 1.0
    # (0.958 before the lede weight and day decay, on the edge of merging events 0 and 2),
    # BASIL dev 0.993 (1.0 before: its one triplet spread over four days now splits).
    res = stories.run(CLAIMS_DEV)
    assert res["f1"] >= 0.95, res
    assert res["merged_events"] == [], res
    assert basil.run(BASIL)["f1"] >= 0.97
    # A store holding other news too: similarities grow with the IDF base (with a decay of 0.08
    # a day, adding BASIL's 150 articles merged events 0 and 2 at every cut from 0.10 to 0.14).
    arts, gold = stories.load(CLAIMS_DEV)
    docs = [StoryInput(a.meta.title or "", a.text, a.meta.published) for a in arts]
    docs += [StoryInput(it["title"], it["text"], it["published"]) for it in basil.load(BASIL)]
    labels = cluster_stories(docs)[: len(arts)]
    pred = {a.id or "": str(lab) for a, lab in zip(arts, labels, strict=True)}
    assert basil.pairwise(gold, pred)["f1"] >= 0.95


@pytest.mark.slow
@pytest.mark.skipif(not POLNEAR_DEV.exists(), reason="needs ../shared/data/polnear/dev")
def test_polnear_dev_stories_forward_and_reversed() -> None:
    # Issue 11, item 9: ingest order changed the stories (74 vs 75 on PolNeAR dev).
    files = sorted((POLNEAR_DEV / "text").glob("*.txt"))
    docs = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        docs.append((f.stem, StoryInput(text.split("\n", 1)[0], text, f.stem.split("_")[1])))

    def partition(items: list[tuple[str, StoryInput]]) -> set[frozenset[str]]:
        labels = cluster_stories([d for _, d in items])
        groups: dict[int, set[str]] = {}
        for (name, _), lab in zip(items, labels, strict=True):
            groups.setdefault(lab, set()).add(name)
        return {frozenset(g) for g in groups.values()}

    forward = partition(docs)
    assert partition(docs[::-1]) == forward
    assert len(forward) < len(docs)  # some stories link several articles
    # not only the partition: the similarities themselves, bit for bit (25 of 56 edges differed)
    inputs = [d for _, d in docs]
    assert similarity_edges(features(inputs)) == _reversed_edges(inputs)


@pytest.mark.skipif(not CLAIMS_DEV.exists(), reason="needs ../shared/data/claims-dev")
def test_eval_stories_command(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from newstrace.cli import cli

    res = CliRunner().invoke(cli, ["eval", "stories", str(CLAIMS_DEV), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["articles"], out["events"], out["gold_pairs"]) == (25, 5, 50)
    assert out["f1"] >= 0.95
    bad = CliRunner().invoke(cli, ["eval", "stories", str(tmp_path)])
    assert bad.exit_code != 0 and "articles.jsonl" in bad.output
