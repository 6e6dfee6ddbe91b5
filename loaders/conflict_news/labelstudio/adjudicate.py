"""Adjudication of a double-annotated Label Studio project (the rules are core.adjudication's).

Per task annotated by two or more annotators (cancelled annotations and drafts do not count): every
item on which all their versions agree is accepted; when every item agrees, that is the gold. When some differ, the task goes to a review project as a review task: the same text, one
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

from ..core.adjudication import Versions, aligned, gold_file, settle, settled_provenance, split_items
from ..core.conflicts import describe_conflict
from ..core.errors import Issue
from ..core.guidelines import guidelines_version
from ..core.items import Key
from ..core.store import RawDocument, read_document
from ..core.taxonomy import Taxonomy, load_taxonomy
from ..core.validate import check_document
from .importer import convert_annotation
from .users import annotator_email

Results = dict[str, list[dict[str, Any]]]  # annotator -> their Label Studio result


@dataclass(slots=True, kw_only=True)
class Adjudication:
    gold: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc_id -> annotation file to write
    review: list[dict[str, Any]] = field(default_factory=list)  # review tasks to push
    agreed: dict[str, int] = field(default_factory=dict)  # doc_id -> items accepted as agreed
    conflicts: dict[str, int] = field(default_factory=dict)  # doc_id -> items left to the reviewer
    waiting: list[str] = field(default_factory=list)  # documents with fewer annotators than required
    issues: list[Issue] = field(default_factory=list)


def _versions(
    task: dict[str, Any], users: dict[int, str], tax: Taxonomy, at: str, issues: list[Issue]
) -> tuple[Versions, Results]:
    text = task["data"]["text"]
    versions: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for j, annotation in enumerate(task.get("annotations") or []):
        if annotation.get("was_cancelled"):
            continue
        result = annotation.get("result") or []
        layers, found = convert_annotation(result, text, tax, "export", f"{at}.annotations[{j}]")
        who = annotator_email(annotation, users)
        if who is None:
            found.append(_unknown(annotation, f"{at}.annotations[{j}]", "export"))
        issues += found
        # One version per annotator: the latest they submitted.
        versions[str(who)] = (layers, result)
    ordered = sorted(versions.items())
    return aligned({who: layers for who, (layers, _) in ordered}), {who: result for who, (_, result) in ordered}


def _unknown(annotation: dict[str, Any], at: str, file: str) -> Issue:
    return Issue(code="ls-annotator-unknown", file=file, path=f"{at}.completed_by",
                 message=f"annotator {annotation.get('completed_by')!r} is not a user of the server")  # fmt: skip


def _gold(doc: RawDocument, layers: dict[str, Any], items: list[dict[str, Any]], fallback: str) -> dict[str, Any]:
    guidelines = ((doc.annotation or {}).get("provenance") or {}).get("guidelines") or guidelines_version()
    return gold_file(doc.doc_id, str(doc.text), layers, items, guidelines, fallback)


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
            reviewer = annotator_email(final, users)
            if reviewer is None:
                found.append(_unknown(final, f"$[{i}].annotations[{len(done) - 1}]", "review export"))
            out.issues += found
            reviewed[doc_id] = (layers, str(reviewer))
    for i, task in enumerate(export):
        doc_id = str(task["data"].get("doc_id"))
        issues: list[Issue] = []
        versions, results = _versions(task, users, tax, f"$[{i}]", issues)
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
            layers = next(iter(versions.values()))
            items = settled_provenance(layers, versions, agreed, None)
            out.gold[doc_id] = _gold(doc, layers, items, next(iter(versions)))
        elif doc_id in reviewed:
            layers, items = settle(versions, *reviewed[doc_id])
            out.gold[doc_id] = _gold(doc, layers, items, reviewed[doc_id][1])
        elif doc_id not in pending_review:
            out.review.append(review_task(task, versions, results, conflicts))
    for doc_id, ann in out.gold.items():
        doc = read_document(root, doc_id)
        candidate = RawDocument(doc_id=doc_id, text=doc.text, metadata=doc.metadata, annotation=ann)
        out.issues += check_document(root, candidate, tax)
    return out


def review_task(task: dict[str, Any], versions: Versions, results: Results, conflicts: set[Key]) -> dict[str, Any]:
    text = task["data"]["text"]
    described = [describe_conflict(k, versions, text) for k in sorted(conflicts, key=str)]
    data = {k: task["data"][k] for k in ("doc_id", "text", "text_sha256", "guidelines") if k in task["data"]}
    # One line per item: the review config shows them as lines, in a box of a few lines that scrolls.
    data["conflicts"] = f"{len(conflicts)} item(s) to decide:\n" + "\n".join(f"• {line}" for line in described)
    data["annotators"] = ", ".join(versions)
    predictions = [
        {"model_version": who, "score": 1.0, "result": [{k: v for k, v in r.items() if k != "origin"} for r in result]}
        for who, result in results.items()
    ]
    return {"data": data, "predictions": predictions}
