"""Human-readable text for analysed articles (the default output of ``analyze``)."""

from __future__ import annotations

from newstrace.model import AnalyzedArticle, Attribution, ChainNode

_MAX_CONTENT = 160


def _clip(text: str, limit: int = _MAX_CONTENT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chain_line(chain: list[ChainNode]) -> str:
    """'A → B → C / D': nodes at one depth are alternatives, so they share a step."""
    levels: dict[int, list[str]] = {}
    for node in chain:
        name = (
            f"{node.name} (anonymous)"
            if node.anonymous and "anonym" not in node.name
            else node.name
        )
        levels.setdefault(node.depth, []).append(name)
    return " → ".join(" / ".join(names) for _, names in sorted(levels.items()))


def attribution_lines(number: int, attribution: Attribution) -> list[str]:
    src = attribution.source
    who = "(no source)"
    if src is not None:
        who = src.resolved
        if src.span.text.strip() != src.resolved:
            who += f' ["{_clip(src.span.text, 60)}"]'
        who += f" <{src.type}{', anonymous' if src.anonymous else ''}>"
    cue = attribution.cue.text if attribution.cue else "—"
    facts = [attribution.kind, attribution.stance]
    if attribution.channel:
        facts.append(f"via {attribution.channel}")
    lines = [f"{number:>3}. {who} — {cue!r} ({', '.join(facts)})"]
    if attribution.via:
        lines.append(f"     relayed by: {' → '.join(attribution.via)}")
    if attribution.content is not None:
        c = attribution.content
        lines.append(f"     [{c.start}:{c.end}] {_clip(c.text)}")
    if attribution.hedges:
        lines.append(f"     hedges: {', '.join(attribution.hedges)}")
    return lines


def article_text(record: AnalyzedArticle) -> str:
    meta = record.article.meta
    # A record id names one entry of a multi-article file; a bare URL is shown on its own line.
    record_id = record.article.id
    label = record.article.path + (f"#{record_id}" if record_id and record_id != meta.url else "")
    out = [f"== {label}"]
    rows = [
        ("title", meta.title),
        ("byline", meta.byline),
        ("authors", ", ".join(meta.authors) or None),
        ("agencies", ", ".join(meta.agencies) or None),
        ("publisher", meta.publisher),
        ("published", meta.published),
        ("url", meta.url),
    ]
    for key, value in rows:
        if value:
            out.append(f"{key:>10}: {value}")
    for rel in meta.related:
        out.append(f"{'related':>10}: {rel.title}" + (f" <{rel.url}>" if rel.url else ""))
    if meta.summary_only:
        out.append(f"{'note':>10}: feed entry without full text; only its summary was analysed")
    if record.chain:
        out.append(f"{'chain':>10}: {chain_line(record.chain)}")
    out.append(f"attributions: {len(record.attributions)}")
    for i, attribution in enumerate(record.attributions, 1):
        out.extend(attribution_lines(i, attribution))
    return "\n".join(out) + "\n"
