"""Extractors for `conflict-news preannotate --extractor`: a small working one, and broken ones for the refusals."""

from __future__ import annotations

import re
from typing import Any

from conflict_news.core.taxonomy import Taxonomy


def keyword_events(text: str, taxonomy: Taxonomy) -> dict[str, Any]:
    """Every word that is itself a trigger entry of exactly one event type becomes an event of that type.

    What a user's extractor looks like: it reads the text and the taxonomy and returns the four layers;
    ids, the document's hash and provenance are filled in by preannotate.
    """
    owners: dict[str, set[str]] = {}
    for etype in taxonomy.event_types.values():
        for entry in etype.triggers:
            if re.fullmatch(r"[a-z]+", entry):
                owners.setdefault(entry, set()).add(etype.name)
    events = []
    for m in re.finditer(r"[a-z]+", text):
        types = owners.get(m.group(), set())
        if len(types) == 1:
            events.append({
                "id": f"k{len(events) + 1}", "type": types.pop(),
                "trigger": {"start": m.start(), "end": m.end(), "text": m.group()},
                "arguments": [], "location": None, "time": None, "modality": "actual", "polarity": "positive",
                "relations": [],
            })  # fmt: skip
    return {"entities": [], "events": events, "quotes": [], "figures": []}


def failing(text: str, taxonomy: Taxonomy) -> dict[str, Any]:
    raise RuntimeError("model server unreachable")


def wrong_offsets(text: str, taxonomy: Taxonomy) -> dict[str, Any]:
    """An extractor that counts offsets in bytes, say: its spans do not match the text."""
    found = keyword_events(text, taxonomy)
    for event in found["events"]:
        event["trigger"]["start"] += 1
    return found


NOT_CALLABLE = "keyword_events"
