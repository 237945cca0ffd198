"""Regression tests for issue 11's reader and command-line items: each named after what broke."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import sqlite3
import tracemalloc
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from newstrace.cli import cli
from newstrace.errors import InputError, UsageError
from newstrace.ingest import iter_articles, read_bytes, read_path
from newstrace.ingest.detect import gunzip
from newstrace.model import Article, Failure

BODY = (
    "Minister Resigns\n\nThe minister said on Monday that “it’s over”, officials told "
    "reporters. Café owners welcomed the news.\n"
)


def _text(items: list[Article | Failure]) -> str:
    arts = [a for a in items if isinstance(a, Article)]
    assert len(arts) == 1, items
    return arts[0].text


# -- item 5 / 10: encodings -------------------------------------------------------------------
@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_with_and_without_bom_is_text_not_binary(enc: str) -> None:
    assert _text(read_bytes(BODY.encode(enc), "a.txt")) == BODY


def test_utf16_html_without_bom_is_sniffed_as_html() -> None:
    page = "<html><body><p>The minister said “yes”, officials reported on Monday.</p></body></html>"
    art = _text(read_bytes(page.encode("utf-16-le"), "page.txt"))
    assert "“yes”" in art and "<p>" not in art


def test_one_stray_byte_keeps_utf8_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    raw = BODY.encode()
    cut = raw.index(b"minister")
    data = raw[:cut] + b"\xff" + raw[cut:]
    with caplog.at_level(logging.WARNING, logger="newstrace"):
        text = _text(read_bytes(data, "stray.txt"))
    # Before: the whole file was read as another charset ("’" became "‚Äô").
    assert text == BODY[:cut] + "\ufffd" + BODY[cut:]
    assert "stray.txt: 1 invalid UTF-8 byte replaced" in caplog.text


def test_latin1_page_declared_utf8_reads_as_latin1() -> None:
    page = (
        b"<html><head><meta charset='utf-8'></head><body><p>"
        + "Café owners in Besançon said the naïve plan failed, officials reported.".encode(
            "latin-1"
        )
        + b"</p></body></html>"
    )
    text = _text(read_bytes(page, "latin.html"))
    assert "Café owners in Besançon" in text and "\ufffd" not in text


# -- item 6: JSONL lines ----------------------------------------------------------------------
def test_jsonl_line_separator_inside_string_keeps_the_record() -> None:
    recs = [
        {"title": "One", "text": "He said\u2028 it twice.\u0085 Then left."},
        {"title": "Two", "text": "Second record."},
    ]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n{broken\n"
    out = read_bytes(data.encode(), "feed.jsonl")
    arts = [a for a in out if isinstance(a, Article)]
    assert [a.text for a in arts] == [recs[0]["text"], recs[1]["text"]]
    assert [(f.path, f.reason.split(":")[0]) for f in out if isinstance(f, Failure)] == [
        ("feed.jsonl:3", "invalid JSON")
    ]


# -- item 3: gzip bomb ------------------------------------------------------------------------
def _bomb(size: int) -> bytes:
    """``size`` bytes of zeros gzipped (a few KB per 100 MB)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    out = [c.compress(chunk) for _ in range(size >> 20)]
    return b"".join(out) + c.flush()


def test_gzip_bomb_is_refused_without_inflating_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSTRACE_MAX_BYTES", str(4 << 20))
    data = _bomb(256 << 20)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="decompressed input too large"):
            read_bytes(data, "bomb.txt.gz")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Before: the whole 256 MB was inflated, then refused.
    assert peak < 16 << 20


def test_gunzip_reads_concatenated_members() -> None:
    data = gzip.compress(b"Head\n\nfirst part. ") + gzip.compress(b"second part.")
    assert gunzip(data, "x.gz") == b"Head\n\nfirst part. second part."


# -- item 1: texts over max_chars -------------------------------------------------------------
def test_text_over_max_chars_is_one_failure_and_the_rest_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSTRACE_MAX_CHARS", "5000")
    (tmp_path / "good.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_text("a" * 5001, encoding="utf-8")
    out = list(iter_articles([str(tmp_path / "good.txt"), str(tmp_path / "b.txt")]))
    assert [type(x).__name__ for x in out] == ["Article", "Failure"]
    assert out[1].path == str(tmp_path / "b.txt")
    assert "text too long (5,001 characters > 5,000" in out[1].reason


# -- items 8 / 10: paths ----------------------------------------------------------------------
def test_empty_directory_and_directory_without_articles_fail(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.png").write_bytes(b"\x89PNG")
    out = list(iter_articles([str(tmp_path / "empty"), str(tmp_path / "pics")]))
    assert [(f.path, f.reason.split(" (")[0]) for f in out if isinstance(f, Failure)] == [
        (str(tmp_path / "empty"), "no article files in this directory"),
        (str(tmp_path / "pics"), "no article files in this directory"),
    ]


def test_symlink_loop_is_named_as_such(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    os.symlink(loop.name, loop)
    with pytest.raises(InputError, match="symlink loop"):
        read_path(str(loop))
    inside = list(iter_articles([str(tmp_path)]))  # found by the directory walk too
    assert [(f.path, f.reason) for f in inside] == [(str(loop), "symlink loop")]


@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_bad_max_bytes_is_a_usage_error(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSTRACE_MAX_BYTES", value)
    with pytest.raises(UsageError, match="NEWSTRACE_MAX_BYTES"):
        list(iter_articles(["x.txt"]))
    result = CliRunner().invoke(cli, ["articles", "--db", "nowhere.db"])
    assert result.exit_code == UsageError.exit_code == 64
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"newstrace: error: NEWSTRACE_MAX_BYTES='{value}'")


# -- item 11: exit codes ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "args", [["analyze", "--bogus"], ["analyze"], ["nosuchcommand"], ["trace"]]
)
def test_bad_command_line_exits_64(args: list[str]) -> None:
    assert CliRunner().invoke(cli, args).exit_code == 64


def test_newline_in_a_file_name_stays_on_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad\nname.txt"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["ingest", str(bad), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 2
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("newstrace: error:")]
    assert errors == [f"newstrace: error: {tmp_path}/bad\\nname.txt: empty file"]


# -- items 4 / 7: the store -------------------------------------------------------------------
def _foreign(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.commit()
    conn.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "command", [["articles"], ["stories"], ["trace", "anything"], ["ingest", "{good}"]]
)
def test_foreign_sqlite_file_is_left_byte_for_byte_unchanged(
    tmp_path: Path, command: list[str], seed_path: Path
) -> None:
    db = tmp_path / "other.sqlite"
    before = _foreign(db)
    args = [a.replace("{good}", str(seed_path)) for a in command]
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert result.exit_code == 4, result.output
    assert "not a newstrace database" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]  # no -wal, no -shm
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_reading_a_store_needs_no_write_access(tmp_path: Path, seed_path: Path) -> None:
    db = tmp_path / "s.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(seed_path), "--db", str(db)]).exit_code == 0
    before = db.read_bytes()
    db.chmod(0o444)
    try:
        result = runner.invoke(cli, ["articles", "--db", str(db), "--format", "json"])
    finally:
        db.chmod(0o644)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 1
    assert db.read_bytes() == before


def test_stale_store_is_read_not_relinked(tmp_path: Path, seed_path: Path) -> None:
    db = tmp_path / "s.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(seed_path), "--db", str(db)]).exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute("UPDATE state SET value = '1' WHERE name = 'links_stale'")
    conn.commit()
    conn.close()
    result = runner.invoke(cli, ["stories", "--db", str(db)])
    assert result.exit_code == 0
    assert "rerun `newstrace ingest` to finish linking" in result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM state WHERE name = 'links_stale'").fetchone() == ("1",)


def test_disk_full_while_reading_is_one_store_error_line(
    tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newstrace.store.db import Store

    db = tmp_path / "s.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(seed_path), "--db", str(db)]).exit_code == 0

    def full(self: Store) -> list[object]:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "articles", full)
    for command in (["articles"], ["stories"]):
        result = runner.invoke(cli, [*command, "--db", str(db)])
        assert result.exit_code == 4
        assert result.stderr.splitlines() == [
            f"newstrace: error: {db}: cannot read the database: database or disk is full "
            "(check free disk space (SQLite needs room for temporary files) and the file)"
        ]


def test_damaged_store_is_one_line_not_a_traceback(tmp_path: Path, seed_path: Path) -> None:
    db = tmp_path / "s.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(seed_path), "--db", str(db)]).exit_code == 0
    data = bytearray(db.read_bytes())
    data[4096:] = bytes([0xA5]) * (len(data) - 4096)  # every page after the first
    db.write_bytes(bytes(data))
    for command in (["articles"], ["stories"], ["trace", "bounty"]):
        result = runner.invoke(cli, [*command, "--db", str(db)])
        assert result.exit_code == 4, (command, result.output)
        assert len(result.stderr.splitlines()) == 1
        assert not isinstance(result.exception, sqlite3.Error)
