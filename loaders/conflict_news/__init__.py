"""Conflict News Corpus: conflict-news documents with standoff annotations of events, quotes and figures.

The names below are the public API (docs/api.md). Verbs in names: `load_*` returns validated model
objects (frozen dataclasses), `iter_*` yields them lazily, `validate` raises CorpusError where
`iter_errors` yields the issues. Only CorpusError (the data) and UsageError (the call: an option
outside its allowed values, a missing extra) leave a public function.
"""

from .__about__ import __version__
from .core.errors import CODES, CorpusError, Issue, Related, UsageError
from .core.load import iter_documents, load_corpus, load_document
from .core.model import (
    Annotations,
    Argument,
    Corpus,
    Document,
    Entity,
    Event,
    EventRelation,
    Figure,
    Location,
    Metadata,
    Quote,
    Span,
    Time,
)
from .core.taxonomy import Taxonomy, load_taxonomy
from .core.validate import iter_errors, validate
from .hf.load import load_dataset

__all__ = [
    "CODES",
    "Annotations",
    "Argument",
    "Corpus",
    "CorpusError",
    "Document",
    "Entity",
    "Event",
    "EventRelation",
    "Figure",
    "Issue",
    "Location",
    "Metadata",
    "Quote",
    "Related",
    "Span",
    "Taxonomy",
    "Time",
    "UsageError",
    "__version__",
    "iter_documents",
    "iter_errors",
    "load_corpus",
    "load_dataset",
    "load_document",
    "load_taxonomy",
    "validate",
]
