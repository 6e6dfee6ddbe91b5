"""The source files an import reads: which repository, commit and path each is, and its SHA-256.

sources/wikinews/sources.json lists them. The files themselves are not in this repository: they are
fetched into a folder laid out as <folder>/<owner>/<repository>/<path> (sources/wikinews/README.md
says how), and a file whose SHA-256 differs from the list is refused, so an import always reads
exactly the bytes the documents were made from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ...core.errors import CorpusError, Issue
from ...core.store import read_regular
from .record import SourceArticle

# The largest source file is an 2.5 MB JSONL file; a source file over this is no source of ours.
MAX_SOURCE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFile:
    name: str  # the reader: sbd, vat or amalgum
    repository: str
    commit: str
    path: str
    sha256: str

    @property
    def where(self) -> str:
        return f"{self.repository}/{self.path}"


class SourceProblem(Exception):
    """A source file that does not read as its reader expects (raised by the readers, reported as an Issue)."""

    def __init__(self, source: SourceFile, line: int | None, message: str) -> None:
        super().__init__(message)
        self.source, self.line, self.message = source, line, message


def _readers() -> dict[str, Callable[[SourceFile, bytes], Iterator[SourceArticle]]]:
    from . import amalgum, sbd, vat

    return {"sbd": sbd.read, "vat": vat.read, "amalgum": amalgum.read}


def load_source_list(path: Path) -> list[SourceFile]:
    """The source files listed at `path` (sources.json); CorpusError (selection-invalid) when it is malformed."""
    name = str(path)
    try:
        records: Any = orjson.loads(read_regular(path, name, follow=True))
    except FileNotFoundError:
        raise CorpusError([Issue(code="source-missing", file=name, path="$", message="no such file")]) from None
    except orjson.JSONDecodeError as exc:
        raise CorpusError([Issue(code="selection-invalid", file=name, path="$", message=str(exc))]) from None
    if not isinstance(records, list):
        raise CorpusError([Issue(code="selection-invalid", file=name, path="$", message="not a list of source files")])
    files, issues = [], []
    readers = _readers()
    for i, record in enumerate(records):
        try:
            source = SourceFile(**record)
            if source.name not in readers or not all(isinstance(v, str) for v in record.values()):
                raise TypeError(f"reader {source.name!r} is not one of {', '.join(readers)}, or a field is not text")
        except TypeError as exc:
            issues.append(Issue(code="selection-invalid", file=name, path=f"$[{i}]", message=str(exc)))
            continue
        files.append(source)
    if issues:
        raise CorpusError(issues)
    return files


def read_articles(sources: list[SourceFile], folder: Path) -> dict[str, SourceArticle]:
    """Every article of every source file under `folder`, by key; CorpusError naming each missing or changed file."""
    articles: dict[str, SourceArticle] = {}
    issues: list[Issue] = []
    readers = _readers()
    for source in sources:
        path = folder / source.repository / source.path
        try:
            data = read_regular(path, source.where, MAX_SOURCE_BYTES, follow=True)
        except FileNotFoundError:
            issues.append(Issue(code="source-missing", file=str(path), path="$",
                                message=f"{source.where} at commit {source.commit} is not in {folder}"))  # fmt: skip
            continue
        except CorpusError as exc:
            issues.extend(exc.issues)
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != source.sha256:
            issues.append(Issue(code="source-mismatch", file=str(path), path="$",
                                message=f"SHA-256 {digest[:12]}…, but the source list records {source.sha256[:12]}…"))  # fmt: skip
            continue
        try:
            for article in readers[source.name](source, data):
                if article.key in articles:
                    raise SourceProblem(
                        source, article.line, f"article {article.key} is also in {articles[article.key].path}"
                    )
                articles[article.key] = article
        except SourceProblem as exc:
            issues.append(Issue(code="source-mismatch", file=str(path), path="$", line=exc.line, message=exc.message))
    if issues:
        raise CorpusError(issues)
    return articles
