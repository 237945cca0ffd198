"""Accuracy floors on the shared corpora (skipped when ../shared is absent).

Floors sit a little below the figures measured on dev (NAEB dev, 99 pages: title 0.949, date
0.899, authors F1 0.857, body F1 0.936; PolNeAR train+dev wire agencies: 71/71 credited found
with the byline, 68/71 from the text alone, 2 agencies on 849 non-wire articles — both right in
fact: an NYT "By THE ASSOCIATED PRESS" brief and a Post item ending "- Reuters.").
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
NAEB = SHARED / "data" / "naeb-dev"
POLNEAR = SHARED / "data" / "polnear"

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="../shared (corpora) not present")


@pytest.mark.slow
@pytest.mark.skipif(not NAEB.exists(), reason="naeb-dev not present")
def test_naeb_dev_floors() -> None:
    from newstrace.eval import naeb

    res = naeb.run(NAEB, scorer=SHARED / "tools" / "naeb_score.py")
    assert res["title_exact"] >= 0.92
    assert res["date_exact"] >= 0.86
    assert res["authors"]["f1"] >= 0.82
    assert res["body"]["f1"] >= 0.925


@pytest.mark.slow
@pytest.mark.skipif(not POLNEAR.exists(), reason="polnear not present")
def test_polnear_wire_agencies() -> None:
    from newstrace.eval import agencies

    res = agencies.run(POLNEAR)
    assert res["credited"] >= 60
    assert res["found_byline"] / res["credited"] >= 0.97
    assert res["found_text"] / res["credited"] >= 0.9
    assert res["wrong_agency"] == 0
    # At most one false agency per ~80 articles (the acceptance bar), with room to spare.
    assert res["false_byline"] <= res["non_wire"] / 200


def test_polnear_text_reader_keeps_files_exact() -> None:
    from newstrace.ingest import read_path

    files = sorted((POLNEAR / "dev" / "text").glob("*.txt"))[:10]
    if not files:
        pytest.skip("no PolNeAR dev texts")
    for f in files:
        (art,) = read_path(str(f))
        assert art.text == f.read_text(encoding="utf-8")
        assert art.meta.title and art.text.startswith(art.meta.title)
