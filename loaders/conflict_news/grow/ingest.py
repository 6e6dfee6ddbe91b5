"""Adding articles to a corpus: text or HTML in, normalised text, metadata and an empty annotation out.

Everything of a batch is checked first (input, metadata schema, ids, duplicates by text hash, the
validator on the new documents); the files are staged and committed together (core.txn), under
the root's write lock, so a failing or killed batch adds nothing. Facts that the input does not state stay null.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from ..core.articles import FIELDS, Article, decode_article, read_inputs
from ..core.clock import today
from ..core.distribution import decide_distribution
from ..core.errors import CorpusError, Issue, Related, UsageError
from ..core.guidelines import guidelines_version
from ..core.limits import MAX_ID_LENGTH
from ..core.paths import check_root
from ..core.schemas import is_doc_id
from ..core.splits import assign_split
from ..core.store import (
    RawDocument,
    annotation_path,
    dump_json,
    list_doc_ids,
    metadata_name,
    metadata_path,
    read_regular,
    text_path,
)
from ..core.taxonomy import load_taxonomy
from ..core.textnorm import RULE, hash_text
from ..core.txn import Transaction, locked, writing
from ..core.validate import check_document

ID_PREFIX = "cnc-"


def metadata_template(added: str) -> dict[str, Any]:
    """The record of a document nobody has said anything about, added on `added`: every unknown fact null."""
    return {
        "schema_version": "1.0",
        "id": None,
        "language": "en",  # the corpus is English (README, dataset card); --language for anything else
        "title": None,
        "source": {"publisher": None, "url": None, "original_filename": None, "original_sha256": None},
        "published": {"date": None, "precision": "unknown", "inferred": False, "evidence": None},
        "retrieved": None,
        "added": added,
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


def _is_utf8(value: str) -> bool:
    """False for a str with lone surrogates, which is how bytes that are not UTF-8 arrive in sys.argv."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def build_metadata(article: Article, doc_id: str, text: str, added: str) -> dict[str, Any]:
    """The metadata record of a new document; ValueError(message, JSONPath) for a stated value that cannot be one."""
    record = metadata_template(added)
    for name, value in article.stated.items():
        pointer, convert = FIELDS[name]
        try:
            if not value.isascii() and not _is_utf8(value):
                raise ValueError(f"{value!r} is not text: a command-line argument holding bytes that are not UTF-8")
            _set(record, pointer, convert(value))
        except ValueError as exc:
            raise ValueError(str(exc), "$" + pointer.replace("/", ".")) from None
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
        "provenance": {"kind": "pending", "annotators": [], "guidelines": guidelines_version()},
        "entities": [],
        "events": [],
        "quotes": [],
        "figures": [],
    }


def _known_hashes(root: Path) -> dict[str, str]:
    """text_sha256 -> id of every document already in the corpus."""
    hashes = {}
    for doc_id in list_doc_ids(root):
        try:
            record = orjson.loads(read_regular(metadata_path(root, doc_id), metadata_name(doc_id)))
        except (FileNotFoundError, CorpusError, orjson.JSONDecodeError):
            continue  # the validator reports it; it cannot hide a duplicate of a readable record
        if isinstance(record, dict) and isinstance(record.get("text_sha256"), str):
            hashes[record["text_sha256"]] = doc_id
    return hashes


def _first_seen(doc_id: str, batch: dict[str, Article], note: str, path: str) -> Related:
    """Where document `doc_id` is: an article of this batch, or the corpus's metadata record."""
    earlier = batch.get(doc_id)
    if earlier is None:
        return Related(note=note, file=metadata_name(doc_id), path=path)
    return Related(note=note, file=earlier.origin, **earlier.where())


def _id_numbers(ids: Iterable[str]) -> Iterator[int]:
    for doc_id in ids:
        m = re.fullmatch(rf"{ID_PREFIX}(\d+)", doc_id)
        if m:
            yield int(m.group(1))


class _Ids:
    """Ids for a batch: the ones articles state are reserved first, so that a generated id never takes one."""

    def __init__(self, taken: set[str], stated: Iterable[str | None]) -> None:
        self.taken = taken
        self.reserved = {doc_id for doc_id in stated if doc_id is not None}
        self.next_number = max(_id_numbers(taken | self.reserved), default=0) + 1

    def generate(self) -> str:
        while (doc_id := f"{ID_PREFIX}{self.next_number:06d}") in self.taken or doc_id in self.reserved:
            self.next_number += 1
        return doc_id


def plan_additions(
    root: Path, articles: list[Article], txn: Transaction | None = None
) -> tuple[list[str], list[Issue]]:
    """The new ids of `articles` added to `root` and every issue refusing them.

    While no issue is found, each new document's three files are staged in `txn` as it is planned,
    so that memory stays flat however large the batch.
    """
    ids = _Ids(set(list_doc_ids(root)), (a.doc_id for a in articles))
    hashes = _known_hashes(root)
    batch: dict[str, Article] = {}  # the articles planned so far, by id: where a later duplicate points
    new_ids: list[str] = []
    issues: list[Issue] = []
    taxonomy = load_taxonomy()
    added = today()
    for article in articles:
        text, problem = decode_article(article)
        if problem is not None or text is None:
            issues.extend([problem] if problem else [])
            continue
        digest = hash_text(text)
        if digest in hashes:
            issues.append(
                Issue(code="duplicate-document", file=article.origin, **article.where("$"),
                      message=f"the same text as document {hashes[digest]!r} (text_sha256 {digest[:12]}…)",
                      related=(_first_seen(hashes[digest], batch, "the same text as", "$.text_sha256"),))
            )  # fmt: skip
            continue
        doc_id = article.doc_id
        if doc_id is None:
            doc_id = ids.generate()
        elif len(doc_id) > MAX_ID_LENGTH:
            issues.append(Issue(code="limit-exceeded", file=article.origin, **article.where("$.id"),
                                message=f"an id of {len(doc_id)} characters, over the limit of {MAX_ID_LENGTH}"))  # fmt: skip
            continue
        elif not is_doc_id(doc_id):  # '' included: an id given is used as given, never replaced by the next free one
            issues.append(Issue(code="schema-violation", file=article.origin, **article.where("$.id"),
                                message=f"id {doc_id!r} is not a document id: lower-case letters and digits, "
                                        "a hyphen, then letters or digits (cnc-000001)"))  # fmt: skip
            continue
        elif doc_id in ids.taken:
            issues.append(
                Issue(
                    code="id-taken",
                    file=article.origin,
                    **article.where("$.id"),
                    message=f"id {doc_id!r} is already in use",
                    related=(_first_seen(doc_id, batch, "taken by", "$.id"),),
                )
            )
            continue
        ids.taken.add(doc_id)
        hashes[digest] = doc_id
        batch[doc_id] = article
        try:
            meta = build_metadata(article, doc_id, text, added)
        except ValueError as exc:
            issues.append(
                Issue(
                    code="schema-violation",
                    file=article.origin,
                    **article.where(exc.args[1]),
                    message=exc.args[0],
                )
            )
            continue
        ann = empty_annotation(doc_id, text)
        found = check_document(root, RawDocument(doc_id=doc_id, text=text, metadata=meta, annotation=ann), taxonomy)
        issues.extend(found)
        if found:
            continue
        new_ids.append(doc_id)
        if txn is not None and not issues:
            txn.add_file(text_path(root, doc_id), text.encode("utf-8"))
            txn.add_file(metadata_path(root, doc_id), dump_json(meta))
            txn.add_file(annotation_path(root, doc_id), dump_json(ann))
    return new_ids, issues


def add_documents(
    root: Path,
    source: Path,
    stated: dict[str, str] | None = None,
    doc_id: str | None = None,
    announce: Callable[[list[str]], object] | None = None,
) -> list[str]:
    """Add the article(s) at `source` to the corpus at `root`; the new ids. Raises CorpusError, adding nothing.

    `stated` metadata and `doc_id` apply to a single article only (a JSONL record carries its own).
    The input is read and checked before the root's write lock is taken; ids are chosen under it.
    `announce(new_ids)` is called before the commit point: the CLI prints the ids there, so that an
    output that cannot be written (a full disk, a closed pipe) refuses the batch instead of losing its ids.
    """
    root = check_root(root)
    articles, issues = read_inputs(source)
    if issues:
        raise CorpusError(issues)
    if (stated or doc_id is not None) and len(articles) > 1:
        raise UsageError("--id and metadata options apply to one article; give them per record in a JSONL file")
    if not articles:
        raise CorpusError([Issue(code="input-empty", file=str(source), path="$", message="no article found there")])
    articles = [
        dataclasses.replace(a, doc_id=a.doc_id if doc_id is None else doc_id, stated={**a.stated, **(stated or {})})
        for a in articles
    ]
    with locked(root), Transaction(root) as txn:
        new_ids, issues = plan_additions(root, articles, txn)
        if issues:
            raise CorpusError(issues)
        if announce is not None:
            with writing("standard output"):
                announce(new_ids)
        txn.commit()
    return new_ids
