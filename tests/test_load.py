"""load_corpus gives frozen, typed objects whose spans all point at their text."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conflict_news import CorpusError, Document, Event, Span, load_corpus, load_document
from conflict_news.core.checks import iter_spans
from conflict_news.core.store import read_document
from conftest import REPO, materialize_case

SHIPPED = sorted(path.stem for path in (REPO / "corpus").glob("*.txt"))


def test_shipped_corpus_loads_with_every_span_in_place() -> None:
    corpus = load_corpus()
    assert [doc.id for doc in corpus] == SHIPPED and len(corpus) == len(SHIPPED) >= 250
    for doc in corpus:
        spans = list(iter_spans(read_document(REPO, doc.id).annotation))
        assert all(doc.text[s["start"] : s["end"]] == s["text"] for _, _, s in spans), doc.id
    assert len(list(iter_spans(read_document(REPO, "cnc-000001").annotation))) > 100  # the seed's gold


def test_objects_are_frozen_and_typed() -> None:
    doc = load_corpus()["cnc-000001"]
    event = doc.events[0]
    assert isinstance(doc, Document) and isinstance(event, Event) and isinstance(event.trigger, Span)
    assert isinstance(event.arguments, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.type = "other"  # type: ignore[misc]


def test_reverse_links_are_computed() -> None:
    doc = load_corpus()["cnc-000001"]
    struck = next(ev for ev in doc.events if any(f.span.text == "270" for f in doc.figures_of(ev.id)))
    assert struck.type == "violent.remote_strike"
    handed = next(ev for ev in doc.events if ev.trigger.text == "handed over")
    assert [q.type for q in doc.quotes_reporting(handed.id)] == ["direct"]


def test_unknown_document_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_corpus()["cnc-999999"]


def test_invalid_corpus_raises_with_every_issue(tmp_path: Path) -> None:
    root = materialize_case({"set": {"annotations/toy-0001.json#/events/0/trigger/text": "fires"}}, tmp_path)
    with pytest.raises(CorpusError) as info:
        load_corpus(root)
    assert [i.code for i in info.value.issues] == ["span-text-mismatch"]
    with pytest.raises(CorpusError):
        load_document(root, "toy-0001")


def test_null_spans_load_as_none(toy_root: Path) -> None:
    doc = load_corpus(toy_root)["toy-0001"]
    second = doc.events[1]
    assert second.location is None and second.time is None
    assert doc.figures[0].approx_cue is None


def test_iter_documents_streams_and_stops_at_the_first_invalid(tmp_path: Path) -> None:
    from conflict_news import iter_documents

    assert [d.id for d in iter_documents()] == SHIPPED
    root = materialize_case({"set": {"annotations/toy-0001.json#/figures/0/value": 13}}, tmp_path)
    with pytest.raises(CorpusError):
        list(iter_documents(root))
