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
# Names that are ordinary English words on their own: "People familiar with the matter",
# "Time will tell", "Science says". Bare, they are not taken for the outlet; the table's longer
# forms ("People magazine", "Time magazine", "TIME") still are.
_BARE_WORDS = frozenset(
    {"people", "time", "today", "health", "science", "nature", "fortune", "salon", "variety"}
    | {"deadline", "medium", "insider", "parade", "metro", "express", "stuff", "observer"}
    | {"dawn", "glam", "x", "slate", "mirror", "news", "week", "nation", "age", "sun", "hill"}
    | {"boot", "register", "athletic", "onion", "journal", "post", "times", "record"}
)


def _key(name: str) -> str:
    s = _WS.sub(" ", name.strip().strip(".,;:'\"’‘“”")).casefold()
    return s[4:] if s.startswith("the ") and len(s) > 4 else s


def _variants(alias: str) -> list[str]:
    """Exact-case spellings of a one-word alias: "Guardian" → Guardian, the/The Guardian,
    GUARDIAN."""
    bare = alias[4:] if alias[:4] in ("the ", "The ") else alias
    out = ["the " + bare, "The " + bare, ("THE " + bare).upper()]
    if bare.casefold() not in _BARE_WORDS:
        out += [bare, bare.upper()]
    elif bare.isupper() and len(bare) > 1:
        out.append(bare)  # "TIME" as the magazine writes itself
    return out


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Outlet], dict[str, str], dict[str, str]]:
    """(domain → Outlet, folded alias → name, exact-case alias → name).

    Several-word aliases match whatever their case ("the new york times"); one-word aliases
    ("AP", "Fox", "Guardian", "the Times") only with their capitals, since lower-cased they
    are ordinary words.
    """
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
            if len(_key(alias).split()) == 1:
                for v in _variants(alias):
                    exact.setdefault(v, name)
            else:
                folded.setdefault(_key(alias), name)
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
        # Handles are case-insensitive: "@NYTimes" is "@nytimes"; an unknown handle may still
        # be an outlet's domain name ("@washingtonpost" → washingtonpost.com).
        handle = s.casefold()
        for alias, canon in exact.items():
            if alias.startswith("@") and alias.casefold() == handle:
                return canon
        return outlet_for_domain(s[1:] + ".com")
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
