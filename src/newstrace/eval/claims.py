"""Claims across outlets scored against claims-dev (the rules of ``shared/tools/claims_score.py``).

``run`` ingests the corpus's ``articles.jsonl`` (plus any distractor paths) into a fresh store,
exactly as ``newstrace ingest`` would, writes every stored claim in the scorer's prediction
format, asks the claim look-up (``trace``) for each gold ``statement``, and scores both. The
scoring below follows the shared scorer line by line (a test checks they agree on the same
files): instances are the gold quotes that report or confirm a claim; each maps to the predicted
claim whose member contents overlap it most in that article.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newstrace.linking.query import trace
from newstrace.store import Store, open_store


def _fold(s: str | None) -> str:
    return unicodedata.normalize("NFKD", s or "").encode("ascii", "ignore").decode().lower()


def _name_tokens(name: str | None) -> set[str]:
    stop = {"the", "of", "a", "an", "and", "u.s.", "us", "mr.", "mrs.", "ms.", "president"}
    stop |= {"sen.", "rep."}
    return {t for t in re.findall(r"[a-z][a-z.'-]+", _fold(name)) if t not in stop and len(t) > 2}


def origin_right(gold: dict[str, Any], pred: str | None, pred_anonymous: bool) -> bool:
    if not pred:
        return False
    if gold.get("origin_type") == "anonymous":
        return pred_anonymous or bool(
            re.search(r"anonymous|people|officials|sources|person", _fold(pred))
        )
    return bool(_name_tokens(gold["origin"]) & _name_tokens(pred))


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _frags(span: Any) -> list[tuple[int, int]]:
    if not span:
        return []
    if isinstance(span[0], int):
        return [(int(span[0]), int(span[1]))]
    return [(int(x[0]), int(x[1])) for x in span]


def load_gold(gold_dir: Path) -> list[dict[str, Any]]:
    return [c for claims in load_events(gold_dir).values() for c in claims]


def load_events(gold_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Gold claims per event file (``event-0`` ...), in file order."""
    return {
        f.stem: json.loads(f.read_text(encoding="utf-8"))["claims"]
        for f in sorted(gold_dir.glob("event-*.json"))
    }


def per_event(
    events: dict[str, list[dict[str, Any]]],
    texts: dict[str, str],
    predicted: Sequence[dict[str, Any]],
    traces: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """The main figures of each event scored alone. Held-out events are judged one set at a
    time: how far the events spread around the pooled figure says how much a dev figure near
    a target is worth (claims-dev's five spread 0.75-0.88 in B-cubed F1)."""
    out = {}
    for name, gold in events.items():
        r = score(
            gold, texts, predicted, {g["id"]: traces[g["id"]] for g in gold if g["id"] in traces}
        )
        out[name] = {
            "instances": r["gold_instances"],
            "bcubed_f1": r["bcubed"]["f1"],
            "found": r["trace"]["found"],
            "origin_right": r["trace"]["origin_right"],
        }
    return out


def score(
    gold: list[dict[str, Any]],
    texts: dict[str, str],
    predicted: Sequence[dict[str, Any]],
    traces: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Score predicted claims (scorer format) and, optionally, look-up answers per gold id."""
    by_article: dict[str, list[tuple[str, list[tuple[int, int]]]]] = defaultdict(list)
    claim_articles: dict[str, set[str]] = defaultdict(set)
    for c in predicted:
        for m in c.get("attributions", []):
            by_article[m["article"]].append((c["claim"], _frags(m.get("content"))))
            claim_articles[c["claim"]].add(m["article"])
    inst: list[tuple[str, str, str | None]] = []
    for g in gold:
        for i in g["instances"]:
            if i["relation"] == "disputes":
                continue
            t = texts.get(i["article"], "")
            s = t.find(i["quote"])
            best, pred = 0, None
            if s >= 0:
                e = s + len(i["quote"])
                for cid, fr in by_article.get(i["article"], []):
                    ov = sum(max(0, min(e, fe) - max(s, fs)) for fs, fe in fr)
                    if ov > best:
                        best, pred = ov, cid
            inst.append((g["id"], i["article"], pred))
    n = len(inst)
    keyed = [(g, p if p is not None else f"none:{k}") for k, (g, _, p) in enumerate(inst)]
    by_pred = Counter(p for _, p in keyed)
    by_gold = Counter(g for g, _ in keyed)
    both = Counter(keyed)
    bp = sum(both[x] / by_pred[x[1]] for x in keyed) / n if n else 0.0
    br = sum(both[x] / by_gold[x[0]] for x in keyed) / n if n else 0.0
    gold_articles = {
        g["id"]: {i["article"] for i in g["instances"] if i["relation"] != "disputes"} for g in gold
    }
    per_claim = []
    for g in gold:
        preds = Counter(p for gid, _, p in inst if gid == g["id"] and p is not None)
        if not preds:
            per_claim.append(0.0)
            continue
        cid = preds.most_common(1)[0][0]
        a_p, a_g = claim_articles[cid], gold_articles[g["id"]]
        per_claim.append(_f1(len(a_p & a_g) / len(a_p), len(a_p & a_g) / len(a_g)))
    out: dict[str, Any] = {
        "gold_claims": len(gold),
        "gold_instances": n,
        "coverage": sum(1 for _, _, p in inst if p is not None) / n if n else 0.0,
        "bcubed": {"p": bp, "r": br, "f1": _f1(bp, br)},
        "claim_article_f1": sum(per_claim) / len(per_claim) if per_claim else 0.0,
    }
    if traces is not None:
        found = art_f1 = org = indep = 0.0
        disp_want = disp_got = 0
        # Not in the shared scorer (it counts recall only): of the parties an answer lists as
        # disputers, how many the gold lists; one party under several spellings counts once.
        parties_said = parties_right = 0
        for g in gold:
            answer: dict[str, Any] = traces.get(g["id"]) or {}
            a_g = gold_articles[g["id"]]
            a_p = set(answer.get("articles") or [])
            if a_p:
                f = _f1(len(a_p & a_g) / len(a_p), len(a_p & a_g) / len(a_g))
                art_f1 += f
                found += 1 if f >= 0.5 else 0
            org += origin_right(g, answer.get("origin"), bool(answer.get("origin_anonymous")))
            want, got = len(g.get("independent_sources") or []), answer.get("independent_sources")
            indep += isinstance(got, int) and abs(got - want) <= max(1, round(want / 4))
            for d in g.get("disputed_by") or []:
                disp_want += 1
                if any(_name_tokens(d) & _name_tokens(x) for x in answer.get("disputers") or []):
                    disp_got += 1
            parties: list[str] = []
            for x in answer.get("disputer_parties") or []:
                if not any(_name_tokens(x) & _name_tokens(p) for p in parties):
                    parties.append(x)
            parties_said += len(parties)
            parties_right += sum(
                1
                for p in parties
                if any(_name_tokens(p) & _name_tokens(d) for d in g.get("disputed_by") or [])
            )
        k = len(gold) or 1
        out["trace"] = {
            "found": found / k,
            "article_f1": art_f1 / k,
            "origin_right": org / k,
            "disputers_recall": disp_got / disp_want if disp_want else None,
            "disputers_precision": parties_right / parties_said if parties_said else None,
            "independent_count_right": indep / k,
        }
    return out


def predictions(store: Store) -> list[dict[str, Any]]:
    """Every stored claim in the scorer's format (content offsets into each article's text)."""
    out = []
    for c in store.claim_records():
        members = []
        for m in c.get("attributions") or []:
            content = m.get("content") or {}
            frags = content.get("fragments") or [[content.get("start"), content.get("end")]]
            if frags and frags[0][0] is not None:
                members.append({"article": m["article"], "content": frags})
        out.append({"claim": c["claim"], "attributions": members})
    return out


def trace_answer(gold_id: str, record: dict[str, Any] | None) -> dict[str, Any]:
    """What the scorer reads of a look-up answer."""
    if record is None:
        return {"gold": gold_id, "claim": None}
    origin = record.get("origin") or {}
    return {
        "gold": gold_id,
        "claim": record["claim"],
        "articles": record.get("articles") or [],
        "origin": origin.get("source"),
        "origin_anonymous": bool(origin.get("anonymous")),
        "disputers": [d["party"] for d in record.get("disputers") or []]
        + [s for d in record.get("disputers") or [] for s in d.get("sources") or []],
        "disputer_parties": [d["party"] for d in record.get("disputers") or []],
        "independent_sources": record.get("independent_sources"),
    }


def run(
    corpus: str | Path,
    distractors: Sequence[str] = (),
    db: str | Path | None = None,
    out_dir: str | Path | None = None,
    use_tagger: bool = True,
) -> dict[str, Any]:
    """Ingest ``corpus/articles.jsonl`` (+ ``distractors``) and score claims and look-ups.

    ``db``: an existing store to reuse (relinked, not re-analysed) or create; default a
    temporary one. ``out_dir``: also write claims.jsonl and traces.jsonl there (the shared
    scorer's inputs).
    """
    from newstrace.linking.ingest import ingest
    from newstrace.linking.link import link_store

    corpus = Path(corpus)
    articles = corpus / "articles.jsonl"
    events = load_events(corpus / "gold")
    gold = [c for claims in events.values() for c in claims]
    texts = {}
    for line in articles.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            texts[rec["id"]] = rec.get("maintext") or rec.get("text") or ""

    def factory() -> Any:
        from newstrace.analysis.pipeline import Analyzer

        return Analyzer(use_tagger=use_tagger)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(db) if db else Path(tmp) / "claims.db"
        ingest([str(articles), *distractors], path, factory, link=False)
        with open_store(path) as store:
            link_store(store, full=True)  # a reused store is relinked whole
            predicted = predictions(store)
            traces = {g["id"]: trace_answer(g["id"], trace(store, g["statement"])) for g in gold}
    if out_dir:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        with (out / "claims.jsonl").open("w", encoding="utf-8") as f:
            for c in predicted:
                f.write(json.dumps(c) + "\n")
        with (out / "traces.jsonl").open("w", encoding="utf-8") as f:
            for t in traces.values():
                f.write(json.dumps(t) + "\n")
    result = score(gold, texts, predicted, traces)
    result["claims"] = len(predicted)
    result["events"] = per_event(events, texts, predicted, traces)
    return result
