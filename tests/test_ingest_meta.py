"""Bylines, datelines, credits, dates, titles and the outlet table (newstrace.ingest.meta)."""

from __future__ import annotations

import pytest

from newstrace.ingest.meta import (
    agencies_from,
    agency_code,
    clean_title,
    find_dateline,
    normalize_date,
    normalize_published,
    parse_byline,
    publisher_for,
    trailing_agencies,
)
from newstrace.ingest.outlets import canonical_outlet, is_media_name, outlet_for_domain


@pytest.mark.parametrize(
    ("byline", "authors", "agencies"),
    [
        ("By [AFP](#)", [], ["AFP"]),
        ("By The Associated Press", [], ["AP"]),
        ("By Brett Samuels and Jane Doe, Staff Writers", ["Brett Samuels", "Jane Doe"], []),
        ("By JIM RUTENBERG", ["Jim Rutenberg"], []),
        ("Heidi M. Przybyla, USA TODAY", ["Heidi M. Przybyla"], []),
        ("John O'connor The Associated Press", ["John O'connor"], ["AP"]),
        (
            "By Jane Doe | jane.doe@example.com | @janedoe | Published 3:00 PM EST, Dec 22, 2023",
            ["Jane Doe"],
            [],
        ),
        ("Senior Reporter Jane Doe", ["Jane Doe"], []),
        ("Lauren Manaker MS, RDN, LD", ["Lauren Manaker"], []),
        ("By Grace Dean Contributions from Leon Hurley", ["Grace Dean"], []),
        ("By Nelson C.J. Photography by Stephen Tayo July 19, 2023", ["Nelson C.J."], []),
        (
            "By — Najib Jobain, Associated Press By — Samy Magdy, Associated Press",
            ["Najib Jobain", "Samy Magdy"],
            ["AP"],
        ),
        ("Reuters Staff", [], ["Reuters"]),
        ("Chicago Tribune staff", [], []),
    ],
)
def test_parse_byline(byline: str, authors: list[str], agencies: list[str]) -> None:
    assert parse_byline(byline) == (authors, agencies)


def test_agency_codes_are_case_sensitive_for_short_forms() -> None:
    assert agency_code("AP") == "AP"
    assert agency_code("Agence France-Presse") == "AFP"
    assert agency_code("ap") is None  # a word, not the agency
    assert agency_code("Pa.") is None


@pytest.mark.parametrize(
    ("text", "agency", "written"),
    [
        ("WASHINGTON (AP) — The Senate voted", "AP", "WASHINGTON (AP)"),
        ("HEMPSTEAD, N.Y., Sept. 26 (UPI) — Green Party", "UPI", "HEMPSTEAD, N.Y., Sept. 26 (UPI)"),
        ("Dec 29 (Reuters) - U.S. Democratic", "Reuters", "Dec 29 (Reuters)"),
        ("Mexico City (AFP) – It featured drama", "AFP", "Mexico City (AFP)"),
        ("LONDON — The prime minister", None, "LONDON"),
        ("ATLANTA (CNN) — The storm", None, "ATLANTA (CNN)"),
    ],
)
def test_find_dateline(text: str, agency: str | None, written: str) -> None:
    dl = find_dateline(text)
    assert dl is not None
    assert dl.agency == agency
    assert dl.text == written
    assert text[dl.end :].startswith(text.split("— ")[-1].split("– ")[-1].split("- ")[-1][:5])


def test_no_dateline_in_ordinary_prose() -> None:
    assert find_dateline("The Senate voted on Friday (a rare weekend session) to pass it.") is None


def test_wire_copy_in_polnear_layout() -> None:
    text = "Trump urges supporters.\n\nWASHINGTON (AP) — The Latest on the race:\n\nMore text."
    assert agencies_from(text) == ["AP"]


def test_cited_media_are_not_agencies() -> None:
    # Sentences from PolNeAR non-wire articles that cite AP / Reuters stories.
    text = (
        "Clinton visits Orlando.\n\n"
        "Clinton visited the memorial on Friday, the Associated Press reported. "
        "Earlier, she met families, according to AP.\n\n"
        "A Reuters/Ipsos poll found a dead heat, reported Reuters. "
        '"Everything is on the table," Carson told the AP on Wednesday.\n\n'
        "The Associated Press contributed to this report."
    )
    assert agencies_from(text) == []


@pytest.mark.parametrize(
    ("tail", "agencies"),
    [
        ("He was called unfit.\n\n- Reuters.", ["Reuters"]),
        ("Body.\n\n(Reporting by Amanda Becker; Editing by Eric Beech.)", ["Reuters"]),
        (
            "Body.\n\nThe Huffington Post has supplemented this Reuters article with quotes.",
            ["Reuters"],
        ),
        ("Body.\n\nReporting by The Associated Press.", ["AP"]),
        ("Body.\n\nCopyright 2016 The Associated Press. All rights reserved.", ["AP"]),
        ("Body.\n\n(Reporting by our staff in Lagos.)", []),
        ("Body.\n\nThis Reuters/Ipsos poll has a margin of error of 3 points.", []),
        ("Body.\n\nThis story was provided by The Associated Press.", ["AP"]),
    ],
)
def test_trailing_credits(tail: str, agencies: list[str]) -> None:
    assert trailing_agencies(tail) == agencies


def test_byline_passed_in_counts() -> None:
    assert agencies_from("Headline\n\nBody without dateline.", byline="AFP") == ["AFP"]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("June 27, 2020", "2020-06-27"),
        ("2023-12-22T20:31:25.462Z", "2023-12-22"),
        ("27 June 2020", "2020-06-27"),
        ("Sept. 3, 2016", "2016-09-03"),
        ("Published 12/05/2023", "2023-12-05"),
        ("no date here", None),
        ("2023-13-45", None),
    ],
)
def test_normalize_date(raw: str, iso: str | None) -> None:
    assert normalize_date(raw) == iso


def test_clean_title_strips_site_suffix_only_where_asked() -> None:
    assert clean_title("Trump: I'm not a student of Hitler | The Hill") == (
        "Trump: I'm not a student of Hitler"
    )
    assert clean_title("Senate passes bill - The Daily Ledger", "The Daily Ledger") == (
        "Senate passes bill"
    )
    seed = "Russia Spies Aided Taliban Attacks, U.S. Intel Says – NYT"
    assert clean_title("# " + seed, any_outlet=False) == seed


def test_outlet_table() -> None:
    assert outlet_for_domain("https://www.themoscowtimes.com/2020/06/27/x") == "The Moscow Times"
    assert outlet_for_domain("edition.cnn.com") == "CNN"
    assert outlet_for_domain("apnews.com") == "Associated Press"
    assert outlet_for_domain("example.org") is None
    for name in ("the New York Times", "NYT", "@nytimes", "nytimes.com", "New York Times's"):
        assert canonical_outlet(name) == "The New York Times", name
    assert canonical_outlet("the Times") == "The New York Times"
    assert canonical_outlet("fox") is None  # lower-case: the animal
    assert canonical_outlet("@NYTimes") == "The New York Times"  # handles ignore case
    assert canonical_outlet("@washingtonpost") == "The Washington Post"  # via the domain
    # One-word names that are ordinary words are outlets only in their longer forms.
    assert canonical_outlet("People") is None  # "People familiar with the matter"
    assert canonical_outlet("People magazine") == "People"
    assert canonical_outlet("Time") is None and canonical_outlet("TIME") == "Time"
    assert is_media_name("Reuters")
    assert not is_media_name("the Kremlin")


def test_publisher_from_domain_then_site_name() -> None:
    assert publisher_for("https://www.reuters.com/world/x") == "Reuters"
    assert publisher_for("https://unknown.example/x", "Example Gazette") == "Example Gazette"
    assert publisher_for(None, None) is None


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2018-04-17 14:03:00", "2018-04-17T14:03:00"),  # news-please date_publish: no zone
        ("2018-04-17T14:03:00.000-04:00", "2018-04-17T14:03:00-04:00"),
        ("2023-12-22T20:31:25.462Z", "2023-12-22T20:31:25Z"),
        ("2023-12-22T22:22:07-0500", "2023-12-22T22:22:07-05:00"),
        ("Tue, 17 Apr 2018 14:03:00 GMT", "2018-04-17T14:03:00Z"),  # RSS pubDate
        ("Tue, 17 Apr 2018 14:03:00 +0200", "2018-04-17T14:03:00+02:00"),
        ("Posted Tue, 17 Apr 2018 14:03:00 EST (updated)", "2018-04-17T14:03:00-05:00"),
        ("2018-04-17 00:00:00", "2018-04-17"),  # an extractor's midnight: the day only
        ("2018-04-17", "2018-04-17"),
        ("June 27, 2020", "2020-06-27"),
        ("no date here", None),
    ],
)
def test_normalize_published_keeps_time_and_zone(raw: str, iso: str | None) -> None:
    assert normalize_published(raw) == iso
