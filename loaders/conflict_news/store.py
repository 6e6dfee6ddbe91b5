"""Reading a corpus root from disk: which documents exist, and their raw text, metadata and annotations.

Layout: <root>/corpus/<id>.txt (text), <root>/corpus/<id>.json (metadata),
<root>/annotations/<id>.json (standoff annotations). Reading never raises for bad input: problems
come back as Issues so that callers can report all of them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .errors import Issue


@dataclass(slots=True)
class RawDocument:
    doc_id: str
    text: str | None = None
    metadata: Any = None
    annotation: Any = None
    issues: list[Issue] = field(default_factory=list)
    # Set when the annotation was read from outside the root (a prediction file scored against it).
    annotation_file: Path | None = None


def text_path(root: Path, doc_id: str) -> Path:
    return root / "corpus" / f"{doc_id}.txt"


def metadata_path(root: Path, doc_id: str) -> Path:
    return root / "corpus" / f"{doc_id}.json"


def annotation_path(root: Path, doc_id: str) -> Path:
    return root / "annotations" / f"{doc_id}.json"


def list_doc_ids(root: Path) -> list[str]:
    """Every id that any file under corpus/ or annotations/ claims, so that orphans get reported too."""
    ids = {p.stem for p in (root / "corpus").glob("*.txt")}
    ids |= {p.stem for p in (root / "corpus").glob("*.json")}
    ids |= {p.stem for p in (root / "annotations").glob("*.json")}
    return sorted(ids)


def relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _read_bytes(root: Path, path: Path, issues: list[Issue]) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        issues.append(Issue(code="file-unreadable", file=relative(root, path), path="$", message=str(exc)))
        return None


def _read_json(root: Path, path: Path, issues: list[Issue]) -> Any:
    raw = _read_bytes(root, path, issues)
    if raw is None:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        issues.append(
            Issue(code="json-invalid", file=relative(root, path), path=f"{exc.lineno}:{exc.colno}", message=exc.msg)
        )
        return None


def read_document(root: Path, doc_id: str, annotation_file: Path | None = None) -> RawDocument:
    """Text and metadata of `doc_id` in `root`, with its annotation from `annotation_file` if given."""
    doc = RawDocument(doc_id=doc_id, annotation_file=annotation_file)
    ann = annotation_file if annotation_file is not None else annotation_path(root, doc_id)
    paths = {"text": text_path(root, doc_id), "meta": metadata_path(root, doc_id), "ann": ann}
    exists = {key: path.exists() for key, path in paths.items()}
    where = {key: relative(root, path) for key, path in paths.items()}
    if not exists["text"] and not exists["meta"]:
        doc.issues.append(
            Issue(
                code="document-missing",
                file=where["ann"],
                path="$.doc_id",
                message=f"no document {doc_id!r} in corpus/",
            )
        )
        return doc
    if not exists["meta"]:
        doc.issues.append(
            Issue(code="metadata-missing", file=where["text"], path="$", message=f"{where['meta']} is missing")
        )
    if not exists["text"]:
        doc.issues.append(
            Issue(code="text-missing", file=where["meta"], path="$", message=f"{where['text']} is missing")
        )
    if not exists["ann"]:
        doc.issues.append(
            Issue(
                code="annotation-missing",
                file=where["ann"],
                path="$",
                message=f"document {doc_id!r} has no annotation file",
            )
        )
    if exists["text"]:
        raw = _read_bytes(root, paths["text"], doc.issues)
        if raw is not None:
            try:
                doc.text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                doc.issues.append(
                    Issue(code="text-decode-error", file=where["text"], path=f"byte {exc.start}", message=exc.reason)
                )
    if exists["meta"]:
        doc.metadata = _read_json(root, paths["meta"], doc.issues)
    if exists["ann"]:
        doc.annotation = _read_json(root, paths["ann"], doc.issues)
    return doc


def iter_raw_documents(root: Path, doc_ids: Iterable[str] | None = None) -> Iterable[RawDocument]:
    for doc_id in list_doc_ids(root) if doc_ids is None else doc_ids:
        yield read_document(root, doc_id)


def dump_json(value: Any) -> bytes:
    """The canonical on-disk form of a JSON record: UTF-8, two-space indent, final newline."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it, so no reader sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_all_atomic(files: dict[Path, bytes], *, replace: bool = False) -> None:
    """Write files all or none: every temporary file first, then the renames, undone on failure.

    Refuses to replace an existing file unless `replace` (used for release files, never for gold);
    replaced files are restored if a later rename fails.
    """
    existing = [path for path in files if path.exists()]
    if existing and not replace:
        raise FileExistsError(f"refusing to replace {', '.join(map(str, existing))}")
    backups = {path: path.read_bytes() for path in existing}
    staged: list[tuple[str, Path]] = []
    done: list[Path] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        for tmp, path in staged:
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for path in done:
            if path in backups:
                write_atomic(path, backups[path])
            else:
                path.unlink()
        for tmp, path in staged:
            if path not in done:
                os.unlink(tmp)
        raise
