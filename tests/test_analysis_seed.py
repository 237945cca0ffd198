"""The seed article's facts (issue 2, acceptance 1): attributions, enrichment and chain.

Run with the rules alone and, when a trained tagger is shipped, with the tagger merged in:
the facts must hold both ways.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newstrace.analysis.pipeline import Analyzer
from newstrace.model import AnalyzedArticle, Article, ArticleMeta, Attribution

SEED = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "newstrace"
    / "data"
    / "moscow-times-russia-bounties.md"
)
NYT = "The New York Times"


def seed_article() -> Article:
    """The seed as the markdown reader gives it; built by hand when the reader is absent
    (body after the date line; captions, related lines and the original-URL lines excluded)."""
    try:
        from newstrace.ingest import iter_articles
    except ImportError:
        return _hand_built_seed()
    found = [a for a in iter_articles([str(SEED)]) if isinstance(a, Article)]
    assert len(found) == 1
    return found[0]


def _hand_built_seed() -> Article:
    text = SEED.read_text(encoding="utf-8")
    date = re.search(r"June 27, 2020\n", text)
    assert date is not None
    exclude = [
        (m.start(), m.end())
        for m in re.finditer(
            r"(?m)^(\*\*Related article:\*\*.*|Original url:.*|<https?://.*>|.*\*\*Reuters\*\*)$",
            text,
        )
    ]
    meta = ArticleMeta(
        title="Russia Spies Aided Taliban Attacks, U.S. Intel Says – NYT",
        agencies=["AFP"],
        publisher="The Moscow Times",
        published="2020-06-27",
    )
    return Article(
        path=str(SEED),
        text=text,
        meta=meta,
        body_start=date.end(),
        format="markdown",
        exclude=exclude,
    )


def _tagger_available() -> bool:
    try:
        from newstrace.analysis.tagger import load_tagger
    except ImportError:
        return False
    return load_tagger() is not None


def _transformer_available() -> bool:
    from newstrace.analysis.tagger.onnx_tagger import DEFAULT_ONNX_PATH

    return DEFAULT_ONNX_PATH.is_file()


# (use_tagger, profile): the rules alone, the CRF (profile fast), the transformer (default).
MODES = (
    [(False, "fast")]
    + ([(True, "fast")] if _tagger_available() else [])
    + ([(True, "transformer")] if _transformer_available() else [])
)


@pytest.fixture(
    scope="module",
    params=MODES,
    ids=lambda m: "rules" if not m[0] else ("tagger" if m[1] == "fast" else "transformer"),
)
def seed(request: pytest.FixtureRequest) -> AnalyzedArticle:
    use_tagger, profile = request.param
    return Analyzer(use_tagger=use_tagger, profile=profile).analyze_one(seed_article())


def test_reader_and_hand_built_seed_agree() -> None:
    article, hand = seed_article(), _hand_built_seed()
    assert article.text == hand.text
    assert article.meta.publisher == hand.meta.publisher
    assert article.meta.agencies == hand.meta.agencies


def find(result: AnalyzedArticle, content: str, source_text: str | None = None) -> Attribution:
    for a in result.attributions:
        if a.content is None or content not in a.content.text:
            continue
        if source_text is None or (a.source is not None and source_text in a.source.span.text):
            return a
    raise AssertionError(f"no attribution with content {content!r} and source {source_text!r}")


def test_every_span_indexes_the_text(seed: AnalyzedArticle) -> None:
    text = seed.text
    for a in seed.attributions:
        for span in (a.cue, a.content, a.source.span if a.source else None):
            if span is None:
                continue
            assert span.text == text[span.start : span.end]
            for s, e in span.fragments:
                assert span.start <= s < e <= span.end


def test_at_least_eleven_attributions(seed: AnalyzedArticle) -> None:
    assert len(seed.attributions) >= 11


def test_chain_runs_publisher_agency_nyt_origins(seed: AnalyzedArticle) -> None:
    by_depth: dict[int, list[str]] = {}
    for node in seed.chain:
        by_depth.setdefault(node.depth, []).append(node.name)
    assert by_depth[0] == ["The Moscow Times"]
    assert by_depth[1] == ["AFP"]
    assert by_depth[2] == [NYT]
    origins = {n.name: n for n in seed.chain if n.depth == 3}
    assert set(origins) == {"anonymous officials", "U.S. intelligence"}
    assert origins["anonymous officials"].anonymous
    assert not origins["U.S. intelligence"].anonymous
    assert [n.role for n in seed.chain[:3]] == ["publisher", "agency", "relay"]


def test_trump_briefed_is_the_nyt_citing_anonymous_officials(seed: AnalyzedArticle) -> None:
    a = find(seed, "Trump was briefed", "officials")
    assert a.source is not None and a.source.anonymous
    assert a.via == (NYT,)
    relay = find(seed, "Trump was briefed", "newspaper")
    assert relay.source is not None and relay.source.resolved == NYT


def test_it_said_resolves_to_the_nyt_with_hedges(seed: AnalyzedArticle) -> None:
    a = find(seed, "militants were believed to", "It")
    assert a.source is not None and a.source.resolved == NYT
    assert a.source.type == "media"
    assert {"believed to", "unclear whether"} <= set(a.hedges)


def test_revenge_is_the_nyt_hedged_with_may(seed: AnalyzedArticle) -> None:
    a = find(seed, "may also be seeking revenge", "It")
    assert a.source is not None and a.source.resolved == NYT
    assert "may" in a.hedges


def test_according_to_the_newspaper(seed: AnalyzedArticle) -> None:
    a = find(seed, "the GRU", "newspaper")
    assert a.cue is not None and a.cue.text == "According to"
    assert a.source is not None and a.source.resolved == NYT


def test_accused_by_the_united_states(seed: AnalyzedArticle) -> None:
    a = find(seed, "quietly providing small arms", "United States")
    assert a.source is not None and a.source.resolved == "United States"
    assert a.source.type == "government"
    assert a.stance == "accuse"


def test_russia_denounced_the_report(seed: AnalyzedArticle) -> None:
    a = find(seed, "the report claiming", "Russia")
    assert a.cue is not None and a.cue.text == "denounced"
    assert a.stance == "deny"


def test_trump_scoffed(seed: AnalyzedArticle) -> None:
    a = find(seed, "the findings", "Trump")
    assert a.stance == "dismiss"
    assert a.source is not None and a.source.resolved == "Donald Trump"
    assert a.source.type == "person"


def test_fakenews_tweet_is_the_embassy_on_twitter(seed: AnalyzedArticle) -> None:
    a = find(seed, "#fakenews")
    assert a.source is not None and "Russian Embassy" in a.source.resolved
    assert a.source.span.text == "it"
    assert a.channel == "twitter"
    assert a.direct
    wrote = find(seed, "baseless and anonymous accusations", "Russian Embassy")
    assert wrote.channel == "twitter"
    assert wrote.source is not None and wrote.source.type == "government"


def test_us_intelligence_relayed_by_the_nyt(seed: AnalyzedArticle) -> None:
    a = find(seed, "a Russian unit offered rewards", "U.S. intelligence")
    assert a.source is not None and a.source.resolved == "U.S. intelligence"
    assert a.via == (NYT,)
    reported = find(seed, "U.S. intelligence has concluded", "New York Times")
    assert reported.cue is not None and reported.cue.text.startswith("reported")


def test_kremlin_spokesman_quoted_by_the_nyt(seed: AnalyzedArticle) -> None:
    a = find(seed, "Russia was unaware", "Kremlin spokesman")
    assert a.via == (NYT,)
    assert a.source is not None and a.source.type == "government"
    assert not a.source.anonymous


def test_nothing_from_excluded_lines(seed: AnalyzedArticle) -> None:
    for start, end in seed.article.exclude:
        for a in seed.attributions:
            assert a.cue is None or not (start <= a.cue.start < end)


def test_outermost_view_drops_nested_attributions(seed: AnalyzedArticle) -> None:
    from newstrace.analysis.pipeline import outermost_attributions

    top = outermost_attributions(seed.attributions)
    assert 0 < len(top) < len(seed.attributions)
    assert not any(a.cue is not None and a.cue.text == "has concluded" for a in top)
    assert any(a.cue is not None and a.cue.text.startswith("reported") for a in top)
