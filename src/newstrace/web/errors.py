"""The one JSON error envelope of the API, and the errors the web app raises.

Every API error, whoever detects it (a view that finds nothing, FastAPI's validation, the size
and time guards, an unexpected exception), is built by ``envelope``:
``{"error": {"status": int, "code": str, "message": str, "fix": str}}``. A test pins the shape.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from newstrace.errors import NewstraceError

# code → (status, the default message, how to fix it)
CODES: dict[str, tuple[int, str, str]] = {
    "not_found": (404, "nothing here", "check the id or name, or find it through /api/search"),
    "invalid_request": (
        422,
        "a parameter is missing or not valid",
        "see the parameters of this path in /openapi.json",
    ),
    "method_not_allowed": (405, "this API only reads", "use GET (or HEAD)"),
    "request_too_large": (
        413,
        "the request is too large",
        "send a shorter URL and no request body: every endpoint is a GET",
    ),
    "uri_too_long": (414, "the URL is too long", "shorten the query (q is read up to 200 chars)"),
    # the next three come from the HTTP layer (web/server.py), before any route
    "bad_request": (400, "the request is not valid HTTP", "send an HTTP/1.1 GET request"),
    "headers_too_large": (
        431,
        "the request's headers are too large",
        "send fewer or shorter headers: the request line and headers may take 64 KiB",
    ),
    "request_timeout": (
        408,
        "the request's headers did not arrive in time",
        "send the request line and headers at once",
    ),
    "timeout": (
        503,
        "the request took longer than the server's time limit",
        "narrow the query (fewer words, a filter) or retry in a moment",
    ),
    "store_unavailable": (
        503,
        "the store could not be read",
        "check that the database file exists and is a newstrace store; retry in a moment",
    ),
    "internal": (500, "internal error", "retry; if it persists, report it with the URL"),
}


class WebError(NewstraceError):
    """An error the web app answers with ``envelope(code, ...)``."""

    def __init__(self, code: str, message: str | None = None, fix: str | None = None) -> None:
        status, default, default_fix = CODES[code]
        super().__init__(message or default, hint=fix or default_fix)
        self.code = code
        self.status = status
        self.fix = fix or default_fix


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    fix: str


class ErrorEnvelope(BaseModel):
    """What every API error returns (documented in /openapi.json)."""

    error: ErrorBody


def envelope(code: str, message: str | None = None, fix: str | None = None) -> dict[str, Any]:
    status, default, default_fix = CODES[code]
    return {
        "error": {
            "status": status,
            "code": code,
            "message": message or default,
            "fix": fix or default_fix,
        }
    }


def envelope_bytes(code: str, message: str | None = None, fix: str | None = None) -> bytes:
    return json.dumps(envelope(code, message, fix), ensure_ascii=False).encode("utf-8")


def status_code(code: str) -> int:
    return CODES[code][0]


def code_for_status(status: int) -> str:
    for code, (st, _m, _f) in CODES.items():
        if st == status:
            return code
    return "internal" if status >= 500 else "invalid_request"
