"""store stage: SQLite schema, migrations and queries over analysed articles."""

from newstrace.store.db import (
    DEFAULT_DB,
    Store,
    StoredArticle,
    article_key,
    display_id,
    open_store,
)
from newstrace.store.schema import SCHEMA_VERSION

__all__ = [
    "DEFAULT_DB",
    "SCHEMA_VERSION",
    "Store",
    "StoredArticle",
    "article_key",
    "display_id",
    "open_store",
]
