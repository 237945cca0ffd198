"""Wire-agency detection scored on PolNeAR's metadata (`wire` column: AP, AFP, Reuters, UPI).

A wire article is *credited* when the credit is visible to a reader: its byline (metadata
``author``) names the agency, or its first body line carries a dateline "(AP)" / "(Reuters)".
Recall is measured over credited wire articles; false agencies over the non-wire ones (whose
texts cite AP or Reuters stories often: "according to the Associated Press", "Reuters/Ipsos").
Each article is scored twice: from the text alone (what the plain-text reader sees) and with the
metadata author passed as the byline.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from newstrace.ingest.meta import agencies_from, agency_code

_WIRE = {"ap": "AP", "afp": "AFP", "reuters": "Reuters", "upi": "UPI"}
_CREDIT_DATELINE = re.compile(r"\((?:AP|AFP|Reuters|UPI)\)")


def _rows(polnear_dir: Path) -> list[dict[str, str]]:
    with (polnear_dir / "metadata.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r for r in rows if r.get("compartment") in ("train", "dev")]


def run(polnear_dir: Path) -> dict[str, Any]:
    polnear_dir = Path(polnear_dir)
    seen: set[str] = set()
    res: dict[str, Any] = {
        "articles": 0,
        "wire": 0,
        "credited": 0,
        "found_text": 0,
        "found_byline": 0,
        "wrong_agency": 0,
        "non_wire": 0,
        "false_text": 0,
        "false_byline": 0,
        "missed": [],
        "false": [],
    }
    for r in _rows(polnear_dir):
        stem = r["filename"]
        if stem in seen:
            continue
        path = polnear_dir / r["compartment"] / "text" / f"{stem}.txt"
        if not path.exists():
            continue
        seen.add(stem)
        text = path.read_text(encoding="utf-8")
        author = r.get("author") or ""
        byline = author if author not in ("", "None", "NA") else None
        res["articles"] += 1
        wire = _WIRE.get((r.get("wire") or "").strip().lower())
        from_text = agencies_from(text)
        from_byline = agencies_from(text, byline=byline)
        if wire:
            res["wire"] += 1
            body_head = "\n".join(text.splitlines()[1:4])
            credited = bool(_CREDIT_DATELINE.search(body_head)) or agency_code(byline) is not None
            if not credited:
                continue
            res["credited"] += 1
            res["found_text"] += wire in from_text
            res["found_byline"] += wire in from_byline
            res["wrong_agency"] += any(a != wire for a in from_byline)
            if wire not in from_byline:
                res["missed"].append(stem)
        else:
            res["non_wire"] += 1
            res["false_text"] += bool(from_text)
            res["false_byline"] += bool(from_byline)
            if from_byline:
                res["false"].append(f"{stem}: {from_byline}")
    c = res["credited"] or 1
    res["recall_text"] = res["found_text"] / c
    res["recall_byline"] = res["found_byline"] / c
    res["false_per_80_byline"] = 80 * res["false_byline"] / (res["non_wire"] or 1)
    return res
