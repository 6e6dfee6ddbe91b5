"""The rows of every config for one document, as plain dicts with label strings (encoded at write time)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache
from typing import Any

from ..core import model
from .bio import bio_rows

LAYERS = ("events", "quotes", "figures", "entities")


def _fields_of(cls: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


_field_names: Callable[[type], tuple[str, ...] | None] = cache(_fields_of)  # one lookup per class


def _plain(value: Any) -> Any:
    """A model object as JSON-like data: dataclasses to dicts, tuples to lists."""
    names = _field_names(type(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def event_row(doc: model.Document, event: model.Event) -> dict[str, Any]:
    row: dict[str, Any] = _plain(event)
    row["figures"] = [f.id for f in doc.figures_of(event.id)]
    row["quotes"] = [q.id for q in doc.quotes_reporting(event.id)]
    return row


def quote_row(doc: model.Document, quote: model.Quote) -> dict[str, Any]:
    row: dict[str, Any] = _plain(quote)
    row["figures"] = [f.id for f in doc.figures if f.quote == quote.id]
    return row


def document_row(doc: model.Document) -> dict[str, Any]:
    ann = doc.annotations
    return {
        "doc_id": doc.id,
        "text": doc.text,
        "metadata": _plain(doc.metadata),
        "provenance": _plain(ann.provenance),
        "entities": _plain(ann.entities),
        "events": [event_row(doc, ev) for ev in ann.events],
        "quotes": [quote_row(doc, q) for q in ann.quotes],
        "figures": _plain(ann.figures),
    }


def make_rows(doc: model.Document) -> dict[str, list[dict[str, Any]]]:
    """The rows `doc` contributes to each config, in annotation-file order.

    The per-annotation configs are the document row's layers with `doc_id` added, so the nested
    and the flat views cannot drift apart.
    """
    row = document_row(doc)
    layers = {layer: [{"doc_id": doc.id, **item} for item in row[layer]] for layer in LAYERS}
    return {"documents": [row], **layers, "spans_bio": bio_rows(doc)}
