"""The validator against its invalid cases: each case triggers exactly its own code, at the stated place."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conflict_news import CODES, CorpusError, Issue, iter_errors, validate
from conflict_news.cli.main import main
from conftest import BASE, INVALID, load_case, materialize_case

CASES = sorted(p.stem for p in INVALID.glob("*.json"))
CASE_FOLDERS = [p for p in INVALID.parent.iterdir() if p.is_dir() and p.name != "base"]


def test_every_code_has_a_case_and_every_case_a_code() -> None:
    """Validator codes have their case in invalid/, other inputs' codes in a folder of their own."""
    assert sorted(p.stem for folder in CASE_FOLDERS for p in folder.glob("*.json")) == sorted(CODES)


def test_base_case_is_valid() -> None:
    assert list(iter_errors([BASE])) == []


@pytest.mark.parametrize("code", CASES)
def test_case_triggers_exactly_its_code(code: str, tmp_path: Path) -> None:
    case = load_case(code)
    root = materialize_case(case, tmp_path)
    issues = list(iter_errors([root]))
    assert {i.code for i in issues} == {code}, [str(i) for i in issues]
    assert str(issues[0]).startswith(case["expect"]), str(issues[0])
    assert f"[{code}]" in str(issues[0])


def test_validate_raises_with_every_issue(tmp_path: Path) -> None:
    root = materialize_case(
        {
            "set": {
                "annotations/toy-0001.json#/events/0/type": "nope",
                "annotations/toy-0001.json#/figures/0/event": "x",
            }
        },
        tmp_path,
    )
    with pytest.raises(CorpusError) as info:
        validate([root])
    assert {i.code for i in info.value.issues} == {"unknown-label", "dangling-reference"}
    assert isinstance(info.value, ValueError)
    assert "2 validation issue(s)" in str(info.value)


def test_single_file_paths_select_their_document(tmp_path: Path) -> None:
    root = materialize_case({"set": {"annotations/toy-0001.json#/events/0/trigger/text": "fires"}}, tmp_path)
    by_file = list(iter_errors([root / "annotations" / "toy-0001.json"]))
    assert [i.code for i in by_file] == ["span-text-mismatch"]
    assert by_file[0].ann_id == "ev1"


def test_all_errors_are_reported_not_just_the_first(tmp_path: Path) -> None:
    ann = "annotations/toy-0001.json#"
    root = materialize_case(
        {
            "set": {
                f"{ann}/events/0/trigger/text": "fires",
                f"{ann}/quotes/0/speaker": "nobody",
                f"{ann}/figures/0/bound": "odd",
            }
        },
        tmp_path,
    )
    assert sorted(i.code for i in iter_errors([root])) == ["dangling-reference", "span-text-mismatch", "unknown-label"]


def test_issue_rejects_unregistered_codes() -> None:
    with pytest.raises(ValueError, match="unregistered"):
        Issue(code="no-such-code", file="f", path="$", message="m")


def test_vague_and_range_figures(tmp_path: Path) -> None:
    """A vague numeral must carry the taxonomy's bounds; a range its two numbers."""
    text = "Dozens of drones and 10-20 missiles."
    ann = "annotations/toy-0001.json#"
    digest = hashlib.sha256(text.encode()).hexdigest()

    def fig(
        fid: str, start: int, end: int, value: float | None, lower: float | None, upper: float | None, bound: str
    ) -> dict:
        return {
            "id": fid, "span": {"start": start, "end": end, "text": text[start:end]}, "value": value, "lower": lower,
            "upper": upper, "bound": bound, "approx_cue": None, "counted": None, "counted_span": None,
            "property": "launched", "claimant": None, "quote": None, "event": None,
        }  # fmt: skip

    good = [fig("f1", 0, 6, None, 24, None, "at_least"), fig("f2", 21, 26, None, 10, 20, "range")]
    bad = [fig("f1", 0, 6, None, 12, None, "at_least"), fig("f2", 21, 26, None, 10, 30, "range")]
    results = []
    for figures in (good, bad):
        case = {
            "write": {"corpus/toy-0001.txt": text},
            "set": {
                "corpus/toy-0001.json#/text_sha256": digest,
                "corpus/toy-0001.json#/text_length": len(text),
                f"{ann}/text_sha256": digest,
                f"{ann}/entities": [],
                f"{ann}/events": [],
                f"{ann}/quotes": [],
                f"{ann}/figures": figures,
            },
        }
        results.append([i.ann_id for i in iter_errors([materialize_case(case, tmp_path / str(len(results)))])])
    assert results == [[], ["f1", "f2"]]


def test_an_issue_path_is_a_json_path_or_empty() -> None:
    """A line and column have fields of their own; path never holds them."""
    with pytest.raises(ValueError, match="not a JSONPath"):
        Issue(code="json-invalid", file="a.json", path="2:10", message="m")
    issue = Issue(code="json-invalid", file="a.json", line=2, column=10, message="expected value")
    assert str(issue) == "a.json:2:10: [json-invalid] expected value"
    assert issue.to_dict() == {
        "code": "json-invalid", "file": "a.json", "path": "", "line": 2, "column": 10,
        "ann_id": None, "message": "expected value", "related": [],
    }  # fmt: skip


def test_json_invalid_gives_line_and_column(tmp_path: Path) -> None:
    root = materialize_case(load_case("json-invalid"), tmp_path)
    [issue] = iter_errors(root)
    assert (issue.code, issue.file, issue.path, issue.line, issue.column) == (
        "json-invalid", "annotations/toy-0001.json", "", 2, 27,  # the second comma
    )  # fmt: skip


ANN = "annotations/toy-0001.json"


def test_validate_explains_each_code_once_and_json_shows_where_it_points(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = materialize_case(
        {
            "set": {
                f"{ANN}#/quotes/1/id": "q1",
                f"{ANN}#/entities/2/affiliation": "nope",
                f"{ANN}#/figures/0/event": "nope",
            }
        },
        tmp_path,
    )
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.count(CODES["dangling-reference"]) == 1 and err.count(CODES["duplicate-id"]) == 1
    assert f"  dangling-reference (2): {CODES['dangling-reference']}" in err.splitlines()
    assert (
        f"{ANN}:$.quotes[1].id: [duplicate-id] q1: id is used more than once in this file (first used at $.quotes[0].id)"
        in err
    )
    assert main(["validate", str(root), "--json"]) == 1
    found = {(i["code"], i["path"]): i for i in json.loads(capsys.readouterr().out)}
    assert found[("duplicate-id", "$.quotes[1].id")]["related"] == [
        {"note": "first used at", "file": ANN, "line": None, "path": "$.quotes[0].id"}
    ]
    assert found[("dangling-reference", "$.figures[0].event")]["related"] == [
        {"note": "looked for among", "file": ANN, "line": None, "path": "$.events[*].id"}
    ]
    assert all(i["line"] is None and i["column"] is None for i in found.values())


@pytest.mark.parametrize("etype", ["violent.shelling_missile_attack", "violent.armed_clash", "violent.attack"])
def test_the_trigger_lexicon_binds_no_type(etype: str, tmp_path: Path) -> None:
    """Guidelines 2.0: a type follows from meaning in context; `fired`, listed under missile attacks only,
    may be typed otherwise (the retired trigger-type-mismatch refused the clash)."""
    case = {
        "set": {
            "annotations/toy-0001.json#/events/0/type": etype,
            "annotations/toy-0001.json#/events/0/arguments": [],
        }
    }
    issues = list(iter_errors([materialize_case(case, tmp_path)]))
    assert issues == [], [str(i) for i in issues]
