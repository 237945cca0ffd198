"""The analyze command end to end through click's runner: formats, batches, bad input, info."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newstrace.cli import cli

pytestmark = pytest.mark.usefixtures("analyzer")  # warms the model once for the session

SECOND = (
    "Senate passes budget deal\n"
    'WASHINGTON (AP) — The Senate passed the budget on Tuesday. "This is a good day," '
    "Majority Leader Mitch McConnell told reporters. Democrats said the bill cut too deep.\n"
)


def _run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_analyze_json_on_the_seed_gives_one_record_whose_spans_index_its_text(seed_path):
    result = _run("analyze", str(seed_path), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["text"] == seed_path.read_text(encoding="utf-8")
    assert doc["article"]["publisher"] == "The Moscow Times"
    assert len(doc["attributions"]) >= 11
    for attribution in doc["attributions"]:
        for role in ("source", "cue", "content"):
            span = attribution[role]
            if span is not None:
                assert doc["text"][span["start"] : span["end"]] == span["text"]


def test_nested_attributions_are_flagged_for_corpora_that_annotate_only_the_outer_ones(seed_path):
    doc = json.loads(_run("analyze", str(seed_path), "--format", "json").stdout)
    by_cue = {a["cue"]["text"]: a for a in doc["attributions"] if a["cue"]}
    assert by_cue["reported Friday"]["nested"] is False
    assert by_cue["has concluded"]["nested"] is True
    assert by_cue["has concluded"]["via"] == ["The New York Times"]


def test_analyze_text_output_shows_metadata_and_the_chain(seed_path):
    result = _run("analyze", str(seed_path))
    assert result.exit_code == 0
    assert "The Moscow Times" in result.stdout
    assert "AFP" in result.stdout
    assert "chain:" in result.stdout


def test_jsonl_gives_one_line_per_article_across_a_directory(tmp_path: Path, seed_path):
    (tmp_path / "a.md").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(SECOND, encoding="utf-8")
    result = _run("analyze", str(tmp_path), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(d["path"]).name for d in lines] == ["a.md", "b.txt"]
    assert lines[1]["article"]["agencies"] == ["AP"]


def test_bad_files_are_reported_by_name_and_the_rest_of_the_batch_goes_on(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(SECOND, encoding="utf-8")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    result = _run(
        "analyze",
        str(binary),
        str(good),
        str(empty),
        str(tmp_path / "missing.txt"),
        "--format",
        "jsonl",
    )
    assert result.exit_code == 2
    assert [json.loads(line)["path"] for line in result.stdout.splitlines()] == [str(good)]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3
    for name in ("photo.txt", "empty.md", "missing.txt"):
        assert sum(name in line for line in errors) == 1


def test_stdin_is_read_when_the_path_is_a_dash():
    result = _run("analyze", "-", "--format", "json", input=SECOND.encode())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["article"]["title"] == "Senate passes budget deal"


def test_info_names_a_spacy_model_that_spacy_can_load():
    import spacy

    result = _run("info", "--format", "json")
    assert result.exit_code == 0
    name = json.loads(result.stdout)["spacy_model"]
    assert spacy.load(name).pipe_names


def test_info_says_where_the_transformer_encoder_runs(monkeypatch) -> None:
    monkeypatch.setenv("NEWSTRACE_PROFILE", "transformer")
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    transformer = json.loads(_run("info", "--format", "json").stdout)
    assert transformer["encoder"].startswith("beside the parse, 1 ")
    assert transformer["analysis"] == "beside the parse, 1 worker process"
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # as a Dask worker runs
    transformer = json.loads(_run("info", "--format", "json").stdout)
    assert transformer["encoder"].startswith("in line")
    assert transformer["analysis"] == "in line with the parse"
    monkeypatch.setenv("NEWSTRACE_PROFILE", "fast")
    fast = json.loads(_run("info", "--format", "json").stdout)
    assert fast["encoder"] is None and fast["analysis"] == "in line with the parse"
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    fast = json.loads(_run("info", "--format", "json").stdout)
    assert fast["analysis"] == "beside the parse, 1 worker process"


def test_an_unknown_spacy_model_is_a_clear_error(seed_path):
    result = _run("analyze", str(seed_path), "--model", "en_core_web_nonexistent")
    assert result.exit_code != 0
    assert "en_core_web_nonexistent" in result.stderr


def test_claim_text_quotes_what_each_source_said_once() -> None:
    from newstrace.cli.claims import claim_text

    member = {
        "article": "a1",
        "index": 0,
        "role": "backer",
        "source": {"resolved": "Kim Jong-un"},
        "cue": {"text": "said"},
    }
    record = {
        "claim": "c1",
        "text": "The nuclear test site has done its job",
        "origin": None,
        "first_report": None,
        "independent_sources": 1,
        "independent_backers": [],
        "relays": [],
        "disputers": [],
        "hedges": [],
        "attributions": [
            {**member, "content": {"text": '"The nuclear test site has done its job,"'}},
            {**member, "content": {"text": "that the site\nwould close"}},
        ],
    }
    lines = claim_text(record).splitlines()
    assert '  backer       Kim Jong-un said: "The nuclear test site has done its job,"' in lines
    assert "  backer       Kim Jong-un said: “that the site would close”" in lines


def test_help_lists_every_command_and_analyze_does_not_load_the_linker():
    from newstrace.cli import COMMANDS

    result = _run("--help")
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line}
    assert listed == set(COMMANDS)
    # A fresh process: what `newstrace analyze` imports before it runs.
    import subprocess
    import sys

    code = (
        "import sys; from newstrace.cli import cli; "
        "cli.get_command(None, 'analyze'); "
        "print(sorted(m for m in sys.modules if m.startswith(('newstrace.linking', 'scipy'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
