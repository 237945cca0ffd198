"""The web app in-process (HTTP client, no server): the JSON API, its one error envelope,
paging, ETags, the security headers and limits, read-only access, and markup from articles
rendered as text on every page that shows it."""

from __future__ import annotations

import re
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "web"))

import stores as S  # noqa: E402

from newstrace.linking import views  # noqa: E402
from newstrace.web import create_app, prepare  # noqa: E402

ERROR_KEYS = {"status", "code", "message", "fix"}


@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    db = tmp_path_factory.mktemp("web") / "web.db"
    ids = S.small_store(db)
    prepare(str(db))
    return db, ids


@pytest.fixture(scope="module")
def client(store_db: tuple[Path, dict[str, Any]]) -> TestClient:
    return TestClient(create_app(str(store_db[0])), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def ids(store_db: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return store_db[1]


def _art(article_id: str) -> str:
    return quote(article_id, safe="")


def _story_of(client: TestClient, article_id: str) -> str:
    story = client.get(f"/api/article?id={_art(article_id)}").json()["story"]
    assert story
    return str(story)


def assert_envelope(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert body["error"]["message"] and body["error"]["fix"]
    return dict(body["error"])


# -- the error envelope ---------------------------------------------------------------------
def test_every_api_error_has_the_one_envelope(client: TestClient) -> None:
    assert_envelope(client.get("/api/no-such-path"), 404, "not_found")
    e = assert_envelope(client.get("/api/claims/c0000000000"), 404, "not_found")
    assert "c0000000000" in e["message"]
    assert_envelope(client.get("/api/stories/s0000000000"), 404, "not_found")
    assert_envelope(client.get("/api/article?id=nope"), 404, "not_found")
    assert_envelope(client.get("/api/source?name=Nobody%20At%20All"), 404, "not_found")
    e = assert_envelope(client.get("/api/search?limit=1000"), 422, "invalid_request")
    assert "limit" in e["message"]
    assert_envelope(client.get("/api/search?since=yesterday"), 422, "invalid_request")
    assert_envelope(client.get("/api/search?kind=everything"), 422, "invalid_request")
    assert_envelope(client.get("/api/article"), 422, "invalid_request")  # id missing
    assert_envelope(client.post("/api/search"), 405, "method_not_allowed")
    assert_envelope(client.delete("/api/claims/x"), 405, "method_not_allowed")


def test_an_unexpected_error_is_a_500_envelope_without_traceback(
    store_db: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "story_list", boom)
    c = TestClient(create_app(str(store_db[0])), raise_server_exceptions=False)
    r = c.get("/api/stories")
    e = assert_envelope(r, 500, "internal")
    assert "secret" not in r.text and "Traceback" not in r.text
    assert e["fix"]
    assert "content-security-policy" in r.headers


def test_pages_answer_errors_in_html(client: TestClient) -> None:
    r = client.get("/claims/c0000000000")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "c0000000000" in r.text


def test_request_size_and_url_limits(client: TestClient) -> None:
    assert_envelope(client.post("/api/search", content=b"x" * 20_000), 413, "request_too_large")
    assert_envelope(client.get("/api/search?q=" + "a" * 9000), 414, "uri_too_long")


def test_a_query_past_the_time_limit_is_cut_off(
    store_db: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(store: Any, **_k: Any) -> dict[str, Any]:
        # a query that would run for minutes: SQLite's progress handler interrupts it
        store.conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        ).fetchone()
        raise AssertionError("not interrupted")

    monkeypatch.setattr(views, "story_list", slow)
    c = TestClient(create_app(str(store_db[0]), time_limit=0.3), raise_server_exceptions=False)
    assert_envelope(c.get("/api/stories"), 503, "timeout")


# -- paging, caching, headers -----------------------------------------------------------------
def test_lists_are_paged_with_totals(client: TestClient) -> None:
    full = client.get("/api/stories").json()
    assert full["total"] >= 2 and len(full["stories"]) == full["total"]
    one = client.get("/api/stories?limit=1").json()
    two = client.get("/api/stories?limit=1&offset=1").json()
    assert (one["total"], one["limit"], one["offset"]) == (full["total"], 1, 0)
    assert one["stories"][0]["story"] != two["stories"][0]["story"]
    assert [s["story"] for s in full["stories"][:2]] == [
        one["stories"][0]["story"],
        two["stories"][0]["story"],
    ]
    found = client.get("/api/search?q=Taliban&limit=1").json()
    assert found["total"] == found["articles_total"] >= 2 and len(found["results"]) == 1
    src = client.get("/api/source?name=The%20New%20York%20Times&limit=2&offset=1").json()
    assert src["total"] == src["citations_total"] > 3 and len(src["citations"]) == 2


def test_reads_carry_etag_and_revalidate_to_304(client: TestClient) -> None:
    r = client.get("/api/stories")
    etag = r.headers["etag"]
    assert r.headers["cache-control"] == "no-cache"
    again = client.get("/api/stories", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag and not again.content
    head = client.head("/api/stories")
    assert head.status_code == 200 and head.headers["etag"] == etag and not head.content
    page = client.get("/stories")
    assert page.headers["etag"] and page.headers["etag"] != etag
    assert client.get("/static/newstrace.css").headers["cache-control"].startswith("public")


def test_a_write_to_the_store_changes_the_etag(tmp_path: Path) -> None:
    from newstrace.linking.link import link_store
    from newstrace.store import open_store

    db = tmp_path / "w.db"
    S.small_store(db)
    c = TestClient(create_app(str(db)))
    before = c.get("/api/overview")
    with open_store(db) as store:
        store.add(S.R.make("A new one.\n\nBody.", "new.txt"))
        link_store(store)
    after = c.get("/api/overview", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["articles"] == before.json()["articles"] + 1


def test_security_headers_on_pages_and_api(client: TestClient, ids: dict[str, Any]) -> None:
    for url in ("/", "/api/stories", f"/article?id={_art(ids['seed'])}", "/no-such-page"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_script_or_handler(client: TestClient, ids: dict[str, Any]) -> None:
    story = _story_of(client, ids["seed"])
    claim = client.get(f"/api/stories/{story}").json()["claims"][0]["claim"]
    for url in (
        "/?q=Taliban",
        "/stories",
        f"/stories/{story}",
        f"/article?id={_art(ids['seed'])}",
        f"/claims/{claim}",
        "/source?name=The%20New%20York%20Times",
    ):
        html = client.get(url).text
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], url
        assert not re.search(r"<[^>]+\son\w+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html), url


def test_openapi_documents_the_api(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert {"/api/search", "/api/stories", "/api/stories/{story_id}", "/api/article"} <= set(
        doc["paths"]
    )
    assert {"/api/claims/{claim_id}", "/api/source", "/api/overview"} <= set(doc["paths"])
    assert "/" not in doc["paths"]  # pages are not API
    assert "ErrorEnvelope" in doc["components"]["schemas"]


# -- what the views return ------------------------------------------------------------------
def test_article_segments_rebuild_the_text_and_anchor_every_attribution(
    client: TestClient, ids: dict[str, Any]
) -> None:
    a = client.get(f"/api/article?id={_art(ids['seed'])}").json()
    assert "".join(s["text"] for s in a["segments"]) == a["text"]
    anchored = sorted(i for s in a["segments"] for i in s["anchors"])
    assert anchored == list(range(len(a["attributions"])))
    roles = {r for s in a["segments"] for r in s["roles"]}
    assert roles == {"source", "cue", "content"}
    anon = [x for x in a["attributions"] if x["source"] and x["source"]["anonymous"]]
    assert anon and anon[0]["source"]["resolved"] == "anonymous officials"
    assert a["copies"] and a["copies"][0]["publisher"] == "The Daily Relay"
    assert any(x["claims"] for x in a["attributions"])


def test_story_graph_has_outlets_copies_and_typed_edges(
    client: TestClient, ids: dict[str, Any]
) -> None:
    st = client.get(f"/api/stories/{_story_of(client, ids['seed'])}").json()
    kinds = {n["kind"]: n for n in st["graph"]["nodes"]}
    assert {"source", "outlet", "copy"} <= set(kinds)
    labels = {(n["kind"], n["label"]) for n in st["graph"]["nodes"]}
    assert ("outlet", "The Moscow Times") in labels and ("copy", "The Daily Relay") in labels
    assert any(n["kind"] == "source" and n["anonymous"] for n in st["graph"]["nodes"])
    edge_kinds = {e["kind"] for e in st["graph"]["edges"]}
    assert {"cites", "relays", "copies", "disputes"} <= edge_kinds
    outlets = [c["outlets"] for c in st["claims"]]
    assert outlets == sorted(outlets, reverse=True) and outlets[0] >= 2
    assert [t["published"] for t in st["timeline"]] == sorted(
        t["published"] for t in st["timeline"]
    )


def test_claim_trace_links_each_entry_to_its_sentence(
    client: TestClient, ids: dict[str, Any]
) -> None:
    found = client.get("/api/search?kind=claims&q=Russian%20unit%20offered%20rewards").json()
    claim = client.get(f"/api/claims/{found['results'][0]['claim']}").json()
    assert claim["origin"]["at"] and claim["disputers"]
    members = {(m["article"], m["index"]) for m in claim["members"]}
    assert tuple(claim["origin"]["at"]) in members
    texts: dict[str, Any] = {}
    for entry in [*claim["disputers"], *claim["independent_backers"], *claim["timeline"]]:
        article_id, index = entry["at"][:2]
        if article_id not in texts:
            texts[article_id] = client.get(f"/api/article?id={_art(article_id)}").json()
        if index is None:
            continue
        attribution = texts[article_id]["attributions"][index]
        if "party" in entry:  # a disputer points at one of its own sources
            assert attribution["source"]["resolved"] in entry["sources"]
        if "role" in entry and entry.get("source") and attribution["source"]:
            assert attribution["source"]["resolved"] == entry["source"]
    art = client.get(f"/api/article?id={_art(claim['origin']['at'][0])}").json()
    assert claim["claim"] in art["attributions"][claim["origin"]["at"][1]]["claims"]


def test_search_filters(client: TestClient, ids: dict[str, Any]) -> None:
    def total(q: str) -> int:
        return int(client.get("/api/search?" + q).json()["total"])

    assert total("q=Taliban") >= 2
    assert total("q=Taliban&outlet=The%20Daily%20Relay") == 1
    assert total("q=Taliban&since=2020-06-28&until=2020-06-28") == 1
    assert total("q=Taliban&until=2020-06-27") == 1
    assert total("source=anonymous%20officials") == 1
    assert total("q=Taliban&kind=claims") >= 1
    assert total("q=nosuchwordanywhere") == 0
    # FTS syntax in user input is read as words, never as a query error
    for q in ('"unbalanced', "a OR NOT b*", "NEAR(", "title:x", "^", "'"):
        assert client.get("/api/search", params={"q": q}).status_code == 200


def test_every_page_renders(client: TestClient, ids: dict[str, Any]) -> None:
    story = _story_of(client, ids["seed"])
    claim = client.get(f"/api/stories/{story}").json()["claims"][0]["claim"]
    for url in (
        "/",
        "/?q=Taliban&kind=claims",
        "/?outlet=The%20Moscow%20Times&since=2020-01-01&until=2020-12-31",
        "/stories",
        f"/stories/{story}",
        f"/article?id={_art(ids['seed'])}",
        f"/article?id={_art(ids['copy'])}",
        f"/claims/{claim}",
        "/source?name=anonymous%20officials",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/html")


# -- safe by construction -------------------------------------------------------------------
def test_markup_from_an_article_is_text_on_every_page(
    client: TestClient, ids: dict[str, Any]
) -> None:
    story = _story_of(client, ids["xss"])
    claims = client.get(f"/api/stories/{story}").json()["claims"]
    assert claims
    pages = [
        f"/article?id={ids['xss']}",
        f"/stories/{story}",
        "/stories",
        "/?q=hostile",
        "/?q=harmless&kind=claims",
        "/source?name=" + quote(f"officials {S.SCRIPT}"),
        *(f"/claims/{c['claim']}" for c in claims),
    ]
    for url in pages:
        html = client.get(url).text
        assert S.SCRIPT not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "alert(1)" not in html, url
    art = client.get(f"/article?id={ids['xss']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in art
    assert "&lt;img src=x onerror=alert(2)&gt;" in art
    # the JSON API returns the text as it is (JSON strings, served as application/json)
    api = client.get(f"/api/article?id={ids['xss']}")
    assert api.headers["content-type"].startswith("application/json")
    assert S.SCRIPT in api.json()["title"]


def test_the_server_cannot_write_the_store(client: TestClient, store_db: Any) -> None:
    reader = client.app.state.reader  # type: ignore[attr-defined]
    with reader.snapshot() as store, pytest.raises(sqlite3.Error):
        store.conn.execute("DELETE FROM articles")


def test_pages_stay_consistent_while_an_ingest_writes(tmp_path: Path) -> None:
    """Each page reads in one transaction: while another connection adds and links articles,
    every request answers 200 and a story's article count matches its articles."""
    from newstrace.linking.link import link_store
    from newstrace.store import open_store

    db = tmp_path / "busy.db"
    S.small_store(db)
    c = TestClient(create_app(str(db)), raise_server_exceptions=False)
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with open_store(db) as store:
                for i in range(6):
                    text = f"Extra report {i}\n\nOfficials said the talks went well ({i})."
                    store.add(S.R.make(text, f"extra{i}.txt", published="2020-07-01"))
                    link_store(store)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            stop.set()

    t = threading.Thread(target=writer)
    t.start()
    seen = 0
    while not stop.is_set() or seen < 5:
        seen += 1
        r = c.get(f"/api/stories?limit=100&x={seen}")
        assert r.status_code == 200, r.text
        for s in r.json()["stories"][:3]:
            st = c.get(f"/api/stories/{s['story']}?x={seen}")
            assert st.status_code in (200, 404), st.text  # 404: relinked away meanwhile
            if st.status_code == 200:
                assert st.json()["articles_total"] == len(st.json()["articles"])
        if seen > 200:
            break
    t.join()
    assert not errors


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newstrace.cli import cli

    r = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 4
    assert "no such database" in r.output
    assert not (tmp_path / "none.db").exists()


def test_a_claims_unattributed_sentence_is_marked_in_its_article(
    client: TestClient, ids: dict[str, Any]
) -> None:
    a = client.get(f"/api/article?id={_art(ids['seed'])}&mark=182-333").json()
    marked = [s for s in a["segments"] if "mark" in s["roles"]]
    assert "".join(s["text"] for s in marked) == a["text"][182:333]
    html = client.get(f"/article?id={_art(ids['seed'])}&mark=182-333").text
    assert '<mark class="sentence" id="m"' in html
    assert_envelope(
        client.get(f"/api/article?id={_art(ids['seed'])}&mark=x"), 422, "invalid_request"
    )
    # entries that point at an outlet's own sentence carry its offsets, and the page links there
    found = client.get("/api/search?kind=claims&q=Russian%20unit%20offered%20rewards").json()
    claim = client.get(f"/api/claims/{found['results'][0]['claim']}").json()
    for entry in [*claim["relays"], *claim["timeline"]]:
        if entry["at"] and len(entry["at"]) == 4:
            article_id, index, start, end = entry["at"]
            assert index is None
            text = client.get(f"/api/article?id={_art(article_id)}").json()["text"]
            assert 0 <= start < end <= len(text)
            page = client.get(f"/claims/{claim['claim']}").text
            assert f"mark={start}-{end}#m" in page
