"""The outlet table: web domains and names of news outlets and wire services.

One data file (``newstrace/data/outlets.tsv``) serves two needs: ingest maps an article's URL
to its publisher ("themoscowtimes.com" → "The Moscow Times"), and analysis asks whether a source
name is a medium and what its canonical name is ("NYT", "@nytimes" → "The New York Times").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

__all__ = [
    "Outlet",
    "agency_names",
    "canonical_outlet",
    "domain_of",
    "is_agency",
    "is_media_name",
    "outlet_for_domain",
    "outlet_for_url",
]


@dataclass(frozen=True, slots=True)
class Outlet:
    domain: str
    name: str
    kind: str  # "agency" | "outlet"
    aliases: tuple[str, ...]


_WS = re.compile(r"\s+")
# Aliases that are ordinary English words or too ambiguous on their own ("the Times" is the NYT
# in a US paper but The Times in a British one; "Fox" may be a person; "the Post", "the
# Journal", "Insider", "Science"...). They map only when written exactly as in the table (with
# their capitals), never lower-cased.
_CASE_SENSITIVE = frozenset(
    {
        "the times",
        "the post",
        "the journal",
        "fox",
        "insider",
        "science",
        "nature",
        "time",
        "people",
        "today",
        "metro",
        "express",
        "health",
        "glam",
        "observer",
        "stuff",
        "dawn",
        "x",
        "verge",
        "atlantic",
        "economist",
        "independent",
        "guardian",
        "telegraph",
        "spectator",
        "mirror",
        "federalist",
        "blaze",
        "intercept",
        "deadline",
        "medium",
        "parade",
        "variety",
        "salon",
        "ap",
        "pa",
        "cp",
        "rt",
        "ria",
        "nba",
        "wj",
    }
)


def _key(name: str) -> str:
    s = _WS.sub(" ", name.strip().strip(".,;:'\"’‘“”")).casefold()
    return s[4:] if s.startswith("the ") and len(s) > 4 else s


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Outlet], dict[str, str], dict[str, str]]:
    """(domain → Outlet, folded alias → name, exact-case alias → name)."""
    by_domain: dict[str, Outlet] = {}
    folded: dict[str, str] = {}
    exact: dict[str, str] = {}
    raw = resources.files("newstrace").joinpath("data/outlets.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        while len(cols) < 4:
            cols.append("")
        domain, name, kind, aliases = (c.strip() for c in cols[:4])
        als = tuple(a.strip() for a in aliases.split("|") if a.strip())
        by_domain[domain.lower()] = Outlet(domain.lower(), name, kind or "outlet", als)
        for alias in (name, *als):
            low = alias.casefold()
            if low in _CASE_SENSITIVE or low.removeprefix("the ") in _CASE_SENSITIVE:
                exact[alias] = name
                if alias.startswith("the "):
                    exact["The " + alias[4:]] = name
            else:
                folded.setdefault(_key(alias), name)
        # A name's own form is always accepted, whatever its case (e.g. "Time" for time.com is
        # only accepted capitalised, see above).
        exact.setdefault(name, name)
    return by_domain, folded, exact


def domain_of(url: str | None) -> str | None:
    """The host of a URL (or a bare domain), lower-cased and without "www."."""
    if not url:
        return None
    u = url.strip()
    if "//" not in u:
        u = "//" + u
    try:
        host = urlsplit(u).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    host = host.lower().rstrip(".")
    for prefix in ("www.", "www1.", "www2.", "m.", "amp.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    return host


def outlet_for_domain(domain: str | None) -> str | None:
    """The outlet name for a domain or URL, trying parent domains ("edition.cnn.com" → CNN)."""
    host = domain_of(domain)
    if not host:
        return None
    by_domain = _table()[0]
    parts = host.split(".")
    for i in range(len(parts) - 1):
        hit = by_domain.get(".".join(parts[i:]))
        if hit:
            return hit.name
    return None


def outlet_for_url(url: str | None) -> str | None:
    return outlet_for_domain(url)


def canonical_outlet(name: str | None) -> str | None:
    """The canonical name of an outlet or wire service written as ``name``, else None.

    Accepts names, common short forms and handles: "the New York Times", "NYT", "@nytimes",
    "nytimes.com" → "The New York Times".
    """
    if not name:
        return None
    s = _WS.sub(" ", name.strip())
    if not s:
        return None
    _, folded, exact = _table()
    for cand in (s, s.strip(".,;:'\"’‘“”")):
        if cand in exact:
            return exact[cand]
        if cand.startswith(("the ", "The ")) and cand[4:] in exact:
            return exact[cand[4:]]
    hit = folded.get(_key(s))
    if hit:
        return hit
    if s.startswith("@"):
        hit = folded.get(_key(s[1:]))
        if hit:
            return hit
    # "Reuters'" / "AP's": possessives name the outlet too.
    for suffix in ("'s", "’s", "'", "’"):
        if s.endswith(suffix):
            return canonical_outlet(s[: -len(suffix)])
    if "." in s and " " not in s:
        return outlet_for_domain(s)
    return None


def is_media_name(name: str | None) -> bool:
    return canonical_outlet(name) is not None


def is_agency(name: str | None) -> bool:
    canon = canonical_outlet(name)
    return canon is not None and canon in agency_names()


@lru_cache(maxsize=1)
def agency_names() -> frozenset[str]:
    return frozenset(o.name for o in _table()[0].values() if o.kind == "agency")
