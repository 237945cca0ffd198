"""Each reader on small realistic inputs, the seed's facts, and path expansion."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from newstrace.ingest import expand_paths, iter_articles, read_path
from newstrace.ingest.html import fragment_to_text, read_html
from newstrace.model import Article, Failure

FIX = Path(__file__).parent / "fixtures" / "ingest"
SEED = Path(__file__).resolve().parents[1] / "src" / "newstrace" / "data"
SEED_MD = SEED / "moscow-times-russia-bounties.md"


# --- markdown: the seed -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Article:
    (art,) = read_path(str(SEED_MD))
    return art


def test_seed_metadata(seed: Article) -> None:
    m = seed.meta
    assert m.title == "Russia Spies Aided Taliban Attacks, U.S. Intel Says – NYT"
    assert m.byline == "By AFP"
    assert m.agencies == ["AFP"]
    assert m.authors == []
    assert m.publisher == "The Moscow Times"
    assert m.published == "2020-06-27"
    assert m.url == (
        "https://www.themoscowtimes.com/2020/06/27/"
        "russia-spies-aided-taliban-attacks-us-intel-says-nyt-a70718"
    )
    assert [r.title for r in m.related] == [
        "Spy Cases Map Contours of Kremlin Geopolitics",
        "On Visit to Russia, Taliban Says It Wants U.S. Pullout in Months",
    ]
    assert all(r.url is None for r in m.related)  # "(#)" links have no target
    assert seed.format == "markdown"


def test_seed_text_is_the_file_exactly(seed: Article) -> None:
    assert seed.text == SEED_MD.read_text(encoding="utf-8")
    assert seed.text[seed.body_start :].startswith("U.S. intelligence has concluded")


def test_seed_photo_credit_is_excluded_not_an_agency(seed: Article) -> None:
    excluded = [seed.text[s:e] for s, e in seed.exclude]
    assert excluded[0].endswith("**Reuters**")  # the lead picture's credit
    assert "Reuters" not in seed.meta.agencies
    assert sum(x.startswith("**Related article:**") for x in excluded) == 2
    assert "Original url:" in excluded
    assert any(x.startswith("<https://www.themoscowtimes.com/") for x in excluded)
    # Running prose is never excluded.
    for s, e in seed.exclude:
        assert "The newspaper, citing anonymous officials" not in seed.text[s:e]


# --- plain text: the PolNeAR layout --------------------------------------------------------------

POLNEAR_LIKE = (
    "Green Party candidate Jill Stein removed from N.Y. debate site by police.\n\n"
    "HEMPSTEAD, N.Y., Sept. 26 (UPI) — Green Party presidential candidate Jill Stein was "
    "escorted off the premises of Hofstra University on Monday afternoon.\n\n"
    "Stein said on Twitter that she had been \u201cremoved\u201d by police.\n"
)


def test_plain_text_headline_and_dateline(tmp_path: Path) -> None:
    f = tmp_path / "breitbart_2016-09-26_green-party.txt"
    f.write_text(POLNEAR_LIKE, encoding="utf-8")
    (art,) = read_path(str(f))
    assert art.text == POLNEAR_LIKE
    assert (
        art.meta.title == "Green Party candidate Jill Stein removed from N.Y. debate site by police"
    )
    assert art.meta.agencies == ["UPI"]
    assert art.meta.dateline == "HEMPSTEAD, N.Y., Sept. 26 (UPI)"
    assert art.text[art.body_start :].startswith("HEMPSTEAD")
    assert art.format == "text"


def test_plain_text_with_a_bom_keeps_offsets_on_the_decoded_text(tmp_path: Path) -> None:
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + POLNEAR_LIKE.encode("utf-8"))
    (art,) = read_path(str(f))
    assert art.text == POLNEAR_LIKE


def test_cp1252_text_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "latin.txt"
    f.write_bytes(
        "Café owners rally\n\nThe café\u2019s owner said it was \u201cunfair.\u201d\n".encode(
            "cp1252"
        )
    )
    (art,) = read_path(str(f))
    assert art.meta.title == "Café owners rally"
    assert "\u201cunfair.\u201d" in art.text


# --- HTML ----------------------------------------------------------------------------------------


def test_html_page_metadata() -> None:
    (art,) = read_path(str(FIX / "news-page.html"))
    m = art.meta
    assert m.title == "Senate Passes Stopgap Bill to Avert Shutdown"  # the h1, not <title>
    assert m.authors == ["Maria Lopez", "Daniel O'Neill"]
    assert m.byline is not None and m.byline.startswith("By Maria Lopez and Daniel O'Neill")
    # article:published_time with its zone, kept whole (issue 7: times order same-day copies)
    assert m.published == "2024-03-08T23:41:00-05:00"
    assert m.url == "https://www.dailyledger.example/politics/2024/03/08/senate-stopgap-bill"
    assert m.publisher == "The Daily Ledger"  # unknown domain: the site name
    assert m.agencies == []  # "According to a report by the Associated Press" is a citation
    assert m.dateline == "WASHINGTON"
    assert art.id == m.url
    assert art.format == "html"


def test_html_body_is_the_article_only() -> None:
    (art,) = read_path(str(FIX / "news-page.html"))
    assert art.text.startswith("WASHINGTON — The Senate on Friday night passed")
    assert "Budget analysts warned" in art.text
    for junk in ("Subscribe", "Most read", "Privacy policy", "All rights reserved"):
        assert junk not in art.text
    assert art.body_start == 0


AGENCY_PAGE = """<!doctype html><html><head><title>Quake kills 120 - Weather News</title>
<meta property="og:site_name" content="Weather News"></head><body>
<h1>China's Earthquake Survivors Endure Frigid Temperatures</h1>
<h4>By <span class="ArticleHeader--authName">Associated Press</span></h4>
<div class="article"><p>JISHISHAN, China (AP) — Survivors of a strong earthquake that killed
more than 120 people in northwest China faced freezing temperatures on Wednesday, state media
said.</p>
<p>Rescuers searched the rubble of collapsed homes, and the local government set up tents for
families whose houses were destroyed, the official Xinhua News Agency reported.</p>
<p>The quake struck shortly before midnight Monday in a mountainous area.</p></div>
</body></html>"""


def test_html_agency_byline_is_an_agency_not_an_author() -> None:
    art = read_html(AGENCY_PAGE, "quake.html", url="https://weather.com/news/quake")
    assert art.meta.authors == []
    assert art.meta.agencies == ["AP"]  # Xinhua is only cited
    assert art.meta.publisher == "The Weather Channel"
    assert art.meta.title == "China's Earthquake Survivors Endure Frigid Temperatures"


def test_fragment_to_text_keeps_paragraphs() -> None:
    assert fragment_to_text("<p>One <b>two</b>.</p><p>Three.</p>") == "One two.\n\nThree."


# --- JSONL ---------------------------------------------------------------------------------------


def test_jsonl_records_and_a_broken_line() -> None:
    path = str(FIX / "articles.jsonl")
    out = list(iter_articles([path]))
    arts = [a for a in out if isinstance(a, Article)]
    fails = [f for f in out if isinstance(f, Failure)]
    assert [a.id for a in arts] == ["cc-1", "https://www.example-gazette.com/news/budget", "cc-4"]
    assert len(fails) == 1 and fails[0].path == f"{path}:3"
    assert fails[0].reason.startswith("invalid JSON")
    first = arts[0]
    raw = json.loads((FIX / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first.text == raw["maintext"]  # verbatim
    assert first.meta.title == "Port strike ends after deal"
    assert first.meta.authors == ["Kate Holton"]
    assert first.meta.agencies == ["Reuters"]
    assert first.meta.published == "2024-03-05T14:20:00"  # news-please: a time, no zone
    assert first.meta.publisher == "Reuters"
    assert arts[2].meta.agencies == ["AP"] and arts[2].meta.authors == []
    assert arts[2].meta.publisher == "Associated Press"
    # read_path keeps the good records of a partly broken file.
    assert len(read_path(path)) == 3


def test_json_array_file(tmp_path: Path) -> None:
    f = tmp_path / "records.json"
    f.write_text(json.dumps([{"title": "A", "text": "Body A.", "url": "https://x.example/a"}]))
    (art,) = read_path(str(f))
    assert art.text == "Body A." and art.id == "https://x.example/a"


# --- feeds ---------------------------------------------------------------------------------------


def test_rss_full_content_and_summary_only() -> None:
    full, summary = read_path(str(FIX / "feed.rss"))
    assert full.meta.title == "Governor signs water bill"
    assert full.text.startswith("SACRAMENTO (AP) — The governor signed")
    assert "\n\n" in full.text  # paragraphs kept
    assert full.meta.agencies == ["AP"]
    assert full.meta.authors == ["Maria Lopez"]
    assert full.meta.published == "2024-03-07T18:05:00-05:00"  # <pubDate> with its zone
    assert full.id == "ledger-20240307-water"
    assert full.meta.publisher == "The Daily Ledger"  # the feed's title, less its section
    assert not full.meta.summary_only
    assert summary.meta.summary_only
    assert summary.text.startswith("The mayor told supporters")
    assert "<b>" not in summary.text


def test_atom_entry() -> None:
    (art,) = read_path(str(FIX / "feed.atom"))
    assert art.meta.title == "Telescope spots icy dwarf planet"
    assert art.meta.authors == ["Priya Natarajan"]
    assert art.meta.published == "2024-02-01T10:30:00Z"  # <published>, not <updated>
    assert art.meta.url == "https://science.example.org/2024/02/01/dwarf-planet"
    assert art.text.startswith("Astronomers said on Thursday")
    assert art.format == "feed"


# --- WARC ----------------------------------------------------------------------------------------


def _warc_bytes(pages: list[tuple[str, str]], gz: bool = True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for uri, html in pages:
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        rec = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=headers
        )
        writer.write_record(rec)
    return buf.getvalue()


def _page(title: str) -> str:
    body = "".join(
        f"<p>{title} paragraph {i}: officials said on Monday that the plan would go ahead "
        f"despite objections from residents, according to a statement.</p>"
        for i in range(4)
    )
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title} today</h1>{body}</body></html>"
    )


def test_warc_html_responses(tmp_path: Path) -> None:
    f = tmp_path / "crawl.warc.gz"
    f.write_bytes(
        _warc_bytes(
            [("https://www.bbc.com/news/a", _page("Alpha")), ("https://x.example/b", _page("Beta"))]
        )
    )
    arts = read_path(str(f))
    assert [a.id for a in arts] == ["https://www.bbc.com/news/a", "https://x.example/b"]
    assert arts[0].meta.title == "Alpha today"
    assert arts[0].meta.publisher == "BBC"
    assert arts[0].format == "warc" and arts[0].path == str(f)
    assert "officials said on Monday" in arts[1].text


def test_warc_page_keeps_its_publication_time(tmp_path: Path) -> None:
    # Wire copy captured in a crawl: the page's own timestamp, with its zone, orders it against
    # the other copies (issue 7); a page giving only the day stays a date.
    timed = _page("Alpha").replace(
        "<head>",
        '<head><meta property="article:published_time" content="2018-04-17T14:03:00-04:00">',
    )
    dated = _page("Beta").replace(
        "<head>", '<head><meta property="article:published_time" content="2018-04-17">'
    )
    f = tmp_path / "crawl.warc.gz"
    f.write_bytes(_warc_bytes([("https://a.example/a", timed), ("https://b.example/b", dated)]))
    a, b = read_path(str(f))
    assert a.meta.published == "2018-04-17T14:03:00-04:00"
    assert b.meta.published == "2018-04-17"


def test_truncated_warc_keeps_good_records(tmp_path: Path) -> None:
    data = _warc_bytes(
        [("https://x.example/a", _page("Alpha")), ("https://x.example/b", _page("Beta"))], gz=False
    )
    f = tmp_path / "cut.warc"
    f.write_bytes(data[: len(data) - 200])
    out = list(iter_articles([str(f)]))
    assert isinstance(out[0], Article) and out[0].id == "https://x.example/a"
    assert any(isinstance(o, Failure) for o in out)


# --- paths ---------------------------------------------------------------------------------------


def test_expand_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.md", "sub/c.html", "notes.docx", ".hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    got = list(
        expand_paths([str(tmp_path), str(tmp_path / "*.md"), "-", str(tmp_path / "nope.txt")])
    )
    assert got[:3] == [
        str(tmp_path / "a.md"),
        str(tmp_path / "b.txt"),
        str(tmp_path / "sub" / "c.html"),
    ]
    assert got[3] == str(tmp_path / "a.md")
    assert got[4] == "-"
    err = got[5]
    assert not isinstance(err, str) and "nope.txt" in str(err)


def test_stdin_is_sniffed() -> None:
    stdin = io.BytesIO(SEED_MD.read_bytes())
    (art,) = read_path("-", stdin=stdin)
    assert art.path == "-" and art.meta.agencies == ["AFP"]


def test_truncated_gzipped_warc_reports_the_loss(tmp_path: Path) -> None:
    data = _warc_bytes(
        [("https://x.example/a", _page("Alpha")), ("https://x.example/b", _page("Beta"))]
    )
    f = tmp_path / "cut.warc.gz"
    f.write_bytes(data[: len(data) - 100])
    out = list(iter_articles([str(f)]))
    assert isinstance(out[0], Article) and out[0].id == "https://x.example/a"
    assert isinstance(out[-1], Failure) and "truncated" in out[-1].reason


def test_basil_record_shape(tmp_path: Path) -> None:
    rec = {
        "source": "fox",
        "title": "Federal prosecutors plan to file charges",
        "url": "http://www.foxnews.com/politics/2014/04/25/charges.html",
        "date": "2014-04-25",
        "uuid": "6d996e37",
        "body-paragraphs": [["First sentence.", "Second one."], ["New paragraph."]],
    }
    f = tmp_path / "basil.json"
    f.write_text(json.dumps(rec), encoding="utf-8")
    (art,) = read_path(str(f))
    assert art.text == "First sentence. Second one.\n\nNew paragraph."
    assert art.id == "6d996e37"
    assert art.meta.publisher == "Fox News" and art.meta.published == "2014-04-25"


def test_crlf_text_offsets(tmp_path: Path) -> None:
    raw = "Headline here\r\n\r\nWASHINGTON (AP) \u2014 Body text.\r\nMore.\r\n"
    f = tmp_path / "crlf.txt"
    f.write_bytes(raw.encode("utf-8"))
    (art,) = read_path(str(f))
    assert art.text == raw
    assert art.meta.title == "Headline here" and art.meta.agencies == ["AP"]
    assert art.text[art.body_start :].startswith("WASHINGTON (AP)")


def test_text_without_a_headline(tmp_path: Path) -> None:
    raw = (
        "The council met on Monday and "
        + "discussed the budget at length, " * 10
        + "officials said.\n"
    )
    f = tmp_path / "para.txt"
    f.write_text(raw, encoding="utf-8")
    (art,) = read_path(str(f))
    assert art.meta.title is None and art.body_start == 0
