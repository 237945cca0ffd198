"""Inputs that cannot be read: one clear reason each, and the batch goes on."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newstrace.errors import InputError
from newstrace.ingest import iter_articles, read_path
from newstrace.model import Article, Failure

FIX = Path(__file__).parent / "fixtures" / "ingest"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"


def _reason(path: Path) -> str:
    with pytest.raises(InputError) as ei:
        read_path(str(path))
    assert ei.value.path == str(path)
    return ei.value.reason


def test_binary_file_named_txt(tmp_path: Path) -> None:
    f = tmp_path / "photo.txt"
    f.write_bytes(PNG + bytes(200))
    assert "binary file, not an article" in _reason(f)


def test_zip_named_html(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    assert "binary" in _reason(f)


def test_nul_heavy_text(tmp_path: Path) -> None:
    f = tmp_path / "dump.md"
    f.write_bytes(b"Headline\n" + b"\x00\x01\x02" * 300)
    assert "binary" in _reason(f)


@pytest.mark.parametrize("content", [b"", b"   \n\n\t \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(content)
    assert _reason(f) == "empty file"


def test_undecodable_text(tmp_path: Path) -> None:
    f = tmp_path / "garbled.txt"
    f.write_bytes(bytes(range(128, 256)) * 20)
    assert "undecodable" in _reason(f)


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(("Headline\n\nBody text. " * 400).encode())
    f = tmp_path / "article.txt.gz"
    f.write_bytes(data[: len(data) // 2])
    assert "truncated or corrupt gzip" in _reason(f)


def test_gzipped_text_is_read(tmp_path: Path) -> None:
    f = tmp_path / "article.txt.gz"
    f.write_bytes(
        gzip.compress(b"Port strike ends\n\nLONDON (Reuters) - Dock workers ended a strike.\n")
    )
    (art,) = read_path(str(f))
    assert art.meta.title == "Port strike ends" and art.meta.agencies == ["Reuters"]


def test_malformed_feed() -> None:
    assert "malformed feed" in _reason(FIX / "broken.rss")


def test_corrupt_warc(tmp_path: Path) -> None:
    f = tmp_path / "bad.warc"
    f.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\n<html>cut")
    assert "WARC" in _reason(f)


def test_html_without_text(tmp_path: Path) -> None:
    f = tmp_path / "shell.html"
    f.write_text(
        "<!doctype html><html><head><title>App</title></head><body><div id=root></div>"
        "<script>boot()</script></body></html>",
        encoding="utf-8",
    )
    assert "no article text" in _reason(f)


def test_jsonl_with_only_a_broken_line(tmp_path: Path) -> None:
    f = tmp_path / "one.jsonl"
    f.write_text('{"title": "x", "text": "cut\n', encoding="utf-8")
    assert _reason(f).startswith("line 1: invalid JSON")


def test_huge_file_with_a_lowered_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSTRACE_MAX_BYTES", "1000")
    f = tmp_path / "big.txt"
    f.write_text("Headline\n\n" + "word " * 400, encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_path(str(f))
    assert "too large" in ei.value.reason
    assert "NEWSTRACE_MAX_BYTES" in str(ei.value)


def test_batch_goes_on_after_failures(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(PNG + bytes(100))
    (tmp_path / "b.txt").write_text("Good headline\n\nGood body.\n", encoding="utf-8")
    (tmp_path / "c.md").write_bytes(b"")
    out = list(iter_articles([str(tmp_path), str(tmp_path / "missing.md")]))
    kinds = [(type(o).__name__, Path(o.path).name) for o in out]
    assert kinds == [
        ("Failure", "a.txt"),
        ("Article", "b.txt"),
        ("Failure", "c.md"),
        ("Failure", "missing.md"),
    ]
    fails = [o for o in out if isinstance(o, Failure)]
    assert fails[0].reason.startswith("binary file, not an article")
    assert fails[1].reason == "empty file"
    assert fails[2].reason == "no such file or directory"
    assert isinstance(out[1], Article)
