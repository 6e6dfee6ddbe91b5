"""Adjudication of a double-annotated Label Studio project.

Per task annotated by two or more annotators (cancelled annotations and drafts do not count): every
item (items.py) on which all their versions agree is accepted; when every item agrees, that is the
gold. When some differ, the task goes to a review project as a review task: the same text, one
prediction per annotator holding that annotator's whole version (its model_version is the
annotator's name, so the editor names each version), and a line naming each conflict. The reviewer
starts from one version, settles the conflicts and submits; that result becomes the gold.

Provenance per item: an agreed item names every annotator and no adjudicator; an item the reviewer
settled names the annotators whose version of it the reviewer kept (or the reviewer, when none did)
and the reviewer as adjudicator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import Issue
from ..core.store import RawDocument, annotation_name, annotation_path, dump_json, read_document, write_all_atomic
from ..core.taxonomy import Taxonomy, load_taxonomy
from ..core.textnorm import hash_text
from ..core.validate import check_document
from .importer import convert_annotation, name_annotator
from .items import LAYERS, Key, canonical_items, file_provenance

Versions = dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]  # annotator -> (layers, Label Studio result)


@dataclass(slots=True, kw_only=True)
class Adjudication:
    gold: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc_id -> annotation file to write
    review: list[dict[str, Any]] = field(default_factory=list)  # review tasks to push
    agreed: dict[str, int] = field(default_factory=dict)  # doc_id -> items accepted as agreed
    conflicts: dict[str, int] = field(default_factory=dict)  # doc_id -> items left to the reviewer
    waiting: list[str] = field(default_factory=list)  # documents with fewer annotators than required
    issues: list[Issue] = field(default_factory=list)


def _versions(task: dict[str, Any], users: dict[int, str], tax: Taxonomy, at: str, issues: list[Issue]) -> Versions:
    text = task["data"]["text"]
    versions: Versions = {}
    for j, annotation in enumerate(task.get("annotations") or []):
        if annotation.get("was_cancelled"):
            continue
        result = annotation.get("result") or []
        layers, found = convert_annotation(result, text, tax, "export", f"{at}.annotations[{j}]")
        issues += found
        # One version per annotator: the latest they submitted.
        versions[name_annotator(annotation, users)] = (layers, result)
    return dict(sorted(versions.items()))


def split_items(versions: Versions) -> tuple[set[Key], set[Key]]:
    """Keys of the items every version has identically, and of all other items."""
    canon = [canonical_items(layers) for layers, _ in versions.values()]
    every = set().union(*canon)
    agreed = {k for k in every if all(k in c for c in canon) and all(c[k][1] == canon[0][k][1] for c in canon)}
    return agreed, every - agreed


def _describe(key: Key, versions: Versions, text: str) -> str:
    layer = key[0]
    where = f"entity {key[1]}" if layer == "entities" else f"{layer[:-1]} «{text[key[1] : key[2]]}»"
    said = []
    for who, (layers, _) in versions.items():
        body = canonical_items(layers).get(key)
        if body is None:
            said.append(f"{who}: absent")
            continue
        item = body[1]
        fields = [str(item[f]) for f in ("type", "modality", "polarity", "name", "value", "property") if f in item]
        said.append(f"{who}: {' '.join(fields) or 'present'}")
    return f"{where} ({'; '.join(said)})"


def _gold(doc: RawDocument, layers: dict[str, Any], items: list[dict[str, Any]], fallback: str) -> dict[str, Any]:
    guidelines = ((doc.annotation or {}).get("provenance") or {}).get("guidelines") or "1.0"
    return {"schema_version": "1.0", "doc_id": doc.doc_id, "text_sha256": hash_text(str(doc.text)),
            "provenance": file_provenance(guidelines, items, fallback), **layers}  # fmt: skip


def settled_provenance(
    layers: dict[str, Any], versions: Versions, agreed: set[Key], reviewer: str | None
) -> list[dict[str, Any]]:
    canon = {who: canonical_items(v) for who, (v, _) in versions.items()}
    records = []
    for key, (item_id, body) in canonical_items(layers).items():
        if key in agreed:
            records.append({"id": item_id, "annotators": list(versions), "adjudicator": None})
            continue
        kept = [who for who, c in canon.items() if key in c and c[key][1] == body]
        assert reviewer is not None  # an item outside the agreed ones comes from a review
        records.append({"id": item_id, "annotators": kept or [reviewer], "adjudicator": reviewer})
    return records


def adjudicate(
    root: Path,
    export: list[dict[str, Any]],
    reviews: list[dict[str, Any]],
    users: dict[int, str],
    min_annotators: int = 2,
    tax: Taxonomy | None = None,
) -> Adjudication:
    """Gold for every document whose annotators agree or whose review is done; review tasks for the rest
    (those already in `reviews`, the review project's export, are not sent again)."""
    tax = tax or load_taxonomy()
    out = Adjudication()
    reviewed: dict[str, tuple[dict[str, Any], str]] = {}
    pending_review: set[str] = set()
    for i, task in enumerate(reviews):
        doc_id = str(task["data"].get("doc_id"))
        pending_review.add(doc_id)
        done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if done:
            final = done[-1]
            layers, found = convert_annotation(final.get("result") or [], task["data"]["text"], tax, "review export",
                                               f"$[{i}].annotations[{len(done) - 1}]")  # fmt: skip
            out.issues += found
            reviewed[doc_id] = (layers, name_annotator(final, users))
    for i, task in enumerate(export):
        doc_id = str(task["data"].get("doc_id"))
        issues: list[Issue] = []
        versions = _versions(task, users, tax, f"$[{i}]", issues)
        if issues:
            out.issues += issues
            continue
        if len(versions) < min_annotators:
            out.waiting.append(doc_id)
            continue
        doc = read_document(root, doc_id)
        agreed, conflicts = split_items(versions)
        out.agreed[doc_id], out.conflicts[doc_id] = len(agreed), len(conflicts)
        if not conflicts:
            layers = next(iter(versions.values()))[0]
            items = settled_provenance(layers, versions, agreed, None)
            out.gold[doc_id] = _gold(doc, layers, items, next(iter(versions)))
        elif doc_id in reviewed:
            layers, reviewer = reviewed[doc_id]
            out.gold[doc_id] = _gold(doc, layers, settled_provenance(layers, versions, agreed, reviewer), reviewer)
        elif doc_id not in pending_review:
            out.review.append(review_task(task, versions, conflicts))
    for doc_id, ann in out.gold.items():
        doc = read_document(root, doc_id)
        candidate = RawDocument(doc_id=doc_id, text=doc.text, metadata=doc.metadata, annotation=ann)
        out.issues += check_document(root, candidate, tax)
    return out


def review_task(task: dict[str, Any], versions: Versions, conflicts: set[Key]) -> dict[str, Any]:
    text = task["data"]["text"]
    described = [_describe(k, versions, text) for k in sorted(conflicts, key=str)]
    data = {k: task["data"][k] for k in ("doc_id", "text", "text_sha256", "guidelines") if k in task["data"]}
    data["conflicts"] = f"{len(conflicts)} item(s) to decide: " + " | ".join(described)
    data["annotators"] = ", ".join(versions)
    predictions = [
        {"model_version": who, "score": 1.0, "result": [{k: v for k, v in r.items() if k != "origin"} for r in result]}
        for who, (_, result) in versions.items()
    ]
    return {"data": data, "predictions": predictions}


def write_gold(root: Path, gold: dict[str, dict[str, Any]], overwrite_gold: bool) -> tuple[list[str], list[Issue]]:
    """Write the adjudicated files all at once (the documents written, or the issues and nothing written);
    an existing gold file that would change needs `overwrite_gold`, and unchanged files are left alone."""
    files: dict[Path, bytes] = {}
    issues = []
    for doc_id, ann in gold.items():
        path = annotation_path(root, doc_id)
        old = read_document(root, doc_id).annotation or {}
        if all(old.get(layer) == ann[layer] for layer in LAYERS) and old.get("provenance") == ann["provenance"]:
            continue
        if old.get("provenance", {}).get("kind") == "gold" and not overwrite_gold:
            issues.append(Issue(code="ls-gold-protected", file=annotation_name(doc_id), path="$", ann_id=doc_id,
                                message="is gold and adjudication would change it; pass --overwrite-gold"))  # fmt: skip
            continue
        files[path] = dump_json(ann)
    if issues:
        return [], issues
    write_all_atomic(files, replace=True)
    return sorted(path.stem for path in files), []
