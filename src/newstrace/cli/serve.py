"""``newstrace serve``: the web app and JSON API over a store (read-only, localhost by default)."""

from __future__ import annotations

import click

from newstrace.cli.base import db_option
from newstrace.errors import NewstraceError


@click.command("serve")
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default serves this machine only; 0.0.0.0 serves everyone.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--time-limit",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1, 600),
    help="Seconds a request may take before it is answered with an error: 408 when its "
    "headers have not arrived, 503 when its answer is not ready.",
)
def serve_cmd(db: str, host: str, port: int, time_limit: float) -> None:
    """Serve the store at --db: pages for people, JSON under /api (OpenAPI at /openapi.json).

    Read-only: it never writes to the store (a store from an older newstrace is upgraded once
    at start). Run it beside `newstrace ingest`: pages always show one committed state.
    """
    try:
        import uvicorn

        from newstrace.web import create_app, prepare
        from newstrace.web.server import uvicorn_options
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
        click.echo(
            f"newstrace: error: the web app needs {exc.name} (pip install 'newstrace[web]')",
            err=True,
        )
        raise SystemExit(1) from exc
    try:
        prepare(db)
    except NewstraceError as exc:
        click.echo(f"newstrace: error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from exc
    app = create_app(db, time_limit=time_limit)
    click.echo(f"newstrace: serving {db} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        # the request head bounded in size (64 KiB) and time (--time-limit): web/server.py
        **uvicorn_options(time_limit),
    )
