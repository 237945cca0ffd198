"""The JSON contract of ``analyze``: shape, round trip, offsets; and settings are documented."""

from __future__ import annotations

import json
from pathlib import Path

from newstrace import settings
from newstrace.model import (
    AnalyzedArticle,
    Article,
    ArticleMeta,
    Attribution,
    ChainNode,
    Related,
    Source,
    Span,
)

ROOT = Path(__file__).resolve().parents[1]
TEXT = 'Officials denied it. "We never paid anyone," the spokesman said on Friday.'


def _record() -> AnalyzedArticle:
    quote_start = TEXT.index('"We')
    quote_end = TEXT.index(',"') + 2
    source_start = TEXT.index("the spokesman")
    cue_start = TEXT.index("said")
    attribution = Attribution(
        source=Source(Span.of(TEXT, source_start, source_start + 13), "the spokesman", "person"),
        cue=Span.of(TEXT, cue_start, cue_start + 4),
        content=Span.of(TEXT, quote_start, quote_end),
        stance="deny",
        hedges=("may",),
        via=("The New York Times",),
        direct=True,
    )
    meta = ArticleMeta(title="T", agencies=["AP"], related=[Related("R", None)])
    return AnalyzedArticle(
        article=Article(path="a.txt", text=TEXT, meta=meta, id="x1"),
        attributions=[attribution],
        chain=[ChainNode("The Moscow Times", "publisher", 0, "media")],
    )


def test_record_json_has_the_documented_top_level_keys():
    doc = _record().to_json()
    assert {"path", "id", "text", "article", "attributions", "chain"} <= set(doc)
    assert {
        "title",
        "authors",
        "byline",
        "agencies",
        "publisher",
        "url",
        "published",
        "related",
    } <= set(doc["article"])
    attribution = doc["attributions"][0]
    assert {
        "source",
        "cue",
        "content",
        "stance",
        "hedges",
        "channel",
        "via",
        "kind",
        "content_shape",
    } <= set(attribution)
    assert {"text", "start", "end", "resolved", "type", "anonymous"} <= set(attribution["source"])


def test_record_survives_a_json_round_trip():
    record = _record()
    again = AnalyzedArticle.from_json(json.loads(json.dumps(record.to_json())))
    assert again.to_json() == record.to_json()


def test_span_offsets_index_the_text():
    doc = _record().to_json()
    for attribution in doc["attributions"]:
        for role in ("source", "cue", "content"):
            span = attribution[role]
            assert doc["text"][span["start"] : span["end"]] == span["text"]


def test_discontinuous_spans_keep_their_fragments():
    span = Span("a b", 0, 9, fragments=((0, 1), (8, 9)))
    assert Span.from_json(span.to_json()) == span
    assert "fragments" not in Span.of(TEXT, 0, 4).to_json()


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in settings.ALL:
        assert f"`{setting.name}`" in readme and setting.env in readme, setting.name


def test_settings_prefer_flag_then_env_then_default(monkeypatch):
    monkeypatch.delenv(settings.SPACY_MODEL.env, raising=False)
    assert settings.SPACY_MODEL.value() == settings.SPACY_MODEL.default
    monkeypatch.setenv(settings.SPACY_MODEL.env, "en_core_web_md")
    assert settings.SPACY_MODEL.value() == "en_core_web_md"
    assert settings.SPACY_MODEL.value("en_core_web_lg") == "en_core_web_lg"
