"""Speaker coverage on BASIL-style news (``newstrace eval speakers DIR``; issue 3, acceptance 2).

BASIL (Fan et al., EMNLP 2019) marks quote spans with the label of their speaker
(``Barack_Obama``, ``other_pro``, ...). A quote span with a *named* speaker (a label that is
neither empty nor ``other_*``) counts as covered when some attribution's content overlaps it
and that attribution's source resolves to a name (or, failing that, is written with words)
holding the speaker's surname: the last token of the label, compared case-insensitively.

Two figures: over *person-like* labels (every token capitalised, at least two: ``John_Boehner``)
and over *all named* labels (groups too: ``Tea_Party``, ``senate_Democrats``).

Article text: sentences of a paragraph joined by one space, paragraphs by a blank line; a
span's offsets are relative to the sentence its id (``p<k>``) names in the flattened sentence
list (see ``shared/data/basil-dev/README.md``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newstrace.model import AnalyzedArticle, Article, ArticleMeta, Attribution

__all__ = [
    "QuoteSpan",
    "covered",
    "is_person_label",
    "load_basil",
    "main_speaker_right",
    "person_names",
    "run",
]


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    start: int
    end: int
    speaker: str  # the BASIL label, e.g. "Barack_Obama"

    @property
    def surname(self) -> str:
        return self.speaker.split("_")[-1].lower()

    @property
    def person(self) -> bool:
        return is_person_label(self.speaker)


def is_person_label(label: str) -> bool:
    """``First_Last`` labels name people; ``Tea_Party`` passes too (BASIL does not mark the
    difference), ``senate_Democrats`` and ``lawmakers`` do not."""
    words = label.split("_")
    return len(words) >= 2 and all(w[:1].isupper() for w in words)


def person_names(nlp: Any, labels: Iterable[str]) -> set[str]:
    """The labels that name one person: spaCy's entity recogniser reads ``"<label words>
    said."`` as a single PERSON entity spanning the words (``Rick_Perry`` yes; ``Tea_Party``,
    ``Senate_Republicans``, ``Obama_campaign`` no)."""
    out = set()
    for label in set(labels):
        words = label.replace("_", " ")
        doc = nlp(f"{words} said.")
        if any(ent.label_ == "PERSON" and ent.text == words for ent in doc.ents):
            out.add(label)
    return out


def _named(label: str) -> bool:
    return bool(label) and not label.lower().startswith("other")


def article_text(paragraphs: Sequence[Sequence[str]]) -> tuple[str, list[int]]:
    """The article text and the offset of every sentence in it."""
    starts: list[int] = []
    parts: list[str] = []
    pos = 0
    for pi, para in enumerate(paragraphs):
        if pi:
            parts.append("\n\n")
            pos += 2
        for si, sent in enumerate(para):
            if si:
                parts.append(" ")
                pos += 1
            starts.append(pos)
            parts.append(sent)
            pos += len(sent)
    return "".join(parts), starts


def load_basil(basil_dir: Path) -> list[tuple[Article, list[QuoteSpan]]]:
    """Articles holding at least one named-speaker quote span, with those spans."""
    items = []
    for ann_path in sorted((basil_dir / "annotations").rglob("*_ann.json")):
        art_path = (
            basil_dir
            / "articles"
            / ann_path.parent.name
            / ann_path.name.replace("_ann.json", ".json")
        )
        if not art_path.exists():
            continue
        art = json.loads(art_path.read_text(encoding="utf-8"))
        ann = json.loads(ann_path.read_text(encoding="utf-8"))
        text, starts = article_text(art.get("body-paragraphs") or [])
        quotes = []
        for a in ann.get("phrase-level-annotations") or []:
            label = a.get("speaker") or ""
            sid = str(a.get("id") or "")
            if a.get("quote") != "yes" or not _named(label) or not sid.startswith("p"):
                continue  # "title": spans in the headline, which is not in the body text
            k = int(sid[1:])
            if k >= len(starts):
                continue
            off = starts[k]
            quotes.append(QuoteSpan(off + int(a["start"]), off + int(a["end"]), label))
        if quotes:
            items.append((Article(path=str(art_path), text=text, meta=ArticleMeta()), quotes))
    return items


def _overlap(quote: QuoteSpan, att: Attribution) -> int:
    if att.content is None or att.source is None:
        return 0
    parts = att.content.fragments or ((att.content.start, att.content.end),)
    return sum(max(0, min(quote.end, e) - max(quote.start, s)) for s, e in parts)


def _names(quote: QuoteSpan, att: Attribution) -> bool:
    assert att.source is not None
    surname = quote.surname
    return surname in att.source.resolved.lower() or surname in att.source.span.text.lower()


def covered(quote: QuoteSpan, attributions: Iterable[Attribution]) -> bool:
    """Some attribution whose content overlaps the quote has the speaker as its source."""
    return any(_overlap(quote, att) > 0 and _names(quote, att) for att in attributions)


def main_speaker_right(quote: QuoteSpan, attributions: Iterable[Attribution]) -> bool:
    """The attribution whose content covers most of the quote has the speaker as its source."""
    best, right = 0, False
    for att in attributions:
        ov = _overlap(quote, att)
        if ov > best:
            best, right = ov, _names(quote, att)
    return right


def score(
    results: Iterable[tuple[list[QuoteSpan], AnalyzedArticle]],
    named_persons: set[str] | None = None,
) -> dict[str, Any]:
    """Rates per group; ``named_persons``: the labels that name a person (``person_names``),
    without which that group is left out."""
    groups = (
        ["named_persons", "persons", "all"] if named_persons is not None else ["persons", "all"]
    )
    tallies = {key: [0, 0, 0] for key in groups}
    misses = []
    for quotes, res in results:
        text = res.article.text
        for q in quotes:
            ok = covered(q, res.attributions)
            main = main_speaker_right(q, res.attributions)
            for key in groups:
                if key == "named_persons" and q.speaker not in (named_persons or ()):
                    continue
                if key == "persons" and not q.person:
                    continue
                tallies[key][0] += 1
                tallies[key][1] += ok
                tallies[key][2] += main
            if not (ok and main):
                misses.append(
                    {
                        "article": res.article.path,
                        "speaker": q.speaker,
                        "covered": ok,
                        "start": q.start,
                        "end": q.end,
                        "text": text[q.start : q.end],
                    }
                )
    out: dict[str, Any] = {}
    for key, (total, hit, main_hits) in tallies.items():
        out[key] = {
            "spans": total,
            "covered": hit,
            "rate": hit / total if total else 0.0,
            "main_right": main_hits,
            "main_rate": main_hits / total if total else 0.0,
        }
    out["misses"] = misses
    return out


def run(basil_dir: Path, *, use_tagger: bool = True, with_misses: bool = False) -> dict[str, Any]:
    """Speaker coverage of the Analyzer over a BASIL folder (``articles/``, ``annotations/``).

    Returns ``{"named_persons": {"spans", "covered", "rate", "main_right", "main_rate"},
    "persons": {...}, "all": {...}, "articles": n, "seconds": s}``, plus ``"misses":
    [{"article", "speaker", "covered", "start", "end", "text"}, ...]`` (the quote spans not
    covered, or whose main attribution names someone else: ``covered`` says which) with
    ``with_misses``.
    """
    from newstrace.analysis.pipeline import Analyzer

    basil_dir = Path(basil_dir)
    if not (basil_dir / "annotations").is_dir() or not (basil_dir / "articles").is_dir():
        from newstrace.errors import InputError

        raise InputError(
            str(basil_dir),
            "not a BASIL folder (no articles/ and annotations/ inside)",
            hint="point at a folder like ../shared/data/basil-dev",
        )
    items = load_basil(basil_dir)
    t0 = time.perf_counter()
    analyzer = Analyzer(use_tagger=use_tagger)
    names = person_names(analyzer.nlp, (q.speaker for _, quotes in items for q in quotes))
    analyzed = analyzer.analyze(a for a, _ in items)
    out = score(((quotes, res) for (_, quotes), res in zip(items, analyzed, strict=True)), names)
    out["articles"] = len(items)
    out["seconds"] = round(time.perf_counter() - t0, 2)
    misses = out.pop("misses")
    if with_misses:
        out["misses"] = misses
    return out
