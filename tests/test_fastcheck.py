"""The validator's fast path (core/fastcheck.py) gives what the reference path gives, issue for issue.

The reference path is check_document on read_document; the fast path is check_stored_document, which
vouches for sound annotation files and hands everything else to the reference path (and
check_built_document, the same for an annotation in memory, as an import's candidate). Both run on every
case file, the shipped corpus, the dev set and files edited where a msgspec decoder and the JSON
Schema validator could part ways (JSON that orjson reads differently, patterns and their `$`, the
schema's uniqueItems and if/then).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from conflict_news.core.errors import CorpusError
from conflict_news.core.fastcheck import Labels, annotation_issues, build_decoder, decoder
from conflict_news.core.store import RawDocument, annotation_path, list_doc_ids, read_document
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.core.textnorm import hash_text
from conflict_news.core.validate import (
    check_built_document,
    check_document,
    check_stored_document,
    read_checked_document,
)
from conftest import BASE, INVALID, REPO, TESTS, materialize_case

TAX = load_taxonomy()
LABELS = Labels.of(TAX)


def _edits_a_root(path: Path) -> bool:
    """Whether the case (or its `setup`, as the CLI cases have) edits a copy of the toy corpus: other folders'
    cases are inputs of other commands, whose keys (`set`, `write`) say something else and do not apply."""
    case: Any = json.loads(path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        try:
            materialize_case(case.get("setup", case), Path(scratch))
        except (ValueError, KeyError, TypeError, IndexError, OSError):
            return False
    return True


# Chosen when the tests are collected, so that no case is skipped: every case listed is run by both paths.
CASE_FILES = [p for p in sorted((TESTS / "cases").rglob("*.json")) if BASE not in p.parents and _edits_a_root(p)]


def both_paths(root: Path) -> tuple[list[str], list[str]]:
    """Every issue of every document of `root`, as text with its related places, by each path (and the
    fast path's reader hands on the very document the reference reads)."""
    reference, fast = [], []
    for doc_id in list_doc_ids(root):
        raw = read_document(root, doc_id)
        reference += [repr(i) for i in check_document(root, raw, TAX)]
        fast += [repr(i) for i in check_stored_document(root, doc_id, TAX, LABELS)]
        checked, issues = read_checked_document(root, doc_id, TAX, LABELS)
        assert [repr(i) for i in issues] == [repr(i) for i in check_stored_document(root, doc_id, TAX, LABELS)]
        assert (checked.text, checked.metadata, checked.annotation) == (raw.text, raw.metadata, raw.annotation)
        # an import's candidate: the annotation in memory, checked as it would be written
        built = RawDocument(doc_id=doc_id, text=raw.text, metadata=raw.metadata, annotation=raw.annotation)
        in_memory = [repr(i) for i in check_document(root, built, TAX)]
        assert [repr(i) for i in check_built_document(root, built, TAX, LABELS)] == in_memory
    return reference, fast


def takes_fast_path(root: Path, doc_id: str) -> bool:
    text = (root / "corpus" / f"{doc_id}.txt").read_bytes().decode("utf-8")
    blob = annotation_path(root, doc_id).read_bytes()
    return annotation_issues(blob, doc_id, text, hash_text(text), LABELS, "x") is not None


def test_the_decoder_is_derived_from_the_schema() -> None:
    """build_decoder raises when the schema uses what the derivation does not know; decoder() would then
    send every file the reference way, silently slow: this test is what says so."""
    build_decoder()
    assert decoder() is not None


def test_the_base_case_takes_the_fast_path() -> None:
    assert takes_fast_path(BASE, "toy-0001")


def test_every_invalid_case_edits_a_root() -> None:
    """The cases of the validator's codes are all run by both paths (none lost to the selection above)."""
    assert set(INVALID.glob("*.json")) <= set(CASE_FILES)


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: str(p.relative_to(TESTS / "cases")))
def test_every_case_file_gives_the_same_issues_by_both_paths(path: Path, tmp_path: Path) -> None:
    """The invalid cases, and every other case that edits a copy of the toy corpus as they do (the CLI
    cases' `setup`); other folders' cases are inputs of other commands, whose `set` says something else."""
    case: Any = json.loads(path.read_text(encoding="utf-8"))
    root = materialize_case(case.get("setup", case), tmp_path)
    try:
        reference, fast = both_paths(root)
    except CorpusError:  # a folder of the root is a link or unreadable: no document is read by either path
        return
    assert fast == reference


@pytest.mark.parametrize("root", [REPO, REPO / "dev"], ids=["shipped", "dev"])
def test_the_shipped_corpus_and_the_dev_set_give_the_same_issues(root: Path) -> None:
    reference, fast = both_paths(root)
    assert fast == reference
    # and the fast path vouches for every one of their files (or it would only be the reference, slower)
    assert all(takes_fast_path(root, doc_id) for doc_id in list_doc_ids(root))


ANN = "annotations/toy-0001.json"


def _raw_edit(old: str, new: str) -> dict[str, str]:
    text = (BASE / ANN).read_text(encoding="utf-8")
    assert old in text
    return {ANN: text.replace(old, new, 1)}


# Edits where the decoder and the schema validator could disagree; each must give the reference's issues.
EDGES: dict[str, dict[str, Any]] = {
    "float offset": {"set": {f"{ANN}#/events/0/trigger/start": 17.0}},
    "bool offset": {"set": {f"{ANN}#/events/0/trigger/start": True}},
    "huge offset": {"write": _raw_edit('"start": 17', '"start": 123456789012345678901234567890')},
    "offset past float range": {"write": _raw_edit('"start": 17', '"start": 1e400')},
    "negative offset": {"set": {f"{ANN}#/events/0/trigger/start": -1}},
    "empty span": {"set": {f"{ANN}#/events/0/trigger": {"start": 17, "end": 17, "text": ""}}},
    "huge figure value": {"write": _raw_edit('"value": 12', '"value": 12000000000000000000000000000000')},
    "float figure value": {"set": {f"{ANN}#/figures/0/value": 12.0}},
    "duplicate key": {"write": _raw_edit('"start": 17', '"start": 0, "start": 17')},
    "duplicate key, last wrong": {"write": _raw_edit('"start": 17', '"start": 17, "start": 16')},
    "byte-order mark": {"write": {ANN: "\ufeff" + (BASE / ANN).read_text(encoding="utf-8")}},
    "lone surrogate": {"write": _raw_edit('"fired"', '"fired\\ud800"')},
    "trailing content": {"write": {ANN: (BASE / ANN).read_text(encoding="utf-8") + "\n{}"}},
    "null file": {"write": {ANN: "null"}},
    "id with a final newline": {"set": {f"{ANN}#/events/0/id": "ev1\n"}},
    "id with a space": {"set": {f"{ANN}#/events/0/id": "ev 1"}},
    "reference with a final newline": {"set": {f"{ANN}#/figures/0/event": "ev1\n"}},
    "wikidata with a final newline": {"set": {f"{ANN}#/entities/0/wikidata": "Q1\n"}},
    "country in other digits": {"set": {f"{ANN}#/events/0/location/country": "٣٣"}},
    "date with a final newline": {"set": {f"{ANN}#/events/0/time/start": "2024\n"}},
    "sha with a final newline": {"set": {f"{ANN}#/text_sha256": "0" * 64 + "\n"}},
    "doc_id with a final newline": {"set": {f"{ANN}#/doc_id": "toy-0001\n"}},
    "unknown field": {"set": {f"{ANN}#/events/0/note": "x"}},
    "unknown schema version": {"set": {f"{ANN}#/schema_version": "1.1"}},
    "quote naming an event twice": {"set": {f"{ANN}#/quotes/0/events": ["ev1", "ev1"]}},
    "anchor event with another anchor": {"set": {f"{ANN}#/events/0/time/anchor_event": "ev2"}},
    "anchor event null": {"set": {f"{ANN}#/events/0/time/anchor_event": None}},
    "anchor event": {"set": {f"{ANN}#/events/0/time/anchor_event": "ev2", f"{ANN}#/events/0/time/anchor": "event"}},
    "item provenance": {"set": {f"{ANN}#/provenance/items": [{"id": "ev1", "annotators": ["a"], "adjudicator": None}]}},
    "item provenance twice": {
        "set": {
            f"{ANN}#/provenance/items": [
                {"id": "ev1", "annotators": ["a"], "adjudicator": None},
                {"id": "ev1", "annotators": ["b"], "adjudicator": "c"},
            ]
        }
    },
    "item provenance empty": {"set": {f"{ANN}#/provenance/items": []}},
    "prediction": {"set": {f"{ANN}#/provenance/kind": "prediction"}},
    "pending, empty": {
        "set": {
            f"{ANN}#/provenance/kind": "pending",
            **{f"{ANN}#/{layer}": [] for layer in ("entities", "events", "quotes", "figures")},
        }
    },
    "relation": {"set": {f"{ANN}#/events/1/relations": [{"type": TAX.event_relations[0], "target": "ev1"}]}},
    "span with edge whitespace": {"set": {f"{ANN}#/events/0/trigger": {"start": 16, "end": 22, "text": " fired"}}},
    "dangling affiliation": {"set": {f"{ANN}#/entities/0/affiliation": "ev1"}},
    "event as a speaker": {"set": {f"{ANN}#/quotes/0/speaker": "ev1"}},
}


@pytest.mark.parametrize("name", EDGES)
def test_edge_files_give_the_same_issues_by_both_paths(name: str, tmp_path: Path) -> None:
    root = materialize_case(EDGES[name], tmp_path)
    reference, fast = both_paths(root)
    assert fast == reference


MARKED = (
    "Cafe\u0301 fighters\r\nfired at \U0001f469\u200d\U0001f467 and \u05e9\u05c1\u05b8 near \u1100\u1161 x\u0301\u0327."
)


@pytest.mark.parametrize("start", range(0, len(MARKED) - 1, 3))
def test_spans_on_a_text_with_marks_emoji_and_crlf(start: int, tmp_path: Path) -> None:
    """Spans that may cut a character in two, on a text whose NFC and character boundaries need a look."""
    digest = hashlib.sha256(MARKED.encode()).hexdigest()
    mentions = [{"start": s, "end": e, "text": MARKED[s:e]} for s, e in ((start, start + 1), (start, start + 2))]
    entity = {"id": "e1", "name": "x", "type": "person", "wikidata": None, "affiliation": None, "mentions": mentions}
    case = {
        "write": {"corpus/toy-0001.txt": MARKED},
        "set": {
            "corpus/toy-0001.json#/text_sha256": digest,
            "corpus/toy-0001.json#/text_length": len(MARKED),
            f"{ANN}#/text_sha256": digest,
            f"{ANN}#/entities": [entity],
            **{f"{ANN}#/{layer}": [] for layer in ("events", "quotes", "figures")},
        },
    }
    reference, fast = both_paths(materialize_case(case, tmp_path))
    assert fast == reference


def test_a_built_annotation_beyond_what_json_holds_is_left_to_the_reference_path() -> None:
    """An import's candidate may hold a number no JSON encoder writes (Label Studio's 2e+19 read as an
    integer): the reference path explains it, instead of the fast path failing to encode it."""
    raw = read_document(BASE, "toy-0001")
    ann = json.loads(json.dumps(raw.annotation))
    ann["figures"][0]["value"] = 2**70
    built = RawDocument(doc_id="toy-0001", text=raw.text, metadata=raw.metadata, annotation=ann)
    expected = [repr(i) for i in check_document(BASE, built, TAX)]
    assert expected  # the value is refused
    assert [repr(i) for i in check_built_document(BASE, built, TAX, LABELS)] == expected
