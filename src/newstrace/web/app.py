"""The ASGI app of ``newstrace serve``: a JSON API under /api (OpenAPI at /openapi.json) and HTML
pages, both made from the same view functions (``newstrace.linking.views``).

Read-only: every route is a GET over ``mode=ro`` connections. A page's queries run in one read
transaction; the rendered page is cached under the store's generation (it changes when an
ingest commits) and served with an ETag, so a revalidating browser gets 304 for free.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from newstrace import __version__
from newstrace.errors import StoreError
from newstrace.linking import views
from newstrace.store import Store
from newstrace.web import highlight, schemas, svg
from newstrace.web.errors import (
    ErrorEnvelope,
    WebError,
    code_for_status,
    envelope,
    envelope_bytes,
    status_code,
)
from newstrace.web.guard import Guard
from newstrace.web.reader import QueryTimeout, Reader

HERE = Path(__file__).resolve().parent
log = logging.getLogger("newstrace.web")

Limit = Annotated[int, Query(ge=1, le=100, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
Name = Annotated[str | None, Query(max_length=300)]
Mark = Annotated[str | None, Query(pattern=r"^\d{1,9}-\d{1,9}$", description="START-END offsets")]
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorEnvelope, "description": "not found"},
    413: {"model": ErrorEnvelope, "description": "request body sent (every endpoint is a GET)"},
    414: {"model": ErrorEnvelope, "description": "URL longer than 8 KiB"},
    422: {"model": ErrorEnvelope, "description": "invalid parameter"},
    503: {"model": ErrorEnvelope, "description": "time limit or store unavailable"},
}


def _span(mark: str | None) -> tuple[int, int] | None:
    if not mark:
        return None
    start, end = mark.split("-")
    return int(start), int(end)


class PageCache:
    """Rendered responses by (generation, path, query), least recently used out first, within
    ``entries`` pages and ``max_bytes`` of bodies (64 MB: ~1,000 long article pages)."""

    def __init__(self, entries: int = 4096, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self.size = 0
        self._d: OrderedDict[tuple[int, str, str], tuple[bytes, str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str, str]) -> tuple[bytes, str, str] | None:
        with self._lock:
            hit = self._d.get(key)
            if hit is not None:
                self._d.move_to_end(key)
            return hit

    def put(self, key: tuple[int, str, str], value: tuple[bytes, str, str]) -> None:
        with self._lock:
            old = self._d.pop(key, None)
            if old is not None:
                self.size -= len(old[0])
            self._d[key] = value
            self.size += len(value[0])
            while self._d and (len(self._d) > self.entries or self.size > self.max_bytes):
                _k, dropped = self._d.popitem(last=False)
                self.size -= len(dropped[0])


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the package: no stat() per render
    )
    env.globals.update(article_href=svg.article_href, source_href=svg.source_href)
    env.globals["version"] = __version__
    env.globals["text_html"] = highlight.text_html
    env.globals["graph_svg"] = svg.graph_svg
    env.globals["timeline_svg"] = svg.timeline_svg
    return env


def pager(request: Request, total: int, limit: int, offset: int) -> dict[str, Any]:
    """Previous / next links for a paged list, keeping the request's other parameters."""
    params = {k: v for k, v in request.query_params.items() if k != "offset" and v != ""}

    def href(off: int) -> str:
        return "?" + urlencode({**params, "offset": off} if off else params)

    return {
        "total": total,
        "first": offset + 1 if total else 0,
        "last": min(total, offset + limit),
        "prev": href(max(0, offset - limit)) if offset > 0 else None,
        "next": href(offset + limit) if offset + limit < total else None,
    }


def create_app(db: str, *, time_limit: float = 10.0, cache_entries: int = 4096) -> FastAPI:
    """The app over the store at ``db`` (prepared beforehand with ``reader.prepare``)."""
    reader = Reader(db, time_limit=time_limit)
    cache = PageCache(cache_entries)
    env = _templates()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        reader.close()

    app = FastAPI(
        title="newstrace",
        version=__version__,
        description="Who said what, first, and who only relayed it: read-only API over a "
        "newstrace store. Every error is {'error': {'status', 'code', 'message', 'fix'}}.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
        # No trailing-slash redirects: Starlette builds their Location from the Host header
        # (an absolute URL the client chose); /stories/ is a 404 like any unknown path.
        redirect_slashes=False,
    )
    app.state.reader = reader
    app.state.cache = cache
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # -- plumbing ------------------------------------------------------------------------------
    index_memo: list[tuple[int, list[Any]]] = []

    def story_list(store: Store, *, limit: int, offset: int) -> dict[str, Any]:
        """``views.story_list`` with the story index kept while the store does not change
        (the generation is read before the snapshot's first read: the index is never older)."""
        gen = reader.generation()
        hit = index_memo[0] if index_memo else None
        if hit is None or hit[0] != gen:
            hit = (gen, views.story_index(store))
            index_memo[:] = [hit]
        return views.story_list(store, limit=limit, offset=offset, index=hit[1])

    def view(fn: Callable[..., Any], *args: Any, missing: str = "", **kw: Any) -> Any:
        try:
            with reader.snapshot() as store:
                data = fn(store, *args, **kw)
        except QueryTimeout as exc:
            raise WebError("timeout") from exc
        except (sqlite3.Error, StoreError) as exc:
            log.warning("store read failed: %s", exc)
            raise WebError("store_unavailable") from exc
        if data is None:
            raise WebError("not_found", missing or None)
        return data

    def cached(request: Request, build: Callable[[], tuple[bytes, str]]) -> Response:
        key = (reader.generation(), request.url.path, request.url.query)
        hit = cache.get(key)
        if hit is None:
            body, media = build()
            etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
            hit = (body, media, etag)
            cache.put(key, hit)
        body, media, etag = hit
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        match = request.headers.get("if-none-match")
        if match and (match.strip() == "*" or etag in [m.strip() for m in match.split(",")]):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=media, headers=headers)

    def api(request: Request, fn: Callable[..., Any], *args: Any, **kw: Any) -> Response:
        def build() -> tuple[bytes, str]:
            data = view(fn, *args, **kw)
            return json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json"

        return cached(request, build)

    def page(
        request: Request,
        template: str,
        fn: Callable[..., Any],
        *args: Any,
        extra: Callable[[Any], dict[str, Any]] | None = None,
        **kw: Any,
    ) -> Response:
        def build() -> tuple[bytes, str]:
            data = view(fn, *args, **kw)
            ctx = {"d": data, "request": request, "q": request.query_params.get("q", "")}
            if extra:
                ctx.update(extra(data))
            html = env.get_template(template).render(ctx)
            return html.encode("utf-8"), "text/html; charset=utf-8"

        return cached(request, build)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    def error_response(
        request: Request,
        code: str,
        message: str,
        fix: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        # ``headers``: what the error itself requires (a 405's Allow, RFC 9110 15.5.6)
        headers = {**(headers or {}), "Cache-Control": "no-store"}
        if is_api(request):
            return Response(
                envelope_bytes(code, message, fix),
                status_code=status_code(code),
                media_type="application/json",
                headers=headers,
            )
        err = envelope(code, message, fix)["error"]
        html = env.get_template("error.html").render({"e": err, "request": request, "q": ""})
        return Response(
            html,
            status_code=err["status"],
            media_type="text/html; charset=utf-8",
            headers=headers,
        )

    @app.exception_handler(WebError)
    def _web_error(request: Request, exc: WebError) -> Response:
        return error_response(request, exc.code, exc.message, exc.fix)

    @app.exception_handler(StarletteHTTPException)
    def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, code_for_status(exc.status_code)
        )
        message = f"no such path: {request.url.path}" if exc.status_code == 404 else None
        headers = dict(exc.headers or {})
        allow = [m.strip() for m in headers.get("Allow", "").split(",") if m.strip()]
        if "GET" in allow and "HEAD" not in allow:  # the Guard answers HEAD for every GET
            headers["Allow"] = ", ".join([*allow, "HEAD"])
        return error_response(request, code, message or str(exc.detail), headers=headers)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors()[:3]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{where}: {e.get('msg')}")
        return error_response(request, "invalid_request", "; ".join(parts) or None)  # type: ignore[arg-type]

    # -- JSON API --------------------------------------------------------------------------
    # Handlers are ``async`` and call the views directly: a page costs a few milliseconds of
    # CPU and SQLite reads, so requests queue in order on the event loop instead of forty
    # threads contending for the GIL. SQLite's progress handler still cuts any query at the
    # time limit.
    @app.get(
        "/api/overview",
        responses={**ERRORS, **schemas.ok(schemas.OVERVIEW, "counts and outlets")},
        tags=["api"],
    )
    async def api_overview(request: Request) -> Response:
        """Counts of articles, stories and claims; the outlets to filter by."""
        return api(request, views.overview)

    @app.get(
        "/api/search",
        responses={**ERRORS, **schemas.ok(schemas.SEARCH, "a page of results")},
        tags=["api"],
    )
    async def api_search(
        request: Request,
        q: Annotated[str, Query(max_length=views.MAX_QUERY)] = "",
        kind: Literal["articles", "claims"] = "articles",
        outlet: Name = None,
        source: Name = None,
        since: Day = None,
        until: Day = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Response:
        """Full-text search over titles, texts, source names (articles) and claim texts."""
        return api(
            request,
            views.search,
            q,
            kind=kind,
            outlet=outlet,
            source=source,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )

    @app.get(
        "/api/stories",
        responses={**ERRORS, **schemas.ok(schemas.STORIES, "a page of stories")},
        tags=["api"],
    )
    async def api_stories(request: Request, limit: Limit = 20, offset: Offset = 0) -> Response:
        """Stories, latest first, with article / claim / outlet counts and their date span."""
        return api(request, story_list, limit=limit, offset=offset)

    @app.get(
        "/api/stories/{story_id}",
        responses={**ERRORS, **schemas.ok(schemas.STORY, "the story")},
        tags=["api"],
    )
    async def api_story(
        request: Request,
        story_id: Annotated[str, PathParam(max_length=64)],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Response:
        """A story: articles, provenance graph, timeline, claims ranked by outlets (paged)."""
        return api(
            request,
            views.story,
            story_id,
            limit=limit,
            offset=offset,
            missing=f"no story {story_id!r}",
        )

    @app.get(
        "/api/article",
        responses={**ERRORS, **schemas.ok(schemas.ARTICLE, "the article")},
        tags=["api"],
    )
    async def api_article(
        request: Request, id: Annotated[str, Query(max_length=2000)], mark: Mark = None
    ) -> Response:
        """An article by display id (input id, else path) or key: text, highlight segments,
        attributions with their claims, relay chain, copies. ``mark=START-END`` also marks
        that range of the text (a claim's unattributed sentence)."""
        return api(request, views.article, id, _span(mark), missing=f"no article {id!r}")

    @app.get(
        "/api/claims/{claim_id}",
        responses={**ERRORS, **schemas.ok(schemas.CLAIM, "the claim's trace")},
        tags=["api"],
    )
    async def api_claim(request: Request, claim_id: str) -> Response:
        """A claim's trace: origin, first report, relays, backers, disputers, timeline; each
        entry's ``at`` is the [article, attribution index] it comes from."""
        return api(request, views.claim, claim_id, missing=f"no claim {claim_id!r}")

    @app.get(
        "/api/source",
        responses={**ERRORS, **schemas.ok(schemas.SOURCE, "the source's citations")},
        tags=["api"],
    )
    async def api_source(
        request: Request,
        name: Annotated[str, Query(max_length=300)],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Response:
        """Where a source (its resolved name) is cited, by which outlets, how anonymously."""
        return api(
            request, views.source, name, limit=limit, offset=offset, missing=f"no source {name!r}"
        )

    # -- pages -----------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    async def home(
        request: Request,
        q: Annotated[str, Query(max_length=views.MAX_QUERY)] = "",
        kind: Literal["articles", "claims"] = "articles",
        outlet: Name = None,
        source: Name = None,
        since: Day = None,
        until: Day = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Response:
        def both(store: Store) -> dict[str, Any]:
            return {
                "overview": views.overview(store),
                "search": views.search(
                    store,
                    q,
                    kind=kind,
                    outlet=outlet or None,
                    source=source or None,
                    since=since or None,
                    until=until or None,
                    limit=limit,
                    offset=offset,
                ),
            }

        return page(
            request,
            "home.html",
            both,
            extra=lambda d: {
                "pg": pager(request, d["search"]["total"], limit, offset),
                "kind_href": {
                    k: "?"
                    + urlencode(
                        {
                            **{
                                x: v
                                for x, v in request.query_params.items()
                                if x not in ("kind", "offset") and v
                            },
                            "kind": k,
                        }
                    )
                    for k in ("articles", "claims")
                },
            },
        )

    @app.get("/stories", include_in_schema=False)
    async def stories_page(request: Request, limit: Limit = 50, offset: Offset = 0) -> Response:
        return page(
            request,
            "stories.html",
            story_list,
            limit=limit,
            offset=offset,
            extra=lambda d: {"pg": pager(request, d["total"], limit, offset)},
        )

    @app.get("/stories/{story_id}", include_in_schema=False)
    async def story_page(
        request: Request, story_id: str, limit: Limit = 20, offset: Offset = 0
    ) -> Response:
        return page(
            request,
            "story.html",
            views.story,
            story_id,
            limit=limit,
            offset=offset,
            missing=f"no story {story_id!r}",
            extra=lambda d: {
                "graph": svg.graph_layout(d["graph"]),
                "tl": svg.timeline_layout(d["timeline"]),
                "pg": pager(request, d["claims_total"], limit, offset),
            },
        )

    @app.get("/article", include_in_schema=False)
    async def article_page(
        request: Request, id: Annotated[str, Query(max_length=2000)], mark: Mark = None
    ) -> Response:
        return page(
            request, "article.html", views.article, id, _span(mark), missing=f"no article {id!r}"
        )

    @app.get("/claims/{claim_id}", include_in_schema=False)
    async def claim_page(request: Request, claim_id: str) -> Response:
        return page(request, "claim.html", views.claim, claim_id, missing=f"no claim {claim_id!r}")

    @app.get("/source", include_in_schema=False)
    async def source_page(
        request: Request,
        name: Annotated[str, Query(max_length=300)],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Response:
        return page(
            request,
            "source.html",
            views.source,
            name,
            limit=limit,
            offset=offset,
            missing=f"no source named {name!r}",
            extra=lambda d: {"pg": pager(request, d["total"], limit, offset)},
        )

    app.add_middleware(Guard, time_limit=time_limit)
    return app
