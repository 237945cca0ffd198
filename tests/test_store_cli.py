"""``newstrace ingest / articles / stories / trace`` through click's runner, on the real seed
analysed by the real pipeline (spaCy is loaded once, in the module fixture)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newstrace.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "src/newstrace/data/moscow-times-russia-bounties.md"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cli")
    text = SEED.read_text(encoding="utf-8")
    # The AFP story as a second outlet ran it: the last paragraphs cut, a footer added, no URL.
    paras = text.split("\n\n")
    copy = "\n\n".join(p for p in paras[:-4] if "Original url" not in p)
    (d / "copy.md").write_text(copy + "\n\nCopyright AFP 2020. All rights reserved.\n", "utf-8")
    (d / "bad.html").write_bytes(b"\x00\x01\x02 not an article")
    db = d / "n.db"
    res = CliRunner().invoke(
        cli, ["ingest", str(SEED), str(d / "copy.md"), str(d / "bad.html"), "--db", str(db)]
    )
    assert res.exit_code == 2, res.output  # as analyze: 2 when an input failed
    assert "2 stored, 0 skipped, 1 failed" in res.stdout
    assert "bad.html" in res.stderr
    return db


def test_rerun_skips_everything(db: Path) -> None:
    res = CliRunner().invoke(cli, ["ingest", str(SEED), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == "0 stored, 1 skipped, 0 failed"
    # the skipped item is named, with the reason (issue 7)
    assert "newstrace: skipped https://www.themoscowtimes.com/" in res.stderr
    assert res.stderr.rstrip().endswith(": already stored")


def test_articles_json(db: Path) -> None:
    res = CliRunner().invoke(cli, ["articles", "--db", str(db), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [r["publisher"] for r in rows][0] == "The Moscow Times"
    assert rows[1]["copy_of"] is not None


def test_stories_jsonl_marks_the_copy(db: Path) -> None:
    res = CliRunner().invoke(cli, ["stories", "--db", str(db), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    (story,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert set(story) == {"story", "title", "outlets", "start", "end", "articles", "claims"}
    arts = story["articles"]
    assert [a["id"] for a in arts if a["copy_of"]] == [a["path"] for a in arts if a["copy_of"]]
    original = next(a for a in arts if not a["copy_of"])
    assert original["id"].startswith("https://www.themoscowtimes.com/")
    assert all(a["copy_of"] == original["id"] for a in arts if a["copy_of"])


def test_trace_seed_claim_picture(db: Path) -> None:
    res = CliRunner().invoke(
        cli,
        [
            "trace",
            "Russian unit offered rewards to Taliban-linked militants",
            "--db",
            str(db),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    claim = json.loads(res.stdout)
    assert {
        "claim",
        "text",
        "origin",
        "first_report",
        "relays",
        "independent_sources",
        "independent_backers",
        "disputers",
        "hedges",
        "timeline",
    } <= set(claim)
    # one independent source, anonymous officials via the NYT; the copy adds none
    assert claim["independent_sources"] == 1
    assert "anonymous" in claim["independent_backers"][0]["name"]
    assert "New York Times" in claim["independent_backers"][0]["name"]
    parties = {d["party"]: d for d in claim["disputers"]}
    assert "Russia" in parties and "dismiss" in parties["Donald Trump"]["stances"]
    assert any("Kremlin" in s for s in parties["Russia"]["sources"])
    assert any("Russian Embassy" in s for s in parties["Russia"]["sources"])
    kinds = {r["kind"] for r in claim["relays"]}
    assert kinds == {"copy", "re-report"}
    # by id, in text form
    text = CliRunner().invoke(cli, ["trace", claim["claim"], "--db", str(db)])
    assert text.exit_code == 0 and "independent sources: 1" in text.stdout


def test_trace_unknown_claim_fails(db: Path) -> None:
    res = CliRunner().invoke(cli, ["trace", "zebra migration patterns", "--db", str(db)])
    assert res.exit_code == 1
    assert "no claim in" in res.stderr and "zebra migration patterns" in res.stderr


def test_reading_a_missing_database_is_an_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["stories", "--db", str(tmp_path / "nope.db")])
    assert res.exit_code == 4  # StoreError
    assert "no such database" in res.stderr
    assert not (tmp_path / "nope.db").exists()
