"""The words a source is described with: outlets, head nouns of each source type, titles,
pronouns; and ``source_type``, the type of a source from those words.

Split from ``sources`` (the resolver), which re-exports ``canonical_outlet`` and
``source_type``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Token

_canonical_outlet: Callable[[str | None], str | None] | None
try:  # the ingest helper's outlet table, when present
    from newstrace.ingest.outlets import canonical_outlet as _canonical_outlet
except ImportError:  # pragma: no cover - depends on the ingest stage being installed
    _canonical_outlet = None

__all__ = ["canonical_outlet", "source_type"]

# Fallback when the ingest outlet table is absent: the outlets most cited in wire copy.
_LOCAL_OUTLETS = {
    "the new york times": "The New York Times",
    "new york times": "The New York Times",
    "nyt": "The New York Times",
    "the washington post": "The Washington Post",
    "washington post": "The Washington Post",
    "the wall street journal": "The Wall Street Journal",
    "reuters": "Reuters",
    "the associated press": "Associated Press",
    "associated press": "Associated Press",
    "ap": "Associated Press",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "cnn": "CNN",
    "bbc": "BBC",
    "fox news": "Fox News",
    "bloomberg": "Bloomberg",
    "politico": "Politico",
}
# Outlet-table names that are platforms, not media voices, when they appear as a source.
PLATFORMS = frozenset({"Twitter", "X", "Facebook", "Instagram", "YouTube", "TikTok", "Telegram"})


def canonical_outlet(name: str) -> str | None:
    if _canonical_outlet is not None:
        try:
            found = _canonical_outlet(name)
        except Exception:  # noqa: BLE001 - a broken table must not stop the analysis
            found = None
        if found:
            return None if found in PLATFORMS else found
    return _LOCAL_OUTLETS.get(name.lower().strip())


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Heads that make a source a medium: "the newspaper said", "the daily reported".
MEDIA_HEADS = _words(
    "newspaper paper daily weekly magazine tabloid outlet broadcaster network channel station "
    "website site publication newsroom agency"
)
APPOSED_MEDIA = re.compile(
    r"\b(?:newspaper|daily|tabloid|broadcaster|magazine)\s*[,—–-]\s*(?:the\s+)?"
    r"([A-Z][\w'’.&-]*(?:\s+[A-Z][\w'’.&-]*)*)"
)
# Heads that make a source the state: ministries, embassies, intelligence, the military.
_GOV_HEADS = _words(
    "government administration ministry minister embassy ambassador kremlin pentagon "
    "department intelligence military army navy police congress senate parliament court "
    "cabinet regime authorities prosecutor prosecutors officials official spokesman "
    "spokeswoman spokesperson diplomat diplomats secretary agencies state states white house "
    "fbi cia nsa commission council legislature judge"
)
# Words in an organisation's name that mark it as a body of state.
_GOV_NAME_WORDS = _words(
    "ministry embassy kremlin pentagon department white fbi cia nsa congress senate "
    "parliament government administration court police army navy council commission "
    "intelligence"
)
DOC_HEADS = _words(
    "report study memo letter filing document documents survey poll data records analysis "
    "assessment findings complaint lawsuit indictment statement review audit book article "
    "story tweet post email emails transcript video footage investigation research paper"
)
_ORG_HEADS = _words(
    "company campaign group party committee union foundation firm organization organisation "
    "association coalition corporation bank university institute movement team spokespeople"
)
PERSON_HEADS = _words(
    "spokesman spokeswoman spokesperson aide adviser advisor lawyer attorney analyst expert "
    "witness resident candidate senator president governor leader chairman chief director "
    "executive manager member person man woman voter voters supporter supporters critic "
    "critics source sources people insider insiders officer professor scientist"
)
# Unnamed people: heads that stand for someone the article does not name.
ANON_HEADS = _words(
    "official officials source sources person people aide aides insider insiders diplomat "
    "diplomats officer officers staffer staffers adviser advisers advisor advisors"
)
ANON_WORDS = frozenset({"anonymous", "unnamed", "unidentified", "anonymity", "undisclosed"})
TITLES = _words(
    "president mr. mrs. ms. dr. sen. rep. gov. gen. secretary senator governor mr mrs ms dr "
    "prime minister vice former state sir lord rev. judge justice chancellor king queen "
    "prince pope mayor speaker leader chief candidate nominee gop democratic republican lt. "
    "col. sgt. capt. adm. u.s. russian presidential"
)
# Titles a definite description may use for a person named before with the title.
TITLE_HEADS: dict[str, frozenset[str]] = {
    "governor": frozenset({"gov.", "governor", "gov"}),
    "senator": frozenset({"sen.", "senator", "sen"}),
    "congressman": frozenset({"rep.", "representative", "congressman"}),
    "congresswoman": frozenset({"rep.", "representative", "congresswoman"}),
    "lawmaker": frozenset({"rep.", "sen.", "representative", "senator"}),
    "president": frozenset({"president", "pres."}),
    "mayor": frozenset({"mayor"}),
    "secretary": frozenset({"secretary", "sec."}),
    "candidate": frozenset({"candidate", "nominee"}),
    "nominee": frozenset({"candidate", "nominee"}),
    "minister": frozenset({"minister"}),
    "chancellor": frozenset({"chancellor"}),
    "ambassador": frozenset({"ambassador", "amb."}),
    "chairman": frozenset({"chairman", "chairwoman", "chair"}),
}
# Verbs whose subject is the author of their object ("wrote a letter", "issued a statement").
AUTHORING = _words("write pen send post issue release publish sign tweet file")
# Role nouns a definite description uses for a person just quoted ("the communications pro",
# "the billionaire", "the veteran lawmaker"); not "official" or "source", which are new people.
ROLE_HEADS = _words(
    "pro veteran lawmaker congressman congresswoman politician businessman businesswoman "
    "billionaire mogul developer host star strategist operative activist incumbent challenger "
    "frontrunner front-runner contender hopeful republican democrat conservative liberal "
    "lawyer attorney aide adviser advisor spokesman spokeswoman"
)
# Given names common in US political news, by gender, for "he"/"she" (names borne by both,
# such as Lindsey, Dana, Leslie, Kelly, Terry, Jordan, are left out on purpose).
FEMALE_NAMES = _words(
    "mary hillary nancy elizabeth sarah kellyanne meredith michelle melania ivanka susan "
    "dianne kirsten kamala amy lisa patricia jennifer linda barbara margaret karen maxine "
    "debbie tammy nikki condoleezza madeleine janet loretta sally jeanne marsha heidi claire "
    "tulsi alexandria ilhan rashida ayanna betsy elaine sonia ruth sandra samantha valerie huma "
    "donna omarosa stormy christine jill ann anne maria laura julie katie kate jane joan carol "
    "catherine kathleen rebecca rachel emily jessica ashley amanda stephanie nicole melissa "
    "michele deborah cynthia angela helen diane lauren gina theresa angela sheila wendy"
)
MALE_NAMES = _words(
    "donald barack joe joseph mike michael mitch paul john chuck charles bernie ted marco jeb "
    "chris christopher ben rand james jeff mitt harry kevin steve steven stephen rudy jared "
    "eric sean reince rex jim bill william george dick tim tom thomas bob robert david richard "
    "daniel matthew mark andrew brian jason ryan adam scott gary larry frank raymond gregory "
    "jerry dennis walter peter harold douglas henry carl arthur roger keith jeremy lawrence "
    "justin gerald ron ronald newt rick elijah jerrold anthony andy jon jay josh brendan "
    "barney jack al hank orrin lamar trey devin adam jerome kenneth edward"
)
HONORIFICS = {"mr.": "m", "mr": "m", "ms.": "f", "ms": "f", "mrs.": "f", "mrs": "f", "miss": "f"}
PRON_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
PRON_PERSON = frozenset({"he", "she", "him", "her", "his", "hers", "i", "we", "me", "us"})
PRON_THING = frozenset({"it", "its"})
PRON_PLURAL = frozenset({"they", "them", "their"})
RELATIVE = frozenset({"who", "which", "that", "whom", "whose"})
DEFINITE = frozenset({"the", "this", "that", "these", "those"})


def source_type(low: str, head: str, ent_label: str | None, toks: list[Token] | None = None) -> str:
    """person | organization | government | media | document | unknown, from the words."""
    toks = toks or []
    words = set(low.replace("’s", "").replace("'s", "").split())
    if head in MEDIA_HEADS and head not in ("agency", "site", "paper"):
        return "media"
    if head in DOC_HEADS:
        return "document"
    if ent_label == "GPE" or head in (
        "kremlin",
        "pentagon",
        "intelligence",
        "government",
        "administration",
        "ministry",
        "embassy",
        "authorities",
    ):
        return "government"
    if ent_label in ("ORG", "FAC") and words & _GOV_NAME_WORDS:
        return "government"
    if head in _GOV_HEADS:
        gov_mod = any(t.ent_type_ == "GPE" or t.lower_ in _GOV_NAME_WORDS for t in toks)
        if (
            head in ("spokesman", "spokeswoman", "spokesperson", "judge", "secretary")
            and not gov_mod
        ):
            return "person"
        return "government"
    if ent_label == "PERSON":
        return "person"
    if ent_label in ("ORG", "FAC") or head in _ORG_HEADS:
        return "organization"
    if head in PERSON_HEADS or head in PRON_PERSON:
        return "person"
    if ent_label == "NORP":
        return "person"
    return "unknown"
