"""An article's text as HTML with its attributions highlighted: built in Python rather than in
the template because an article has hundreds of pieces (a Jinja loop over them made a long
article page ~2.5x slower to render), and escaped piece by piece with markupsafe, like every
other string on the pages."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


def tip(a: dict[str, Any]) -> str:
    """What hovering or focusing an attribution in the text shows (one item per line)."""
    src = a.get("source") or {}
    lines = [f"#{a['index'] + 1} {src.get('resolved') or 'unattributed (the outlet itself)'}"]
    if src:
        kind = src.get("type") or "unknown"
        lines.append(f"{kind}{', anonymous' if src.get('anonymous') else ''}")
        if src.get("text") and src.get("text") != src.get("resolved"):
            lines.append(f"written: “{src['text']}”")
    lines.append(f"{a.get('kind') or 'speech'}, stance: {a.get('stance') or 'assert'}")
    if a.get("hedges"):
        lines.append("hedges: " + ", ".join(a["hedges"]))
    if a.get("via"):
        lines.append("via: " + " → ".join(a["via"]))
    return "\n".join(lines)


def text_html(segments: list[dict[str, Any]], attributions: list[dict[str, Any]]) -> Markup:
    """``views.segments`` as HTML: plain pieces as escaped text, highlighted ones as
    ``<span class="hl r-ROLE…" data-a="i j">``; the piece where attribution ``i`` starts gets
    ``id="a{i}"``, ``tabindex="0"`` (keyboard focus shows its tip) and ``data-tip``."""
    out: list[str] = []
    marked = False
    for s in segments:
        text = escape(s["text"])
        if "mark" in s["roles"]:
            # the marked sentence (a claim's unattributed statement): the first piece is #m
            first = not marked
            marked = True
            s = {**s, "roles": [r for r in s["roles"] if r != "mark"]}
            inner = text_html([s], attributions)
            anchor = ' id="m" tabindex="-1"' if first else ""
            out.append(f'<mark class="sentence"{anchor}>{inner}</mark>')
            continue
        anchors = s["anchors"]
        for k in anchors[1:]:
            out.append(f'<span id="a{int(k)}" class="anchor"></span>')
        if not s["roles"]:
            out.append(text)
            continue
        classes = " ".join(f"r-{r}" for r in s["roles"])
        own = " ".join(str(int(i)) for i in s["attributions"])
        extra = ""
        if anchors:
            i = int(anchors[0])
            extra = (
                f' id="a{i}" tabindex="0" data-tip="{escape(tip(attributions[i]))}"'
                f' aria-describedby="d{i}"'
            )
        out.append(f'<span class="hl {classes}" data-a="{own}"{extra}>{text}</span>')
    return Markup("".join(out))
