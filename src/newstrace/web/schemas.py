"""JSON Schemas of the API's 200 responses, as /openapi.json documents them.

The views return plain dicts (no models: a page is built in a few milliseconds and validating it
would cost as much again), so these schemas are the contract, checked from outside: schemathesis
validates every 200 it gets against them (tests/test_web_fuzz.py), and a test walks every story,
article, claim and source of a store. They name the keys a client can rely on and their types;
fields are only ever added (``additionalProperties`` stays open)."""

from __future__ import annotations

from typing import Any

STR: dict[str, Any] = {"type": "string"}
NSTR: dict[str, Any] = {"type": ["string", "null"]}
COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
BOOL: dict[str, Any] = {"type": "boolean"}
STRS: dict[str, Any] = {"type": "array", "items": STR}
# [article id, attribution index], or [article id, null, start, end] for the article's own
# sentence; null when the entry names no article.
AT: dict[str, Any] = {"type": ["array", "null"], "minItems": 2, "maxItems": 4}


def obj(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """An object with these keys (always present) and these (when present), others allowed."""
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **optional},
    }


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


PAGE = {"total": COUNT, "limit": {"type": "integer", "minimum": 1}, "offset": COUNT}
BRIEF = {"id": STR, "title": NSTR, "publisher": NSTR, "published": NSTR}
SNIPPET = array(obj({"text": STR, "match": BOOL}))

OVERVIEW = obj(
    {
        "articles": COUNT,
        "stories": COUNT,
        "claims": COUNT,
        "linking": {"enum": ["current", "stale"]},
        "outlets": STRS,
    }
)

SEARCH = obj(
    {
        "query": STR,
        "kind": {"enum": ["articles", "claims"]},
        "filters": obj({"outlet": NSTR, "source": NSTR, "since": NSTR, "until": NSTR}),
        "articles_total": COUNT,
        "claims_total": COUNT,
        **PAGE,
        "results": array(
            {
                "oneOf": [
                    obj(
                        {
                            "kind": {"const": "article"},
                            **BRIEF,
                            "story": NSTR,
                            "is_copy": BOOL,
                            "snippet": SNIPPET,
                        }
                    ),
                    obj(
                        {
                            "kind": {"const": "claim"},
                            "claim": STR,
                            "story": NSTR,
                            "text": STR,
                            "snippet": SNIPPET,
                            "independent_sources": COUNT,
                            "disputers": COUNT,
                            "attributions": COUNT,
                            "articles": COUNT,
                        }
                    ),
                ]
            }
        ),
    }
)

STORIES = obj(
    {
        **PAGE,
        "stories": array(
            obj(
                {
                    "story": STR,
                    "title": NSTR,
                    "articles": COUNT,
                    "copies": COUNT,
                    "outlets": COUNT,
                    "claims": COUNT,
                    "first": NSTR,
                    "last": NSTR,
                }
            )
        ),
    }
)

STORY = obj(
    {
        "story": STR,
        "title": NSTR,
        "first": NSTR,
        "last": NSTR,
        "articles_total": COUNT,
        "articles": array(obj({**BRIEF, "story": NSTR, "copy_of": NSTR, "agencies": STRS})),
        "outlets": STRS,
        "graph": obj(
            {
                "nodes": array(
                    obj({"id": STR, "kind": {"enum": ["source", "outlet", "copy"]}, "label": STR})
                ),
                "edges": array(
                    obj(
                        {
                            "from": STR,
                            "to": STR,
                            "kind": {"enum": ["cites", "relays", "copies", "disputes"]},
                        }
                    )
                ),
            }
        ),
        "timeline": array(obj({**BRIEF, "copy_of": NSTR})),
        "claims_total": COUNT,
        **PAGE,
        "claims": array(obj({"claim": STR, "text": STR, "outlets": COUNT})),
    }
)
# ``total`` of a story is ``claims_total`` (its paged list): not repeated
STORY["required"] = [k for k in STORY["required"] if k != "total"]

SPAN = obj({"text": STR, "start": COUNT, "end": COUNT})
ARTICLE = obj(
    {
        **BRIEF,
        "story": NSTR,
        "key": STR,
        "url": NSTR,
        "byline": NSTR,
        "authors": STRS,
        "agencies": STRS,
        "format": NSTR,
        "path": NSTR,
        "story_title": NSTR,
        "copy_of": {"oneOf": [{"type": "null"}, obj({"id": STR})]},
        "copies": array(obj(BRIEF)),
        "chain": {"type": "array"},
        "text": STR,
        "segments": array(
            obj(
                {
                    "text": STR,
                    "roles": array({"enum": ["source", "cue", "content", "mark"]}),
                    "anchors": array(COUNT),
                    "attributions": array(COUNT),
                }
            )
        ),
        "mark": {"oneOf": [{"type": "null"}, array(COUNT)]},
        "attributions": array(
            obj(
                {"index": COUNT, "claims": STRS},
                source={"oneOf": [{"type": "null"}, SPAN]},
                cue={"oneOf": [{"type": "null"}, SPAN]},
                content={"oneOf": [{"type": "null"}, SPAN]},
            )
        ),
        "claims": array(obj({"claim": STR, "text": STR})),
    }
)

ENTRIES = array(obj({"at": AT}))
CLAIM = obj(
    {
        "claim": STR,
        "story": NSTR,
        "text": STR,
        "relays": ENTRIES,
        "independent_backers": ENTRIES,
        "disputers": ENTRIES,
        "hedges": ENTRIES,
        "timeline": ENTRIES,
        "attributions": {"type": "array"},
        "members": array(obj({"article": STR, "index": {"type": ["integer", "null"]}})),
        "article_briefs": {"type": "object", "additionalProperties": obj(BRIEF)},
        "outlets": STRS,
        "story_title": NSTR,
    },
    origin={"oneOf": [{"type": "null"}, obj({"at": AT})]},
)

SOURCE = obj(
    {
        "name": STR,
        "citations_total": COUNT,
        "anonymous": COUNT,
        "articles": COUNT,
        "types": {"type": "object", "additionalProperties": COUNT},
        "stances": {"type": "object", "additionalProperties": COUNT},
        "outlets": array(
            obj({"outlet": NSTR, "citations": COUNT, "anonymous": COUNT, "articles": COUNT})
        ),
        **PAGE,
        "citations": array(
            obj(
                {
                    "article": STR,
                    "index": COUNT,
                    "title": NSTR,
                    "publisher": NSTR,
                    "published": NSTR,
                    "anonymous": BOOL,
                    "hedges": STRS,
                }
            )
        ),
    }
)


def ok(schema: dict[str, Any], description: str) -> dict[int | str, dict[str, Any]]:
    """The 200 entry of a route's ``responses``."""
    return {200: {"description": description, "content": {"application/json": {"schema": schema}}}}
