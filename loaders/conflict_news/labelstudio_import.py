"""A full Label Studio JSON export -> our annotation files, checked, diffed, then written atomically.

Per task, the annotation marked ground_truth is the one imported; a task with a single (not
cancelled) annotation needs no mark. Several annotators and no ground truth is an error: choosing
one silently would lose the others' work. Drafts and cancelled (skipped) annotations are never
imported. Nothing is written unless every task of the export is clean, and an existing gold file is
only replaced when the caller says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .errors import Issue
from .labelstudio_rebuild import LayerBuilder
from .labelstudio_regions import ResultReader
from .store import RawDocument, annotation_path, dump_json, read_document, text_path, write_atomic
from .taxonomy import Taxonomy, load_taxonomy
from .textnorm import hash_text
from .validate import check_document

LAYERS = ("entities", "events", "quotes", "figures")


@dataclass(frozen=True, slots=True, kw_only=True)
class LayerDiff:
    doc_id: str
    annotator: str
    layer: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]


@dataclass(slots=True, kw_only=True)
class ImportOutcome:
    annotations: dict[str, dict[str, Any]] = field(default_factory=dict)
    diffs: list[LayerDiff] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unannotated: list[str] = field(default_factory=list)  # tasks with only drafts, skips or nothing


def name_annotator(annotation: dict[str, Any], users: dict[int, str]) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):  # some exports expand the user
        return str(who.get("email") or who.get("id"))
    return users.get(who, f"label-studio-user-{who}") if isinstance(who, int) else str(who)


def convert_annotation(
    result: list[dict[str, Any]], text: str, tax: Taxonomy, file: str, at: str
) -> tuple[dict[str, Any], list[Issue]]:
    """One annotation's result list -> our four layers, and the issues found on the way."""
    read = ResultReader(tax, text, file, at).read(result)
    builder = LayerBuilder(read, tax, file, at)
    layers = builder.build()
    return layers, read.issues + builder.issues


def diff_layers(doc_id: str, annotator: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[LayerDiff]:
    diffs = []
    for layer in LAYERS:
        before = {item["id"]: item for item in (old or {}).get(layer, [])}
        after = {item["id"]: item for item in new[layer]}
        diffs.append(
            LayerDiff(
                doc_id=doc_id,
                annotator=annotator,
                layer=layer,
                added=tuple(i for i in after if i not in before),
                removed=tuple(i for i in before if i not in after),
                changed=tuple(i for i in after if i in before and before[i] != after[i]),
            )
        )
    return diffs


class ExportImporter:
    def __init__(self, root: Path, file: str, users: dict[int, str] | None = None, tax: Taxonomy | None = None) -> None:
        self.root, self.file, self.users = root, file, users or {}
        self.tax = tax or load_taxonomy()
        self.out = ImportOutcome()

    def report(self, code: str, path: str, message: str, ann_id: str | None = None) -> None:
        self.out.issues.append(Issue(code=code, file=self.file, path=path, ann_id=ann_id, message=message))

    def run(self, export: Any, overwrite_gold: bool = False) -> ImportOutcome:
        if not isinstance(export, list) or not all(
            isinstance(t, dict) and isinstance(t.get("data"), dict) for t in export
        ):
            self.report("ls-export-invalid", "$", "expected a list of tasks with data (Label Studio's JSON export)")
            return self.out
        for i, task in enumerate(export):
            self.import_task(task, f"$[{i}]")
        if not self.out.issues:
            self.protect_gold(overwrite_gold)
        return self.out

    def import_task(self, task: dict[str, Any], at: str) -> None:
        doc_id, text = task["data"].get("doc_id"), task["data"].get("text")
        raw = read_document(self.root, str(doc_id)) if isinstance(doc_id, str) else None
        if raw is None or not text_path(self.root, raw.doc_id).exists() or raw.text != text:
            self.report("ls-task-mismatch", f"{at}.data", f"task {doc_id!r}: no corpus document with this id and text")
            return
        assert isinstance(text, str)
        kept = [(j, a) for j, a in enumerate(task.get("annotations") or []) if not a.get("was_cancelled")]
        converted = []
        for j, annotation in kept:
            layers, issues = convert_annotation(
                annotation.get("result") or [], text, self.tax, self.file, f"{at}.annotations[{j}]"
            )
            self.out.issues.extend(issues)
            who = name_annotator(annotation, self.users)
            self.out.diffs.extend(diff_layers(raw.doc_id, who, raw.annotation, layers))
            converted.append((bool(issues), annotation, who, layers))
        chosen = [c for c in converted if c[1].get("ground_truth")] if len(converted) > 1 else converted
        if len(chosen) > 1 or (converted and not chosen):
            self.report(
                "ls-no-adjudication",
                f"{at}.annotations",
                f"{len(converted)} annotations, {len(chosen)} marked ground truth: mark exactly one",
                raw.doc_id,
            )
        if not converted:
            self.out.unannotated.append(raw.doc_id)
        if len(chosen) != 1:
            return
        broken, _, who, layers = chosen[0]
        if broken:  # already reported; validating a half-read annotation would only echo those issues
            return
        old_prov = (raw.annotation or {}).get("provenance", {})
        guidelines = task["data"].get("guidelines") or old_prov.get("guidelines") or "1.0"
        ann = {"schema_version": "1.0", "doc_id": raw.doc_id, "text_sha256": hash_text(text),
               "provenance": {"kind": "gold", "annotators": [who], "guidelines": guidelines}, **layers}  # fmt: skip
        candidate = RawDocument(doc_id=raw.doc_id, text=text, metadata=raw.metadata, annotation=ann)
        self.out.issues.extend(check_document(self.root, candidate, self.tax))
        self.out.annotations[raw.doc_id] = ann

    def protect_gold(self, overwrite_gold: bool) -> None:
        for doc_id, ann in self.out.annotations.items():
            old = read_document(self.root, doc_id).annotation
            if overwrite_gold or not old or old.get("provenance", {}).get("kind") != "gold":
                continue
            if any(old.get(layer) != ann[layer] for layer in LAYERS):
                self.report(
                    "ls-gold-protected",
                    "$",
                    f"annotations/{doc_id}.json is gold and would change; pass --overwrite-gold",
                    doc_id,
                )


def import_export(
    path: Path, root: Path, overwrite_gold: bool = False, users: dict[int, str] | None = None
) -> ImportOutcome:
    """Read, check and (if everything is clean) write; a file whose layers did not change is left alone."""
    importer = ExportImporter(root, path.name, users)
    try:
        export = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        importer.report("ls-export-invalid", "$", str(exc))
        return importer.out
    out = importer.run(export, overwrite_gold)
    if out.issues:
        return out
    for doc_id, ann in out.annotations.items():
        old = read_document(root, doc_id).annotation
        if old and all(old.get(layer) == ann[layer] for layer in LAYERS):
            continue
        write_atomic(annotation_path(root, doc_id), dump_json(ann))
        out.written.append(doc_id)
    return out


def format_diffs(diffs: list[LayerDiff]) -> str:
    rows = [("document", "annotator", "layer", "added", "removed", "changed")]
    rows += [
        (d.doc_id, d.annotator, d.layer, str(len(d.added)), str(len(d.removed)), str(len(d.changed))) for d in diffs
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    details = [f"  {d.doc_id} {d.annotator} {d.layer} {sign} {', '.join(ids)}" for d in diffs
               for sign, ids in (("+", d.added), ("-", d.removed), ("~", d.changed)) if ids]  # fmt: skip
    return "\n".join(lines + details) + "\n"
