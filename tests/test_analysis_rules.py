"""Rules, enrichment and merge on small real-news-like texts (spaCy loaded once)."""

from __future__ import annotations

import pytest

from newstrace.analysis.candidates import Candidate
from newstrace.analysis.chain import build_chain
from newstrace.analysis.cues import NOUN_CUES, VERB_CUES
from newstrace.analysis.extract import Hit, find_quotes, merge_hits, outermost
from newstrace.analysis.pipeline import Analyzer, prose_text
from newstrace.errors import ModelError
from newstrace.model import AnalyzedArticle, Article, ArticleMeta, Attribution, Source, Span

KINDS = {"speech", "writing", "belief", "knowledge", "intention", "stance", "perception"}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(use_tagger=False)


def run(analyzer: Analyzer, text: str, **kw: object) -> AnalyzedArticle:
    return analyzer.analyze_one(Article(path="t.txt", text=text, meta=ArticleMeta(**kw)))  # type: ignore[arg-type]


def by_content(res: AnalyzedArticle, words: str) -> Attribution:
    for a in res.attributions:
        if a.content is not None and words in a.content.text:
            return a
    raise AssertionError(f"no attribution with content {words!r}: {res.attributions}")


def test_lexicon_entries_are_well_formed() -> None:
    for table in (VERB_CUES, NOUN_CUES):
        for lemma, info in table.items():
            assert lemma == lemma.lower() and " " not in lemma
            assert info.kind in KINDS, lemma
            assert set(info.flags) <= set("crnptq"), lemma
    assert VERB_CUES["deny"].stance == "deny"
    assert VERB_CUES["scoff"].stance == "dismiss"
    assert VERB_CUES["tweet"].channel == "twitter"


def test_quotes_found_per_paragraph() -> None:
    text = '“One two,” he said.\n\n“Left open\n\n“Next” and "straight"'
    quotes = [text[s:e] for s, e in find_quotes(text)]
    assert quotes == ["“One two,”", "“Left open", "“Next”", '"straight"']


def test_direct_quote_continues_in_the_same_paragraph(analyzer: Analyzer) -> None:
    text = (
        "“We'll be here for a while yet,” she said. “These cases take a lot of patience.”\n\n"
        "The court adjourned."
    )
    a = by_content(run(analyzer, text), "a while yet")
    assert a.direct
    assert a.content is not None and len(a.content.fragments) == 2
    assert text[slice(*a.content.fragments[1])] == "“These cases take a lot of patience.”"


def test_quote_paragraph_continues_the_previous_speaker(analyzer: Analyzer) -> None:
    text = (
        "“Before long, we'll run out of personnel to cover the region,” said Mr. Dunlap, the "
        "county's police chief.\n\n"
        "“I warned them years ago, but nothing. It's irresponsible.”\n"
    )
    a = by_content(run(analyzer, text), "run out of personnel")
    assert a.source is not None and "Dunlap" in a.source.resolved
    assert a.content is not None
    assert any("warned them years ago" in text[s:e] for s, e in a.content.fragments)


def test_said_colon_quote(analyzer: Analyzer) -> None:
    text = "The senator said: “We will not back down on this bill.”\n"
    a = by_content(run(analyzer, text), "We will not back down")
    assert a.direct and a.source is not None and a.source.span.text == "The senator"


def test_surname_resolves_to_the_full_name(analyzer: Analyzer) -> None:
    text = (
        "Senator Elizabeth Warren criticized the bank merger on Tuesday.\n\n"
        "Warren said that the deal would hurt consumers.\n"
    )
    a = by_content(run(analyzer, text), "hurt consumers")
    assert a.source is not None and a.source.resolved == "Elizabeth Warren"
    assert a.source.type == "person"


def test_he_resolves_to_the_last_person(analyzer: Analyzer) -> None:
    text = (
        "Mayor Bill de Blasio said the city would add more buses.\n\n"
        "He added that fares would not rise this year.\n"
    )
    a = by_content(run(analyzer, text), "fares would not rise")
    assert a.source is not None and "Blasio" in a.source.resolved


def test_the_spokesman_is_the_last_spokesman(analyzer: Analyzer) -> None:
    text = (
        "A Kremlin spokesman said Moscow had not been informed of the plan.\n\n"
        "The spokesman also said that talks would continue next week.\n"
    )
    a = by_content(run(analyzer, text), "talks would continue")
    assert a.source is not None and a.source.resolved == "a Kremlin spokesman"
    assert a.source.type == "government"


@pytest.mark.parametrize(
    "sentence",
    [
        "People familiar with the matter said the deal was close.",
        "A source said the deal was close.",
        "Officials who spoke on condition of anonymity said the deal was close.",
        "Anonymous officials said the deal was close.",
    ],
)
def test_anonymous_sources(analyzer: Analyzer, sentence: str) -> None:
    a = by_content(run(analyzer, sentence), "the deal was close")
    assert a.source is not None and a.source.anonymous


def test_named_institution_is_not_anonymous(analyzer: Analyzer) -> None:
    a = by_content(run(analyzer, "The Pentagon said the deal was close."), "the deal was close")
    assert a.source is not None and not a.source.anonymous
    assert a.source.type == "government"


def test_according_to_at_the_end(analyzer: Analyzer) -> None:
    text = "The plan was shelved in March, according to Reuters.\n"
    a = by_content(run(analyzer, text), "The plan was shelved")
    assert a.cue is not None and a.cue.text == "according to"
    assert a.source is not None and a.source.resolved == "Reuters" and a.source.type == "media"


def test_citing_makes_two_attributions_with_a_relay(analyzer: Analyzer) -> None:
    text = "The Washington Post, citing two people briefed on the talks, said the deal was off.\n"
    res = run(analyzer, text)
    origin = next(a for a in res.attributions if a.cue and a.cue.text == "citing")
    assert origin.source is not None and origin.source.anonymous
    assert origin.via == ("The Washington Post",)
    relay = next(a for a in res.attributions if a.cue and a.cue.text == "said")
    assert relay.source is not None and relay.source.type == "media"
    chain = build_chain(ArticleMeta(publisher="Example Daily"), res.attributions)
    assert [(n.name, n.role) for n in chain][:2] == [
        ("Example Daily", "publisher"),
        ("The Washington Post", "relay"),
    ]


def test_passive_without_agent_has_no_source(analyzer: Analyzer) -> None:
    a = by_content(run(analyzer, "The militants were believed to have fled north."), "fled north")
    assert a.source is None and a.kind == "belief"


def test_it_said_resolves_to_the_previous_organisation(analyzer: Analyzer) -> None:
    text = "Google denied the report on Monday.\n\nIt said that no user data had been shared.\n"
    res = run(analyzer, text)
    assert by_content(res, "the report").stance == "deny"
    a = by_content(res, "no user data")
    assert a.source is not None and a.source.resolved == "Google"


def test_a_reported_denial_is_not_the_reporters(analyzer: Analyzer) -> None:
    # claims-dev: Comey, recounting Trump's denial, became a disputer of Trump's own claim.
    text = "James Comey said Mr. Trump denied that he had consorted with Russian prostitutes.\n"
    a = by_content(run(analyzer, text), "consorted")
    assert a.source is not None and a.source.resolved == "James Comey"
    assert a.stance != "deny"
    # The speaker's own rejection still is one.
    text = "A Kremlin spokesman said the report was baseless.\n"
    assert by_content(run(analyzer, text), "baseless").stance == "deny"


def test_saying_something_while_disagreeing_contradicts(analyzer: Analyzer) -> None:
    # claims-dev (Fox News on Comey's memos): Pelosi answering the GOP chairmen.
    text = (
        "House Minority Leader Nancy Pelosi, D-Calif., disagreed, tweeting that the memos "
        '"are further proof of contempt for the rule of law."\n'
    )
    assert by_content(run(analyzer, text), "further proof").stance == "contradict"
    text = "Democrats pushed back, saying the memos showed an attempt to obstruct the inquiry.\n"
    assert by_content(run(analyzer, text), "obstruct").stance == "contradict"
    text = "Mr. Smith came back from Paris, saying the talks had gone well.\n"
    assert by_content(run(analyzer, text), "gone well").stance == "assert"


def test_hedges_keep_modals_not_months(analyzer: Analyzer) -> None:
    text = "Officials said in May that it was unclear whether the virus may reportedly spread.\n"
    a = by_content(run(analyzer, text), "the virus")
    assert "may" in a.hedges and "unclear whether" in a.hedges and "reportedly" in a.hedges
    assert [h for h in a.hedges if h == "May"] == []


def test_channel_from_in_a_statement(analyzer: Analyzer) -> None:
    a = by_content(run(analyzer, "The company said in a statement that it would appeal."), "appeal")
    assert a.channel == "statement"


def test_prose_text_blanks_excluded_ranges_keeping_offsets() -> None:
    text = "Title\n\nCaption here. Credit\n\nBody said this."
    art = Article(path="x", text=text, meta=ArticleMeta(), body_start=7, exclude=[(7, 26)])
    masked = prose_text(art)
    assert len(masked) == len(text)
    assert masked[28:] == text[28:]
    assert masked[:26].strip() == ""


def test_spans_always_index_the_text(analyzer: Analyzer) -> None:
    text = "“It is over,” Smith said, adding that he would resign.\n\nHis aide denied it.\n"
    res = run(analyzer, text)
    assert res.attributions
    for a in res.attributions:
        for span in (a.cue, a.content, a.source.span if a.source else None):
            if span is not None:
                assert span.text == text[span.start : span.end]


def test_unknown_model_is_a_model_error() -> None:
    with pytest.raises(ModelError) as err:
        Analyzer("no_such_spacy_pipeline_xyz", use_tagger=False)
    assert err.value.hint and "pip install" in err.value.hint


# ---------------------------------------------------------------- merge (pure, no spaCy)


def _hit(
    src: tuple[int, int] | None, cue: tuple[int, int], content: tuple[int, int], origin: str
) -> Hit:
    return Hit(
        source=(src,) if src else None,
        cue=(cue,),
        content=(content,),
        origin=origin,
    )


def test_merge_prefers_tagger_spans_and_borrows_the_rule_source() -> None:
    tagger = [_hit(None, (10, 14), (15, 40), "tagger")]
    rules = [_hit((0, 9), (10, 14), (15, 38), "rule")]
    merged = merge_hits(tagger, rules)
    assert len(merged) == 1
    assert merged[0].content == ((15, 40),) and merged[0].source == ((0, 9),)


def test_merge_adds_separate_and_nested_rule_hits() -> None:
    tagger = [_hit((0, 9), (10, 14), (15, 80), "tagger")]
    nested = _hit((15, 25), (26, 30), (31, 60), "rule")
    separate = _hit((100, 105), (106, 110), (111, 150), "rule")
    misread = _hit(None, (2, 5), (40, 50), "rule")  # cue inside the tagger's source
    merged = merge_hits(tagger, [nested, separate, misread])
    assert [h.cue for h in merged] == [((10, 14),), ((26, 30),), ((106, 110),)]
    flat = merge_hits(tagger, [nested, separate], keep_nested=False)
    assert [h.cue for h in flat] == [((10, 14),), ((106, 110),)]
    assert [h.cue for h in outermost(merged)] == [((10, 14),), ((106, 110),)]


def test_merge_takes_relay_structure_from_the_rules() -> None:
    # "The newspaper, citing anonymous officials, said that ...": PolNeAR-style the tagger
    # makes the officials the content of "citing"; the rules make them its relayed source.
    tagger = [_hit((0, 13), (15, 21), (22, 41), "tagger")]
    rule = _hit((22, 41), (15, 21), (53, 90), "rule")
    rule.relay = ((0, 13),)
    merged = merge_hits(tagger, [rule])
    assert merged[0].source == ((22, 41),) and merged[0].content == ((53, 90),)
    assert merged[0].relay == ((0, 13),)


def test_merge_takes_a_discontinuous_rule_content_that_holds_the_taggers() -> None:
    tagger = [_hit((60, 77), (20, 50), (0, 6), "tagger")]
    rule = Hit(source=((60, 77),), cue=((20, 50),), content=((0, 6), (78, 120)), origin="rule")
    assert merge_hits(tagger, [rule])[0].content == ((0, 6), (78, 120))


def test_merge_fills_a_missing_tagger_content() -> None:
    tagger = [Hit(source=((0, 5),), cue=((6, 10),), content=None, origin="tagger")]
    rule = _hit((0, 5), (6, 10), (11, 30), "rule")
    assert merge_hits(tagger, [rule])[0].content == ((11, 30),)


def test_candidate_round_trip() -> None:
    h = _hit((0, 3), (4, 8), (9, 20), "rule")
    assert h.candidate() == Candidate(((0, 3),), ((4, 8),), ((9, 20),), "rule", 1.0)


# ---------------------------------------------------------------- chain (pure)


def _att(
    name: str, type_: str, via: tuple[str, ...] = (), stance: str = "assert", anon: bool = False
) -> Attribution:
    src = Source(span=Span(name, 0, len(name)), resolved=name, type=type_, anonymous=anon)
    return Attribution(source=src, cue=None, content=None, stance=stance, via=via)


def test_chain_without_relays_lists_the_sources() -> None:
    chain = build_chain(
        ArticleMeta(publisher="The Guardian", agencies=["Reuters"]),
        [_att("Angela Merkel", "person"), _att("the opposition", "unknown", stance="deny")],
    )
    assert [(n.name, n.role, n.depth) for n in chain] == [
        ("The Guardian", "publisher", 0),
        ("Reuters", "agency", 1),
        ("Angela Merkel", "origin", 2),
    ]


def test_chain_keeps_deniers_out_of_the_origins() -> None:
    chain = build_chain(
        ArticleMeta(publisher="The Moscow Times"),
        [
            _att("anonymous officials", "government", via=("The New York Times",), anon=True),
            _att("a Kremlin spokesman", "government", via=("The New York Times",), stance="deny"),
        ],
    )
    assert [n.name for n in chain] == [
        "The Moscow Times",
        "The New York Times",
        "anonymous officials",
    ]
    assert chain[-1].anonymous and chain[-1].depth == 2


class _StubTagger:
    """Stands in for the trained tagger: spans for "said" and its content, no source."""

    def predict(self, doc: object) -> list[Candidate]:
        text = doc.text  # type: ignore[attr-defined]
        cue = text.index("said")
        content = text.index("the deal")
        return [
            Candidate(None, ((cue, cue + 4),), ((content, len(text.rstrip(". \n"))),), "tagger")
        ]


def test_analyze_doc_merges_tagger_candidates(analyzer: Analyzer) -> None:
    from newstrace.analysis.pipeline import analyze_doc

    text = "Anonymous officials said the deal was close.\n"
    article = Article(path="t.txt", text=text, meta=ArticleMeta())
    res = analyze_doc(analyzer.nlp(text), article, tagger=_StubTagger())
    assert len(res.attributions) == 1
    a = res.attributions[0]
    assert a.content is not None and a.content.text == "the deal was close"
    assert a.source is not None and a.source.anonymous  # borrowed from the rule hit


def test_signoff_quote_with_a_dash(analyzer: Analyzer) -> None:
    text = "Readers wrote in.\n\n“He represents our greatest shame.” ― Sonya Herridge\n"
    a = by_content(run(analyzer, text), "greatest shame")
    assert a.cue is not None and a.cue.text == "―"
    assert a.source is not None and a.source.resolved == "Sonya Herridge"


def test_one_word_quote_before_the_speaker(analyzer: Analyzer) -> None:
    a = by_content(run(analyzer, "“Nah,” Malia said quickly.\n"), "Nah")
    assert a.direct and a.source is not None and a.source.resolved == "Malia"


def test_inverted_cue_read_as_a_modifier(analyzer: Analyzer) -> None:
    text = (
        '"Rise to the occasion. Dress like you deserve respect." added Lauten, who works for '
        "Rep. Stephen Fincher.\n"
    )
    a = by_content(run(analyzer, text), "Rise to the occasion")
    assert a.source is not None and a.source.span.text == "Lauten"
    assert a.cue is not None and a.cue.text == "added"


def test_titled_description_resolves_to_the_titled_person(analyzer: Analyzer) -> None:
    text = (
        "Gov. Rick Perry released a new campaign ad on Wednesday.\n\n"
        "“Faith made America strong,” the Texas governor continues.\n"
    )
    a = by_content(run(analyzer, text), "Faith made America strong")
    assert a.source is not None and a.source.resolved == "Rick Perry"


def test_first_person_inside_a_quote_is_the_speaker(analyzer: Analyzer) -> None:
    text = "Senator John Smith spoke on Friday.\n\n“I think we will win,” Smith said.\n"
    res = run(analyzer, text)
    inner = next(a for a in res.attributions if a.cue is not None and a.cue.text == "think")
    assert inner.source is not None and inner.source.resolved == "John Smith"


def test_according_to_on_a_cue_relays_the_speaker(analyzer: Analyzer) -> None:
    text = (
        '"I want to see the birth certificate," said Trump in an interview, according to '
        'Reuters. "How come his own family does not know which hospital he was born in?"\n'
    )
    res = run(analyzer, text)
    a = by_content(res, "birth certificate")
    assert a.source is not None and a.source.resolved == "Trump"
    assert a.via == ("Reuters",)
    assert a.content is not None and len(a.content.fragments) == 2  # the next quote continues


def test_colon_announced_quote_joins_the_content(analyzer: Analyzer) -> None:
    text = "Ms. Lauten wrote what the daughters should have done: “Rise to the occasion.”\n"
    a = by_content(run(analyzer, text), "Rise to the occasion")
    assert a.cue is not None and a.cue.text == "wrote"


def test_rule_hits_are_cached_on_the_doc(analyzer: Analyzer) -> None:
    from newstrace.analysis.extract import find_hits

    doc = analyzer.nlp("The minister said the talks had failed.\n")
    first = find_hits(doc)
    assert first and find_hits(doc) == first
    assert find_hits(doc, [(0, 40)]) == []


def test_pronoun_after_a_paragraph_naming_one_person(analyzer: Analyzer) -> None:
    text = (
        "“Nah,” Malia said quickly.\n\n"
        "Enter Ms. Lauten, a former aide who describes herself on Twitter as a fan of pearls.\n\n"
        "“Try showing a little class,” she wrote above a picture of the two girls.\n"
    )
    a = by_content(run(analyzer, text), "showing a little class")
    assert a.source is not None and a.source.resolved == "Lauten"


def test_content_pieces_on_one_side_of_their_cue_are_two_attributions() -> None:
    from newstrace.analysis.pipeline import _content_beside_cue

    # From PolNeAR dev ("Blige sings to Clinton before asking her, “I just want to know”"):
    # two things said after one cue were joined as its content; the gold has two
    # attributions. Pieces around the cue stay one content ("“X,” he said, “Y”").
    text = "Blige sang that the race was close, before asking her, “Where do we go from here?”"

    def at(words: str) -> tuple[int, int]:
        return (text.index(words), text.index(words) + len(words))

    cue, near, far = at("sang"), at("the race was close"), at("Where do we go from here")
    hit = Hit(source=(at("Blige"),), cue=(cue,), content=(near, far))
    first, second = _content_beside_cue(hit, [cue[0], at("asking")[0]])
    assert first.content == (near,) and first.cue == (cue,)
    assert second.content == (far,) and second.source == (at("Blige"),)

    around = Hit(source=(at("Blige"),), cue=(at("asking"),), content=(near, far))
    assert _content_beside_cue(around, [at("asking")[0]]) == [around]
    # A far piece holding another attribution's cue is left whole (that one is nested in it).
    held = Hit(source=(at("Blige"),), cue=(cue,), content=(near, far))
    assert _content_beside_cue(held, [cue[0], at("go")[0]]) == [held]


def test_content_does_not_stop_on_a_determiner(analyzer: Analyzer) -> None:
    from newstrace.analysis.pipeline import _content_ends_on_its_word

    text = "Officials said the company had picked a location near the border."
    doc = analyzer.nlp(text)
    s = text.index("the company")
    hit = Hit(
        source=((0, 9),),
        cue=((10, 14),),
        content=((s, text.index(" location")),),
    )
    _content_ends_on_its_word(doc, hit)
    assert hit.content is not None
    assert text[hit.content[0][0] : hit.content[0][1]] == "the company had picked a location"
    whole = Hit(source=((0, 9),), cue=((10, 14),), content=((s, len(text) - 1),))
    _content_ends_on_its_word(doc, whole)
    assert whole.content == ((s, len(text) - 1),)


def test_a_content_stopping_inside_a_quotation_runs_to_its_close() -> None:
    from newstrace.analysis.pipeline import _content_ends_with_its_quote

    # BASIL: the transformer ended Santorum's content after the quote's first sentences, so
    # "Some phony theology" had no speaker.
    text = (
        "Santorum told voters that Obama's agenda is “not about you. It's about some phony"
        " ideal. Some phony theology. A different theology.”\n\nLabolt disagreed."
    )
    s = text.index("that Obama")
    cut = text.index(" Some phony")
    hit = Hit(source=((0, 8),), cue=((9, 13),), content=((s, cut),))
    _content_ends_with_its_quote(text, hit, [9])
    assert hit.content == ((s, text.index("”")),)
    # Another cue before the closing mark: the quote is someone else's from there on.
    other = Hit(source=((0, 8),), cue=((9, 13),), content=((s, cut),))
    _content_ends_with_its_quote(text, other, [9, text.index("Some phony")])
    assert other.content == ((s, cut),)
    # Outside any quotation nothing changes.
    end = text.index(" is")
    plain = Hit(source=((0, 8),), cue=((9, 13),), content=((s, end),))
    _content_ends_with_its_quote(text, plain, [9])
    assert plain.content == ((s, end),)


def test_a_ledes_content_starts_after_the_dateline(analyzer: Analyzer) -> None:
    # claims-dev (NYT): the place stood at the head of the Pompeo claim's text.
    text = (
        "WEST PALM BEACH, Fla. — President Trump dispatched the C.I.A. director to North Korea "
        "to meet with its leader, two people briefed on the secret trip said."
    )
    rec = analyzer.analyze_one(Article("t.txt", text, ArticleMeta(title=None)))
    contents = [a.content.text for a in rec.attributions if a.content]
    assert any(c.startswith("President Trump dispatched") for c in contents), contents
    assert not any("PALM BEACH" in c for c in contents)


def test_a_dateline_is_no_source_even_after_a_caption(analyzer: Analyzer) -> None:
    # claims-dev (NYT, transformer profile): the source was "SEOUL, South Korea — North
    # Korea's leader, Kim Jong-un," and resolved to "SEOUL"; the dateline opens the second
    # paragraph, after a photo caption.
    text = (
        "Kim Jong-un at a ruling party meeting in the capital, Pyongyang, on Friday.\n\n"
        "SEOUL, South Korea — North Korea's leader, Kim Jong-un, announced early Saturday that "
        "his country no longer needed to test nuclear weapons or long-range missiles."
    )
    rec = analyzer.analyze_one(Article("t.txt", text, ArticleMeta(title=None)))
    for a in rec.attributions:
        assert a.source is None or "SEOUL" not in a.source.span.text + a.source.resolved
        assert a.content is None or "SEOUL" not in a.content.text


def test_clear_of_datelines_trims_a_span_that_starts_in_one() -> None:
    import spacy

    from newstrace.analysis.pipeline import _clear_of_datelines, _datelines

    text = "A caption here.\n\nPALM BEACH, Fla. — President Trump said the talks went well."
    doc = spacy.blank("en")(text)
    datelines = _datelines(text, 0)
    assert [text[s:e] for s, e in datelines] == ["PALM BEACH, Fla. — "]
    start = text.index("PALM")
    trump = text.index("President")
    # A source that is the dateline alone goes; one that runs on starts after it.
    alone = Hit(((start, start + 10),), ((trump + 16, trump + 20),), ((trump + 21, len(text)),))
    _clear_of_datelines(doc, alone, datelines)
    assert alone.source is None and alone.content is not None
    longer = Hit(((start, trump + 15),), ((trump + 16, trump + 20),), None)
    _clear_of_datelines(doc, longer, datelines)
    assert longer.source == ((trump, trump + 15),)
    # The head is looked for again inside what is left (a blank pipeline has no parse: its
    # first token), never in the dateline.
    assert longer.source_i is not None and doc[longer.source_i].idx >= trump


def test_a_source_that_stops_on_a_modifier_reaches_its_noun(analyzer: Analyzer) -> None:
    # claims-dev (NYT, transformer profile): "The Justice" and "The" stood as sources.
    from newstrace.analysis.pipeline import _source_ends_on_its_word

    text = "The Justice Department is expected to deliver the memos on Friday."
    doc = analyzer.nlp(text)
    cue = text.index("is expected")
    hit = Hit(((0, 11),), ((cue, cue + 11),), ((cue + 12, len(text) - 1),))
    _source_ends_on_its_word(doc, hit)
    assert hit.source == ((0, len("The Justice Department")),)
    assert hit.source_i is not None and doc[hit.source_i].text == "Department"
    # A whole source stays as it is.
    whole = Hit(((0, 22),), ((cue, cue + 11),), ((cue + 12, len(text) - 1),))
    _source_ends_on_its_word(doc, whole)
    assert whole.source == ((0, 22),)


def test_a_source_neither_starts_nor_ends_on_a_preposition(analyzer: Analyzer) -> None:
    # claims-dev (USA Today): the backer "former FBI director James Comey about".
    from newstrace.analysis.pipeline import _source_ends_on_its_word, _source_without_loose_ends

    text = "Memos prepared by former FBI director James Comey about his encounters were released."
    doc = analyzer.nlp(text)
    s, e = text.index("former"), text.index("his") - 1
    cue = text.index("prepared")
    hit = Hit(((s, e),), ((cue, cue + 8),), ((0, 5),))
    _source_without_loose_ends(doc, hit)
    assert text[slice(*hit.source[0])] == "former FBI director James Comey"  # type: ignore[index]
    # A possessive is a whole source, and a cue noun after it is the cue: "[his] assertion".
    text2 = "Trump repeated his assertion that the deal was a disaster."
    doc2 = analyzer.nlp(text2)
    his = text2.index("his")
    rep = text2.index("repeated")
    hit2 = Hit(((his, his + 3),), ((rep, rep + 8),), ((his + 14, len(text2) - 1),))
    _source_ends_on_its_word(doc2, hit2)
    assert hit2.source == ((his, his + 3),)
