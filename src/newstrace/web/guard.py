"""ASGI middleware that every request passes: size and time limits, and the security headers
(Content-Security-Policy without inline scripts, no sniffing, no framing, no referrer)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from newstrace.web.errors import envelope_bytes, status_code

log = logging.getLogger("newstrace.web")

# Scripts and styles only from this server's /static: no inline <script>, no on*= handlers, no
# style="" attributes (pages use classes), so a string from an article can never run.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# Every endpoint is a GET: a body is never needed. 16 KiB leaves room for odd clients.
MAX_BODY = 16 * 1024
# The longest URL accepted (path + query), in bytes as sent: search words are read up to 200
# characters, ids are URLs (up to 2,000 characters, the API's limit); 8 KiB (the common server
# default) covers the longest ASCII id even with every character percent-encoded (x3).
MAX_URL = 8192


class Guard:
    """Pure ASGI (not BaseHTTPMiddleware: no extra task or body buffering per request)."""

    def __init__(self, app: Any, *, time_limit: float = 10.0, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.time_limit = time_limit
        self.max_body = max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        static = scope["path"].startswith("/static/")
        # HEAD is a GET without the body (the routes are declared for GET only).
        head = scope.get("method") == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [h for h in message.get("headers", []) if h[0] != b"cache-control"]
                old = dict(message.get("headers", []))
                headers += SECURITY_HEADERS
                if static:
                    headers.append((b"cache-control", b"public, max-age=86400"))
                elif b"cache-control" in old:
                    headers.append((b"cache-control", old[b"cache-control"]))
                else:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        length = dict(scope.get("headers") or []).get(b"content-length")
        url_len = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if url_len > MAX_URL:
            await _reject(send_with_headers, "uri_too_long")
            return
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _reject(send_with_headers, "request_too_large")
            return
        received = 0

        async def limited_receive() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return dict(message)

        try:
            # asyncio.timeout, not wait_for: no extra task per request.
            async with asyncio.timeout(self.time_limit):
                await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            if not started:
                await _reject(send_with_headers, "request_too_large")
        except TimeoutError:
            if not started:
                await _reject(send_with_headers, "timeout")
        except Exception:
            # Anything a route did not handle: logged, answered with the envelope (and the
            # security headers), never with a traceback.
            log.exception("unexpected error on %s", scope.get("path"))
            if not started:
                await _reject(send_with_headers, "internal")


class _TooLarge(Exception):
    pass


async def _reject(send: Any, code: str) -> None:
    body = envelope_bytes(code)
    await send(
        {
            "type": "http.response.start",
            "status": status_code(code),
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
