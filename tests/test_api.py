"""The public API of `import conflict_news`: a sorted, complete __all__, hand-written docstrings, read-only CODES."""

from __future__ import annotations

import dataclasses
import inspect
import pydoc
import types

import pytest

import conflict_news
from conftest import REPO

# Exported values that are data, not classes or functions: documented in docs/api.md instead.
DATA = {"CODES", "__version__"}


def isort_key(name: str) -> tuple[int, str]:
    """The order of ruff's RUF022 (isort style): CONSTANTS, then Classes, then the rest, each alphabetical."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2), name


def test_all_is_sorted_and_lists_exactly_the_public_names() -> None:
    assert conflict_news.__all__ == sorted(conflict_news.__all__, key=isort_key)
    assert len(set(conflict_news.__all__)) == len(conflict_news.__all__)
    public = {
        name
        for name in dir(conflict_news)
        if not name.startswith("_") and not isinstance(getattr(conflict_news, name), types.ModuleType)
    }
    assert set(conflict_news.__all__) == public | {"__version__"}


def test_a_name_outside_the_api_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="'conflict_news' has no attribute 'load_corpora'"):
        conflict_news.load_corpora  # type: ignore[attr-defined]  # noqa: B018


@pytest.mark.parametrize("name", sorted(set(conflict_news.__all__) - DATA))
def test_every_exported_name_has_a_hand_written_docstring(name: str) -> None:
    value = getattr(conflict_news, name)
    doc = value.__dict__.get("__doc__") if inspect.isclass(value) else value.__doc__
    assert doc, f"{name} has no docstring of its own"
    if dataclasses.is_dataclass(value):  # without one, dataclass makes up `Name(*, field, ...)`
        assert not doc.startswith(f"{name}("), f"{name} shows only its generated signature"
    assert len(doc.split()) >= 6, f"{name}: {doc!r} says too little"


def test_every_exported_name_is_in_the_api_manual() -> None:
    manual = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    assert [name for name in conflict_news.__all__ if f"`{name}" not in manual] == []


def test_codes_are_read_only() -> None:
    assert isinstance(conflict_news.CODES, types.MappingProxyType)
    with pytest.raises(TypeError):
        conflict_news.CODES["my-code"] = "mine"  # type: ignore[index]
    with pytest.raises(TypeError):
        del conflict_news.CODES["json-invalid"]  # type: ignore[attr-defined]
    assert "my-code" not in conflict_news.CODES and "json-invalid" in conflict_news.CODES


def test_help_on_event_says_what_an_event_is() -> None:
    text = pydoc.render_doc(conflict_news.Event, renderer=pydoc.plaintext)
    assert "One textual mention of an event: something that happens" in text
    assert "trigger" in text and "modality" in text


def test_the_errors_a_caller_catches_are_value_errors_and_distinct() -> None:
    """Catching ValueError keeps working; CorpusError (the data) and UsageError (the call) stay apart."""
    assert issubclass(conflict_news.CorpusError, ValueError) and issubclass(conflict_news.UsageError, ValueError)
    assert not issubclass(conflict_news.UsageError, conflict_news.CorpusError)
    assert not issubclass(conflict_news.CorpusError, conflict_news.UsageError)
