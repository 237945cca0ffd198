"""Records from anywhere: ``analyze --format jsonl|json`` output ingested without re-parsing
gives the store that ingesting the texts gives."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newstrace.cli import cli
from newstrace.ingest.records import iter_items, read_analyzed
from newstrace.model import SCHEMA_VERSION, AnalyzedArticle, Article, Failure
from newstrace.orchestrate import run_batch

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    ROOT / "src" / "newstrace" / "data" / "moscow-times-russia-bounties.md",
    ROOT / "tests" / "fixtures" / "polnear" / "text" / "smith-plan.txt",
]


@pytest.fixture(scope="module")
def rules_analyzer() -> Any:
    from newstrace.analysis.pipeline import Analyzer

    return Analyzer(use_tagger=False)


def _no_analysis() -> Any:
    raise AssertionError("analysed records must not be parsed again")


def _dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return {
            "articles": conn.execute(
                "SELECT seq, key, path, input_id, url, title, publisher, published, agencies, "
                "record FROM articles ORDER BY seq"
            ).fetchall(),
            "attributions": conn.execute(
                "SELECT * FROM attributions ORDER BY article_seq, idx"
            ).fetchall(),
            "links": conn.execute("SELECT * FROM links ORDER BY article_seq").fetchall(),
            "claims": conn.execute("SELECT id, story, text FROM claims ORDER BY id").fetchall(),
        }
    finally:
        conn.close()


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_analyzed_records_store_like_the_texts(
    tmp_path: Path, rules_analyzer: Any, fmt: str
) -> None:
    paths = [str(p) for p in TEXTS]
    by_text = tmp_path / "text.db"
    s1 = run_batch(paths, by_text, lambda: rules_analyzer)
    assert (s1.stored, s1.failed, s1.prebuilt) == (2, 0, 0)

    out = tmp_path / f"records.{fmt}"
    res = CliRunner().invoke(
        cli, ["analyze", "--no-tagger", "--format", fmt, "-o", str(out), *paths]
    )
    assert res.exit_code == 0, res.output
    by_records = tmp_path / "records.db"
    s2 = run_batch([str(out)], by_records, _no_analysis)
    assert (s2.stored, s2.skipped, s2.failed, s2.prebuilt) == (2, 0, 0, 2)
    assert _dump(by_records) == _dump(by_text)

    again = run_batch([str(out)], by_records, _no_analysis)  # a rerun skips them by key
    assert (again.stored, again.skipped) == (0, 2)


def test_detected_by_schema_not_by_extension(tmp_path: Path, rules_analyzer: Any) -> None:
    rec = next(rules_analyzer.analyze([_article()])).to_json()
    f = tmp_path / "batch.ndjson"
    news = {"title": "Plain", "text": "A plain news-please record, not analysed.", "url": None}
    f.write_text(json.dumps(rec) + "\n" + json.dumps(news) + "\n", encoding="utf-8")
    items = list(iter_items([str(f)]))
    assert isinstance(items[0], AnalyzedArticle)
    assert items[0].to_json() == rec
    assert isinstance(items[1], Article)  # a plain record among them is still read


def test_plain_jsonl_is_still_read_as_articles(tmp_path: Path) -> None:
    f = tmp_path / "plain.jsonl"
    f.write_text(json.dumps({"title": "T", "maintext": "Body text here."}) + "\n", "utf-8")
    (item,) = list(iter_items([str(f)]))
    assert isinstance(item, Article) and item.text == "Body text here."


def test_bad_records_are_failures_and_the_rest_go_on(tmp_path: Path) -> None:
    text = "Officials said the plan was dead."
    good = {
        "schema": SCHEMA_VERSION,
        "path": "a.txt",
        "id": None,
        "text": text,
        "article": {"title": "A"},
        "attributions": [
            {
                "source": {"text": "Officials", "start": 0, "end": 9, "resolved": "officials"},
                "cue": {"text": "said", "start": 10, "end": 14},
                "content": {"text": "the plan was dead", "start": 15, "end": 32},
            }
        ],
        "chain": [],
    }
    newer = dict(good, schema=SCHEMA_VERSION + 1, text="Another text.")
    shifted = json.loads(json.dumps(good))
    shifted["text"] = "Someone said the plan was dead."
    lines = [json.dumps(good), "{not json", json.dumps(newer), json.dumps(shifted)]
    items = read_analyzed("\n".join(lines), "r.jsonl")
    assert isinstance(items[0], AnalyzedArticle)
    assert [type(i) for i in items[1:]] == [Failure, Failure, Failure]
    assert isinstance(items[1], Failure) and items[1].path == "r.jsonl:2"
    assert isinstance(items[2], Failure) and "newer" in items[2].reason
    assert isinstance(items[3], Failure) and "does not index" in items[3].reason


def _article() -> Article:
    from newstrace.ingest import read_path

    return read_path(str(TEXTS[1]))[0]


def test_ingest_command_reads_records_from_stdin(tmp_path: Path, rules_analyzer: Any) -> None:
    recs = [r.to_json() for r in rules_analyzer.analyze([_article()])]
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs).encode("utf-8")
    db = tmp_path / "n.db"
    res = CliRunner().invoke(
        cli,
        ["ingest", "-", "--db", str(db), "--no-progress", "--model", "no_such_model"],
        input=data,
    )
    # No model is loaded (the named one does not exist): the records are stored as they are.
    assert res.exit_code == 0, res.output
    assert "1 stored, 0 skipped, 0 failed" in res.output
