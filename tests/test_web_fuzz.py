"""The server under hostile use (issue 11): schemathesis against the app's OpenAPI document
(a bounded run; ``benchmarks/web_fuzz.py`` runs the long one), and requests a hostile user would
send by hand: huge query strings, deep offsets, garbage limits, odd ids, FTS5 syntax, markup.
No request gets a 5xx, every API error is the one envelope, every response carries the
Content-Security-Policy, and nothing fetches a URL or writes to the store."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "web"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import stores as S  # noqa: E402

from newstrace.linking import views  # noqa: E402
from newstrace.web import create_app, prepare  # noqa: E402

ERROR_KEYS = {"status", "code", "message", "fix"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("webfuzz") / "web.db"
    S.small_store(path)
    prepare(str(path))
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> TestClient:
    return TestClient(create_app(str(db)), raise_server_exceptions=False)


def _files(db: Path) -> dict[str, str]:
    """The store's bytes: the database and its WAL (the -shm is SQLite's shared-memory index,
    which readers use, not data)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(db.parent.glob(db.name + "*"))
        if not p.name.endswith("-shm")
    }


def assert_envelope(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS, body
    assert body["error"]["status"] == status
    if code is not None:
        assert body["error"]["code"] == code
    assert body["error"]["message"] and body["error"]["fix"]
    return dict(body["error"])


def assert_safe_headers(r: Any) -> None:
    csp = r.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, r.url
    assert r.headers.get("x-content-type-options") == "nosniff"


# -- schemathesis ---------------------------------------------------------------------------
def test_schemathesis_finds_no_5xx_and_no_schema_violation(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every schemathesis phase and default check over every API operation, 25 generated cases
    each, seed 11; meanwhile no socket may connect anywhere (no endpoint fetches a URL) and the
    store's files stay byte-for-byte the same (no endpoint writes)."""
    import web_fuzz

    pytest.importorskip("schemathesis")
    app = create_app(str(db))
    before = _files(db)
    connects: list[Any] = []

    def refuse(self: socket.socket, address: Any, *a: Any) -> Any:
        connects.append(address)
        raise OSError("the web app must not open connections")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    counts = web_fuzz.run(app, examples=25, seed=11)
    monkeypatch.undo()

    print(counts.summary())
    assert counts.operations == 7, counts.summary()  # every /api path in the OpenAPI document
    assert counts.requests > 400, counts.summary()
    assert counts.statuses[200] > 50 and counts.statuses[404] and counts.statuses[422]
    assert counts.server_errors == 0, counts.summary()
    assert not counts.failures, counts.summary()
    assert not counts.errors, counts.summary()
    assert connects == []
    assert _files(db) == before


def test_the_fuzz_run_reports_a_server_error(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a view that raises is found and counted as a 5xx."""
    import web_fuzz

    pytest.importorskip("schemathesis")

    def boom(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("broken view")

    monkeypatch.setattr(views, "overview", boom)
    counts = web_fuzz.run(create_app(str(db)), examples=2, seed=11)
    assert counts.server_errors > 0
    assert counts.failures["not_a_server_error"] > 0
    assert "GET /api/overview" in counts.examples["not_a_server_error"]


def test_every_200_of_the_store_is_as_the_openapi_document_says(db: Path) -> None:
    """Schemathesis rarely guesses an id that exists: every story, article, claim and source
    of the store is read through the API and validated against its documented schema."""
    import web_fuzz

    pytest.importorskip("jsonschema_rs")
    seen, bad = web_fuzz.walk(create_app(str(db)))
    assert bad == []
    assert seen["/api/article"] == 4 and seen["/api/stories/{story_id}"] >= 2
    assert seen["/api/claims/{claim_id}"] >= 10 and seen["/api/source"] >= 5


def test_the_schemas_refuse_a_wrong_body(client: TestClient) -> None:
    """The documented schemas constrain the bodies (a wrong type or a missing key fails)."""
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    doc = client.get("/openapi.json").json()

    def errors(path: str, body: Any) -> list[str]:
        ok = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        return [e.message for e in jsonschema_rs.validator_for(ok["schema"]).iter_errors(body)]

    good = client.get("/api/overview").json()
    assert errors("/api/overview", good) == []
    assert errors("/api/overview", {**good, "articles": "4"})
    assert errors("/api/overview", {k: v for k, v in good.items() if k != "outlets"})
    found = client.get("/api/search?q=Taliban").json()
    assert errors("/api/search", found) == []
    assert errors("/api/search", {**found, "results": [{"kind": "article", "id": 1}]})


def test_the_openapi_document_lists_every_error_the_api_answers(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for path, item in doc["paths"].items():
        responses = item["get"]["responses"]
        for status in ("404", "413", "414", "422", "503"):
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorEnvelope"), (path, status)


# -- hostile requests -----------------------------------------------------------------------
def test_huge_query_strings_get_a_414_or_422_envelope(client: TestClient) -> None:
    e = assert_envelope(client.get("/api/search?q=" + "a" * 9000), 414, "uri_too_long")
    assert "URL" in e["message"]
    assert_envelope(client.get("/api/search?" + "&x=1" * 3000), 414, "uri_too_long")
    assert_envelope(client.get("/api/search?q=" + "é" * 2000), 414, "uri_too_long")
    e = assert_envelope(client.get("/api/search?q=" + "a" * 201), 422, "invalid_request")
    assert e["message"].startswith("q:")
    # the longest search accepted: 100 one-letter words, each a term of the FTS5 query
    r = client.get("/api/search", params={"q": "a " * 100})
    assert r.status_code == 200 and r.json()["total"] >= 0
    # the longest id the API accepts fits the URL limit even fully percent-encoded
    r = client.get("/api/article?id=" + quote("/" * 2000, safe=""))
    assert_envelope(r, 404, "not_found")
    # pages answer the same limits with the same statuses
    r = client.get("/?q=" + "a" * 9000)
    assert r.status_code == 414
    assert_safe_headers(r)


def test_deep_offsets_and_garbage_limits(client: TestClient) -> None:
    r = client.get("/api/search?offset=1000000")
    assert r.status_code == 200
    assert r.json()["results"] == [] and r.json()["total"] > 0
    r = client.get("/api/stories?offset=1000000&limit=100")
    assert r.status_code == 200 and r.json()["stories"] == [] and r.json()["total"] >= 2
    r = client.get("/api/source?name=The%20New%20York%20Times&offset=1000000")
    assert r.status_code == 200 and r.json()["citations"] == []
    page = client.get("/?q=Taliban&offset=1000000")
    assert page.status_code == 200 and 'rel="prev"' in page.text and 'rel="next"' not in page.text
    for bad in ("1000001", "99999999999999999999999999", "-1", "1e3", "x"):
        e = assert_envelope(client.get(f"/api/stories?offset={bad}"), 422, "invalid_request")
        assert e["message"].startswith("offset:")
    for bad in ("-1", "0", "101", "abc", "1.5", "1e3", "", "%00", "0x10", "١"):
        e = assert_envelope(client.get(f"/api/search?limit={bad}"), 422, "invalid_request")
        assert e["message"].startswith("limit:"), (bad, e)
        assert client.get(f"/stories?limit={bad}").status_code == 422


ODD = [
    "../../etc/passwd",
    "\x00",
    "a\x00b",
    "\u202e",  # right-to-left override
    "<script>",
    "' OR 1=1 --",
    "%s%n",
    "c" * 64,
]


def test_unknown_ids_with_odd_characters_are_404_envelopes(client: TestClient) -> None:
    # percent-encoded as a client sends them, plus invalid UTF-8 (%FF%FE)
    for odd in [quote(o, safe="") for o in ODD] + ["%FF%FE", "x%2F..%2F..%2Fy"]:
        for url in (
            f"/api/claims/{odd}",
            f"/api/stories/{odd}",
            f"/api/article?id={odd}",
            f"/api/source?name={odd}",
        ):
            r = client.get(url)
            assert_envelope(r, 404, "not_found")
            assert_safe_headers(r)
    # a NUL is named escaped in the message
    assert "\\x00" in assert_envelope(client.get("/api/claims/%00"), 404)["message"]
    # too long: the documented limits answer before any lookup
    assert_envelope(client.get("/api/stories/" + "s" * 65), 422, "invalid_request")
    assert_envelope(client.get("/api/article?id=" + "z" * 2001), 422, "invalid_request")
    assert_envelope(client.get("/api/source?name=" + "n" * 301), 422, "invalid_request")
    assert_envelope(client.get("/api/claims/" + "x" * 9000), 414, "uri_too_long")
    # no path escapes the static folder
    for url in ("/static/../pyproject.toml", "/static/%2e%2e/app.py", "/static/..%2Fapp.py"):
        r = client.get(url)
        assert r.status_code == 404 and "newstrace" not in r.headers.get("etag", ""), url
        assert "def create_app" not in r.text and "[project]" not in r.text


def test_fts5_syntax_in_a_search_is_read_as_words(client: TestClient) -> None:
    queries = ['"', '"""', "*", "NEAR(", "NEAR(a b", "AND OR", "a NOT", "OR", "-x", "^a"]
    queries += ["{a b}:c", "title:x", "(", ")", "a + b", "'", "\\", "%", "_", "Taliban*"]
    for q in queries:
        for kind in ("articles", "claims"):
            r = client.get("/api/search", params={"q": q, "kind": kind})
            assert r.status_code == 200, (q, r.text[:300])
            assert r.json()["query"] == q and isinstance(r.json()["results"], list)
        assert client.get("/", params={"q": q}).status_code == 200
    # the word beside the syntax still matches (every word is required: NEAR is one)
    for q in ('"Taliban', 'Taliban"', "Taliban*", "^Taliban", "Taliban -", "(Taliban)"):
        assert client.get("/api/search", params={"q": q}).json()["total"] >= 1, q


def test_a_script_in_a_search_is_escaped_where_it_is_reflected(client: TestClient) -> None:
    probe = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
    for url, params in (
        ("/", {"q": probe}),
        ("/", {"q": "x", "outlet": probe, "source": probe}),
        ("/source", {"name": probe}),  # 404 page naming the source
        ("/article", {"id": probe}),
        ("/claims/" + quote(probe, safe=""), {}),
        ("/stories/" + quote(probe[:60], safe=""), {}),
    ):
        r = client.get(url, params=params)
        assert r.status_code in (200, 404), (url, r.status_code)
        assert r.headers["content-type"].startswith("text/html")
        assert_safe_headers(r)
        html = r.text
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert {x for x in _tags(html) if not _harmless(*x)} == set(), url
        assert "&lt;script&gt;alert(1)" in html or "%3Cscript%3E" in html, url
    # the query is shown back in the search boxes, escaped inside the attribute
    html = client.get("/", params={"q": probe}).text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&gt;' in html


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, str]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add((tag, ""))
        for name, value in attrs:
            self.seen.add((tag, f"{name}={value or ''}" if name in ("src", "href") else name))


def _tags(html: str) -> set[tuple[str, str]]:
    """Every (tag, attribute) of a page as a browser parses it (src/href with their value)."""
    p = _Tags()
    p.feed(html)
    return p.seen


def _harmless(tag: str, attr: str) -> bool:
    if tag in ("img", "iframe", "object", "embed", "base"):
        return False
    if attr.startswith("on") or attr == "style":
        return False
    if tag == "script":  # only the app's own file
        return attr in ("", "src=/static/newstrace.js", "defer")
    return not re.match(r"(src|href)=\s*(javascript|data|vbscript):", attr, re.I)


def test_every_error_carries_the_security_headers(client: TestClient) -> None:
    cases = [
        (client.get("/api/claims/nope"), 404),
        (client.get("/no-such-page"), 404),
        (client.get("/api/search?limit=0"), 422),
        (client.get("/?limit=0"), 422),
        (client.post("/api/search"), 405),
        (client.request("TRACE", "/"), 405),
        (client.request("GET", "/api/search", content=b"x" * 20_000), 413),
        (client.get("/api/search", headers={"content-length": "abc"}), 413),
        (client.get("/api/search?q=" + "a" * 9000), 414),
    ]
    for r, status in cases:
        assert r.status_code == status, (r.url, r.status_code)
        assert_safe_headers(r)
        assert r.headers["cache-control"] == "no-store"
        if r.url.path.startswith("/api/"):
            assert_envelope(r, status)


def test_no_redirect_goes_where_the_host_header_says(client: TestClient) -> None:
    for url in ("/stories/", "/api/stories/", "/api/overview/", "/article/"):
        r = client.get(url, headers={"host": "evil.example"}, follow_redirects=False)
        assert r.status_code == 404 and "location" not in r.headers, url
        assert "evil.example" not in r.text
        assert_safe_headers(r)
    assert_envelope(client.get("/api/stories/"), 404, "not_found")


def test_a_405_says_which_methods_are_allowed(client: TestClient) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
        for url in ("/api/search", "/api/claims/x", "/", "/stories"):
            r = client.request(method, url)
            assert r.status_code == 405, (method, url)
            assert r.headers["allow"] == "GET, HEAD", (method, url)
            if url.startswith("/api/"):
                assert_envelope(r, 405, "method_not_allowed")
    # and HEAD, which it names, works
    head = client.head("/api/search?q=Taliban")
    assert head.status_code == 200 and head.content == b""


# -- the HTTP layer (a real `newstrace serve` process) ----------------------------------------
def _exchange(port: int, data: bytes, chunk: int = 1 << 16) -> bytes:
    """Send ``data`` (stopping when the server closes) and read all it answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        try:
            for i in range(0, len(data), chunk):
                s.sendall(data[i : i + chunk])
        except OSError:
            pass  # closed early: what it said before closing is read below
        out = b""
        try:
            while b := s.recv(1 << 16):
                out += b
        except OSError:
            pass
        return out


def _envelope_of(raw: bytes, status: int, code: str) -> None:
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), raw[:200]
    lower = head.lower()
    assert b"content-security-policy: default-src 'none'" in lower
    assert b"connection: close" in lower
    e = json.loads(body)["error"]
    assert (e["status"], e["code"]) == (status, code) and e["fix"]


def test_the_server_bounds_a_requests_head_in_size_and_time(db: Path) -> None:
    """uvicorn's parser would keep any amount of header in memory, and wait for ever for the
    end of a head: the server answers 431 past 64 KiB and 408 past the time limit, closes the
    connection, and goes on serving; unparsable requests get the envelope too."""
    import web_fuzz

    pytest.importorskip("uvicorn")
    pytest.importorskip("httptools")
    with web_fuzz.served(str(db), "--time-limit", "1") as base:
        port = int(base.rsplit(":", 1)[1])
        huge = b"GET /api/overview HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * (8 << 20)
        _envelope_of(_exchange(port, huge), 431, "headers_too_large")
        many = b"GET /api/overview HTTP/1.1\r\nHost: x\r\n" + b"X-A: 1\r\n" * 20_000 + b"\r\n"
        _envelope_of(_exchange(port, many), 431, "headers_too_large")
        started = time.monotonic()
        _envelope_of(_exchange(port, b"GET /api/overview HTTP/1.1\r\nHo"), 408, "request_timeout")
        assert 0.9 < time.monotonic() - started < 5
        _envelope_of(_exchange(port, b"\x00\x01 garbage\r\n\r\n"), 400, "bad_request")
        _envelope_of(
            _exchange(port, b"GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "bad_request"
        )
        # a normal head of 40 KiB still passes, and keep-alive still works
        ok = b"GET /api/overview HTTP/1.1\r\nHost: x\r\nX-Ok: " + b"o" * 40_000 + b"\r\n\r\n"
        last = b"GET /api/stories HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        raw = _exchange(port, ok + last)
        assert raw.count(b"HTTP/1.1 200 OK") == 2, raw[:300]
        with urllib.request.urlopen(base + "/api/overview", timeout=5) as r:
            assert r.status == 200
