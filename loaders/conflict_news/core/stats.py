"""Counts per layer and per label, the numbers `conflict-news stats` prints."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .model import Corpus, Document


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items()))


def compute_stats(corpus: Corpus) -> dict[str, Any]:
    docs = corpus.documents
    events = [ev for doc in docs for ev in doc.events]
    quotes = [q for doc in docs for q in doc.quotes]
    figures = [f for doc in docs for f in doc.figures]
    entities = [e for doc in docs for e in doc.entities]
    return {
        "version": corpus.version,
        "documents": len(docs),
        "characters": sum(len(doc.text) for doc in docs),
        "events": len(events),
        "quotes": len(quotes),
        "figures": len(figures),
        "entities": len(entities),
        "entity_mentions": sum(len(e.mentions) for e in entities),
        "event_arguments": sum(len(ev.arguments) for ev in events),
        "by_type": {
            "events": _sorted(Counter(ev.type for ev in events)),
            "event_categories": _sorted(Counter(ev.type.split(".")[0] for ev in events)),
            "event_modalities": _sorted(Counter(ev.modality for ev in events)),
            "quotes": _sorted(Counter(q.type for q in quotes)),
            "figures": _sorted(Counter(f.property for f in figures)),
            "figure_bounds": _sorted(Counter(f.bound for f in figures)),
            "entities": _sorted(Counter(e.type for e in entities)),
            "distribution": _sorted(Counter(doc.metadata.distribution.policy for doc in docs)),
        },
        # What a user choosing documents asks first: how many, in which split, under which licence, how annotated.
        "documents_by": {
            "split": _sorted(Counter(doc.metadata.split for doc in docs)),
            "licence": _sorted(Counter(doc.metadata.license.text for doc in docs)),
            "annotation_status": _sorted(Counter(doc.annotations.provenance.kind for doc in docs)),
            "gold_kind": _sorted(Counter(_gold_kind(doc) for doc in docs if doc.annotations.provenance.kind == "gold")),
        },
    }


def _gold_kind(doc: Document) -> str:
    # gold written before annotation schema 1.1's gold_kind, or by a writer that cannot know it
    return doc.annotations.provenance.gold_kind or "unstated"


def format_stats(stats: dict[str, Any]) -> str:
    lines = [f"Conflict News Corpus {stats['version']}"]
    for key in (
        "documents",
        "characters",
        "events",
        "event_arguments",
        "quotes",
        "figures",
        "entities",
        "entity_mentions",
    ):
        lines.append(f"  {key:<16} {stats[key]:>7}")
    for group, counts in {
        **{f"documents by {k}": v for k, v in stats["documents_by"].items()},
        **stats["by_type"],
    }.items():
        lines.append(f"{group}:")
        lines.extend(f"  {label:<34} {n:>5}" for label, n in counts.items())
    return "\n".join(lines) + "\n"
