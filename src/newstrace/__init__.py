"""newstrace: attribution and provenance for news coverage."""

__version__ = "0.1.0"
