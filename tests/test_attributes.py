"""The memoised attribute_ruler + lemmatizer gives spaCy's own annotations, token for token."""

from __future__ import annotations

import pytest
import spacy

from newstrace.analysis.attributes import NAME, install
from newstrace.analysis.pipeline import DEFAULT_MODEL

# What the two-token patterns and the dependency-conditioned ones look at: "there is"
# (expletive), "let's", "gonna", "ain't", "y'all", pronouns as subject and object, "but" as
# an adverb, auxiliaries, whitespace tokens between paragraphs.
TRICKY = """There is no evidence, and there's none coming. Let's see, he said: "I ain't gonna
sign it, y'all." It told me that I had to go; you said it was done.

But the deal, which he had signed, was what they did do. Didn't it? Those were that bad.
  "We have   nothing," she added.\tHe has.
"""


def _annotations(doc: spacy.tokens.Doc) -> list[tuple[object, ...]]:
    return [
        (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in doc
    ]


def test_the_memoised_components_annotate_exactly_as_spacy(seed_path) -> None:
    reference = spacy.load(DEFAULT_MODEL)
    memo = spacy.load(DEFAULT_MODEL)
    assert install(memo)
    assert NAME in memo.pipe_names
    assert "attribute_ruler" not in memo.pipe_names and "lemmatizer" not in memo.pipe_names
    texts = [TRICKY, seed_path.read_text(encoding="utf-8"), TRICKY.upper(), TRICKY]
    # The same texts twice: the second pass reads everything from the memo.
    for _round in range(2):
        for ref, got in zip(reference.pipe(texts), memo.pipe(texts), strict=True):
            assert _annotations(got) == _annotations(ref)


def test_the_analyzer_runs_the_memoised_pipeline(analyzer) -> None:
    assert NAME in analyzer.nlp.pipe_names
    doc = analyzer.nlp("Let's say officials said there is a deal.")
    assert [t.lemma_ for t in doc][:3] == ["let", "us", "say"]
    assert doc[4].lemma_ == "say" and doc[4].pos_ == "VERB"


def test_a_pipeline_without_the_components_is_left_alone() -> None:
    nlp = spacy.blank("en")
    assert not install(nlp)
    assert nlp.pipe_names == []


def test_a_full_memo_starts_afresh_without_changing_a_thing(
    seed_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newstrace.analysis import attributes

    monkeypatch.setattr(attributes, "MAX_MEMO", 50)
    reference = spacy.load(DEFAULT_MODEL)
    memo = spacy.load(DEFAULT_MODEL)
    assert install(memo)
    texts = [TRICKY, seed_path.read_text(encoding="utf-8"), TRICKY]
    for ref, got in zip(reference.pipe(texts), memo.pipe(texts), strict=True):
        assert _annotations(got) == _annotations(ref)
    assert len(memo.get_pipe(NAME).memo) <= 50 + len({t.orth for t in got})


def test_a_pattern_that_could_match_the_separator_keeps_spacy_as_it_is() -> None:
    nlp = spacy.load(DEFAULT_MODEL)
    nlp.get_pipe("attribute_ruler").add([[{"LOWER": "so"}, {}]], {"LEMMA": "so"})
    assert not install(nlp)
    assert "attribute_ruler" in nlp.pipe_names and "lemmatizer" in nlp.pipe_names
