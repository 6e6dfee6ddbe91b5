"""Adjudication of annotators' files: agreed gold, conflicts listed, settled versions, per-item provenance."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conflict_news import iter_errors
from conflict_news.cli.main import main
from conflict_news.core.store import read_document
from conflict_news.core.versions import rename_ids
from conftest import BASE

DOC = "toy-0001"


def _toy() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((BASE / "annotations" / f"{DOC}.json").read_text(encoding="utf-8"))
    return data


def _side(tmp_path: Path, name: str, ann: dict[str, Any]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / f"{DOC}.json").write_text(json.dumps(ann, ensure_ascii=False), encoding="utf-8")
    return folder


def _renamed(ann: dict[str, Any]) -> dict[str, Any]:
    """The same annotation, its entity ids spelled by another annotator."""
    text = json.dumps(ann)
    for entity in ann["entities"]:
        text = text.replace(f'"{entity["id"]}"', f'"b-{entity["id"]}"')
    out: dict[str, Any] = json.loads(text)
    return out


@pytest.fixture
def root(tmp_path: Path) -> Path:
    dest = tmp_path / "root"
    shutil.copytree(BASE, dest)
    return dest


def _run(root: Path, *args: str) -> int:
    return main(["adjudicate", "--root", str(root), *args])


def test_agreeing_files_become_gold_naming_both_and_protect_existing_gold(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _side(tmp_path, "a", _toy()), _side(tmp_path, "b", _renamed(_toy()))
    files = ["--files", f"ann-a={a}", "--files", f"ann-b={b}"]
    assert _run(root, *files) == 1
    assert "ls-gold-protected" in capsys.readouterr().err
    assert read_document(root, DOC).annotation == _toy()
    assert _run(root, *files, "--overwrite-gold", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["gold"] == report["written"] == [DOC] and report["to_review"] == []
    gold = read_document(root, DOC).annotation
    assert gold["entities"] == _toy()["entities"]  # the first annotator's ids are kept
    records = gold["provenance"]["items"]
    assert {tuple(r["annotators"]) for r in records} == {("ann-a", "ann-b")}
    assert {r["adjudicator"] for r in records} == {None}
    assert gold["provenance"]["annotators"] == ["ann-a", "ann-b"]
    assert list(iter_errors([root])) == []


def test_versions_agree_whatever_the_order_of_arguments_and_the_ids_a_time_is_anchored_by(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = {"a-": _toy(), "b-": _renamed(_toy())}
    for prefix, version in renamed.items():  # each annotator numbers its own events
        renamed[prefix] = rename_ids(version, {"events": {e["id"]: prefix + e["id"] for e in version["events"]}})
    first, second = renamed.values()
    for version, prefix in ((first, "a-"), (second, "b-")):
        version["events"][1]["time"] = {"span": None, "start": None, "end": None, "precision": "day",
                                        "anchor": "event", "anchor_event": prefix + "ev1"}  # fmt: skip
    assert len(second["events"][0]["arguments"]) == 2
    second["events"][0]["arguments"].reverse()
    a, b = _side(tmp_path, "a", first), _side(tmp_path, "b", second)
    assert _run(root, "--files", f"ann-a={a}", "--files", f"ann-b={b}", "--overwrite-gold", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["conflicts"] == {DOC: []} and report["gold"] == [DOC]


def test_the_refusal_of_existing_gold_names_file_and_code(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _side(tmp_path, "a", _toy()), _side(tmp_path, "b", _toy())
    assert _run(root, "--files", f"a={a}", "--files", f"b={b}") == 1
    err = capsys.readouterr().err
    assert f"annotations/{DOC}.json" in err and "ls-gold-protected" in err and "--overwrite-gold" in err


def test_conflicts_are_listed_until_the_adjudicator_settles_them(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second = _renamed(_toy())
    second["events"][0]["modality"] = "reported"
    a, b = _side(tmp_path, "a", _toy()), _side(tmp_path, "b", second)
    files = ["--files", f"ann-a={a}", "--files", f"ann-b={b}", "--overwrite-gold"]
    assert _run(root, *files) == 0
    out = capsys.readouterr()
    assert f"{DOC}  agreed " in out.out and "conflicting 1  to review" in out.out
    assert "  event «fired» differs in modality (ann-a: actual; ann-b: reported)\n" in out.out
    assert read_document(root, DOC).annotation == _toy()

    # The adjudicator starts from the first version, takes the second's modality and adds an event neither had.
    settled = _toy()
    settled["events"][0]["modality"] = "reported"
    extra = json.loads(json.dumps(settled["events"][0]))
    text = (root / "corpus" / f"{DOC}.txt").read_text(encoding="utf-8")
    start = text.index("told")
    extra.update(id="ev-adj", type="diplomatic.accusation", trigger={"start": start, "end": start + 4, "text": "told"},
                 arguments=[], location=None, time=None, modality="actual", relations=[])  # fmt: skip
    settled["events"].append(extra)
    review = _side(tmp_path, "review", settled)
    assert _run(root, *files, "--review", str(review)) == 1
    assert "--review needs --adjudicator" in capsys.readouterr().err
    assert _run(root, *files, "--review", str(review), "--adjudicator", "lead", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["written"] == [DOC] and report["to_review"] == []
    gold = read_document(root, DOC).annotation
    records = {r["id"]: r for r in gold["provenance"]["items"]}
    first_event = second["events"][0]["id"]
    assert records[first_event] == {"id": first_event, "annotators": ["ann-b"], "adjudicator": "lead"}
    assert records["ev-adj"] == {"id": "ev-adj", "annotators": ["lead"], "adjudicator": "lead"}
    others = [r for i, r in records.items() if i not in (first_event, "ev-adj")]
    assert others and all(r == {**r, "annotators": ["ann-a", "ann-b"], "adjudicator": None} for r in others)
    assert gold["entities"] == _toy()["entities"]  # the adjudicator's entity ids are the gold's
    assert list(iter_errors([root])) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--files", "a=x"], "two or more annotators"),
        (["--files", "a=x", "--files", "a=y"], "each named once"),
        (["--files", "nameless", "--files", "b=y"], "give ANNOTATOR=PATH"),
        (["--files", "a=x", "--files", "b=y", "--url", "http://127.0.0.1:1"], "either --files"),
        (["--files", "a=x", "--gold-kind", "reviewed"], "give one --files"),
        (["--files", "a=x", "--files", "b=y", "--review", "r", "--gold-kind", "reviewed"], "give one --files"),
        (["--project", "1"], "give --url and --project"),
        (["--url", "http://127.0.0.1:1", "--project", "1", "--adjudicator", "x"], "go with --files"),
        (["--url", "http://127.0.0.1:1", "--project", "1", "--gold-kind", "adjudicated"], "go with --files"),
    ],
)
def test_usage_errors(root: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(root, *args) == 1
    assert message in capsys.readouterr().err


def test_a_broken_side_is_refused_with_its_file_and_code(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = _toy()
    broken["events"][0]["trigger"]["end"] += 1
    a, b = _side(tmp_path, "a", _toy()), _side(tmp_path, "b", broken)
    assert _run(root, "--files", f"a={a}", "--files", f"b={b}", "--overwrite-gold") == 1
    err = capsys.readouterr().err
    assert "span-text-mismatch" in err and "$.events[0].trigger" in err
    assert read_document(root, DOC).annotation == _toy()


def test_the_adjudicators_entity_ids_are_kept_and_provenance_still_matches_items(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second = _renamed(_toy())
    second["figures"][0]["property"] = "intercepted"
    a, b = _side(tmp_path, "a", _toy()), _side(tmp_path, "b", second)
    review = _side(tmp_path, "review", second)  # settled from the second version, its entity ids included
    args = ["--files", f"ann-a={a}", "--files", f"ann-b={b}", "--review", str(review), "--adjudicator", "lead"]
    assert _run(root, *args, "--overwrite-gold") == 0
    gold = read_document(root, DOC).annotation
    assert [e["id"] for e in gold["entities"]] == [f"b-{e['id']}" for e in _toy()["entities"]]
    records = {r["id"]: r for r in gold["provenance"]["items"]}
    figure = second["figures"][0]["id"]
    assert records[figure] == {"id": figure, "annotators": ["ann-b"], "adjudicator": "lead"}
    assert all(r["annotators"] == ["ann-a", "ann-b"] for i, r in records.items() if i != figure)
    assert list(iter_errors([root])) == []


def test_the_gold_kind_is_recorded_and_an_unknown_one_refused_with_its_code(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _side(tmp_path, "a", _toy()), _side(tmp_path, "b", _renamed(_toy()))
    files = ["--files", f"ann-a={a}", "--files", f"ann-b={b}", "--overwrite-gold"]
    assert _run(root, *files, "--gold-kind", "independent") == 1
    err = capsys.readouterr().err
    assert "$.provenance.gold_kind" in err and "[schema-violation]" in err
    assert read_document(root, DOC).annotation == _toy()
    assert _run(root, *files, "--gold-kind", "adjudicated") == 0
    assert read_document(root, DOC).annotation["provenance"]["gold_kind"] == "adjudicated"
    assert list(iter_errors([root])) == []


def test_an_agreed_item_the_adjudicator_changes_is_recorded_as_the_adjudicators(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second = _renamed(_toy())
    second["events"][0]["modality"] = "reported"
    a, b = _side(tmp_path, "a", _toy()), _side(tmp_path, "b", second)
    settled = _toy()
    changed = settled["entities"][0]
    changed["name"] += " (settled)"
    review = _side(tmp_path, "review", settled)
    files = ["--files", f"ann-a={a}", "--files", f"ann-b={b}", "--overwrite-gold"]
    assert _run(root, *files, "--review", str(review), "--adjudicator", "lead") == 0
    records = {r["id"]: r for r in read_document(root, DOC).annotation["provenance"]["items"]}
    assert records[changed["id"]] == {"id": changed["id"], "annotators": ["lead"], "adjudicator": "lead"}
    unchanged = _toy()["entities"][1:]
    assert unchanged and all(records[e["id"]]["adjudicator"] is None for e in unchanged)


def test_reviewed_gold_comes_only_from_the_reviewers_version_and_names_the_reviewer_on_every_item(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corrected = _side(tmp_path, "corrected", _toy())
    review = tmp_path / "review"
    review.mkdir()
    args = ["--files", f"corrector={corrected}", "--review", str(review), "--adjudicator", "reviewer",
            "--gold-kind", "reviewed", "--overwrite-gold", "--json"]  # fmt: skip
    assert _run(root, *args) == 0
    assert json.loads(capsys.readouterr().out)["to_review"] == [DOC], "no reviewer's version yet: not gold"
    assert read_document(root, DOC).annotation == _toy()
    settled = _toy()
    changed = settled["figures"][0]
    changed["property"] = "intercepted"
    (review / f"{DOC}.json").write_text(json.dumps(settled), encoding="utf-8")
    assert _run(root, *args) == 0
    gold = read_document(root, DOC).annotation
    assert gold["provenance"]["gold_kind"] == "reviewed"
    assert gold["figures"][0]["property"] == "intercepted"
    records = {r["id"]: r for r in gold["provenance"]["items"]}
    assert records[changed["id"]] == {"id": changed["id"], "annotators": ["reviewer"], "adjudicator": "reviewer"}
    kept = [i for i in records if i != changed["id"]]
    assert kept and all(records[i] == {"id": i, "annotators": ["corrector"], "adjudicator": "reviewer"} for i in kept)
    assert list(iter_errors([root])) == []
