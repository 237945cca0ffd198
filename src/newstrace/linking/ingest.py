"""Moved: the batch orchestration (read → analyse → store → link) is ``newstrace.orchestrate``.

Kept so that ``from newstrace.linking.ingest import ingest`` goes on working.
"""

from __future__ import annotations

from newstrace.orchestrate import Analyzer, IngestSummary
from newstrace.orchestrate import run_batch as ingest

__all__ = ["Analyzer", "IngestSummary", "ingest"]
