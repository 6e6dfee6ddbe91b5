"""Loading a validated corpus into frozen model objects."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from . import model
from .__about__ import __version__
from .errors import CorpusError, Issue
from .paths import locate_root
from .store import list_doc_ids, read_document
from .taxonomy import load_taxonomy
from .validate import check_document

T = TypeVar("T")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _convert(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        return _convert(inner, value)
    if origin is tuple:
        item_type = typing.get_args(tp)[0]
        return tuple(_convert(item_type, item) for item in value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return build(tp, value)
    return value


def build(cls: type[T], data: dict[str, Any]) -> T:
    """Build dataclass `cls` from its on-disk dict; the schema has checked the shape already."""
    hints = _hints(cls)  # type: ignore[arg-type]
    fields = {f.name: _convert(hints[f.name], data[f.name]) for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**fields)


def load_document(root: Path, doc_id: str) -> model.Document:
    raw = read_document(root, doc_id)
    issues = check_document(root, raw, load_taxonomy())
    if issues:
        raise CorpusError(issues)
    assert raw.text is not None  # a document without text has issues
    return model.Document(
        id=doc_id,
        text=raw.text,
        metadata=build(model.Metadata, raw.metadata),
        annotations=build(model.Annotations, raw.annotation),
    )


def iter_documents(root: Path | str | None = None) -> Iterator[model.Document]:
    """Documents of the corpus at `root` one at a time, in id order, each validated as it is read.

    Memory stays flat however large the corpus; raises CorpusError at the first invalid document.
    """
    base = Path(root) if root is not None else locate_root()
    for doc_id in list_doc_ids(base):
        yield load_document(base, doc_id)


def load_corpus(root: Path | str | None = None) -> model.Corpus:
    """Every document of the corpus at `root` (default: the shipped corpus), validated.

    Raises CorpusError listing every issue of every document when anything does not validate.
    """
    base = Path(root) if root is not None else locate_root()
    documents: list[model.Document] = []
    issues: list[Issue] = []
    for doc_id in list_doc_ids(base):
        try:
            documents.append(load_document(base, doc_id))
        except CorpusError as exc:
            issues.extend(exc.issues)
    if issues:
        raise CorpusError(issues)
    return model.Corpus(version=__version__, documents=tuple(documents))
