"""The Label Studio converter, offline: config, tasks, import, damaged exports, round trips, agreement."""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import ijson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from label_studio_sdk.label_interface import LabelInterface

from conflict_news import CODES, CorpusError, iter_errors
from conflict_news.cli.main import main
from conflict_news.core.agreement import cohen_kappa
from conflict_news.core.store import annotation_path, dump_json, list_doc_ids, read_document
from conflict_news.core.taxonomy import load_taxonomy, parse_taxonomy
from conflict_news.grow.synthetic import write_synthetic
from conflict_news.labelstudio import importer
from conflict_news.labelstudio.agreement import compute_agreement
from conflict_news.labelstudio.config import (
    FIXED_BY_ENDS,
    FIXED_RELATIONS,
    LABELLED_ENDS,
    build_config,
    list_relations,
    region_id,
    wire_id,
)
from conflict_news.labelstudio.importer import LAYERS, ExportImporter, import_export, read_export
from conflict_news.labelstudio.tasks import PRE_ANNOTATION, build_task, pre_annotation_name, write_tasks
from conftest import BASE, REPO
from ls_helpers import LS_CASES, NOISE, apply_case, load_ls_case, noisy_copy, offline_export

CONFIG = build_config(load_taxonomy())


def _roundtrip(root: Path, doc_id: str) -> dict[str, object]:
    out = ExportImporter(root, "export.json").run(offline_export(root, doc_id))
    assert out.issues == [], [str(i) for i in out.issues]
    return out.annotations[doc_id]


def test_config_is_valid_for_the_sdk_and_lists_the_taxonomy() -> None:
    li = LabelInterface(CONFIG)
    li.validate()
    tax = load_taxonomy()
    # The type picker is a two-level tree: every event type is one path group -> type, and nothing more.
    picker = next(ElementTree.fromstring(CONFIG).iter("Taxonomy"))
    assert picker.get("name") == "event_type"
    paths = [f"{group.get('value')}.{leaf.get('value')}" for group in picker for leaf in group]
    assert sorted(paths) == sorted(tax.event_types)
    assert all(len(leaf) == 0 for group in picker for leaf in group)
    assert set(li.get_control("fig_property").labels) == set(tax.figure_properties)
    # Labels only where the pair of region kinds does not say which link it is: roles and event relations.
    offered = [r.get("value") for r in ElementTree.fromstring(CONFIG).iter("Relation")]
    assert offered == [*tax.roles, *tax.event_relations]
    assert len(FIXED_BY_ENDS) == len(FIXED_RELATIONS)  # one fixed link per pair of kinds
    assert not FIXED_BY_ENDS.keys() & set(LABELLED_ENDS)
    assert {list_relations(tax)[name] for name in offered} == set(LABELLED_ENDS)


def test_config_refuses_a_taxonomy_whose_names_clash_with_link_labels() -> None:
    raw = json.loads((REPO / "schema" / "taxonomy.json").read_text(encoding="utf-8"))
    raw["roles"]["speaker"] = "A role named like a link."
    with pytest.raises(CorpusError, match=r"schema-violation.*speaker"):
        list_relations(parse_taxonomy(raw))


@pytest.mark.parametrize(("root", "doc_id"), [(REPO, d) for d in list_doc_ids(REPO)] + [(BASE, "toy-0001")])
def test_predictions_pass_the_sdk_check_and_round_trip_exactly(root: Path, doc_id: str) -> None:
    raw = read_document(root, doc_id)
    assert raw.text is not None
    task = build_task(doc_id, raw.text, raw.annotation)
    assert LabelInterface(CONFIG).validate_prediction(task["predictions"][0], return_errors=True) == []
    if raw.annotation["provenance"]["kind"] != "gold":
        # An import makes gold, which the guidelines' rules for gold check: a prediction is not
        # what annotators would submit, so its round trip is not an exact one.
        return
    back = _roundtrip(root, doc_id)
    assert {k: back[k] for k in ("doc_id", "text_sha256", *LAYERS)} == {
        k: raw.annotation[k] for k in ("doc_id", "text_sha256", *LAYERS)
    }


def test_region_ids_are_our_ids_or_derived_from_them() -> None:
    raw = read_document(BASE, "toy-0001")
    result = build_task("toy-0001", str(raw.text), raw.annotation)["predictions"][0]["result"]
    ids = {r["id"] for r in result if r.get("from_name") == "span"}
    assert {"ev1", "ev2", "q1", "q2", "fig1"} <= ids
    # on the wire a derived id's colon is a middle dot: Label Studio builds a CSS class from the id
    derived = {"ev1:arg0", "ev1:loc", "ev1:time", "q1:src", "q1:c0", "ent-varn:m1", "fig1:counted"}
    assert {i.replace(":", "\u00b7") for i in derived} <= ids
    assert {region_id(i) for i in ids} >= derived
    relations = [r for r in result if r["type"] == "relation"]
    # every id, also the relations' ends, is a CSS class name as it stands (no `:` or `.`, nothing escaped)
    sent = ids | {r[end] for r in relations for end in ("from_id", "to_id")}
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_\u0080-\U0010ffff-]*", i) for i in sent), sorted(sent)
    assert len({(r["from_id"], r["to_id"]) for r in relations}) == len(relations)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choices=st.lists(st.integers(0, len(NOISE) - 1), min_size=1, max_size=30))
def test_round_trip_holds_on_texts_with_emoji_crlf_marks_rtl_and_tabs(choices: list[int], tmp_path: Path) -> None:
    root = tmp_path / f"noisy-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(BASE, root)
    noisy_copy(root, "toy-0001", choices)
    assert list(iter_errors([root])) == []
    raw = read_document(root, "toy-0001")
    back = _roundtrip(root, "toy-0001")
    assert {k: back[k] for k in LAYERS} == {k: raw.annotation[k] for k in LAYERS}


def test_editor_escaped_line_breaks_and_collapsed_spaces_are_accepted(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    noisy_copy(root, "toy-0001", [NOISE.index("\r\n"), NOISE.index("  ")])
    export = offline_export(root, "toy-0001")
    content = next(
        r for r in export[0]["annotations"][0]["result"] if r.get("id") == wire_id("q1:c0") and r["type"] == "labels"
    )
    # What the editor sends: each line break as the two characters backslash-n, space runs collapsed.
    content["value"]["text"] = " ".join(content["value"]["text"].split()).replace("\r", "").replace("\n", "\\n")
    out = ExportImporter(root, "export.json").run(export)
    assert out.issues == []


def test_relation_drawn_backwards_is_read_in_its_direction() -> None:
    export = offline_export(BASE, "toy-0001")
    result = export[0]["annotations"][0]["result"]
    for r in result:
        if r["type"] == "relation" and r["labels"] == ["causes"]:
            r["from_id"], r["to_id"], r["direction"] = r["to_id"], r["from_id"], "left"
    out = ExportImporter(BASE, "export.json").run(export)
    assert out.issues == []
    assert out.annotations["toy-0001"]["events"][0]["relations"] == [{"type": "causes", "target": "ev2"}]


class _Str(str):
    pass


class _Dict(dict[str, Any]):
    pass


def test_result_items_of_subclassed_types_read_as_the_plain_ones() -> None:
    # An in-memory export may hold str and dict subclasses: the quick type test leaves them to the full check.
    plain = ExportImporter(BASE, "export.json").run(offline_export(BASE, "toy-0001"))
    export = offline_export(BASE, "toy-0001")
    result = export[0]["annotations"][0]["result"]
    for k, r in enumerate(result):
        r["type"] = _Str(r["type"])
        r["value"] = _Dict(r.get("value", {}))
        result[k] = _Dict(r)
    out = ExportImporter(BASE, "export.json").run(export)
    assert out.issues == plain.issues == []
    assert out.annotations == plain.annotations


@pytest.mark.parametrize(
    ("value", "labels", "where"),
    [
        ({"start": 0, "end": 5, "text": 5}, None, "value.text"),
        ({"start": 0, "end": 5, "text": ["a", 1]}, None, "value.text"),
        ({"start": 0, "end": 5, "labels": ["EVENT", None]}, None, "value.labels"),
        ({"start": 0, "end": 5, "choices": [1]}, None, "value.choices"),
        ({"start": 0, "end": 5, "number": float("nan")}, None, "value.number"),
        ({"start": 0, "end": True}, None, "value.end"),
        ({"start": 0, "end": 5}, "EVENT", "labels"),
        ({"start": 0, "end": 5}, [_Str("EVENT"), 2], "labels"),
        (5, None, "value"),
        (None, None, "value"),
        (["start"], None, "value"),
    ],
)
def test_a_result_item_of_a_wrong_type_is_named_by_its_first_wrong_field(value: Any, labels: Any, where: str) -> None:
    item: dict[str, Any] = {"id": "ev1", "from_name": "span", "to_name": "text", "type": "labels", "value": value}
    if labels is not None:
        item["labels"] = labels
    _, issues = importer.convert_annotation([item], "Shots fired.", load_taxonomy(), "export.json", "$[0]")
    assert [(i.code, i.path, i.message) for i in issues] == [
        ("ls-export-invalid", f"$[0].result[0].{where}", f"{where} is not of the type Label Studio writes")
    ]


@pytest.mark.parametrize("code", LS_CASES)
def test_damaged_export_gives_exactly_its_code_and_writes_nothing(code: str, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    before = annotation_path(root, "toy-0001").read_bytes()
    case = load_ls_case(code)
    export = tmp_path / "export.json"
    export.write_bytes(dump_json(apply_case(offline_export(root, "toy-0001"), case)))
    out = import_export(export, root)
    assert {i.code for i in out.issues} == {code}, [str(i) for i in out.issues]
    assert str(out.issues[0]).startswith(case["expect"]), str(out.issues[0])
    assert out.written == []
    assert annotation_path(root, "toy-0001").read_bytes() == before
    assert code in CODES


def test_unparsable_export_is_reported(tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text("[{", encoding="utf-8")
    assert [i.code for i in import_export(export, BASE).issues] == ["ls-export-invalid"]


@pytest.mark.parametrize("content", ["{}", "  \n", '"tasks"', "[1]"])
def test_export_that_is_not_a_list_of_tasks_is_reported(content: str, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text(content, encoding="utf-8")
    issues = import_export(export, BASE).issues
    assert [i.code for i in issues] == ["ls-export-invalid"]
    assert issues[0].path == ("$[0]" if content == "[1]" else "$")


def test_import_shows_a_progress_bar_of_tasks_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "export.json"
    export.write_bytes(dump_json(offline_export(BASE, "toy-0001") * 3))
    assert import_export(export, BASE, progress=False).issues == []
    assert "task" not in capsys.readouterr().err
    assert import_export(export, BASE, progress=True).issues == []
    assert "import: 3task" in capsys.readouterr().err


def test_a_number_beyond_64_bits_is_reported_not_raised(tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    task = offline_export(BASE, "toy-0001")[0]
    export.write_text(json.dumps([task | {"id": 2**70}]), encoding="utf-8")  # JSON allows it; orjson and yajl do not
    issues = import_export(export, BASE, workers=2).issues
    assert [(i.code, i.path) for i in issues] == [("ls-export-invalid", "$")]


def test_export_is_read_one_task_at_a_time(tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    first = dump_json(offline_export(BASE, "toy-0001")[0])
    export.write_bytes(b"[" + first + b", {broken")
    tasks = read_export(export)
    assert next(tasks)["data"]["doc_id"] == "toy-0001"  # before the parser has reached the damage
    with pytest.raises(ijson.JSONError):
        next(tasks)


def test_a_broken_later_task_stops_the_write_of_an_earlier_clean_change(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    before = annotation_path(root, "toy-0001").read_bytes()
    changed = apply_case(offline_export(root, "toy-0001"), load_ls_case("ls-gold-protected"))
    unknown = {"data": {"doc_id": "toy-9999", "text": "Nobody wrote this."}, "annotations": []}
    export = tmp_path / "export.json"
    export.write_bytes(dump_json([*changed, unknown]))
    out = import_export(export, root, overwrite_gold=True)
    assert [(i.code, i.path) for i in out.issues] == [("ls-task-mismatch", "$[1].data")]
    assert out.written == []
    assert annotation_path(root, "toy-0001").read_bytes() == before
    assert not [p for p in (root / "annotations").iterdir() if p.name.startswith(".")]  # no temporary file left


def test_import_writes_changes_only_when_allowed_and_reports_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    case = load_ls_case("ls-gold-protected")
    export = tmp_path / "export.json"
    export.write_bytes(dump_json(apply_case(offline_export(root, "toy-0001"), case)))
    assert main(["labelstudio", "import", str(export), "--root", str(root), "--json"]) == 1
    captured = capsys.readouterr()
    assert "[ls-gold-protected]" in captured.err
    assert [i["code"] for i in json.loads(captured.out)["issues"]] == ["ls-gold-protected"]
    export.write_bytes(
        dump_json(
            [
                *apply_case(offline_export(root, "toy-0001"), case),
                {"data": {"doc_id": "toy-0001", "text": read_document(root, "toy-0001").text}},
            ]
        )
    )
    assert main(["labelstudio", "import", str(export), "--root", str(root), "--overwrite-gold", "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["written"] == ["toy-0001"]
    assert "not annotated yet: toy-0001" in captured.err
    quotes = next(d for d in report["diffs"] if d["layer"] == "quotes")
    assert quotes == {"doc_id": "toy-0001", "annotator": "ann1@example.org", "layer": "quotes",
                      "added": [], "removed": [], "changed": ["q2"]}  # fmt: skip
    written = read_document(root, "toy-0001").annotation
    assert written["quotes"][1]["type"] == "indirect"
    # Who made what, per item: the changed quote is the annotator's, every untouched item keeps the gold's name.
    prov = written["provenance"]
    assert (prov["kind"], prov["annotators"]) == ("gold", ["ann1@example.org", "test suite"])
    by = {r["id"]: r["annotators"] for r in prov["items"]}
    assert by.pop("q2") == ["ann1@example.org"]
    assert set(by) == {i["id"] for layer in LAYERS for i in written[layer]} - {"q2"}
    assert all(names == ["test suite"] for names in by.values())
    # What the annotator started from is named by the task's provenance (every model_version is the same).
    assert report["corrections"]["pre_annotations"] == ["gold:test suite"]
    assert report["corrections"]["overall"]["layers"]["quotes"] == {
        "accepted": 1,
        "changed": 1,
        "deleted": 0,
        "added": 0,
    }
    assert list(iter_errors([root])) == []
    # Importing the same export again changes nothing, so nothing is written.
    assert main(["labelstudio", "import", str(export), "--root", str(root)]) == 0
    captured = capsys.readouterr()
    assert "toy-0001  ann1@example.org  quotes    0      0        0" in captured.out
    assert "nothing changed" in captured.err


def test_import_of_a_new_document_writes_it_and_lists_what_was_added(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    export = offline_export(root, "toy-0001")
    annotation_path(root, "toy-0001").unlink()
    path = tmp_path / "export.json"
    path.write_bytes(dump_json(export))
    out = import_export(path, root)
    assert out.written == ["toy-0001"]
    events = next(d for d in out.diffs if d.layer == "events")
    assert events.added == ("ev1", "ev2")
    assert list(iter_errors([root])) == []


def test_ground_truth_is_chosen_and_cancelled_and_drafts_are_ignored(tmp_path: Path) -> None:
    export = offline_export(BASE, "toy-0001")
    first = export[0]["annotations"][0]
    first["completed_by"] = 1  # a user id, named by the user list; the other annotator comes expanded
    other = json.loads(json.dumps(first)) | {"id": 2, "completed_by": {"id": 2, "email": "b@example.org"}}
    skipped = {"id": 3, "completed_by": 3, "was_cancelled": True, "result": [{"type": "relation"}]}
    first["ground_truth"] = True
    export[0]["annotations"] += [other, skipped]
    export[0]["drafts"] = [{"id": 1, "user": "c@example.org", "result": [{"broken": True}]}]
    export.append({"id": 2, "data": export[0]["data"], "annotations": [skipped], "drafts": []})
    out = ExportImporter(BASE, "export.json", users={1: "a@example.org"}).run(export)
    assert out.issues == []
    # The chosen annotation is the gold pre-annotation unchanged: the gold's authors stay its authors.
    assert out.annotations["toy-0001"]["provenance"]["annotators"] == ["test suite"]
    assert {d.annotator for d in out.diffs} == {"a@example.org", "b@example.org"}
    assert out.unannotated == ["toy-0001"]  # the second task holds only a skip


def test_validator_issues_of_the_rebuilt_file_block_the_import() -> None:
    export = offline_export(BASE, "toy-0001")
    for r in export[0]["annotations"][0]["result"]:
        if r.get("id") == "ev1" and r.get("from_name") == "event_type":
            r["value"]["taxonomy"] = [["diplomatic", "talks"]]  # attacker is not a role of talks
    out = ExportImporter(BASE, "export.json").run(export)
    assert {i.code for i in out.issues} == {"role-not-allowed"}


def test_tasks_verb_prints_gold_none_or_given_predictions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["labelstudio", "tasks", "--root", str(BASE)]) == 0
    gold = json.loads(capsys.readouterr().out)
    # One model_version for every pre-annotation (the stream shows only the project's); gold or rules is in the data.
    assert gold[0]["predictions"][0]["model_version"] == PRE_ANNOTATION
    assert pre_annotation_name(gold[0]["data"]) == "gold:test suite"
    assert main(["labelstudio", "tasks", "--root", str(BASE), "--predictions", "none"]) == 0
    assert "predictions" not in json.loads(capsys.readouterr().out)[0]
    pred = read_document(BASE, "toy-0001").annotation | {
        "provenance": {"kind": "prediction", "annotators": ["toy-model 0.1"], "guidelines": "1.0"}
    }
    folder = tmp_path / "preds"
    folder.mkdir()
    (folder / "toy-0001.json").write_bytes(dump_json(pred))
    for given_path in (folder, folder / "toy-0001.json"):
        assert main(["labelstudio", "tasks", "--root", str(BASE), "--predictions", str(given_path)]) == 0
        task = json.loads(capsys.readouterr().out)[0]
        assert task["predictions"][0]["model_version"] == PRE_ANNOTATION
        assert pre_annotation_name(task["data"]) == "prediction:toy-model 0.1"
    (folder / "other.json").write_bytes(dump_json(pred | {"doc_id": "toy-0404"}))
    (folder / "toy-0001.json").write_bytes(dump_json(pred | {"events": pred["events"][:1]}))
    assert main(["labelstudio", "tasks", "--root", str(BASE), "--predictions", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "[document-missing]" in err and "[dangling-reference]" in err and "nothing written" in err


def test_tasks_print_nothing_when_any_document_has_an_issue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "root"
    write_synthetic(root, 3, seed=4)
    _edit_annotation(root, "syn-000003", lambda ann: ann["events"][0]["trigger"].update(text="x"))  # the last one
    assert main(["labelstudio", "tasks", "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "[span-text-mismatch]" in err and "nothing written" in err


class _ChangesWhenOpened(io.BytesIO):
    """An output that rewrites a document's annotation file when the array opens: between the two passes
    of write_tasks (the first checks every document, the second writes)."""

    def __init__(self, path: Path, change: Callable[[dict[str, Any]], object]) -> None:
        super().__init__()
        self.path, self.change = path, change

    def write(self, data: Any) -> int:
        if self.tell() == 0:
            ann = json.loads(self.path.read_bytes())
            self.change(ann)
            self.path.write_bytes(dump_json(ann))
        return super().write(data)


def _edit_annotation(root: Path, doc_id: str, change: Callable[[dict[str, Any]], object]) -> None:
    path = annotation_path(root, doc_id)
    ann = json.loads(path.read_bytes())
    change(ann)
    path.write_bytes(dump_json(ann))


def test_a_document_changed_between_the_passes_is_checked_again(tmp_path: Path) -> None:
    root = tmp_path / "root"
    write_synthetic(root, 3, seed=4)
    renamed = _ChangesWhenOpened(annotation_path(root, "syn-000002"), lambda a: a["entities"][0].update(name="Renamed"))
    assert write_tasks(root, "stored", renamed) == []
    tasks = json.loads(renamed.getvalue())  # whole: the change still checks, and is what was written
    names = [r["value"]["text"] for r in tasks[1]["predictions"][0]["result"] if r.get("from_name") == "entity_name"]
    assert names[0] == ["Renamed"]
    broken = _ChangesWhenOpened(
        annotation_path(root, "syn-000002"), lambda a: a["events"][0]["trigger"].update(text="x")
    )
    with pytest.raises(CorpusError) as info:
        write_tasks(root, "stored", broken)
    assert [(i.code, i.file) for i in info.value.issues] == [
        ("span-text-mismatch", "annotations/syn-000002.json"), ("write-failed", "the output")
    ]  # fmt: skip
    assert broken.getvalue().startswith(b"[") and not broken.getvalue().rstrip().endswith(b"]")


def test_config_verb_prints_the_config(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["labelstudio", "config"]) == 0
    assert capsys.readouterr().out == CONFIG


def _two_annotators(changed_type: str) -> list[dict[str, object]]:
    export = offline_export(BASE, "toy-0001")
    second = json.loads(json.dumps(export[0]["annotations"][0])) | {"id": 2, "completed_by": 2}
    result = second["result"]
    for r in result:
        if r.get("id") == "ev1" and r.get("from_name") == "event_type":
            r["value"]["taxonomy"] = [changed_type.split(".")]
        if r.get("id") == wire_id("q2:c0") and r["type"] == "labels":
            r["value"]["end"] -= 1  # "We will answer" without the comma: overlaps, not exact
            r["value"]["text"] = r["value"]["text"][:-1]
    export[0]["annotations"].append(second)
    export.append({"id": 2, "data": export[0]["data"], "annotations": export[0]["annotations"][:1]})
    return export


def test_agreement_counts_exact_and_overlapping_spans_and_kappa(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = _two_annotators("violent.air_drone_strike")
    result = compute_agreement(export)
    assert (result.tasks, result.pairs) == (1, 1)
    assert result.layers["event triggers"] == {"spans": 4, "exact_f1": 1.0, "overlap_f1": 1.0}
    assert result.layers["quote contents"] == {"spans": 4, "exact_f1": 0.5, "overlap_f1": 1.0}
    # ev1 differs, ev2 agrees: observed 1/2; each annotator uses two types once -> expected 1/4.
    assert result.attributes["event type"]["observed"] == 0.5
    assert result.attributes["event type"]["kappa"] == pytest.approx((0.5 - 0.25) / 0.75)
    path = tmp_path / "export.json"
    path.write_bytes(dump_json(export))
    assert main(["agreement", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == result.to_dict()
    assert main(["agreement", str(path)]) == 0
    table = capsys.readouterr().out
    assert "quote contents          4     0.500       1.000" in table
    assert "1 document(s) with two or more annotators, 1 annotator pair(s)" in table


def test_cohen_kappa_edge_cases() -> None:
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None  # one label throughout: undefined, not perfect
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert cohen_kappa([("a", "b"), ("b", "a")]) == -1.0


R = "/0/annotations/0/result/"
RELATION = {"type": "relation", "from_id": "q1", "to_id": "ev2", "direction": "right", "labels": ["reports"]}


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        ({"set": {R + "15/from_name": "event_kind"}}, "ls-unknown-label"),
        ({"set": {R + "15/type": "textarea"}}, "ls-unknown-label"),
        ({"set": {R + "15/value/taxonomy": [["violent", "duel"]]}}, "ls-unknown-label"),
        ({"set": {R + "68": RELATION | {"labels": ["mentions"]}}}, "ls-unknown-label"),
        ({"set": {R + "68": RELATION | {"direction": "bi"}}}, "ls-relation-role"),
        ({"set": {R + "68": RELATION | {"from_id": "ev1", "labels": []}}}, "ls-relation-unlabelled"),
        ({"set": {R + "68": RELATION | {"from_id": "ev2", "to_id": "ent-varn:m1", "labels": []}}}, "ls-relation-role"),
        ({"set": {R + "68": RELATION | {"to_id": "q1", "labels": []}}}, "ls-self-link"),
        ({"set": {R + "68": {"type": "relation", "from_id": "q1", "to_id": "ent-ministry:m0", "direction": "left",
                             "labels": ["speaker"]}}}, "ls-relation-role"),
        ({"set": {R + "68": RELATION | {"from_id": "fig1", "to_id": "ev2", "labels": ["quantifies"]}}}, "ls-relation-role"),
        ({"delete": [R + "13"]}, "ls-attribute-missing"),
        ({"delete": [R + "11"]}, "ls-attribute-missing"),
        ({"delete": [R + "22"]}, "ls-attribute-missing"),
        ({"delete": [R + "32"]}, "ls-attribute-missing"),
        ({"delete": [R + "43"]}, "ls-attribute-missing"),
        ({"set": {R + "14/value/start": "17"}}, "ls-export-invalid"),
    ],
)  # fmt: skip
def test_each_broken_result_is_named(edit: dict[str, object], code: str) -> None:
    out = ExportImporter(BASE, "export.json").run(apply_case(offline_export(BASE, "toy-0001"), edit))
    assert {i.code for i in out.issues} == {code}, [str(i) for i in out.issues]
    assert out.issues[0].path.startswith("$[0].annotations[0].result[")


def test_whitespace_at_a_region_edge_is_flagged_not_trimmed(tmp_path: Path) -> None:
    export = offline_export(BASE, "toy-0001")
    for r in export[0]["annotations"][0]["result"]:
        if r.get("id") == "ev1" and r["type"] in ("labels", "choices"):
            r["value"]["end"] += 1  # "fired " with the space after it, as a symbol-granular selection can be
            r["value"]["text"] = "fired "
    out = ExportImporter(BASE, "export.json").run(export)
    assert [(i.code, i.ann_id) for i in out.issues] == [("span-edge-whitespace", "ev1")]


def test_pooled_import_agrees_with_one_process_and_writes_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "root"
    write_synthetic(root, 40, seed=3)
    export = [task for doc_id in list_doc_ids(root) for task in offline_export(root, doc_id)]
    for task in export[5], export[33]:  # two documents new to the corpus, in different batches
        annotation_path(root, task["data"]["doc_id"]).unlink()
    del export[20]["data"]["text"]  # and one broken task
    path = tmp_path / "export.json"
    path.write_bytes(dump_json(export))
    single, pooled = import_export(path, root, workers=1), import_export(path, root, workers=2)
    assert [str(i) for i in pooled.issues] == [str(i) for i in single.issues]
    assert [i.path for i in single.issues] == ["$[20].data"]
    assert (pooled.diffs, pooled.imported, pooled.written) == (single.diffs, single.imported, single.written)
    assert len(single.imported) == 39 and single.written == []
    export[20] = offline_export(root, list_doc_ids(root)[20])[0]
    path.write_bytes(dump_json(export))
    assert main(["labelstudio", "import", str(path), "--root", str(root), "--workers", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["written"] == [export[5]["data"]["doc_id"], export[33]["data"]["doc_id"]]
    assert list(iter_errors([root])) == []


def test_import_verb_passes_the_worker_count_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int | None] = []

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("workers"))
        return import_export(*args, **kwargs)

    monkeypatch.setattr(importer, "import_export", recording)  # the verb imports it when it runs
    export = tmp_path / "export.json"
    export.write_bytes(dump_json(offline_export(BASE, "toy-0001")))
    assert main(["labelstudio", "import", str(export), "--root", str(BASE), "--workers", "3"]) == 0
    assert main(["labelstudio", "import", str(export), "--root", str(BASE)]) == 0
    assert seen == [3, 0]


def _rename_region(export: list[dict[str, Any]], old: str, new: str) -> None:
    for r in export[0]["annotations"][0]["result"]:
        for key in ("id", "from_id", "to_id"):
            if r.get(key) == old:
                r[key] = new


@pytest.mark.parametrize("drawn", ["4bZ9qTs_x1", "-bZ9qTs_x1", "_bZ9qTs_x1"])
def test_an_editor_id_outside_our_pattern_becomes_a_stable_one(drawn: str, tmp_path: Path) -> None:
    """Label Studio's region ids may start with a digit, '-' or '_'; such an event still imports, and
    under the same id on every pull, with every link to it following."""
    reads = []
    for _ in range(2):
        export = offline_export(BASE, "toy-0001")
        _rename_region(export, "ev2", drawn)
        out = ExportImporter(BASE, "export.json").run(export, overwrite_gold=True)
        assert out.issues == [], [str(i) for i in out.issues]
        reads.append(out.annotations["toy-0001"])
    first, again = reads
    assert first == again
    assert [e["id"] for e in first["events"]] == ["ev1", f"ls.{drawn}"]
    assert first["events"][0]["relations"] == [{"type": "causes", "target": f"ls.{drawn}"}]
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    annotation_path(root, "toy-0001").write_bytes(dump_json(first))
    assert list(iter_errors([root])) == []


def test_region_ids_map_to_our_pattern_and_keep_ours() -> None:
    assert [region_id(i) for i in ("ev1", "ev1:arg0", "DhKmQ9wGyM", "9hKmQ9wGyM")] == [
        "ev1", "ev1:arg0", "DhKmQ9wGyM", "ls.9hKmQ9wGyM"
    ]  # fmt: skip
    # what wire_id pushes comes back as the id it was made from, and an editor-made id is never taken for one
    for ours in ("ev1", "q2:src", "ev1:arg0", "ls.2Jk3PmjHG6", "ent-a.b_c:m0", "ls.-4bZ9qTs_x"):
        assert region_id(wire_id(ours)) == ours and not {":", "."} & set(wire_id(ours)), ours
    odd = region_id("a b/c")
    assert odd == region_id("a b/c") and odd.startswith("ls.h") and odd != region_id("a b/d")


def test_docs_list_the_keys_the_editor_gives() -> None:
    from conflict_news.labelstudio.config import list_hotkeys

    page = (REPO / "docs" / "labelstudio.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| \*\*(\S+)\*\* \| (\S+) \| (\S+) \|$", page, flags=re.M)
    keys = list_hotkeys(CONFIG)
    assert listed == keys
    assert len({key for key, _, _ in keys}) == len(keys) == 33  # one control per key, and the editor's 33 keys used
    assert {control for _, control, _ in keys} >= {"span", "modality", "polarity", "quote_type", "fig_bound"}


def test_instructions_say_which_link_to_draw() -> None:
    from conflict_news.labelstudio.config import build_instructions

    html = build_instructions(load_taxonomy())
    for needed in ("<b>speaker</b>: CUE &rarr; MENTION", "<b>quantifies</b>: FIGURE &rarr; EVENT",
                   "<b>claimant</b>: FIGURE &rarr; MENTION", "<b>attacker</b>: EVENT &rarr; ARGUMENT", "<b>first</b>"):  # fmt: skip
        assert needed in html, needed
    assert "<script" not in html


def test_instructions_carry_the_guidelines_decision_trees_not_a_path_annotators_cannot_open() -> None:
    from conflict_news.core.guidelines import decision_trees, guidelines_version
    from conflict_news.labelstudio.config import build_instructions

    html = build_instructions(load_taxonomy())
    assert "GUIDELINES.md" not in html and "annotations/" not in html
    trees = decision_trees()
    assert [t.split("**")[1] for t in trees] == ["Entities.", "Events.", "Quotes.", "Figures."]
    for tree in trees:
        assert f"<b>{tree.split('**')[1]}</b>" in html
    assert "<code>ENT-2</code>" in html and "<code>FIG-7</code>" in html and "No → not an entity" in html
    assert f"version {guidelines_version()}" in html
    for tag in ("p", "b", "code"):  # every tag the trees' Markdown became is closed
        assert html.count(f"<{tag}>") == html.count(f"</{tag}>"), tag


def test_each_field_shows_for_its_labels_only() -> None:
    root = ElementTree.fromstring(CONFIG)
    shown_for = {}
    for view in root.iter("View"):
        if view.get("visibleWhen") != "region-selected":
            continue
        for control in view.iter():  # place and time fields sit in a fold inside their view
            if control.get("perRegion") == "true":
                shown_for[control.get("name")] = view.get("whenLabelValue")
    assert shown_for["event_type"] == "EVENT" and shown_for["fig_value"] == "FIGURE"
    assert shown_for["entity"] == "MENTION" and shown_for["loc_precision"] == "LOCATION,EVENT"
    assert shown_for["time_anchor"] == "TIME,EVENT" and shown_for["quote_type"] == "CUE"
    assert all(shown_for.values()) and len(shown_for) == 23
    # Every field under a visible heading: the element before it is a Header.
    for parent in root.iter():
        for before, control in itertools.pairwise([None, *parent]):
            if control is not None and control.get("perRegion") == "true":
                assert before is not None and before.tag == "Header", control.get("name")
    # Only an EVENT's first needs are open: the place and time fields (rare on an EVENT) are folded.
    folded = {c.get("name") for panel in root.iter("Panel") for c in panel.iter() if c.get("perRegion")}
    on_events = {name for name, labels in shown_for.items() if "EVENT" in str(labels).split(",")}
    assert folded == on_events - {"modality", "polarity", "event_type"}


def test_a_field_set_on_a_region_of_another_label_is_refused() -> None:
    export = offline_export(BASE, "toy-0001")
    result = export[0]["annotations"][0]["result"]
    fig = next(r for r in result if r.get("id") == "fig1" and r["type"] == "labels")
    result.append({"id": "fig1", "from_name": "modality", "to_name": "text", "type": "choices",
                   "value": {**fig["value"], "choices": ["actual"]} | {"labels": None}})  # fmt: skip
    del result[-1]["value"]["labels"]
    out = ExportImporter(BASE, "export.json").run(export)
    assert [(i.code, i.ann_id) for i in out.issues] == [("ls-orphan-attribute", "fig1")]
    assert "modality belongs to EVENT regions, not FIGURE" in out.issues[0].message
