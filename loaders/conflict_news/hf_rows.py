"""The rows of every config for one document, as plain dicts with label strings (Features encode them)."""

from __future__ import annotations

import dataclasses
from typing import Any

from . import model
from .hf_bio import bio_row


def _plain(value: Any) -> Any:
    """A model object as JSON-like data: dataclasses to dicts, tuples to lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
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


def make_rows(config: str, doc: model.Document) -> list[dict[str, Any]]:
    """The rows `doc` contributes to `config`, in annotation-file order."""
    with_id = {"doc_id": doc.id}
    match config:
        case "documents":
            return [document_row(doc)]
        case "events":
            return [{**with_id, **event_row(doc, ev)} for ev in doc.events]
        case "quotes":
            return [{**with_id, **quote_row(doc, q)} for q in doc.quotes]
        case "figures":
            return [{**with_id, **_plain(f)} for f in doc.figures]
        case "entities":
            return [{**with_id, **_plain(e)} for e in doc.entities]
        case "spans_bio":
            return [bio_row(doc)]
    raise ValueError(f"unknown config {config!r}")
