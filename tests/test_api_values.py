"""The public functions called with any value: they return, or raise CorpusError or UsageError, nothing else.

Each argument is drawn from values of every type and of the right type but wrong (NaN, 10**100,
-1, '', '~', a path with NUL, a file for a folder, a folder that is no root, a missing path, bytes,
lists and dicts), beside right ones, so that a wrong value is met next to right others. The
shipped corpus (paths None) is left out of the draws only to keep each call cheap; it is what the
rest of the suite reads. The budget is conftest.py's (load_dataset, whose right calls load Parquet,
gets a tenth of it).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import conflict_news
from conflict_news import CorpusError, UsageError
from conftest import BASE, examples

FILE = BASE / "annotations" / "toy-0001.json"
WORDS = ["", " ", "~", ".", "..", "a\x00b", "\udcff", "toy-0001", "../toy-0001", "cnc-000001", "documents", "events",
         "spans_bio", "train", "test[:50%]", "validation+test", "full", "standoff", "Standoff", "stored", "tcp://"]  # fmt: skip
PATHS = [
    str(BASE),
    BASE,
    str(FILE),
    FILE,
    "/nonexistent",
    Path("/nonexistent"),
    "/etc",
    "/dev/null",
    str(BASE / "corpus"),
]
ANY = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([10**100, -(10**100), 2**31, math.nan, math.inf]),
    st.floats(allow_nan=True), st.sampled_from(WORDS), st.text(max_size=6), st.binary(max_size=4),
    st.sampled_from(PATHS), st.lists(st.sampled_from([*PATHS, 0, None, b"x"]), max_size=2),
    st.dictionaries(st.sampled_from(["a", "root"]), st.integers(), max_size=1), st.just(print), st.just(len),
)  # fmt: skip
# A scheduler that is a non-empty string is dialled: only the shapes that are refused before any dialling.
SCHEDULERS = st.one_of(
    st.none(), st.sampled_from(["", " ", "\t"]), st.integers(), st.binary(max_size=2), st.lists(st.none())
)


def _call(func: Callable[..., Any], **kwargs: Any) -> None:
    try:
        result = func(**{k: v for k, v in kwargs.items() if v is not _ABSENT})
        if hasattr(result, "__next__"):
            list(result)
    except (CorpusError, UsageError):
        pass


_ABSENT = object()


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.just(_ABSENT) | values


def _right_or_any(*right: Any) -> st.SearchStrategy[Any]:
    """Half the time a right value, else anything (`a | b` would flatten into ANY's branches, one in fourteen)."""
    return st.booleans().flatmap(lambda right_one: st.sampled_from(right) if right_one else ANY)


ROOTS = _right_or_any(BASE, str(BASE)).filter(lambda value: value is not None)


@given(root=ROOTS, doc_id=_maybe(_right_or_any("toy-0001")))
def test_loading_raises_only_our_errors(root: Any, doc_id: Any) -> None:
    if doc_id is _ABSENT:
        _call(conflict_news.load_corpus, root=root)
        _call(conflict_news.iter_documents, root=root)
    else:
        _call(conflict_news.load_document, root=root, doc_id=doc_id)


@given(paths=_right_or_any(BASE, [BASE], [str(FILE)], FILE).filter(lambda value: value is not None),
       taxonomy=_maybe(_right_or_any(conflict_news.load_taxonomy())), workers=_maybe(_right_or_any(None, 0, 1, 2)),
       progress=_maybe(_right_or_any(None, print)), scheduler=_maybe(SCHEDULERS))  # fmt: skip
def test_validating_raises_only_our_errors(
    paths: Any, taxonomy: Any, workers: Any, progress: Any, scheduler: Any
) -> None:
    _call(conflict_news.iter_errors, paths=paths, taxonomy=taxonomy, workers=workers, progress=progress,
          scheduler=scheduler)  # fmt: skip
    _call(conflict_news.validate, paths=paths, workers=workers)


@settings(max_examples=examples(0.1))
@given(config=_maybe(_right_or_any("documents", "events")), split=_maybe(_right_or_any(None, "train", "test[:1]")),
       streaming=_maybe(_right_or_any(False, True)), flavor=_maybe(_right_or_any("full", "standoff")),
       texts=_maybe(ANY), release=_maybe(ANY))  # fmt: skip
def test_load_dataset_raises_only_our_errors(
    config: Any,
    split: Any,
    streaming: Any,
    flavor: Any,
    texts: Any,
    release: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))  # release='' must never mean the current folder
    try:
        _call(conflict_news.load_dataset, config=config, split=split, streaming=streaming, flavor=flavor, texts=texts,
              release=release, cache_dir=str(tmp_path_factory.mktemp("cache")))  # fmt: skip
    finally:
        os.chdir(cwd)
