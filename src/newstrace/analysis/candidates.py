"""The hand-off between span finders (rules, trained tagger) and enrichment.

A finder proposes ``Candidate``s: character fragments for source, cue and content. Enrichment
(coreference, type, anonymity, stance, hedges, channel, via) turns them into ``Attribution``s.
Keeping this shape tiny lets the rules and the tagger be developed and scored separately.
"""

from __future__ import annotations

from dataclasses import dataclass

Fragments = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    source: Fragments | None
    cue: Fragments | None
    content: Fragments | None
    origin: str = "rule"  # "rule" | "tagger"
    score: float = 1.0
