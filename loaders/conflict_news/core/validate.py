"""The corpus validator: every check, every issue returned, none raised."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from .checks import AnnotationChecker, split_offsets
from .distribution import policy_for_licence
from .errors import CorpusError, Issue, UsageError, line_column
from .fastcheck import Labels, annotation_issues, decoder
from .paths import as_path, check_root
from .pool import check_scheduler, count_workers, map_in_order, paused_gc
from .schemas import iter_schema_errors
from .store import (
    RawDocument,
    annotation_name,
    list_doc_ids,
    metadata_name,
    parse_json,
    read_document,
    read_regular,
    relative,
    text_name,
)
from .taxonomy import Taxonomy, load_taxonomy
from .textnorm import CONTROL, hash_text, is_normalized
from .txn import TXN, pending


def check_document(root: Path, raw: RawDocument, taxonomy: Taxonomy) -> list[Issue]:
    """All issues of one document (text, metadata, annotations); raw.issues holds those found while reading.

    The reference path: every issue's code, message and place is decided here.
    """
    issues, text_hash = _check_text_and_metadata(raw)
    issues.extend(_check_annotation(root, raw, taxonomy, text_hash))
    return issues


def check_stored_document(root: Path, doc_id: str, taxonomy: Taxonomy, labels: Labels) -> list[Issue]:
    """check_document(root, read_document(root, doc_id), taxonomy), by the fast path where it can vouch for
    the annotation file (core/fastcheck.py; `labels` is Labels.of(taxonomy)), else by that very call."""
    return read_checked_document(root, doc_id, taxonomy, labels, parsed=False)[1]


def read_checked_document(
    root: Path, doc_id: str, taxonomy: Taxonomy, labels: Labels, *, parsed: bool = True
) -> tuple[RawDocument, list[Issue]]:
    """read_document(root, doc_id) and its check_stored_document issues. With `parsed` False, an annotation
    file the fast path vouched for is left out of the document (raw.annotation None) instead of parsed."""
    return check_read_document(
        root, read_document(root, doc_id, parse_annotation=False), taxonomy, labels, parsed=parsed
    )


def check_read_document(
    root: Path, raw: RawDocument, taxonomy: Taxonomy, labels: Labels, *, parsed: bool = True
) -> tuple[RawDocument, list[Issue]]:
    """read_checked_document for a document already read by read_document(..., parse_annotation=False)."""
    blob, raw.annotation = raw.annotation, None
    doc_id = raw.doc_id
    if blob is not None and raw.text is not None:
        issues, text_hash = _check_text_and_metadata(raw)
        found = annotation_issues(blob, doc_id, raw.text, text_hash or "", labels, annotation_name(doc_id))
        if found is not None:
            if parsed:  # the fast path's decoder took it, and orjson takes all that msgspec does
                raw.annotation = orjson.loads(blob)
            return raw, issues + found
    if blob is not None:  # parsed as read_document would have, its issue last as there
        raw.annotation = parse_json(blob, annotation_name(doc_id), raw.issues)
    return raw, check_document(root, raw, taxonomy)


def check_built_document(root: Path, raw: RawDocument, taxonomy: Taxonomy, labels: Labels) -> list[Issue]:
    """check_document(root, raw, taxonomy) for a document whose annotation was built in memory (an import's
    candidate), by the fast path where it can vouch for the annotation as it would be written."""
    if raw.annotation is not None and raw.text is not None and raw.annotation_file is None:
        try:
            blob = orjson.dumps(raw.annotation)
        except orjson.JSONEncodeError:  # an integer beyond 64 bits (a figure's 2e19): the reference explains it
            return check_document(root, raw, taxonomy)
        issues, text_hash = _check_text_and_metadata(raw)
        found = annotation_issues(blob, raw.doc_id, raw.text, text_hash or "", labels, annotation_name(raw.doc_id))
        if found is not None:
            return issues + found
    return check_document(root, raw, taxonomy)


def _check_text_and_metadata(raw: RawDocument) -> tuple[list[Issue], str | None]:
    """The issues found while reading, then the text's and the metadata's; and the text's hash."""
    issues = list(raw.issues)
    doc_id, text = raw.doc_id, raw.text
    meta_file = metadata_name(doc_id)
    if text is not None and not is_normalized(text):
        issues.append(
            Issue(code="text-not-normalized", file=text_name(doc_id), path="$",
                  message="the stored text is not NFC or has leading/trailing whitespace (rule cnc-norm-1)")
        )  # fmt: skip
    control = CONTROL.search(text) if text is not None else None
    if control is not None:
        line, column = line_column(text or "", control.start())
        issues.append(
            Issue(code="input-binary", file=text_name(doc_id), line=line, column=column,
                  message=f"character {control.start()} is the control character {control.group()!r}: "
                          "binary, not text (add and rehydrate refuse it too)")
        )  # fmt: skip
    text_hash = hash_text(text) if text is not None else None
    meta_ok = raw.metadata is not None and _schema_ok("document", raw.metadata, meta_file, issues)
    if meta_ok:
        if raw.metadata["id"] != doc_id:
            issues.append(
                Issue(
                    code="id-mismatch",
                    file=meta_file,
                    path="$.id",
                    message=f"id {raw.metadata['id']!r} in a file named {doc_id!r}",
                )
            )
        if type(raw.metadata["text_length"]) is not int:
            issues.append(
                Issue(code="offset-not-integer", file=meta_file, path="$.text_length",
                      message=f"text_length {raw.metadata['text_length']!r} is not written as an integer")
            )  # fmt: skip
        elif text is not None and (raw.metadata["text_sha256"], raw.metadata["text_length"]) != (text_hash, len(text)):
            issues.append(
                Issue(code="text-hash-mismatch", file=meta_file, path="$.text_sha256",
                      message=f"recorded {raw.metadata['text_sha256'][:12]}…/{raw.metadata['text_length']} code points, "
                              f"stored text is {text_hash[:12] if text_hash else ''}…/{len(text)}")
            )  # fmt: skip
        issues.extend(_check_distribution(raw.metadata, meta_file))
    return issues, text_hash


def _check_annotation(root: Path, raw: RawDocument, taxonomy: Taxonomy, text_hash: str | None) -> list[Issue]:
    issues: list[Issue] = []
    doc_id, text = raw.doc_id, raw.text
    ann_file = relative(root, raw.annotation_file) if raw.annotation_file else annotation_name(doc_id)
    ann = raw.annotation
    if ann is None or not _schema_ok("annotation", ann, ann_file, issues):
        return issues
    if ann["doc_id"] != doc_id:
        issues.append(
            Issue(
                code="id-mismatch",
                file=ann_file,
                path="$.doc_id",
                message=f"doc_id {ann['doc_id']!r} in a file named {doc_id!r}",
            )
        )
    if text is None:
        return issues
    if ann["text_sha256"] != text_hash:
        issues.append(
            Issue(code="annotation-stale", file=ann_file, path="$.text_sha256",
                  message="annotations were made against another version of the text; offsets not checked")
        )  # fmt: skip
        return issues
    issues.extend(AnnotationChecker(ann, text, taxonomy, ann_file).run())
    return issues


def _check_distribution(meta: dict[str, Any], file: str) -> list[Issue]:
    dist, licence = meta["distribution"], meta["license"]["text"]
    if dist["decided_by"] == "licence" and dist["policy"] != policy_for_licence(licence):
        return [
            Issue(code="distribution-mismatch", file=file, path="$.distribution.policy",
                  message=f"policy {dist['policy']!r} is not what licence {licence!r} gives "
                          f"({policy_for_licence(licence)!r}); a maintainer's choice must say decided_by 'maintainer'")
        ]  # fmt: skip
    return []


def _schema_ok(schema: str, instance: object, file: str, issues: list[Issue]) -> bool:
    found = [
        Issue(code="schema-violation", file=file, path=path, message=message)
        for path, message in iter_schema_errors(schema, instance)
    ]
    issues.extend(found)
    return not found


def _targets(paths: Iterable[Path]) -> dict[Path, set[str] | None]:
    """Group the paths by corpus root: a folder is a whole root, a file names one document of its root.

    A path that does not exist is refused (input-missing), as is a folder that is no root or a file
    outside one (not-a-root), before anything is checked.
    """
    targets: dict[Path, set[str] | None] = {}
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or folder", "input-missing")
        try:
            regular = stat.S_ISREG(os.stat(path).st_mode)
        except OSError:
            regular = False  # a dangling link or a loop: check_root says why it is no root
        if not regular:
            targets[check_root(path)] = None
            continue
        try:
            root = path.resolve().parent.parent
        except (OSError, RuntimeError) as exc:  # RuntimeError: a link loop, before Python 3.13
            raise UsageError(f"{path} cannot be resolved: {exc}", "not-a-root") from None
        try:
            check_root(root)
        except UsageError:
            raise UsageError(f"{path} is not a file of a corpus root (ROOT/corpus/ or ROOT/annotations/)",
                             "not-a-root") from None  # fmt: skip
        chosen = targets.setdefault(root, set())
        if chosen is not None:
            chosen.add(path.stem)
    return targets


def _paths(paths: object) -> list[Path]:
    """The paths argument of iter_errors and validate as a list of Paths (default: the shipped corpus)."""
    from .paths import locate_root

    if paths is None:
        return [locate_root()]
    if isinstance(paths, str | os.PathLike):  # one path, not the characters of one
        return [as_path(paths, "paths")]
    if not isinstance(paths, Iterable) or isinstance(paths, bytes):
        raise UsageError(f"paths must be a path or an iterable of paths, not {type(paths).__name__}")
    chosen = [as_path(p, "a path of paths") for p in paths]
    if not chosen:
        raise UsageError("paths is empty; give None for the shipped corpus")
    return chosen


POOL_THRESHOLD = 2000  # below this many documents a process pool costs more than it saves
_BATCH = 200


def _check_batch(root: Path, taxonomy: Taxonomy, doc_ids: list[str]) -> list[Issue]:
    labels = Labels.of(taxonomy)
    with paused_gc():
        return [issue for doc_id in doc_ids for issue in check_stored_document(root, doc_id, taxonomy, labels)]


def _prepare() -> None:
    """Build what checking any document builds once per process (the decoder, the character tables, the
    compiled schemas) here, before the pool forks its workers: they inherit it instead of each building it."""
    decoder()
    is_normalized("e\u0301 ")
    split_offsets("e\u0301")
    for name in ("document", "annotation"):
        any(iter_schema_errors(name, {}))


def iter_errors(
    paths: Path | str | Iterable[Path | str] | None = None,
    taxonomy: Taxonomy | None = None,
    workers: int | None = None,
    progress: Callable[[int], object] | None = None,
    scheduler: str | None = None,
) -> Iterator[Issue]:
    """Every issue in the given corpus roots or files (one, or several; default: the shipped corpus), in document order.

    `workers` processes check the documents (default: all cores once a root has POOL_THRESHOLD documents),
    or the workers of the Dask cluster at `scheduler` (core.pool), which must see the roots at the same
    paths; `progress(n)` is told each time n more documents have been checked (a progress bar's `update`).
    """
    if taxonomy is not None and not isinstance(taxonomy, Taxonomy):
        raise UsageError(f"taxonomy must be a Taxonomy (load_taxonomy()) or None, not {type(taxonomy).__name__}")
    if progress is not None and not callable(progress):
        raise UsageError(f"progress must be a callable taking a count, or None, not {type(progress).__name__}")
    check_scheduler(scheduler)
    count_workers(workers, 0, POOL_THRESHOLD)  # its check of `workers`, before anything is read
    targets = _targets(_paths(paths))
    taxonomy = taxonomy or load_taxonomy()
    for root, selected in targets.items():
        if pending(root):
            yield Issue(code="write-interrupted", file=TXN, path="$",
                        message="a write into this root was killed half-way; run `conflict-news recover` (or any writing command)")  # fmt: skip
        doc_ids = sorted(selected) if selected is not None else list_doc_ids(root)
        batches = [doc_ids[i : i + _BATCH] for i in range(0, len(doc_ids), _BATCH)]
        # More processes than batches would only be started to wait.
        count = min(count_workers(workers, len(doc_ids), POOL_THRESHOLD), max(1, len(batches)))
        if count > 1 and scheduler is None:
            _prepare()
        work = partial(_check_batch, root.absolute(), taxonomy)
        for batch, issues in zip(batches, map_in_order(work, batches, count, scheduler), strict=True):
            yield from issues
            if progress is not None:
                progress(len(batch))


def validate(paths: Path | str | Iterable[Path | str] | None = None, workers: int | None = None) -> None:
    """Raise CorpusError carrying every issue, if there is any; UsageError for arguments that cannot be taken
    (a path that does not exist, input-missing; a folder that is no corpus root, not-a-root; workers out of range)."""
    issues = list(iter_errors(paths, workers=workers))
    if issues:
        raise CorpusError(issues)


def check_files(text_file: Path, annotation_file: Path) -> list[Issue]:
    """Every issue of one annotation file against one text file, outside any corpus root.

    What an annotator working on a single document, or an extractor's author, checks before handing a
    file in: the schema, the taxonomy and every span and link against the text, without metadata or
    other documents. Issues name the annotation file as given (and the text as corpus/<doc_id>.txt).
    """
    issues: list[Issue] = []
    blobs = {}
    for path in (text_file, annotation_file):
        try:
            blobs[path] = read_regular(path, str(path), follow=True)
        except FileNotFoundError:
            issues.append(Issue(code="input-missing", file=str(path), path="$", message="no such file"))
        except CorpusError as exc:
            issues.extend(exc.issues)
    if issues:
        return issues
    try:
        text = blobs[text_file].decode("utf-8")
    except UnicodeDecodeError as exc:
        return [
            Issue(code="text-decode-error", file=str(text_file), path="$", message=f"not UTF-8 at byte {exc.start}")
        ]
    annotation = parse_json(blobs[annotation_file], str(annotation_file), issues)
    if annotation is None:
        return issues
    doc_id = annotation.get("doc_id") if isinstance(annotation, dict) else None
    raw = RawDocument(doc_id=doc_id if isinstance(doc_id, str) else annotation_file.stem, text=text,
                      annotation=annotation, annotation_file=annotation_file)  # fmt: skip
    return check_document(annotation_file.parent, raw, load_taxonomy())
