"""The seed's claim picture, across articles: origin, backers, relays, disputers (on SQLite and
PostgreSQL: ``store_db``)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "linking"))

import records as R  # noqa: E402

from newstrace.linking.link import link_store  # noqa: E402
from newstrace.linking.query import find_claim, stories  # noqa: E402
from newstrace.store import open_store  # noqa: E402


def _bounty(db: str, *arts: Any) -> dict[str, Any]:
    with open_store(db) as store:
        for a in arts:
            assert store.add(a)
        link_store(store)
        claim = find_claim(store, "Russian unit offered rewards to Taliban-linked militants")
    assert claim is not None
    return claim


def test_seed_bounty_claim_has_one_independent_source(store_db: str) -> None:
    claim = _bounty(store_db, R.seed_analyzed())
    assert claim["independent_sources"] == 1
    (backer,) = claim["independent_backers"]
    assert "anonymous officials" in backer["name"] and "New York Times" in backer["name"]
    assert claim["origin"]["source"] == backer["name"]
    assert claim["first_report"]["publisher"] == "The Moscow Times"
    parties = {d["party"]: d for d in claim["disputers"]}
    assert set(parties) == {"Russia", "Donald Trump"}
    assert {"a Kremlin spokesman", "the Russian Embassy in Washington"} <= set(
        parties["Russia"]["sources"]
    )
    assert "deny" in parties["Russia"]["stances"]
    assert parties["Donald Trump"]["stances"] == ["dismiss"]
    # The Moscow Times and AFP only relay the NYT's report.
    relays = {(r["kind"], r["name"]) for r in claim["relays"]}
    assert {("re-report", "The Moscow Times"), ("re-report", "AFP")} <= relays
    assert all(r["of"] == "The New York Times" for r in claim["relays"])


def test_confirmation_from_own_sources_raises_the_count(store_db: str) -> None:
    claim = _bounty(store_db, R.seed_analyzed(), R.confirm_analyzed())
    assert claim["independent_sources"] == 2
    names = [b["name"] for b in claim["independent_backers"]]
    assert any("via The Associated Press" in n for n in names)
    assert claim["first_report"]["publisher"] == "The Moscow Times"
    assert [t["date"] for t in claim["timeline"]] == sorted(t["date"] for t in claim["timeline"])


def test_copy_of_the_afp_story_adds_no_backer(store_db: str) -> None:
    claim = _bounty(store_db, R.seed_analyzed(), R.copy_analyzed())
    assert claim["independent_sources"] == 1
    copies = [r for r in claim["relays"] if r["kind"] == "copy"]
    assert [(c["name"], c["copy_of"]) for c in copies] == [("France 24", str(R.SEED))]


def test_hedges_are_kept_with_their_claim(store_db: str) -> None:
    db = store_db
    _bounty(db, R.seed_analyzed())
    with open_store(db) as store:
        claim = find_claim(store, "Russian unit may be seeking revenge")
    assert claim is not None
    assert [h["hedge"] for h in claim["hedges"]] == ["may"]


def test_stories_json_shape(store_db: str) -> None:
    db = store_db
    _bounty(db, R.seed_analyzed(), R.confirm_analyzed(), R.copy_analyzed())
    with open_store(db) as store:
        recs = stories(store)
    assert len(recs) == 1
    (story,) = recs
    assert set(story) == {"story", "title", "articles", "claims", "outlets", "start", "end"}
    assert story["outlets"] == ["France 24", "The Associated Press", "The Moscow Times"]
    assert [set(a) for a in story["articles"]] == [
        {"id", "path", "title", "publisher", "published", "copy_of"}
    ] * 3
    by_path = {a["path"]: a for a in story["articles"]}
    assert by_path["france24.md"]["copy_of"] == str(R.SEED)
    assert story["claims"][0]["independent_sources"] == 2


@pytest.mark.parametrize("query", ["unknown words nowhere", ""])
def test_trace_without_match(store_db: str, query: str) -> None:
    db = store_db
    _bounty(db, R.seed_analyzed())
    with open_store(db) as store:
        assert find_claim(store, query) is None


def _with_extra(*extra: Any) -> Any:
    seed = R.seed_analyzed()
    seed.attributions.extend(extra)
    return seed


def test_regression_an_unattributed_statement_is_not_an_independent_backer(store_db: str):
    t = R.SEED.read_text(encoding="utf-8")
    reported = R.attr(t, "The New York Times", "reported", None, type="media")
    unattributed = type(reported)(
        source=None,
        cue=reported.cue,
        content=R.span(t, "a Russian unit offered rewards to Taliban-linked militants"),
    )
    claim = _bounty(store_db, _with_extra(unattributed))
    assert claim["independent_sources"] == 1


def _newspaper_quoting_the_kremlin() -> Any:
    return R.attr(
        R.SEED.read_text(encoding="utf-8"),
        "The newspaper",
        "quoted",
        "a Kremlin spokesman saying only that Russia was unaware of the accusations",
        resolved=R.NYT,
        type="media",
        at="The newspaper quoted",
    )


def test_regression_a_reporter_quoting_a_denial_is_not_a_disputer(store_db: str):
    quoted = _newspaper_quoting_the_kremlin()
    claim = _bounty(store_db, _with_extra(quoted))
    assert {d["party"] for d in claim["disputers"]} == {"Russia", "Donald Trump"}


def test_regression_a_state_and_its_voices_are_one_disputing_party(store_db: str):
    # The seed analysed for real: "Russia ... denounced the report" and "a Kremlin spokesman"
    # were listed as two parties named Russia.
    t = R.SEED.read_text(encoding="utf-8")
    denounced = R.attr(
        t,
        "Russia",
        "denounced",
        "the report claiming that Moscow's spies had offered rewards",
        type="government",
        stance="deny",
        at="Russia on Saturday denounced",
    )
    claim = _bounty(store_db, _with_extra(denounced))
    parties = [d["party"] for d in claim["disputers"]]
    assert sorted(parties) == ["Donald Trump", "Russia"]
    russia = next(d for d in claim["disputers"] if d["party"] == "Russia")
    assert {"Russia", "a Kremlin spokesman"} <= set(russia["sources"])


def test_regression_a_reported_denial_is_not_disputed_by_its_speaker(store_db: str):
    # The seed analysed for real: the claim "[The newspaper quoted] a Kremlin spokesman saying
    # only that Russia was unaware of the accusations" listed Russia as its disputer.
    quoted = _newspaper_quoting_the_kremlin()
    seed = _with_extra(quoted)
    # As the analysis reads it: "saying only that Russia was unaware" is a denial.
    seed.attributions = [
        replace(a, stance="deny") if a.source and a.source.span.text == "a Kremlin spokesman" else a
        for a in seed.attributions
    ]
    with open_store(store_db) as store:
        assert store.add(seed)
        link_store(store)
        claim = find_claim(store, "a Kremlin spokesman said Russia was unaware of the accusations")
        bounty = find_claim(store, "Russian unit offered rewards to Taliban-linked militants")
    assert claim is not None and "unaware" in claim["text"]
    assert claim["disputers"] == []
    # The denial still answers the report it denies.
    assert bounty is not None and "Russia" in {d["party"] for d in bounty["disputers"]}
