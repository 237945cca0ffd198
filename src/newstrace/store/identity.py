"""The identity of an article in the store (``articles.key``): its input id, else its URL,
else a hash of its text.

- The input id (a JSONL record's ``id``, a feed entry's id, a WARC target URI) is what the user's
  data calls the article: two records with different ids are two articles, even when their
  texts are identical (a wire story republished by two sites: linking marks one as a copy of the
  other; it is not dropped at ingest).
- Without an id, the URL: the publisher's own identity for the page.
- Without either (a loose .txt file), the text itself: the same text is the same article.

Keys are ``"id:<id>"`` for an id that is not a URL, the URL itself for a URL (so an id that is a
URL and the same page's URL agree), ``"sha256:<hex>"`` for a text. Stores written before
version 4 keyed by URL first (``url or (id if it is a URL) or sha256``); migration 4 rewrites
those keys (``schema.rekey``).
"""

from __future__ import annotations

import hashlib

_URL = ("http://", "https://")


def text_key(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def key_for(input_id: str | None, url: str | None, text: str | None) -> str | None:
    """The key of an article with this input id, URL and text (None: text needed but absent)."""
    if input_id and input_id.strip():
        rid = input_id.strip()
        return rid if rid.startswith(_URL) else "id:" + rid
    if url and url.strip():
        return url.strip()
    return None if text is None else text_key(text)
