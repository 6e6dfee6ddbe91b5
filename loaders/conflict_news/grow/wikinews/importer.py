"""The import: the kept candidates of sources/wikinews/candidates.jsonl become corpus documents.

Each kept candidate names its source article, the document id it becomes, its story key, split and
the day it was added, all decided once and recorded in the candidates file. So the import is a pure
function of that file and the source files: run twice, it writes the same bytes, and `check_import`
proves the committed documents are what it makes. A document already in the root is left alone when
it is exactly what the import makes, and refused (import-differs) when it is not: an import never
overwrites a document.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ...core.errors import CorpusError, Issue
from ...core.schemas import iter_schema_errors
from ...core.store import (
    RawDocument,
    annotation_path,
    dump_json,
    list_doc_ids,
    metadata_name,
    metadata_path,
    read_regular,
    text_path,
)
from ...core.taxonomy import load_taxonomy
from ...core.textnorm import RULE, hash_text, normalize_text
from ...core.txn import Transaction, locked
from ...core.validate import check_document
from ..ingest import empty_annotation
from .record import AUTHORS, PUBLISHER, SourceArticle
from .sources import load_source_list, read_articles

# What `decision` says of an article that became a document.
KEEP = "keep"


@dataclass(frozen=True, slots=True)
class Planned:
    doc_id: str
    text: str
    metadata: dict[str, Any]

    def files(self, root: Path) -> Iterator[tuple[Path, bytes]]:
        yield text_path(root, self.doc_id), self.text.encode("utf-8")
        yield metadata_path(root, self.doc_id), dump_json(self.metadata)


def read_candidates(path: Path) -> list[dict[str, Any]]:
    """Every line of the candidates file, schema-checked; CorpusError naming each bad line."""
    name = str(path)
    try:
        data = read_regular(path, name, follow=True)
    except FileNotFoundError:
        raise CorpusError([Issue(code="source-missing", file=name, path="$", message="no such file")]) from None
    records: list[dict[str, Any]] = []
    issues: list[Issue] = []
    ids: dict[str | None, int] = {}
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            issues.append(Issue(code="selection-invalid", file=name, line=number, message=str(exc)))
            continue
        found = [Issue(code="selection-invalid", file=name, line=number, path=where, message=message)
                 for where, message in iter_schema_errors("candidates", record)]  # fmt: skip
        doc_id = record.get("doc_id") if not found else None
        if doc_id is not None and doc_id in ids:
            found.append(Issue(code="selection-invalid", file=name, line=number, path="$.doc_id",
                               message=f"{doc_id} is given to two articles (also line {ids[doc_id]})"))  # fmt: skip
        ids.setdefault(doc_id, number)
        issues.extend(found)
        records.append(record)
    if issues:
        raise CorpusError(issues)
    return records


def document_metadata(article: SourceArticle, candidate: dict[str, Any], text: str) -> dict[str, Any]:
    """The metadata record of the document a kept candidate becomes (document schema 1.1)."""
    licence = article.licence
    metadata: dict[str, Any] = {
        "schema_version": "1.1",
        "id": candidate["doc_id"],
        "language": "en",
        "title": article.title,
        "source": {
            "publisher": PUBLISHER,
            "url": article.url,
            "original_filename": None,  # a record in a file, not a file of its own: `record` says where
            "original_sha256": article.raw_sha256,
            "authors": AUTHORS,
            "page_id": article.page_id,
            "record": {
                "repository": article.repository,
                "commit": article.commit,
                "path": article.path,
                "line": article.line,
                "file_sha256": article.file_sha256,
            },
            "changes": article.changes,
        },
        "published": {
            "date": article.date,
            "precision": "day" if article.date else "unknown",
            "inferred": False,
            "evidence": None,
        },
        "retrieved": None,
        "added": candidate["added"],
        "license": {"text": licence, "annotations": "CC-BY-4.0"},
        "distribution": {"policy": "full", "decided_by": "licence"},
        "tags": {"conflicts": candidate["conflicts"], "topics": candidate["topics"]},
        "story": candidate["story"],
        "normalization": RULE,
        "text_sha256": hash_text(text),
        "text_length": len(text),
        "split": candidate["split"],
    }
    if article.page_id is None:  # an optional field is left out, never null (a release row's null reads back as absent)
        del metadata["source"]["page_id"]
    return metadata


def plan_import(candidates: list[dict[str, Any]], articles: dict[str, SourceArticle], file: str) -> list[Planned]:
    """The documents the kept candidates become, in id order; CorpusError when one (in `file`) names no article."""
    planned, issues = [], []
    for candidate in candidates:
        if candidate["decision"] != KEEP:
            continue
        article = articles.get(candidate["key"])
        if article is None:
            issues.append(Issue(code="selection-invalid", file=file, path="$.key",
                                message=f"{candidate['key']} is in none of the source files"))  # fmt: skip
            continue
        text = normalize_text(article.text)
        planned.append(Planned(candidate["doc_id"], text, document_metadata(article, candidate, text)))
    if issues:
        raise CorpusError(issues)
    return sorted(planned, key=lambda p: p.doc_id)


def _differences(root: Path, plans: list[Planned], existing: set[str]) -> list[Issue]:
    issues = []
    for plan in plans:
        if plan.doc_id not in existing:
            continue
        for path, data in plan.files(root):
            try:
                same = read_regular(path, str(path.relative_to(root))) == data
            except (FileNotFoundError, CorpusError):
                same = False
            if not same:
                issues.append(Issue(code="import-differs", file=str(path.relative_to(root)), path="$",
                                    message="differs from what the import makes of its source article"))  # fmt: skip
    return issues


def import_wikinews(root: Path, sources: Path, candidates: Path, folder: Path, *, check: bool = False) -> list[str]:
    """Import the kept candidates into `root`; the ids added. With `check`, write nothing and refuse
    (import-differs) unless every kept candidate is in the root exactly as the import makes it."""
    plans = plan_import(read_candidates(candidates), read_articles(load_source_list(sources), folder), str(candidates))
    existing = set(list_doc_ids(root))
    issues = _differences(root, plans, existing)
    if check:
        issues += [Issue(code="import-differs", file=metadata_name(p.doc_id), path="$", message="not in the root")
                   for p in plans if p.doc_id not in existing]  # fmt: skip
    if issues:
        raise CorpusError(issues)
    new = [p for p in plans if p.doc_id not in existing]
    if check or not new:
        return []
    taxonomy = load_taxonomy()
    with locked(root), Transaction(root) as txn:
        for plan in new:
            annotation = empty_annotation(plan.doc_id, plan.text)
            doc = RawDocument(doc_id=plan.doc_id, text=plan.text, metadata=plan.metadata, annotation=annotation)
            issues += check_document(root, doc, taxonomy)
            for path, data in plan.files(root):
                txn.add_file(path, data)
            txn.add_file(annotation_path(root, plan.doc_id), dump_json(annotation))
        if issues:
            raise CorpusError(issues)
        txn.commit()
    return [p.doc_id for p in new]
