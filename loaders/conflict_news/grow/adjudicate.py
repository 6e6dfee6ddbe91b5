"""Adjudication of double annotation kept in files: each annotator's annotation files, an adjudicator's
settled versions, gold with per-item provenance (the rules are core.adjudication's, as for Label Studio).

Each side is an annotation file, a folder of them or a corpus root (as for `evaluate`), named by its
annotator; every file is validated against the texts of the corpus root first. A document that every
side annotated and whose versions agree item for item becomes gold. One with conflicts becomes gold
when the review folder holds the adjudicator's settled version of it (`<doc_id>.json`, started from
any side's file); until then its conflicts are listed, one line each, for the adjudicator. `reviewed`
gold has one side, an annotator's correction of the pre-annotation (a correction kit, grow.kit), and a
document becomes gold only from the reviewer's version in the review folder, changed or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.adjudication import aligned, gold_file, settle, settled_provenance, split_items
from ..core.conflicts import describe_conflict
from ..core.errors import Issue
from ..core.model import LAYERS
from ..core.store import RawDocument, read_document
from ..core.taxonomy import load_taxonomy
from ..core.validate import check_document
from .evaluate import collect_files, read_side


@dataclass(slots=True, kw_only=True)
class FileAdjudication:
    gold: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc_id -> annotation file to write
    agreed: dict[str, int] = field(default_factory=dict)  # doc_id -> items every side has identically
    conflicts: dict[str, list[str]] = field(default_factory=dict)  # doc_id -> one line per conflicting item
    to_review: list[str] = field(default_factory=list)  # documents with conflicts and no settled version
    waiting: list[str] = field(default_factory=list)  # documents not every side annotated
    issues: list[Issue] = field(default_factory=list)


def _layers(ann: dict[str, Any]) -> dict[str, Any]:
    return {layer: ann[layer] for layer in LAYERS}


# One annotator's correction of the pre-annotation becomes gold only through a reviewer's version of it.
REVIEWED = "reviewed"


def adjudicate_files(
    sides: list[tuple[str, Path]],
    root: Path,
    review: Path | None = None,
    adjudicator: str | None = None,
    gold_kind: str | None = None,
) -> FileAdjudication:
    """Gold for every document all `sides` (annotator, path) agree on or whose settled version is in `review`;
    `gold_kind` (the schema's provenance.gold_kind) is recorded in every gold file when given. `reviewed` gold
    (one side: a correction of the pre-annotation) comes only from the reviewer's version in `review`."""
    out = FileAdjudication()
    read: dict[str, dict[str, dict[str, Any]]] = {}
    for name, path in sides:
        read[name], found = read_side(collect_files(path), root, str(path))
        out.issues += found
    settled: dict[str, dict[str, Any]] = {}
    if review is not None and review.is_dir() and any(review.glob("*.json")):
        settled, found = read_side(collect_files(review), root, str(review))
        out.issues += found
    if out.issues:
        return out
    every = set().union(*(anns.keys() for anns in read.values()))
    both = set.intersection(*(set(anns) for anns in read.values()))
    out.waiting = sorted(every - both)
    for doc_id in sorted(both):
        first = read[sides[0][0]][doc_id]
        versions = aligned({name: _layers(anns[doc_id]) for name, anns in read.items()})
        agreed, conflicts = split_items(versions)
        doc = read_document(root, doc_id)
        text = str(doc.text)
        out.agreed[doc_id] = len(agreed)
        out.conflicts[doc_id] = [describe_conflict(k, versions, text) for k in sorted(conflicts, key=str)]
        guidelines = first["provenance"]["guidelines"]
        # a settled version wins even where the versions agree: the adjudicator may amend agreed items
        if doc_id in settled and adjudicator is not None:
            layers, items = settle(versions, settled[doc_id], adjudicator)
            if gold_kind == REVIEWED:  # the reviewer checked every item, changed or not
                items = [{**item, "adjudicator": adjudicator} for item in items]
            out.gold[doc_id] = gold_file(doc_id, text, layers, items, guidelines, adjudicator, gold_kind)
        elif not conflicts and gold_kind != REVIEWED:
            layers = next(iter(versions.values()))
            items = settled_provenance(layers, versions, agreed, None)
            out.gold[doc_id] = gold_file(doc_id, text, layers, items, guidelines, sides[0][0], gold_kind)
        else:
            out.to_review.append(doc_id)
    taxonomy = load_taxonomy()
    for doc_id, ann in out.gold.items():
        doc = read_document(root, doc_id)
        out.issues += check_document(root, RawDocument(doc_id=doc_id, text=doc.text, metadata=doc.metadata,
                                                       annotation=ann), taxonomy)  # fmt: skip
    return out
