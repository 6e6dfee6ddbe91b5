"""Reading a corpus root from disk: which documents exist, and their raw text, metadata and annotations.

Layout: <root>/corpus/<id>.txt (text), <root>/corpus/<id>.json (metadata),
<root>/annotations/<id>.json (standoff annotations). Reading never raises for bad input: problems
come back as Issues so that callers can report all of them.

Only regular files are read, never through a symbolic link (file-symlink) and never past
limits.MAX_FILE_BYTES (limit-exceeded): a FIFO or device would block a reader for ever, and a link
could lead out of the root. A path the user names on the command line may itself be a link.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from .errors import CorpusError, Issue, line_column
from .limits import MAX_FILE_BYTES
from .txn import file_mode, sync_folder, writing


@dataclass(slots=True)
class RawDocument:
    doc_id: str
    text: str | None = None
    metadata: Any = None
    annotation: Any = None
    issues: list[Issue] = field(default_factory=list)
    # Set when the annotation was read from outside the root (a prediction file scored against it).
    annotation_file: Path | None = None


def text_name(doc_id: str) -> str:
    """Where a document's text lives, relative to its corpus root (as issues name it)."""
    return f"corpus/{doc_id}.txt"


def metadata_name(doc_id: str) -> str:
    return f"corpus/{doc_id}.json"


def annotation_name(doc_id: str) -> str:
    return f"annotations/{doc_id}.json"


def text_path(root: Path, doc_id: str) -> Path:
    return root / text_name(doc_id)


def metadata_path(root: Path, doc_id: str) -> Path:
    return root / metadata_name(doc_id)


def annotation_path(root: Path, doc_id: str) -> Path:
    return root / annotation_name(doc_id)


def list_doc_ids(root: Path) -> list[str]:
    """Every id that any file under corpus/ or annotations/ claims, so that orphans get reported too.

    One pass of os.scandir per folder into one set, not Path objects from glob: at 100 000 documents a
    third of the time and a fraction of the memory. Raises CorpusError (file-symlink) when either
    folder is a symbolic link: nothing inside a root is read through one.
    """
    ids: set[str] = set()
    for folder, suffixes in (("corpus", (".txt", ".json")), ("annotations", (".json",))):
        if os.path.islink(root / folder):
            raise CorpusError([_symlink_issue(folder)])
        try:
            entries = os.scandir(root / folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:  # no permission to list it: an issue, never a corpus without documents
            raise CorpusError(
                [Issue(code="file-unreadable", file=folder, path="$", message=f"cannot be listed: {exc.strerror}")]
            ) from None
        with entries:
            for entry in entries:
                name = entry.name
                # Like glob("*.txt"): hidden files (write_atomic's temporaries among them) are not documents.
                if name.endswith(suffixes) and not name.startswith("."):
                    ids.add(name.rsplit(".", 1)[0])
    return sorted(ids)


def _symlink_issue(file: str) -> Issue:
    return Issue(code="file-symlink", file=file, path="$", message="is a symbolic link; links are not followed")


def open_regular(path: Path, file: str, *, follow: bool = False) -> BinaryIO:
    """The regular file at `path` opened for reading (`file` names it in issues).

    Raises FileNotFoundError when there is nothing there, and CorpusError with one issue for a
    symbolic link (unless `follow`: a path given on the command line), anything but a regular file
    (opening a FIFO this way does not block), or an error opening it.
    """
    fd, _ = _open_fd(path, file, follow)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _open_fd(path: Path | str, file: str, follow: bool) -> tuple[int, int]:
    """open_regular's descriptor, not blocking (which changes nothing for a regular file), and the file's size."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise CorpusError([_symlink_issue(file)]) from None
        raise CorpusError([Issue(code="file-unreadable", file=file, path="$", message=str(exc))]) from None
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise CorpusError(
            [Issue(code="file-not-regular", file=file, path="$",
                   message="is a folder, FIFO, device or socket, not a regular file")]
        )  # fmt: skip
    return fd, status.st_size


def read_regular(path: Path | str, file: str, limit: int = MAX_FILE_BYTES, *, follow: bool = False) -> bytes:
    """The bytes of the regular file at `path` (see open_regular); CorpusError (limit-exceeded) past `limit` bytes.

    os.read on the descriptor, for the size fstat gave plus one byte that shows the file grew since (and
    then on to the limit): a buffered file object costs more than a 4 KB file's reading, and read(n)
    allocates its n bytes up front, which for limit + 1 (64 MiB) cost more than the reading itself.
    """
    fd, size = _open_fd(path, file, follow)
    chunks: list[bytes] = []
    try:
        want, got = min(size, limit) + 1, 0
        while got <= limit and (chunk := os.read(fd, want)):
            chunks.append(chunk)
            got += len(chunk)
            # The read that finds the end asks for one byte, as os.read allocates what it asks for; a file
            # that grew since fstat (or a short read) is read on in bounded chunks.
            want = 1 if got == size else min(limit + 1 - got, 1 << 16)
    except OSError as exc:
        raise CorpusError([Issue(code="file-unreadable", file=file, path="$", message=str(exc))]) from None
    finally:
        os.close(fd)
    if got > limit:
        raise CorpusError(
            [Issue(code="limit-exceeded", file=file, path="$", message=f"over the limit of {limit} bytes for one file")]
        )
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


_MISSING = object()


def _read_bytes(path: Path | str, file: str, issues: list[Issue]) -> Any:
    """The file's bytes; _MISSING when it does not exist; None, with an issue, when it cannot be read."""
    try:
        return read_regular(path, file)
    except FileNotFoundError:
        return _MISSING
    except CorpusError as exc:
        issues.extend(exc.issues)
        return None


def parse_json(raw: bytes | None, file: str, issues: list[Issue]) -> Any:
    """The parsed record; None, with an issue, when it does not parse or is `null` (which would read as absent)."""
    if raw is None:
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        issues.append(Issue(code="json-invalid", file=file, line=exc.lineno, column=exc.colno, message=exc.msg))
        return None
    if value is None:
        issues.append(Issue(code="schema-violation", file=file, path="$", message="null is not of type 'object'"))
    return value


def read_document(
    root: Path, doc_id: str, annotation_file: Path | None = None, *, parse_annotation: bool = True
) -> RawDocument:
    """Text and metadata of `doc_id` in `root`, with its annotation from `annotation_file` if given.

    With parse_annotation=False, `annotation` holds the annotation file's bytes (None if it could not be
    read): the validator's fast path decodes them its own way, and parses them with parse_json, whose
    issue comes last as it would here, when it steps aside.
    """
    # Reading each file once and treating FileNotFoundError as absence saves a stat per file on the bulk path.
    doc = RawDocument(doc_id=doc_id, annotation_file=annotation_file)
    ann_name = relative(root, annotation_file) if annotation_file is not None else annotation_name(doc_id)
    where = {"text": text_name(doc_id), "meta": metadata_name(doc_id), "ann": ann_name}
    if not doc_id or "/" in doc_id or "\0" in doc_id or doc_id.startswith("."):  # a path, not a file name
        doc.issues.append(Issue(code="document-missing", file=where["ann"], path="$.doc_id",
                                message=f"{doc_id!r} is no document id: it is not a file name in corpus/"))  # fmt: skip
        return doc
    # Joined as strings: three Path objects a document cost more than opening its files.
    base = os.fspath(root)
    places: dict[str, Path | str] = {key: f"{base}/{name}" for key, name in where.items()}
    if annotation_file is not None:
        places["ann"] = annotation_file
    read_issues: dict[str, list[Issue]] = {"text": [], "meta": [], "ann": []}
    blobs = {key: _read_bytes(places[key], where[key], read_issues[key]) for key in ("text", "meta")}
    exists = {key: blob is not _MISSING for key, blob in blobs.items()}
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
    blobs["ann"] = _read_bytes(places["ann"], where["ann"], read_issues["ann"])
    exists["ann"] = blobs["ann"] is not _MISSING
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
    doc.issues.extend(read_issues["text"])
    if exists["text"] and blobs["text"] is not None:
        try:
            doc.text = blobs["text"].decode("utf-8")
        except UnicodeDecodeError as exc:
            line, column = line_column(blobs["text"], exc.start)
            doc.issues.append(
                Issue(code="text-decode-error", file=where["text"], line=line, column=column,
                      message=f"byte {exc.start}: {exc.reason}")
            )  # fmt: skip
    doc.issues.extend(read_issues["meta"])
    if exists["meta"]:
        doc.metadata = parse_json(blobs["meta"], where["meta"], doc.issues)
    doc.issues.extend(read_issues["ann"])
    if exists["ann"]:
        doc.annotation = parse_json(blobs["ann"], where["ann"], doc.issues) if parse_annotation else blobs["ann"]
    return doc


def iter_raw_documents(root: Path, doc_ids: Iterable[str] | None = None) -> Iterable[RawDocument]:
    for doc_id in list_doc_ids(root) if doc_ids is None else doc_ids:
        yield read_document(root, doc_id)


def dump_json(value: Any) -> bytes:
    """The canonical on-disk form of a JSON record: UTF-8, two-space indent, final newline."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


def write_atomic(path: Path, data: bytes, file: str | None = None) -> None:
    """Write through a temporary file in the same folder and rename it, so no reader sees half a file.

    The temporary file is hidden (.NAME.*.tmp) and gets the mode the file has, or else the one the
    umask gives; txn.recover removes one that a kill left behind. The file and then its folder are
    fsync'ed, so that after a power loss too the file is the old one or the new one. A failing write
    (a full disk, no permission) is CorpusError write-failed about `file` (default: the path), with
    the old file in place.
    """
    with writing(file or str(path), "this file is as it was"):
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = file_mode(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
            sync_folder(path.parent)
        except BaseException:
            if os.path.lexists(tmp):
                os.unlink(tmp)
            raise
