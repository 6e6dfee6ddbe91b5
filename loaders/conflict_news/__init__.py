"""Conflict News Corpus: conflict-news documents with standoff annotations of events, quotes and figures.

The names below are the public API (docs/api.md). Verbs in names: `load_*` returns validated model
objects (frozen dataclasses), `iter_*` yields them lazily, `validate` raises CorpusError where
`iter_errors` yields the issues. Only CorpusError (the data) and UsageError (the call: an option
outside its allowed values, a missing extra) leave a public function.

The names load on first use (PEP 562), so that `conflict-news --version` and the CLI's help do not
import the loaders and `datasets` (issue 30): `import conflict_news` alone costs almost nothing.
"""

import importlib

from .__about__ import __version__

# Not `typing.TYPE_CHECKING`: importing typing (and the re and collections it pulls in) is most of
# what `--version` would cost. A private name (the module's public names are its API), and no
# `from __future__ import annotations`, which would add the name `annotations`.
_TYPE_CHECKING = False
if _TYPE_CHECKING:
    from typing import Any

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

# the module that defines each public name (relative to this package)
_MODULES = {
    "core.errors": ("CODES", "CorpusError", "Issue", "Related", "UsageError"),
    "core.load": ("iter_documents", "load_corpus", "load_document"),
    "core.model": (
        "Annotations", "Argument", "Corpus", "Document", "Entity", "Event", "EventRelation", "Figure", "Location",
        "Metadata", "Quote", "Span", "Time",
    ),
    "core.taxonomy": ("Taxonomy", "load_taxonomy"),
    "core.validate": ("iter_errors", "validate"),
    "hf.load": ("load_dataset",),
}  # fmt: skip
_HOMES = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> "Any":
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
