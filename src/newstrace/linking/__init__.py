"""linking stage: stored analyses → copies, stories, claims and their provenance.

Public functions:
- ``newstrace.linking.ingest.ingest(paths, db, analyzer_factory, progress=, reader=)``:
  read → skip stored → analyse → store → link; returns an ``IngestSummary``.
- ``newstrace.linking.link.link_store(store, full=False)``: link the articles not linked yet
  (incremental, ``linking.index``), or with ``full`` recompute copies, stories and claims.
- ``newstrace.linking.query.stories(store)`` / ``find_claim(store, id_or_text)``: read side.
- ``syndication.copy_of``, ``stories.cluster_stories``, ``claims.group_claims``,
  ``provenance.provenance``: the algorithms, usable on plain inputs.

This package reads records (``newstrace.model``) and the store, never spaCy objects: linking
runs on stored data, on any machine.
"""
