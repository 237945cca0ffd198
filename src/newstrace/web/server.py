"""How ``newstrace serve`` runs uvicorn: its HTTP protocol with the request head bounded.

uvicorn's httptools parser keeps a request's headers in memory until the blank line that ends
them, however long that takes and however large they grow: measured, four connections that each
send 100 MB of one header grow the server by 460 MB, and a connection that never finishes its
head is kept open for ever. ``BoundedHttpTools`` counts a request's head (request line and
headers) as it arrives and answers ``431`` past ``MAX_HEAD`` bytes, or ``408`` when the head
has not arrived ``head_timeout`` seconds after its first byte (or after the connection opened);
both close the connection. Requests uvicorn cannot parse get the same JSON envelope and security
headers as every other error (uvicorn's own 400 is plain text). The body is bounded by the
Guard and by uvicorn's flow control (reading pauses past 64 KiB the app has not read).
Without httptools, h11 is used with the same head limit (``h11_max_incomplete_event_size``).
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any

from newstrace.web.errors import envelope_bytes, status_code
from newstrace.web.guard import MAX_URL, SECURITY_HEADERS

# The request line (at most MAX_URL of path and query) and the headers: 64 KiB leaves ~56 KiB
# of headers, several times what browsers send (nginx and Node stop at 8-16 KiB).
MAX_HEAD = 64 * 1024
assert MAX_HEAD > 2 * MAX_URL


def uvicorn_options(time_limit: float) -> dict[str, Any]:
    """The ``uvicorn.run`` keyword arguments that bound a request's head."""
    try:
        protocol = bounded_httptools(head_timeout=time_limit)
    except ImportError:
        return {"http": "h11", "h11_max_incomplete_event_size": MAX_HEAD}
    return {"http": protocol}


def _response(code: str, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    body = envelope_bytes(code)
    status = status_code(code)
    headers = [
        *default_headers,
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"connection", b"close"),
        *SECURITY_HEADERS,
    ]
    head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode()
    head += b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    return head + b"\r\n" + body


def bounded_httptools(head_timeout: float, max_head: int = MAX_HEAD) -> type[Any]:
    """uvicorn's httptools protocol with the request head bounded in size and time. Raises
    ImportError without httptools."""
    import httptools  # noqa: F401  (uvicorn's module below imports it too)
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class BoundedHttpTools(HttpToolsProtocol):
        # bytes of the current request's head received so far; -1 once it is complete
        _head = 0
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._start_head_timer()  # a connection that sends nothing is closed too

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_head_timer()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self._head >= 0:
                if self._head_timer is None:
                    self._start_head_timer()
                self._head += len(data)
                if self._head > max_head:
                    self._refuse("headers_too_large")
                    return
            super().data_received(data)

        def on_headers_complete(self) -> None:
            self._head = -1
            self._stop_head_timer()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._head = 0  # the next request's head (keep-alive) starts

        def send_400_response(self, msg: str) -> None:
            self._refuse("bad_request")

        def _start_head_timer(self) -> None:
            self._stop_head_timer()
            self._head_timer = self.loop.call_later(head_timeout, self._head_expired)

        def _stop_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_expired(self) -> None:
            self._head_timer = None
            if self._head >= 0:
                self._refuse("request_timeout")

        def _refuse(self, code: str) -> None:
            self._stop_head_timer()
            if self.transport.is_closing():
                return
            self.transport.write(_response(code, self.server_state.default_headers))
            self.transport.close()

    return BoundedHttpTools
