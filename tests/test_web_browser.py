"""The pages in a real browser: Playwright driving Debian's Chromium (``apt install chromium``;
no browser download). Skipped, with the reason, where either is missing; CI installs both.

One store holds the seed, an article full of markup, one BASIL story (three outlets) and one
claims-dev event (five outlets), analysed with the dependency rules (no tagger: fast) and served
by uvicorn on a free local port. Screenshots go to each test's tmp dir."""

from __future__ import annotations

import json
import shutil
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "web"))

import stores as S  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Debian's Chromium, headless, with everything that would reach the network switched off.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    pytest.skip("playwright is not installed (pip install -e '.[dev]')", allow_module_level=True)
if not Path(CHROMIUM).exists():
    pytest.skip(
        "Chromium not found (apt-get install chromium); the browser tests need it",
        allow_module_level=True,
    )
pytest.importorskip("uvicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import uvicorn

    from newstrace.analysis.pipeline import Analyzer
    from newstrace.web import create_app, prepare

    tmp = tmp_path_factory.mktemp("browser")
    db = tmp / "web.db"
    ids = S.real_store(db, tmp, lambda: Analyzer(use_tagger=False))
    prepare(str(db))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(str(db)), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", **ids}
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    ctx.close()


def _api(site: dict[str, Any], path: str) -> Any:
    with urllib.request.urlopen(site["base"] + path) as r:
        return json.load(r)


def _story_of(site: dict[str, Any], article_id: str) -> dict[str, Any]:
    art = _api(site, "/api/article?id=" + quote(article_id, safe=""))
    return dict(_api(site, f"/api/stories/{art['story']}?limit=100"))


def test_seed_article_shows_highlighted_spans_and_the_chain(
    site: dict[str, Any], page: Page, tmp_path: Path
) -> None:
    page.goto(site["base"] + "/article?id=" + quote(site["seed"], safe=""))
    assert page.locator("h1").inner_text().startswith("Russia Spies Aided Taliban Attacks")
    for role in ("source", "cue", "content"):
        assert page.locator(f"#text .hl.r-{role}").count() > 3, role
    # sources, cues and contents are told apart by colour
    colours = {
        role: page.locator(f"#text .hl.r-{role}:not(.r-source)").first.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        for role in ("cue", "content")
    }
    colours["source"] = page.locator("#text .hl.r-source").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert len(set(colours.values())) == 3, colours
    # the text is the article's text, exactly
    api = _api(site, "/api/article?id=" + quote(site["seed"], safe=""))
    assert page.locator("#text").evaluate("e => e.textContent") == api["text"]
    # anonymous officials: focusable, and focus shows who it is
    anon = next(a for a in api["attributions"] if a["source"] and a["source"]["anonymous"])
    span = page.locator(f"#a{anon['index']}")
    assert span.inner_text() == anon["source"]["text"]
    page.keyboard.press("Tab")  # the skip link first: the page is keyboard-usable
    span.focus()
    tip = span.evaluate("e => getComputedStyle(e, '::after').content")
    assert "anonymous" in tip and anon["source"]["resolved"] in tip
    assert page.locator(f"#d{anon['index']} .anon-badge").count() == 1
    # the relay chain: publisher → wire → the newspaper it relays → its sources
    chain = page.locator("#chain").inner_text()
    for name in ("The Moscow Times", "AFP", "The New York Times", "anonymous officials"):
        assert name in chain
    assert chain.index("The Moscow Times") < chain.index("AFP") < chain.index("anonymous")
    page.screenshot(path=str(tmp_path / "seed-article.png"), full_page=True)


@pytest.mark.skipif(not S.BASIL.exists(), reason=f"needs {S.BASIL}")
def test_basil_story_graph_shows_the_three_outlets_and_its_claims(
    site: dict[str, Any], page: Page, tmp_path: Path
) -> None:
    story = _story_of(site, site["basil"][0])
    assert story["articles_total"] == 3
    page.goto(site["base"] + f"/stories/{story['story']}")
    outlets = page.locator("svg#graph a.node.n-outlet")
    assert outlets.count() == 3
    labels = {outlets.nth(i).locator("text.label").text_content() for i in range(3)}
    assert labels == {"The New York Times", "Fox News", "HuffPost"}
    assert page.locator("svg#graph a.node.n-source").count() > 0
    assert page.locator("svg#graph path.edge").count() > 0
    rows = page.locator("table.claims tbody tr")
    assert rows.count() == min(20, story["claims_total"]) > 0
    assert rows.first.locator("a").inner_text().rstrip(".…") in story["claims"][0]["text"]
    page.screenshot(path=str(tmp_path / "basil-story.png"), full_page=True)
    # a node opens its article
    outlets.first.click()
    page.wait_for_url("**/article?id=*")
    assert page.locator("#text .hl").count() > 0


@pytest.mark.skipif(not S.CLAIMS.exists(), reason=f"needs {S.CLAIMS}")
def test_claims_dev_claim_shows_origin_and_disputers(
    site: dict[str, Any], page: Page, tmp_path: Path
) -> None:
    story = _story_of(site, site["claims"][0])
    assert story["articles_total"] == 5
    disputed = [c for c in story["claims"] if c["disputers"] and c["origin"]]
    assert disputed, "no claim of the event has an origin and disputers"
    claim = _api(site, f"/api/claims/{disputed[0]['claim']}")
    page.goto(site["base"] + f"/claims/{claim['claim']}")
    assert page.locator("#origin .origin-source").inner_text() == claim["origin"]["source"]
    items = page.locator("#disputers li")
    assert items.count() == len(claim["disputers"])
    parties = [items.nth(i).locator(".party").inner_text() for i in range(items.count())]
    assert parties == [d["party"] for d in claim["disputers"]]
    page.screenshot(path=str(tmp_path / "claim.png"), full_page=True)
    # "in the text" opens the disputer's sentence, highlighted and focused by the anchor
    items.first.locator("a.at").click()
    page.wait_for_url("**/article?id=*#a*")
    target = page.url.rsplit("#", 1)[1]
    assert page.locator(f"#{target}").evaluate("e => e.matches(':target')")


def test_markup_in_an_article_stays_text_in_the_dom(site: dict[str, Any], page: Page) -> None:
    story = _story_of(site, site["xss"])
    urls = [
        "/article?id=" + site["xss"],
        f"/stories/{story['story']}",
        "/?q=hostile",
        *(f"/claims/{c['claim']}" for c in story["claims"]),
    ]
    for url in urls:
        page.goto(site["base"] + url)
        page.wait_for_load_state("load")
        scripts = page.evaluate("[...document.scripts].map(s => s.getAttribute('src'))")
        assert scripts == ["/static/newstrace.js"], url
        assert page.evaluate("document.querySelectorAll('img').length") == 0, url
        handlers = page.evaluate(
            "[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
            ".some(a => a.name.startsWith('on'))).length"
        )
        assert handlers == 0, url
    page.goto(site["base"] + "/article?id=" + site["xss"])
    assert S.SCRIPT in page.locator("h1").inner_text()
    assert S.IMG in page.locator("#text").inner_text()
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_pages_fit_a_phone(site: dict[str, Any], browser: Browser, tmp_path: Path) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = ctx.new_page()
    story = _story_of(site, site["seed"])
    for name, url in (
        ("home", "/?q=Taliban"),
        ("story", f"/stories/{story['story']}"),
        ("article", "/article?id=" + quote(site["seed"], safe="")),
    ):
        pg.goto(site["base"] + url)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (name, width)  # wide figures scroll inside their own box
        pg.screenshot(path=str(tmp_path / f"phone-{name}.png"), full_page=True)
    ctx.close()
