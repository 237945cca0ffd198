"""Metadata and body extraction scored on NAEB (news article extraction benchmark) pages.

``predictions`` runs the HTML reader over every page of a NAEB folder and returns the scorer's
input records; ``run`` scores them with the shared scorer (``shared/tools/naeb_score.py``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from newstrace.errors import InputError
from newstrace.ingest.html import extract_page
from newstrace.ingest.outlets import canonical_outlet

# How the benchmark's gold writes agencies that sign a page.
_AGENCY_NAMES = {"AP": "Associated Press", "AFP": "Agence France-Presse"}

SCORER = Path(__file__).resolve().parents[4] / "shared" / "tools" / "naeb_score.py"


def _page_prediction(pid: str, html: bytes) -> dict[str, Any]:
    try:
        page = extract_page(html, path=pid)
    except InputError:
        return {"id": pid, "title": None, "authors": [], "date": None, "body": None, "site": None}
    authors = list(page.authors)
    if not authors:
        # The benchmark's gold names the organisation or agency when no person signs the page
        # ("Associated Press", "University of Tokyo"): report those when there is no person.
        site_keys = {(page.site or "").casefold(), (canonical_outlet(page.site) or "").casefold()}
        orgs = [o for o in page.org_authors if o.casefold() not in site_keys]
        authors = [re.sub(r"\s+staff$", "", o, flags=re.I) for o in orgs] or [
            _AGENCY_NAMES.get(a, a) for a in page.agencies[:1]
        ]
    return {
        "id": pid,
        "title": page.title,
        "authors": authors,
        # the gold gives the day; ``page.date`` keeps the time of day when the page has one
        "date": page.date[:10] if page.date else None,
        "body": page.body,
        "site": page.site,
    }


def predictions(gold_json: Path, html_dir: Path) -> list[dict[str, Any]]:
    gold = json.loads(Path(gold_json).read_text(encoding="utf-8"))
    out = []
    for pid in sorted(gold):
        f = Path(html_dir) / f"{pid}.html"
        if not f.exists():
            continue
        out.append(_page_prediction(pid, f.read_bytes()))
    return out


def _scorer(path: Path = SCORER) -> ModuleType:
    spec = importlib.util.spec_from_file_location("naeb_score", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(data_dir: Path, scorer: Path = SCORER) -> dict[str, Any]:
    """Score the HTML reader on a NAEB folder (gold.json + html/); returns the scorer's dict."""
    data_dir = Path(data_dir)
    preds = predictions(data_dir / "gold.json", data_dir / "html")
    mod = _scorer(scorer)
    with tempfile.TemporaryDirectory() as tmp:
        pred_path = Path(tmp) / "preds.jsonl"
        with pred_path.open("w", encoding="utf-8") as fh:
            for p in preds:
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")
        gold = json.loads((data_dir / "gold.json").read_text(encoding="utf-8"))
        loaded, _dup, _bad = mod.load_pred(str(pred_path))
        res, per_page = mod.score(gold, loaded)
    res["per_page"] = per_page
    return res
