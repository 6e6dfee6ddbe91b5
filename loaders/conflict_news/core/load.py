"""Loading a validated corpus into frozen model objects."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from ..__about__ import __version__
from . import model
from .errors import CorpusError, Issue, UsageError
from .paths import check_root, locate_root
from .schemas import is_doc_id
from .store import list_doc_ids, read_document
from .taxonomy import load_taxonomy
from .validate import check_document

T = TypeVar("T")


Convert = Callable[[Any], Any]


def _keep(value: Any) -> Any:
    return value


@cache
def _converter(tp: Any) -> Convert:
    """The function that turns on-disk data of type `tp` into model objects, worked out once per type."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        convert_inner = _converter(inner)
        return _keep if convert_inner is _keep else lambda value: None if value is None else convert_inner(value)
    if origin is tuple:
        convert_item = _converter(typing.get_args(tp)[0])
        return tuple if convert_item is _keep else lambda value: tuple(map(convert_item, value))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return functools.partial(build, tp)
    return _keep


@cache
def _fields(cls: type) -> tuple[tuple[str, Convert, bool], ...]:
    """(name, converter, whether a file may leave it out: it has a default in the model) per field."""
    hints = typing.get_type_hints(cls, vars(model))
    return tuple(
        (f.name, _converter(hints[f.name]), f.default is not dataclasses.MISSING) for f in dataclasses.fields(cls)
    )


def build(cls: type[T], data: dict[str, Any]) -> T:
    """Build dataclass `cls` from its on-disk dict; the schema has checked the shape already."""
    fields = _fields(cls)  # type: ignore[arg-type]
    return cls(**{name: convert(data[name]) for name, convert, optional in fields if not optional or name in data})


def load_document(root: Path | str, doc_id: str) -> model.Document:
    """Document `doc_id` of the corpus at `root`, validated; raises CorpusError with every issue it has.

    UsageError for a root that is no corpus root (not-a-root) or an id that cannot be one (`../x`, '').
    """
    root = check_root(root)
    if not is_doc_id(doc_id):
        raise UsageError(f"{doc_id!r} is not a document id (such as cnc-000001)")
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

    Memory stays flat however large the corpus; raises CorpusError at the first invalid document, and
    UsageError for a root that is no corpus root (not-a-root).
    """
    base = check_root(root) if root is not None else locate_root()
    for doc_id in list_doc_ids(base):
        yield load_document(base, doc_id)


def load_corpus(root: Path | str | None = None) -> model.Corpus:
    """Every document of the corpus at `root` (default: the shipped corpus), validated.

    Raises CorpusError listing every issue of every document when anything does not validate, and
    UsageError for a root that is no corpus root (not-a-root: it does not exist, is a file, or has no corpus/).
    """
    base = check_root(root) if root is not None else locate_root()
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
