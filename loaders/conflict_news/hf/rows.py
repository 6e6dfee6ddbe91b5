"""The rows of every config for one document, as plain dicts with label strings (encoded at write time).

Rows are made straight from the validated on-disk records (the metadata and annotation dicts): they
already have the shapes the Features describe, so nothing is rebuilt through model objects.
"""

from __future__ import annotations

from typing import Any

from ..core.taxonomy import load_taxonomy
from ..records.derive import records_of
from .bio import bio_rows

LAYERS = ("events", "quotes", "figures", "entities")
# The configs of one row per item that no document row nests: parsed from JSON lines as the layers are.
FLAT = (*LAYERS, "records")
EMPTY_SOURCE = {"authors": None, "page_id": None, "record": None, "changes": None}


def make_rows(doc_id: str, text: str, metadata: dict[str, Any], ann: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows `doc_id` contributes to each config, in annotation-file order.

    `metadata` and `ann` are the document's validated records. The per-annotation configs are the
    document row's layers with `doc_id` added, so the nested and the flat views cannot drift apart.
    Events and quotes gain the reverse links readers need (`figures`, `quotes`), computed here.
    """
    figures_of: dict[str, list[str]] = {}
    in_quote: dict[str, list[str]] = {}
    for figure in ann["figures"]:
        if figure["event"] is not None:
            figures_of.setdefault(figure["event"], []).append(figure["id"])
        if figure["quote"] is not None:
            in_quote.setdefault(figure["quote"], []).append(figure["id"])
    reporting: dict[str, list[str]] = {}
    for quote in ann["quotes"]:
        for event_id in dict.fromkeys(quote["events"]):
            reporting.setdefault(event_id, []).append(quote["id"])
    layers = {
        "entities": ann["entities"],
        "events": [{**ev, "figures": figures_of.get(ev["id"], []), "quotes": reporting.get(ev["id"], [])}
                   for ev in ann["events"]],
        "quotes": [{**q, "figures": in_quote.get(q["id"], [])} for q in ann["quotes"]],
        "figures": ann["figures"],
    }  # fmt: skip
    # Per-item provenance and the gold kind are optional on disk (annotation schema 1.1): none, or null, without them.
    provenance = {**ann["provenance"], "items": ann["provenance"].get("items", []),
                  "gold_kind": ann["provenance"].get("gold_kind")}  # fmt: skip
    # Optional fields of document schema 1.1 are null in the rows of a record without them.
    metadata = {**metadata, "story": metadata.get("story"), "source": {**EMPTY_SOURCE, **metadata["source"]}}
    head = {"doc_id": doc_id, "annotation_status": ann["provenance"]["kind"]}
    document = {**head, "text": text, "metadata": metadata, "provenance": provenance, **layers}
    flat = {layer: [{**head, **item} for item in layers[layer]] for layer in LAYERS}
    return {
        "documents": [document], **flat, "spans_bio": [{**head, **row} for row in bio_rows(doc_id, text, ann)],
        "records": [{**head, **row} for row in records_of(ann, metadata, text, load_taxonomy())],
    }  # fmt: skip
