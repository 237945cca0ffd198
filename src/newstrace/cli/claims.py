"""``newstrace claims`` and ``newstrace trace``: claims with their provenance, from the store."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from newstrace.cli.base import db_option
from newstrace.cli.store import _emit, _fail, _format_option, _reading
from newstrace.errors import NewstraceError
from newstrace.linking.query import claims, ensure_linked, trace

_OPENING_QUOTES = frozenset("\"“‘'")


def _said(m: dict[str, Any], urls: dict[str, str]) -> str:
    src = m.get("source") or {}
    who = src.get("resolved") or "(the outlet itself)"
    if src.get("anonymous"):
        who += " [anonymous]"
    cue = (m.get("cue") or {}).get("text")
    url = m.get("url") or urls.get(m["article"])
    where = m["article"] + (f" <{url}>" if url and url != m["article"] else "")
    text = " ".join(m["content"]["text"].split())
    if len(text) > 160:
        text = text[:157] + "…"
    verb = f" {cue}" if cue else ""
    # A direct quote carries its own quotation marks; only other words get ours.
    quoted = text if text[:1] in _OPENING_QUOTES else f"“{text}”"
    return f"  {m['role']:12} {who}{verb}: {quoted}\n               in {where}"


def claim_text(r: dict[str, Any]) -> str:
    """What a person reads of one claim record: who said it, first, who backs and disputes it."""
    out = [f"claim {r['claim']}: {r['text']}"]
    o, f = r.get("origin"), r.get("first_report")
    urls = {}
    if f and f.get("url"):
        urls[f["id"]] = f["url"]
    if o:
        how = " (as the texts state it)" if o.get("stated") else ""
        anon = " [anonymous]" if o.get("anonymous") else ""
        out.append(f"origin:        {o['source']}{anon}{how} — {o['article']}")
    if f:
        out.append(
            f"first report:  {f['publisher'] or '-'}, {f['published'] or 'undated'} ({f['id']})"
        )
    out.append(
        f"outlets: {len(r.get('outlets') or [])} ({', '.join(r.get('outlets') or [])}); "
        f"articles: {len(r.get('articles') or [])}"
    )
    out.append(f"independent sources: {r['independent_sources']}")
    out += [f"  - {b['name']}  [{', '.join(b['articles'])}]" for b in r["independent_backers"]]
    if r["relays"]:
        out.append(f"relays: {len(r['relays'])}")
    for x in r["relays"]:
        what = {
            "copy": f"copy of {x.get('copy_of')}",
            "re-report": f"re-reports {x.get('of')}",
            "unattributed": "states it as fact, source dropped",
        }.get(x["kind"], x["kind"])
        out.append(f"  - {x['name'] or '-'} ({x['article']}): {what}")
    out.append(f"disputed by: {len(r['disputers'])}")
    for d in r["disputers"]:
        out.append(f"  - {d['party']} ({', '.join(d['sources'])}): {', '.join(d['stances'])}")
    if r["hedges"]:
        out.append("hedged: " + ", ".join(sorted({h["hedge"] for h in r["hedges"]})))
    members = r.get("attributions")
    if isinstance(members, list) and members:
        out.append("what each source said:")
        out += [_said(m, urls) for m in members]
    if r.get("elsewhere"):
        out.append("also stated in other stories:")
        out += [
            f"  {e['claim']} (story {e['story']}; {', '.join(e['articles'])}): {e['text'][:90]}"
            for e in r["elsewhere"]
        ]
    if r.get("alternatives"):
        out.append("other candidates:")
        out += [
            f"  {a['score']:.2f}  {a['claim']}: {' '.join(a['text'].split())[:90]}"
            for a in r["alternatives"]
        ]
    return "\n".join(out) + "\n"


@click.command("claims")
@db_option
@click.option("--story", default=None, help="Only the claims of this story id.")
@click.option(
    "--min-outlets",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Only claims carried by at least this many outlets.",
)
@_format_option()
def claims_cmd(db: str, story: str | None, min_outlets: int, fmt: str) -> None:
    """List claims with their provenance, those carried by the most outlets first."""
    try:
        with _reading(db) as store:
            ensure_linked(store)
            records = [
                c for c in claims(store, story) if len(c.get("outlets") or []) >= min_outlets
            ]
    except NewstraceError as exc:
        _fail(exc)
        return
    _emit(records, fmt, claim_text)


@click.command("trace")
@click.argument("query")
@db_option
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Also list this many next-best claims (alternatives).",
)
@_format_option(("text", "json"))
def trace_cmd(query: str, db: str, top: int, fmt: str) -> None:
    """Provenance of a claim: QUERY is a claim id or a statement in any wording."""
    try:
        with _reading(db) as store:
            ensure_linked(store)
            record = trace(store, query, top=top)
    except NewstraceError as exc:
        _fail(exc)
        return
    if record is None:
        click.echo(
            f"newstrace: error: no claim in {db} says what {query!r} says "
            "(try other words, or `newstrace claims` to list them)",
            err=True,
        )
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        click.echo(claim_text(record))
