"""``newstrace ingest / articles / stories / trace``: thin commands over store and linking."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from newstrace import settings
from newstrace.cli.analyze import profile_option
from newstrace.cli.base import db_option, error, warn
from newstrace.errors import InputError, NewstraceError, StoreError, one_line
from newstrace.linking.query import ensure_linked, stories
from newstrace.model import Failure
from newstrace.store import Store, open_store

FORMATS = ("text", "json", "jsonl")


def _fail(exc: NewstraceError) -> None:
    error(str(exc))
    raise SystemExit(exc.exit_code)


def _format_option(choices: tuple[str, ...] = FORMATS) -> Any:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="text",
        show_default=True,
        help="text for people; json / jsonl for machines.",
    )


def _open_existing(db: str) -> Store:
    """Open a store for reading, read-only: a missing file is an error, not a new empty
    database, and another program's database is refused, never changed.

    The command's reads run in one read transaction (one snapshot), so an ingest committing
    meanwhile cannot show it half-linked data."""
    store = open_store(db, readonly=True)
    try:
        store.conn.execute("BEGIN")
        if store.state("links_stale") == "1":
            warn(
                f"{db}: articles were added since the store was last linked (an interrupted "
                "ingest?); copies, stories and claims may miss them: rerun `newstrace ingest` "
                "to finish linking"
            )
    except sqlite3.Error as exc:
        store.close()
        raise StoreError(f"{db}: cannot read the database: {exc}") from exc
    return store


@contextmanager
def _reading(db: str) -> Iterator[Store]:
    """A read-only store for one command; any SQLite failure while reading (disk full, a
    damaged file, a lock held too long) is one StoreError line, not a traceback."""
    try:
        with _open_existing(db) as store:
            yield store
    except sqlite3.Error as exc:
        raise StoreError(
            f"{db}: cannot read the database: {exc}",
            hint="check free disk space (SQLite needs room for temporary files) and the file",
        ) from exc


def _emit(records: list[dict[str, Any]], fmt: str, text: Any) -> None:
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for r in records:
            click.echo(json.dumps(r, ensure_ascii=False))
    else:
        for r in records:
            click.echo(text(r))


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--model", envvar=settings.SPACY_MODEL.env, default=None, help=settings.SPACY_MODEL.help
)
@click.option(
    "--no-tagger", is_flag=True, help="Use the dependency rules only (no trained tagger)."
)
@profile_option
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress on stderr (default: on when stderr is a terminal).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Analyse on a local Dask cluster of N processes (needs newstrace[dask]).",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help="Analyse on the existing Dask cluster whose scheduler is at this address.",
)
def ingest_cmd(
    paths: tuple[str, ...],
    db: str,
    model: str | None,
    no_tagger: bool,
    profile: str | None,
    progress: bool | None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> None:
    """Analyse articles and store them (skipping those already stored), then link the store.

    PATHS are what ``analyze`` reads (files, directories, globs, - for stdin). Articles are
    identified by their input id, else URL, else a hash of their text; a rerun skips
    what is stored, and every skipped item is named on stderr with the reason. A file that
    cannot be read is reported on stderr and skipped; the exit status is then 2. Files of
    ``analyze --format jsonl|json`` records are stored as they are, without parsing.
    """
    from newstrace.ingest.records import iter_items
    from newstrace.orchestrate import run_batch

    started = time.perf_counter()
    options: dict[str, Any] = {
        "model": settings.SPACY_MODEL.value(model),
        "batch_size": int(settings.BATCH_SIZE.value()),
        "use_tagger": not no_tagger,
        "profile": profile,
    }

    def factory() -> Any:
        nonlocal started
        if workers is None and scheduler is None:
            from newstrace.analysis.pipeline import Analyzer

            made: Any = Analyzer(**options)
        else:
            from newstrace.orchestrate.cluster import DaskAnalyzer

            made = DaskAnalyzer(options, workers=workers, scheduler=scheduler)
        started = time.perf_counter()  # articles/s of the analysis, not of loading models
        return made

    show = progress if progress is not None else sys.stderr.isatty()
    count = done = 0

    def line() -> None:
        rate = done / max(time.perf_counter() - started, 1e-9)
        click.echo(
            f"\ringesting: {count} read, {done} stored, {rate:.1f} articles/s", err=True, nl=False
        )

    def report(item: Any) -> None:
        nonlocal count
        count += 1
        if isinstance(item, Failure):
            if show:
                click.echo("", err=True)
            error(f"{item.path}: {item.reason}")
        elif show:
            line()

    def stored(_record: Any, _new: bool) -> None:
        nonlocal done
        done += 1
        if show:
            line()

    stdin = sys.stdin.buffer if "-" in paths else None
    try:
        summary = run_batch(
            list(paths),
            db,
            factory,
            progress=report,
            reader=lambda ps: iter_items(ps, stdin=stdin),
            stored=stored,
        )
    except NewstraceError as exc:
        _fail(exc)
        return
    if show:
        click.echo("", err=True)
    # every skipped item by name (issue 7): a rerun lists what it found stored, a batch the
    # items it read twice; not an error, the exit status stays 0
    for label, reason in summary.skips:
        click.echo(f"newstrace: skipped {one_line(label)}: {reason}", err=True)
    click.echo(summary.line())
    if summary.failed:
        sys.exit(InputError.exit_code)


@click.command("articles")
@db_option
@_format_option()
def articles_cmd(db: str, fmt: str) -> None:
    """List the stored articles: id, path, title, publisher, date."""
    try:
        with _reading(db) as store:
            ensure_linked(store)
            records = [a.to_json() for a in store.articles()]
    except NewstraceError as exc:
        _fail(exc)
        return
    _emit(
        records,
        fmt,
        lambda r: (
            "\t".join(str(r[k] or "-") for k in ("published", "publisher", "id", "path", "title"))
            + (f"\t(copy of {r['copy_of']})" if r.get("copy_of") else "")
        ),
    )


# Claims shown per story in text output.
TOP_CLAIMS = 5


def _story_text(r: dict[str, Any]) -> str:
    lines = [f"{r['story']}  {r['title'] or ''}"]
    for a in r["articles"]:
        copy = f"  (copy of {a['copy_of']})" if a["copy_of"] else ""
        lines.append(f"  {a['published'] or '-'}  {a['publisher'] or '-'}  {a['id']}{copy}")
    # Readable, not exhaustive: the claims most outlets carry (`newstrace claims --story`).
    shown = [c for c in r["claims"] if c["outlets"] > 1][:TOP_CLAIMS] or r["claims"][:1]
    for c in shown:
        lines.append(
            f"  claim {c['claim']} ({c['outlets']} outlets, {c['independent_sources']} "
            f"independent, {len(c['disputers'])} disputing): {c['text'][:100]}"
        )
    if len(r["claims"]) > len(shown):
        lines.append(
            f"  … {len(r['claims']) - len(shown)} more: newstrace claims --story {r['story']}"
        )
    return "\n".join(lines) + "\n"


@click.command("stories")
@db_option
@_format_option()
def stories_cmd(db: str, fmt: str) -> None:
    """One record per story: its articles (with copies marked) and its claims."""
    try:
        with _reading(db) as store:
            ensure_linked(store)
            records = stories(store)
    except NewstraceError as exc:
        _fail(exc)
        return
    _emit(records, fmt, _story_text)


@click.command("relink")
@db_option
def relink_cmd(db: str) -> None:
    """Recompute copies, stories and claims over the whole store (ingest links only what it
    adds; both give the same links). Readers see the store linked before or after."""
    from newstrace.linking.link import link_store

    try:
        with open_store(db) as store:
            s = link_store(store, full=True)
    except NewstraceError as exc:
        _fail(exc)
        return
    click.echo(f"{s.articles} articles, {s.copies} copies, {s.stories} stories, {s.claims} claims")
