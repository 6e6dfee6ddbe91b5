"""Adding articles to a corpus: text or HTML in, normalised text, metadata and an empty annotation out.

Everything of a batch is checked first (input, metadata schema, ids, duplicates by text hash, the
validator on the new documents); only then are all files written, through store.write_all_atomic,
so a failing batch adds nothing. Facts that the input does not state stay null.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from ..core.articles import FIELDS, Article, decode_article, read_inputs
from ..core.distribution import decide_distribution
from ..core.errors import CorpusError, Issue, UsageError
from ..core.splits import assign_split
from ..core.store import (
    RawDocument,
    annotation_path,
    dump_json,
    list_doc_ids,
    metadata_path,
    text_path,
    write_all_atomic,
)
from ..core.taxonomy import load_taxonomy
from ..core.textnorm import RULE, hash_text
from ..core.validate import check_document

ID_PREFIX = "cnc-"
GUIDELINES = "1.0"


def metadata_template() -> dict[str, Any]:
    """The record of a document nobody has said anything about: every unknown fact null."""
    return {
        "schema_version": "1.0",
        "id": None,
        "language": "en",  # the corpus is English (README, dataset card); --language for anything else
        "title": None,
        "source": {"publisher": None, "url": None, "original_filename": None, "original_sha256": None},
        "published": {"date": None, "precision": "unknown", "inferred": False, "evidence": None},
        "retrieved": None,
        "added": date.today().isoformat(),
        "license": {"text": "unknown", "annotations": "CC-BY-4.0"},
        "distribution": None,  # decided from the licence once the stated metadata is in
        "tags": {"conflicts": [], "topics": []},
        "normalization": RULE,
        "text_sha256": None,
        "text_length": None,
        "split": None,
    }


def _set(record: dict[str, Any], pointer: str, value: Any) -> None:
    *parents, last = pointer.lstrip("/").split("/")
    for key in parents:
        record = record[key]
    record[last] = value


def build_metadata(article: Article, doc_id: str, text: str) -> dict[str, Any]:
    record = metadata_template()
    for name, value in article.stated.items():
        pointer, convert = FIELDS[name]
        _set(record, pointer, convert(value))
    if record["distribution"] is None:
        record["distribution"] = decide_distribution(record["license"]["text"])
    record["id"] = doc_id
    record["split"] = assign_split(doc_id)  # decided now, once; never recomputed
    record["source"]["original_filename"] = article.filename
    record["source"]["original_sha256"] = hashlib.sha256(article.raw).hexdigest()
    record["text_sha256"], record["text_length"] = hash_text(text), len(text)
    return record


def empty_annotation(doc_id: str, text: str) -> dict[str, Any]:
    """An annotation file with no annotations yet, bound to the text by its hash."""
    return {
        "schema_version": "1.0",
        "doc_id": doc_id,
        "text_sha256": hash_text(text),
        "provenance": {"kind": "pending", "annotators": [], "guidelines": GUIDELINES},
        "entities": [],
        "events": [],
        "quotes": [],
        "figures": [],
    }


def _known_hashes(root: Path) -> dict[str, str]:
    """text_sha256 -> id of every document already in the corpus."""
    hashes = {}
    for path in sorted((root / "corpus").glob("*.json")):
        try:
            record = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError:
            continue  # the validator reports it; it cannot hide a duplicate of a readable record
        if isinstance(record, dict) and isinstance(record.get("text_sha256"), str):
            hashes[record["text_sha256"]] = path.stem
    return hashes


def _id_numbers(ids: list[str]) -> Iterator[int]:
    for doc_id in ids:
        m = re.fullmatch(rf"{ID_PREFIX}(\d+)", doc_id)
        if m:
            yield int(m.group(1))


def plan_additions(root: Path, articles: list[Article]) -> tuple[dict[Path, bytes], list[str], list[Issue]]:
    """The files that adding `articles` to `root` writes, the new ids, and every issue refusing it."""
    taken = set(list_doc_ids(root))
    hashes = _known_hashes(root)
    next_number = max(_id_numbers(sorted(taken)), default=0) + 1
    files: dict[Path, bytes] = {}
    new_ids: list[str] = []
    issues: list[Issue] = []
    taxonomy = load_taxonomy()
    for article in articles:
        text, problem = decode_article(article)
        if problem is not None or text is None:
            issues.extend([problem] if problem else [])
            continue
        digest = hash_text(text)
        if digest in hashes:
            issues.append(
                Issue(code="duplicate-document", file=article.origin, path="$",
                      message=f"the same text as document {hashes[digest]!r} (text_sha256 {digest[:12]}…)")
            )  # fmt: skip
            continue
        doc_id = article.doc_id
        if doc_id is None:
            doc_id = f"{ID_PREFIX}{next_number:06d}"
            next_number += 1
        elif doc_id in taken:
            issues.append(
                Issue(code="id-taken", file=article.origin, path="$.id", message=f"id {doc_id!r} is already in use")
            )
            continue
        taken.add(doc_id)
        hashes[digest] = doc_id
        meta, ann = build_metadata(article, doc_id, text), empty_annotation(doc_id, text)
        raw = RawDocument(doc_id=doc_id, text=text, metadata=meta, annotation=ann)
        found = check_document(root, raw, taxonomy)
        issues.extend(found)
        if not found:
            files[text_path(root, doc_id)] = text.encode("utf-8")
            files[metadata_path(root, doc_id)] = dump_json(meta)
            files[annotation_path(root, doc_id)] = dump_json(ann)
            new_ids.append(doc_id)
    return files, new_ids, issues


def add_documents(
    root: Path, source: Path, stated: dict[str, str] | None = None, doc_id: str | None = None
) -> list[str]:
    """Add the article(s) at `source` to the corpus at `root`; the new ids. Raises CorpusError, adding nothing.

    `stated` metadata and `doc_id` apply to a single article only (a JSONL record carries its own).
    """
    if not (root / "corpus").is_dir():
        raise UsageError(f"{root} is not a corpus root (it has no corpus/ folder)")
    articles, issues = read_inputs(source)
    if (stated or doc_id) and len(articles) > 1:
        raise UsageError("--id and metadata options apply to one article; give them per record in a JSONL file")
    if not articles and not issues:
        issues.append(Issue(code="input-empty", file=str(source), path="$", message="no article found there"))
    articles = [
        Article(a.raw, a.origin, a.filename, a.html, doc_id or a.doc_id, {**a.stated, **(stated or {})})
        for a in articles
    ]
    files, new_ids, problems = plan_additions(root, articles)
    issues += problems
    if issues:
        raise CorpusError(issues)
    write_all_atomic(files)
    return new_ids
