"""Article metadata from text: headlines, bylines → authors / agencies, datelines, credits, dates.

Everything here works on strings, so every reader (markdown, text, HTML, JSONL, feeds) shares it.
The wire-agency rules were built on PolNeAR's `wire` column (train+dev): a text is credited to
an agency by its byline ("By AFP"), its dateline ("WASHINGTON (AP) —", "Aug 27 (Reuters) -"), or
a trailing credit ("— Reuters.", "(Reporting by …; Editing by …)", "Copyright 2016 The Associated
Press"). Media the text merely cites ("according to the Associated Press", "Reuters reported",
"a Reuters/Ipsos poll") are sources, never agencies, so nothing in the running text counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

from newstrace.ingest.outlets import canonical_outlet, is_media_name, outlet_for_domain

__all__ = [
    "Dateline",
    "agencies_from",
    "agency_code",
    "canonical_outlet",
    "clean_title",
    "dateline_of",
    "find_dateline",
    "is_media_name",
    "normalize_date",
    "normalize_published",
    "outlet_for_domain",
    "parse_byline",
    "publisher_for",
    "strip_markdown_links",
    "trailing_agencies",
]

# Canonical agency names, with the spellings that occur in bylines, datelines and credits.
# The codes are the ones wire copy uses for itself in datelines ("(AP)", "(AFP)", "(UPI)").
_AGENCY_ALIASES: dict[str, tuple[str, ...]] = {
    "AP": ("AP", "Associated Press", "The Associated Press", "AP Newswire"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse", "AFP News Agency"),
    "Reuters": ("Reuters", "Thomson Reuters", "REUTERS", "Reuters News"),
    "UPI": ("UPI", "United Press International"),
    "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "EFE": ("EFE", "Agencia EFE"),
    "ANSA": ("ANSA",),
    "Xinhua": ("Xinhua", "Xinhua News Agency", "XINHUA"),
    "TASS": ("TASS", "Tass", "ITAR-TASS"),
    "Interfax": ("Interfax", "INTERFAX"),
    "PA": ("PA", "Press Association", "PA Media", "PA Wire"),
    "CP": ("CP", "The Canadian Press", "Canadian Press"),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Yonhap": ("Yonhap", "Yonhap News Agency"),
    "AAP": ("AAP", "Australian Associated Press"),
    "PTI": ("PTI", "Press Trust of India"),
    "IANS": ("IANS",),
    "Anadolu": ("Anadolu", "Anadolu Agency"),
    "ANI": ("ANI",),
}
_AGENCY_BY_ALIAS: dict[str, str] = {}
for _code, _aliases in _AGENCY_ALIASES.items():
    for _a in _aliases:
        _AGENCY_BY_ALIAS[_a.casefold()] = _code
# Short all-caps codes are agencies only when written in capitals ("AP", not "ap"; "PA" the
# agency, not "Pa." for Pennsylvania): matched case-sensitively.
_CASED_CODES = frozenset({"AP", "PA", "CP", "ANI", "AAP", "PTI", "IANS", "EFE", "ANSA"})
_AGENCY_ALT = "|".join(
    sorted((re.escape(a) for al in _AGENCY_ALIASES.values() for a in al), key=len, reverse=True)
)

_WS = re.compile(r"\s+")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def strip_markdown_links(s: str) -> str:
    """ "By [AFP](#)" → "By AFP"; also drops bold/italic marks."""
    return _MD_LINK.sub(r"\1", s).replace("**", "").replace("__", "").strip()


def agency_code(name: str | None) -> str | None:
    """The canonical agency for a name as written ("The Associated Press" → "AP"), else None."""
    if not name:
        return None
    s = _WS.sub(" ", name).strip(" \t.,;:()[]-—–|'\"")
    s = re.sub(r"^(?:by|from)\s+", "", s, flags=re.I)
    if not s:
        return None
    if s in _CASED_CODES:
        return s
    code = _AGENCY_BY_ALIAS.get(s.casefold())
    if code and (code not in _CASED_CODES or s.casefold() != code.casefold()):
        return code
    if code and s == code:
        return code
    return None


# ---------------------------------------------------------------------------------------------
# Bylines

_BY_PREFIX = re.compile(
    r"^\s*(?:(?:written|words|story|text|reporting|report|posted|compiled|edited|photos?)\s+)?"
    r"by\s*:?\s+",
    re.I,
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATEISH = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s*(?:\d{{4}})?|\d{{1,2}}\s+(?:{_MONTHS})"
    rf"\.?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}\S*|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{1,2}}:\d{{2}}\s*"
    rf"(?:[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?|(?:published|updated|posted|last updated)\b:?)",
    re.I,
)
# Job titles and desk words that follow or precede a name in bylines ("Brett Samuels, Staff
# Writer", "Senior Reporter Jane Doe", "Associated Press Writer"): they are dropped, the name kept.
_ROLE_WORDS = (
    "staff|senior|junior|chief|deputy|managing|contributing|executive|associate|assistant|"
    "national|political|white house|foreign|washington|business|tech|technology|science|health|"
    "sports?|entertainment|news|digital|special|freelance|global|investigative|lead|head|"
    "correspondent|correspondents|reporter|reporters|writer|writers|editor|editors|contributor|"
    "contributors|columnist|columnists|producer|producers|analyst|critic|photographer|"
    "photojournalist|journalist|journalists|fellow|intern|bureau chief|bureau|team|desk|staff"
)
_ROLE_ONLY = re.compile(rf"^(?:(?:{_ROLE_WORDS})\b[\s,&/-]*)+$", re.I)
_ROLE_TAIL = re.compile(
    rf"\s*[,|–—-]?\s*\b(?:(?:a|an|the)\s+)?(?:{_ROLE_WORDS})\b(?:\s+(?:{_ROLE_WORDS}|at|for|of|"
    rf"in|with|and)\b)*.*$",
    re.I,
)
_ROLE_HEAD = re.compile(rf"^(?:(?:{_ROLE_WORDS})\b\s*)+", re.I)
_SPLIT = re.compile(r"\s*(?:,|;|\||/|\band\b|&|\bwith\b|\n|·|•)\s*", re.I)
_NAME_TOKEN = re.compile(
    r"^[A-ZÀ-Þ][\w'’.\-À-ÿ]*$|^(?:de|da|del|der|di|du|la|le|van|von|bin|al|el|dos|y)$"
)
# Words that make a byline piece an organisation, not a person.
_ORG_WORDS = re.compile(
    r"\b(?:press|news|times|post|journal|tribune|herald|gazette|daily|weekly|magazine|media|"
    r"network|agency|service|services|wire|team|staff|desk|editors|editorial|board|university|"
    r"school|institute|college|council|department|office|association|foundation|society|"
    r"company|corp|inc|ltd|llc|group|reports?|channel|radio|tv|television|online|blog|"
    r"contributors?|partners?|sponsored|admin|administrator|guest|anonymous)\b",
    re.I,
)
_GENERATION = re.compile(r"^(?:jr|sr|ii|iii|iv)\.?$", re.I)


def _titlecase_if_shouting(name: str) -> str:
    if name.isupper() and len(name) > 3:
        return " ".join(w.capitalize() if len(w) > 1 else w for w in name.split())
    return name


def _clean_piece(piece: str) -> str:
    p = _BY_PREFIX.sub("", piece.strip())
    p = _EMAIL.sub(" ", p)
    p = _URL.sub(" ", p)
    p = _HANDLE.sub(" ", p)
    p = _DATEISH.sub(" ", p)
    p = re.sub(r"\([^)]*\)", " ", p)
    p = _WS.sub(" ", p).strip(" \t,;:|-–—·•\"'“”")
    p = _ROLE_HEAD.sub("", p).strip()
    p = _ROLE_TAIL.sub("", p).strip(" ,;:|-–—")
    # Keep the full stop of a final initial ("Nelson C.J."), drop a sentence's ("Jane Doe.").
    if p.endswith(".") and not re.search(r"(?:^|[\s.])[A-Z]\.$", p):
        p = p.rstrip(".").rstrip()
    return p


# Degrees and credentials written after a name ("Lauren Manaker MS, RDN, LD").
_DEGREES = frozenset(
    {"ms", "msc", "ma", "mba", "md", "phd", "ph.d.", "ph.d", "rn", "rdn", "rd", "ld", "cpt"}
    | {"cscs", "mph", "dds", "esq", "jd", "llm", "bsc", "ba", "dvm", "np", "pa-c", "lcsw", "cfp"}
    | {"cfa", "cpa", "facs", "mrcp", "frcp"}
)


def _split_tail(p: str) -> tuple[str, str | None]:
    """ "Elizabeth Flores USA TODAY" → ("Elizabeth Flores", None); "John O'connor The Associated
    Press" → ("John O'connor", "AP"): a trailing outlet or agency name is cut off the name."""
    toks = p.split()
    while len(toks) > 2 and toks[-1].strip(".,").casefold() in _DEGREES:
        toks.pop()
    for i in range(len(toks) - 2, 0, -1):
        # "Associated Press Najib Jobain": an agency or outlet name printed before the name.
        head = " ".join(toks[:i])
        if agency_code(head) or canonical_outlet(head):
            rest, code = _split_tail(" ".join(toks[i:]))
            return rest, code or agency_code(head)
    for i in range(2, len(toks)):
        tail = " ".join(toks[i:])
        code = agency_code(tail)
        if code or canonical_outlet(tail):
            return " ".join(toks[:i]), code
    # A name printed twice (an image caption and the byline text): "Jane Doe Jane Doe".
    half = len(toks) // 2
    if len(toks) % 2 == 0 and half >= 2 and toks[:half] == toks[half:]:
        toks = toks[:half]
    return " ".join(toks), None


def _is_person_name(p: str) -> bool:
    toks = p.split()
    if not 2 <= len(toks) <= 5 and not (len(toks) == 1 and False):
        return False
    if _ORG_WORDS.search(p) or any(ch.isdigit() for ch in p):
        return False
    if canonical_outlet(p) or agency_code(p):
        return False
    caps = sum(1 for t in toks if _NAME_TOKEN.match(t))
    return caps == len(toks)


_OTHER_ROLES = re.compile(
    r"\b(?:contributions?\s+(?:from|by)|additional\s+reporting|(?:photograph(?:y|s)|photos?|"
    r"images?|illustrations?|video|graphics?)\s+by|edited\s+by|reviewed\s+by|"
    r"fact[- ]checked\s+by|medically\s+reviewed|updated\s+by)\b",
    re.I,
)
# A repeated "By" inside a byline block separates authors: "By — Najib Jobain, AP By — Samy …".
_INNER_BY = re.compile(r"\s+By\s*[—–-]?\s+|^\s*[—–-]\s*")


def parse_byline(byline: str | None) -> tuple[list[str], list[str]]:
    """A byline as written → (person names, agency codes).

    "By Brett Samuels and Jane Doe, Staff Writers" → (["Brett Samuels", "Jane Doe"], []);
    "By [AFP](#)" → ([], ["AFP"]); "By JIM RUTENBERG" → (["Jim Rutenberg"], []);
    "Heidi M. Przybyla, USA TODAY" → (["Heidi M. Przybyla"], []).
    """
    if not byline:
        return [], []
    text = strip_markdown_links(byline)
    # Credits for other roles follow the authors: "By Grace Dean Contributions from Leon
    # Hurley", "By Nelson C.J. Photography by Stephen Tayo". Only the writers are authors.
    text = _OTHER_ROLES.split(text, maxsplit=1)[0]
    text = _BY_PREFIX.sub("", text.strip())
    text = _INNER_BY.sub(", ", text)
    authors: list[str] = []
    agencies: list[str] = []
    whole = agency_code(text)
    if whole:
        return [], [whole]
    pieces = _SPLIT.split(text)
    for raw in pieces:
        if not raw or not raw.strip():
            continue
        code = agency_code(raw) or agency_code(_clean_piece(raw))
        if code:
            if code not in agencies:
                agencies.append(code)
            continue
        piece = _clean_piece(raw)
        if not piece:
            continue
        if _GENERATION.match(piece) and authors:
            authors[-1] = f"{authors[-1]} {piece}"
            continue
        if _ROLE_ONLY.match(piece):
            continue
        piece, tail_code = _split_tail(piece)
        if tail_code and tail_code not in agencies:
            agencies.append(tail_code)
        piece = _titlecase_if_shouting(piece)
        if piece.casefold() in _DEGREES:
            continue
        if _is_person_name(piece) and piece not in authors:
            authors.append(piece)
    return authors, agencies


# ---------------------------------------------------------------------------------------------
# Datelines and credits


@dataclass(frozen=True, slots=True)
class Dateline:
    text: str  # as written, without the dash: "WASHINGTON (AP)"
    place: str | None
    agency: str | None
    start: int
    end: int  # offset just after the dash and its space: where the prose begins


_DATELINE = re.compile(
    r"(?P<place>(?:[A-Z][\w.'’\-]*\.?(?:\s+|,\s*)){0,5}?)?"
    rf"(?P<date>(?i:{_MONTHS})\.?\s+\d{{1,2}},?\s+)?"
    r"\((?P<agency>[A-Za-z][A-Za-z .\-]{0,40}?)\)\s*[-—–]+\s*",
)
# A staff dateline with no agency: "WASHINGTON — ", "LONDON, June 3 - ".
_PLAIN_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’\-]+(?:[ ,]+[A-Z][A-Za-z.'’\-]+){0,3})"
    rf"(?:,\s*(?P<date>(?i:{_MONTHS})\.?\s+\d{{1,2}}))?\s+[—–-]{{1,2}}\s+",
)


def find_dateline(text: str, start: int = 0) -> Dateline | None:
    """The dateline opening the body at ``start`` (skipping blank lines), if any."""
    i = start
    n = len(text)
    while i < n and text[i] in " \t\r\n\ufeff":
        i += 1
    head = text[i : i + 160]
    m = _DATELINE.match(head)
    if m:
        code = agency_code(m.group("agency"))
        # "ATLANTA (CNN) —": an outlet's own dateline names no wire agency.
        if code or canonical_outlet(m.group("agency")):
            written = head[: m.end()].rstrip(" -—–")
            place = (m.group("place") or "").strip(" ,") or None
            return Dateline(written.strip(), place, code, i, i + m.end())
    m = _PLAIN_DATELINE.match(head)
    if m and m.group("place").split(",")[0].replace(".", "").replace(" ", "").isupper():
        written = head[: m.end()].rstrip(" -—–")
        return Dateline(written.strip(), m.group("place").strip(" ,"), None, i, i + m.end())
    return None


_AGENCY_GROUP = rf"(?P<agency>{_AGENCY_ALT})"
# "— Reuters.", "-- The Associated Press", "(AP)" alone on the last line.
_DASH_CREDIT = re.compile(rf"^\s*(?:[-—–]{{1,2}}|\()\s*(?:The\s+)?{_AGENCY_GROUP}\s*\)?\s*\.?\s*$")
# Reuters' house sign-off: "(Reporting by X in Y; Additional reporting by Z; Editing by W)". The
# parentheses and the "Editing by" are what set it apart from a staff "Reporting by" note.
_REUTERS_SIGNOFF = re.compile(
    r"^\s*\(\s*(?:Additional\s+)?(?:Reporting|Writing)\s+by\b.*\bEditing\s+by\b.*\)\s*\.?\s*$",
    re.I | re.S,
)
# "Reporting by The Associated Press." as the whole line (Fox Sports carrying AP copy).
_REPORTING_BY_AGENCY = re.compile(
    rf"^\s*\(?\s*(?:Reporting|Written|Story|Report)\s+by\s+(?:The\s+)?{_AGENCY_GROUP}\s*\.?\s*\)?\s*\.?\s*$"
)
_COPYRIGHT = re.compile(rf"(?:Copyright|©|\(c\))\s*(?:\d{{4}}\s*)?(?:The\s+)?{_AGENCY_GROUP}\b")
# "This Reuters article", "this AP story", "The Huffington Post has supplemented this Reuters
# article": the text is that agency's copy.
# The noun is required: "This Reuters/Ipsos poll shows…" is a citation, not a credit.
_THIS_COPY = re.compile(
    rf"\b[Tt]his\s+(?:(?:story|article|report)\s+(?:by|from)\s+(?:The\s+)?{_AGENCY_GROUP}\b|"
    rf"(?:The\s+)?(?P<agency2>{_AGENCY_ALT})(?:'s)?\s+(?:article|story|report|copy)\b)"
)
_PROVIDED_BY = re.compile(
    rf"\b(?:story|article|content|report)\s+(?:was\s+|is\s+)?(?:provided|produced|distributed|"
    rf"written)\s+by\s+(?:The\s+)?{_AGENCY_GROUP}\b",
    re.I,
)
# "The Associated Press contributed to this report": a contribution credit. In PolNeAR and in
# wire-carrying outlets it marks staff copy with some wire material, not wire copy, so it does
# not make the agency the text's agency.
_CONTRIBUTED = re.compile(r"contributed\s+(?:to\s+)?(?:this|the)\s+(?:report|story|article)", re.I)


def trailing_agencies(text: str, lines: int = 3) -> list[str]:
    """Agencies credited by the last few non-empty lines of ``text``."""
    tail = [ln for ln in text[-1500:].splitlines() if ln.strip()][-lines:]
    found: list[str] = []
    for ln in tail:
        if _CONTRIBUTED.search(ln):
            continue
        codes: list[str | None] = []
        m = _DASH_CREDIT.match(ln) or _REPORTING_BY_AGENCY.match(ln)
        if m:
            codes.append(agency_code(m.group("agency")))
        if _REUTERS_SIGNOFF.match(ln):
            codes.append("Reuters")
        for rx in (_COPYRIGHT, _THIS_COPY, _PROVIDED_BY):
            for mm in rx.finditer(ln):
                found_name = mm.groupdict().get("agency") or mm.groupdict().get("agency2")
                codes.append(agency_code(found_name))
        for c in codes:
            if c and c not in found:
                found.append(c)
    return found


def dateline_of(text: str, body_start: int = 0) -> Dateline | None:
    """The dateline at ``body_start``; when that is 0, also the one after a first short line
    (a headline or a kicker printed above the body)."""
    dl = find_dateline(text, body_start)
    if dl is None and body_start == 0:
        nl = text.find("\n")
        if 0 <= nl < 400:
            dl = find_dateline(text, nl + 1)
    return dl


def agencies_from(text: str, byline: str | None = None, body_start: int = 0) -> list[str]:
    """The wire agencies credited for ``text``: byline, dateline, trailing credits, in order.

    ``body_start`` is where the running text begins (after a headline line): the dateline is
    looked for there. For a text whose first line is a headline and whose body_start is 0, the
    line after the headline is tried too.
    """
    found: list[str] = []

    def add(code: str | None) -> None:
        if code and code not in found:
            found.append(code)

    if byline:
        for code in parse_byline(byline)[1]:
            add(code)
    dl = dateline_of(text, body_start)
    if dl is not None:
        add(dl.agency)
    # A "By AFP" line in the text itself (markdown/plain layouts).
    head = text[body_start : body_start + 600] if body_start else text[:600]
    for line in head.splitlines()[:6]:
        s = strip_markdown_links(line).strip()
        if _BY_PREFIX.match(s):
            for code in parse_byline(s)[1]:
                add(code)
    for code in trailing_agencies(text):
        add(code)
    return found


# ---------------------------------------------------------------------------------------------
# Dates

_MONTH_NUM = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_MDY = re.compile(rf"\b({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_DMY = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTHS})\.?,?\s+(\d{{4}})\b", re.I
)
_US_NUM = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")


def _ymd(y: int, m: int, d: int) -> str | None:
    if 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def normalize_date(value: str | None) -> str | None:
    """A date as written ("June 27, 2020", "2020-06-27T10:00:00Z", "27 June 2020") → YYYY-MM-DD."""
    if not value:
        return None
    s = str(value).strip()
    m = _ISO.search(s)
    if m:
        return _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _MDY.search(s)
    if m:
        return _ymd(int(m.group(3)), _MONTH_NUM[m.group(1).lower()], int(m.group(2)))
    m = _DMY.search(s)
    if m:
        return _ymd(int(m.group(3)), _MONTH_NUM[m.group(2).lower()], int(m.group(1)))
    m = _US_NUM.search(s)
    if m:
        return _ymd(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    return None


# An ISO 8601 date-time ("2018-04-17 14:03:00", "2018-04-17T14:03:00.000-04:00",
# "2023-12-22T20:31:25Z", "2023-12-22T22:22:07-0500"): the time, then an optional zone.
_ISO_TIME = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?(?![\d:])",
    re.I,
)
# RFC 2822 (RSS <pubDate>, HTTP headers): "Tue, 17 Apr 2018 14:03:00 GMT", "… +0200".
_RFC2822 = re.compile(
    rf"\b\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?"
    r"\s*(?:[+-]\d{4}|[A-Z]{1,5})\b",
    re.I,
)


def _zone(z: str) -> str:
    """ "Z" / "UTC" / "+0200" / "+02" / "+02:00" → "Z" or "±HH:MM"."""
    if z.upper() in ("Z", "UTC", "GMT"):
        return "Z"
    digits = z[1:].replace(":", "")
    hh, mm = digits[:2], digits[2:4] or "00"
    return "Z" if hh == "00" and mm == "00" else f"{z[0]}{hh}:{mm}"


def normalize_published(value: str | None) -> str | None:
    """A publication time as written → ISO 8601: "YYYY-MM-DDTHH:MM:SS" plus the zone ("Z" or
    "±HH:MM") when the input names one; "YYYY-MM-DD" when only the day is known; None.

    Readers use this for ``ArticleMeta.published``: the time of day orders same-day copies of one
    story (``copy_of``, first reports). A time of exactly midnight with no zone or UTC
    ("2018-04-17 00:00:00", "…T00:00:00Z") is kept as the day only: extractors (news-please,
    JSON-LD generators) write it for pages that give only a date, and a real publication at
    00:00:00 sharp is rare enough that keeping it would mostly invent a time.
    """
    if not value:
        return None
    s = str(value).strip()
    m = _ISO_TIME.search(s)
    if m:
        day = _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        h, mi, sec = int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)
        if day is None:
            return None
        if h > 23 or mi > 59 or sec > 60:
            return day
        zone = _zone(m.group(7)) if m.group(7) else ""
        if h == mi == sec == 0 and zone in ("", "Z"):
            return day
        return f"{day}T{h:02d}:{mi:02d}:{min(sec, 59):02d}{zone}"
    m = _RFC2822.search(s)
    if m:
        try:
            dt = parsedate_to_datetime(m.group(0))
        except (TypeError, ValueError, IndexError):
            dt = None
        if dt is not None and 1900 <= dt.year <= 2100:
            if dt.tzinfo is None:
                return dt.strftime("%Y-%m-%dT%H:%M:%S")
            if dt.utcoffset() == UTC.utcoffset(None):
                return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
            return dt.isoformat(timespec="seconds")
    return normalize_date(s)


# ---------------------------------------------------------------------------------------------
# Titles and publishers

_TITLE_SEP = re.compile(r"\s+(?:[|–—-]|::|»|·|•)\s+")


def clean_title(
    title: str | None, site: str | None = None, *, any_outlet: bool = True
) -> str | None:
    """Strip a site suffix or prefix ("Headline | Site", "Headline - Site") and markdown marks.

    With ``any_outlet`` a suffix naming any outlet in the table is stripped too (for HTML
    ``<title>``s); without it only ``site`` is ("Says – NYT" in a headline is part of it).
    """
    if not title:
        return None
    t = _WS.sub(" ", strip_markdown_links(title.lstrip("#").strip())).strip()
    if not t:
        return None
    parts = _TITLE_SEP.split(t)
    if len(parts) > 1:
        site_keys = {s.casefold() for s in (site, canonical_outlet(site)) if s}

        def is_site(p: str) -> bool:
            k = p.strip().casefold()
            return (
                k in site_keys
                or (any_outlet and canonical_outlet(p) is not None)
                or any(sk and (sk in k or k in sk) for sk in site_keys)
            )

        if is_site(parts[-1]):
            t = t[: t.rfind(parts[-1])].rstrip(" |–—-:»·•")
        elif is_site(parts[0]) and len(parts[0]) < len(t) / 2:
            t = t[len(parts[0]) :].lstrip(" |–—-:»·•")
    return t or None


def publisher_for(url: str | None, site_name: str | None = None) -> str | None:
    """The outlet that published this copy: the URL's domain via the outlet table, else the
    site name (og:site_name) as written, else None."""
    name = outlet_for_domain(url) if url else None
    if name:
        return name
    if site_name:
        return canonical_outlet(site_name) or site_name.strip() or None
    return None
