"""PolNeAR brat standoff in, per-token BIO labels out (and back).

PolNeAR is univocal: a character belongs to at most one role (source, cue, content) of one
attribution (62 of 1.96M annotated characters in train break this; the first span read wins).
So each token gets one BIO label over {SRC, CUE, CON}, and the tagger's spans are read back
from the labels. The ``.ann`` reading follows ``shared/tools/polnear_score.py``: ``T`` lines
with a tab-separated text column are spans, ``E`` lines link them, any other line (annotator
notes, continuation lines of span texts that hold a newline) is skipped.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROLES = ("source", "cue", "content")
ROLE_TAG = {"source": "SRC", "cue": "CUE", "content": "CON"}
TAG_ROLE = {v: k for k, v in ROLE_TAG.items()}
LABELS = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON")

Frags = tuple[tuple[int, int], ...]

_ANN_STEM = re.compile(r"_[0-9a-f]{4}\.ann$")


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One ``E`` line: the raw (untrimmed) fragments of each role, or None."""

    source: Frags | None
    cue: Frags | None
    content: Frags | None

    def role(self, name: str) -> Frags | None:
        value: Frags | None = getattr(self, name)
        return value


def gold_files(split_dir: Path) -> dict[str, tuple[Path, Path]]:
    """stem -> (text path, gold .ann path); the alphabetically first annotator is gold."""
    chosen: dict[str, Path] = {}
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        stem = _ANN_STEM.sub("", ann.name)
        chosen.setdefault(stem, ann)
    out: dict[str, tuple[Path, Path]] = {}
    for stem, ann in sorted(chosen.items()):
        text = split_dir / "text" / f"{stem}.txt"
        if text.exists():
            out[stem] = (text, ann)
    return out


def read_ann(path: Path) -> list[GoldAttribution]:
    """The attributions of one brat file, in file order."""
    spans: dict[str, Frags] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2 and " " in parts[1]:
            _label, locs = parts[1].split(" ", 1)
            try:
                spans[parts[0]] = tuple(
                    (int(a), int(b)) for a, b in (f.split() for f in locs.split(";"))
                )
            except ValueError:
                continue
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(x.split(":", 1) for x in parts[1].split() if ":" in x))
    out = []
    for args in events:
        out.append(
            GoldAttribution(
                source=spans.get(args.get("Source", "")),
                cue=spans.get(args.get("Cue", "")),
                content=spans.get(args.get("Content", "")),
            )
        )
    return out


def token_labels(
    token_spans: Sequence[tuple[int, int]], attributions: Iterable[GoldAttribution]
) -> list[str]:
    """BIO label per token: a token is in a fragment when they share a character.

    Each fragment starts with B-, so the two pieces of a content broken by "he said" are two
    runs; pairing joins them again.
    """
    labels = ["O"] * len(token_spans)
    starts = [s for s, _ in token_spans]
    for att in attributions:
        for role in ROLES:
            frags = att.role(role)
            if not frags:
                continue
            tag = ROLE_TAG[role]
            for s, e in frags:
                i = max(0, bisect.bisect_right(starts, s) - 1)
                first = True
                while i < len(token_spans) and token_spans[i][0] < e:
                    ts, te = token_spans[i]
                    if te > s and labels[i] == "O":
                        labels[i] = ("B-" if first else "I-") + tag
                        first = False
                    elif te > s:
                        first = True  # taken by another span: the next of ours starts anew
                    i += 1
    return labels


def label_runs(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """(role, first token, last token + 1) for each run; a stray I- starts a run."""
    runs: list[tuple[str, int, int]] = []
    cur: str | None = None
    start = 0
    for i, lab in enumerate(labels):
        tag = lab[2:] if lab != "O" else None
        if tag is None or lab.startswith("B-") or tag != cur:
            if cur is not None:
                runs.append((TAG_ROLE[cur], start, i))
            cur, start = tag, i
    if cur is not None:
        runs.append((TAG_ROLE[cur], start, len(labels)))
    return runs
