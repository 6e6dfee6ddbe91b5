"""The Label Studio import's bookkeeping pinned by hand: batches merged whole, annotators named from
the user list, the diff table, the tasks `agreement` reads, and the whole issue of each region code.
Each holds a behaviour that mutation testing (tests/mutation_run.py) found no other test holding."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ijson
import orjson
import pytest

from conflict_news.cli.main import main
from conflict_news.core.store import dump_json, list_doc_ids
from conflict_news.core.validate import iter_errors
from conflict_news.grow.synthetic import write_synthetic
from conflict_news.labelstudio import importer
from conflict_news.labelstudio.importer import (
    READ_BYTES,
    TASKS_PER_BATCH,
    ExportImporter,
    LayerDiff,
    NestingTooDeep,
    _DepthGuard,
    convert_annotation,
    format_diffs,
    framed_export,
    import_export,
    read_export,
    read_tasks,
)
from conflict_news.labelstudio.users import annotator_email, read_users
from conftest import BASE, REPO
from ls_helpers import apply_case, offline_export

TASK = offline_export(BASE, "toy-0001")[0]


def _write(path: Path, tasks: list[Any]) -> Path:
    path.write_bytes(dump_json(tasks))
    return path


def _unannotated() -> dict[str, Any]:
    return {**copy.deepcopy(TASK), "annotations": []}


def _broken() -> dict[str, Any]:
    return {"data": "not an object"}


def test_every_batch_of_tasks_is_merged_into_the_outcome(tmp_path: Path) -> None:
    n = TASKS_PER_BATCH + 4
    tasks: list[Any] = [copy.deepcopy(TASK) for _ in range(n)]
    tasks[1], tasks[n - 2] = _unannotated(), _unannotated()
    out = import_export(_write(tmp_path / "export.json", tasks), BASE, workers=1)
    assert out.issues == []
    assert len(out.imported) == n - 2  # from both batches
    assert out.unannotated == ["toy-0001", "toy-0001"]
    assert len(out.diffs) == 4 * (n - 2)
    tasks[0], tasks[n - 1] = _broken(), _broken()
    out = import_export(_write(tmp_path / "export.json", tasks), BASE, workers=1)
    assert [(i.code, i.path) for i in out.issues] == [
        ("ls-export-invalid", "$[0]"),
        ("ls-export-invalid", f"$[{n - 1}]"),
    ]


def test_two_tasks_changing_one_document_in_different_batches_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    changed = copy.deepcopy(TASK)
    changed["annotations"][0]["result"] = []
    tasks = [changed, *(copy.deepcopy(TASK) for _ in range(TASKS_PER_BATCH)), copy.deepcopy(changed)]
    out = import_export(_write(tmp_path / "export.json", tasks), root, overwrite_gold=True, workers=1)
    assert [str(i) for i in out.issues] == [
        "export.json:$: [ls-export-invalid] several tasks change document(s) toy-0001"
    ]


def test_annotators_are_named_from_the_user_list_and_nothing_is_shown_unasked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    changed = copy.deepcopy(TASK)
    changed["annotations"][0]["result"] = []
    changed["annotations"][0]["completed_by"] = 1  # a user id, as the server's export gives it
    out = import_export(_write(tmp_path / "export.json", [changed]), root, True, {1: "ann@example.org"}, workers=1)
    assert {d.annotator for d in out.diffs} == {"ann@example.org"}
    written = json.loads((root / "annotations" / "toy-0001.json").read_text(encoding="utf-8"))
    assert written["provenance"]["annotators"] == ["ann@example.org"]
    assert capsys.readouterr().err == ""  # no progress bar unless asked


def test_annotators_are_named_by_email_from_the_export_or_a_users_file_and_else_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expanded = {"id": 2, "email": "ann2@example.org", "first_name": "", "last_name": ""}
    assert annotator_email({"completed_by": expanded}, {}) == "ann2@example.org"
    assert annotator_email({"completed_by": {"id": 2, "email": ""}}, {2: "two@example.org"}) == "two@example.org"
    assert annotator_email({"completed_by": 2}, {2: "two@example.org"}) == "two@example.org"
    for unnamed in (2, True, "ann2", None, {"id": 3}):
        assert annotator_email({"completed_by": unnamed}, {2: "two@example.org"} if unnamed != 2 else {}) is None
    # The server's user list as GET /api/users/ returns it, or a plain object of ids to e-mails.
    listed = tmp_path / "listed.json"
    listed.write_text(json.dumps([{"id": 2, "username": "a", "email": "ann2@example.org"}]), encoding="utf-8")
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"2": "ann2@example.org"}), encoding="utf-8")
    assert read_users(listed) == read_users(plain) == {2: "ann2@example.org"}
    export = copy.deepcopy(TASK)
    export["annotations"][0]["completed_by"] = 2
    path = _write(tmp_path / "export.json", [export])
    verb = ["labelstudio", "import", str(path), "--root", str(BASE), "--report-only"]
    assert main(verb) == 1
    assert "export.json:$[0].annotations[0].completed_by: [ls-annotator-unknown] toy-0001: annotator 2" in (
        capsys.readouterr().err
    )
    assert main([*verb, "--users", str(plain)]) == 0
    assert "toy-0001  ann2@example.org" in capsys.readouterr().out
    for content, code in (("{", "option-invalid"), ('{"x": "a@b"}', "option-invalid"), ("[]", "option-invalid"),
                          ('{"2": ""}', "option-invalid"), (None, "input-missing")):  # fmt: skip
        users = tmp_path / "users.json"
        users.unlink(missing_ok=True)
        if content is not None:
            users.write_text(content, encoding="utf-8")
        assert main([*verb, "--users", str(users)]) == 1
        assert f"[{code}]" in capsys.readouterr().err, content


def test_an_unreadable_export_is_named_by_its_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text("[{", encoding="utf-8")
    (issue,) = import_export(path, BASE).issues
    assert str(issue).startswith("mine.json:$: [ls-export-invalid] not a readable JSON export: ")
    path.write_bytes(b"[" * 100 + b"]" * 100)
    (issue,) = import_export(path, BASE).issues
    assert str(issue) == (
        "mine.json:$: [limit-exceeded] the export is nested more than 64 levels deep (limits.MAX_JSON_DEPTH)"
    )


def test_the_diff_table_as_worked_out_by_hand() -> None:
    diffs = [
        LayerDiff(
            doc_id="toy-0001", annotator="ann", layer="events", added=("ev3",), removed=(), changed=("ev1", "ev2")
        ),
        LayerDiff(doc_id="toy-0001", annotator="ann", layer="figures", added=(), removed=("fig1",), changed=()),
    ]
    assert format_diffs(diffs) == (
        "document  annotator  layer    added  removed  changed\n"
        "toy-0001  ann        events   1      0        2\n"
        "toy-0001  ann        figures  0      1        0\n"
        "  toy-0001 ann events + ev3\n"
        "  toy-0001 ann events ~ ev1, ev2\n"
        "  toy-0001 ann figures - fig1\n"
    )


def test_the_tasks_agreement_reads_and_the_issues_of_the_others(tmp_path: Path) -> None:
    good = copy.deepcopy(TASK)
    no_text = {**copy.deepcopy(TASK), "data": {"doc_id": "x", "text": 7}}
    bad_annotation = {**copy.deepcopy(TASK), "annotations": ["not an annotation"]}
    tasks, issues = read_tasks(_write(tmp_path / "e.json", [good, no_text, bad_annotation, "a string"]))
    assert tasks == [good]
    assert [str(i) for i in issues] == [
        "e.json:$[1]: [ls-export-invalid] expected a task whose data has a text",
        "e.json:$[2].annotations[0]: [ls-export-invalid] expected an annotation object",
        "e.json:$[3]: [ls-export-invalid] expected a task whose data has a text",
    ]
    (tmp_path / "e.json").write_text("[{", encoding="utf-8")
    tasks, (issue,) = read_tasks(tmp_path / "e.json")
    assert tasks == [] and str(issue).startswith("e.json:$: [ls-export-invalid] not a readable JSON export: ")
    assert not str(issue).endswith("None")  # the parser's own words follow


@pytest.mark.parametrize("tasks", [{"data": {}}, "tasks", 7])
def test_an_in_memory_export_that_is_not_a_list_is_reported(tasks: Any) -> None:
    from conflict_news.labelstudio.importer import ExportImporter

    out = ExportImporter(BASE, "e.json").run(tasks)
    assert [str(i) for i in out.issues] == [
        "e.json:$: [ls-export-invalid] expected a list of tasks (Label Studio's JSON export)"
    ]


def test_the_whole_issue_of_protected_gold_and_of_a_missing_adjudication(tmp_path: Path) -> None:
    changed = copy.deepcopy(TASK)
    changed["annotations"][0]["result"] = []
    out = import_export(_write(tmp_path / "export.json", [changed]), BASE)
    assert [str(i) for i in out.issues] == [
        "export.json:$[0]: [ls-gold-protected] toy-0001: annotations/toy-0001.json is gold and would change; pass --overwrite-gold"
    ]
    second = {**copy.deepcopy(TASK["annotations"][0]), "id": 2, "completed_by": {"id": 2, "email": "ann2@example.org"}}
    twice = {**copy.deepcopy(TASK), "annotations": [copy.deepcopy(TASK["annotations"][0]), second]}
    out = import_export(_write(tmp_path / "export.json", [twice]), BASE)
    assert [str(i) for i in out.issues] == [
        "export.json:$[0].annotations: [ls-no-adjudication] toy-0001: 2 annotations, 0 marked ground truth: "
        "mark exactly one, or run conflict-news adjudicate"
    ]


R = "/0/annotations/0/result/"


@pytest.mark.parametrize(
    ("edit", "issue"),
    [
        ({R + "14/value/start": 30}, "[ls-span-inverted] ev1: start 30 is not before end 22"),
        ({R + "14/value/end": 500}, "[ls-span-out-of-range] ev1: [17, 500) is outside the text (length 147)"),
        ({R + "14/value/text": "fires"}, "[ls-span-text-mismatch] ev1: 'fires' differs from the text at [17, 22): 'fired'"),
        ({R + "14/value/labels": ["BOGUS"]}, "[ls-unknown-label] ev1: labels ['BOGUS']: expected one of ['APPROX', 'ARGUMENT', 'CONTENT', 'COUNTED', 'CUE', 'EVENT', 'FIGURE', 'LOCATION', 'MENTION', 'SOURCE', 'TIME']"),
        ({R + "14/value": "x"}, "[ls-export-invalid] value is not of the type Label Studio writes"),
    ],
)  # fmt: skip
def test_the_whole_issue_of_each_region_code(edit: dict[str, Any], issue: str, tmp_path: Path) -> None:
    export = apply_case(offline_export(BASE, "toy-0001"), {"set": edit})
    out = import_export(_write(tmp_path / "export.json", export), BASE)
    where = "$[0].annotations[0].result[14]"
    found = [str(i) for i in out.issues]
    assert any(line.startswith(f"export.json:{where}") and line.endswith(issue) for line in found), found


def test_an_in_memory_import_protects_gold_unless_told() -> None:
    from conflict_news.labelstudio.importer import ExportImporter

    changed = copy.deepcopy(TASK)
    changed["annotations"][0]["result"] = []
    assert [i.code for i in ExportImporter(BASE, "e.json").run([changed]).issues] == ["ls-gold-protected"]
    assert ExportImporter(BASE, "e.json").run([changed], overwrite_gold=True).issues == []


# --- the re-import fast path: a result that is the stored file's own is not converted again -------------


def _outcome(root: Path, export: list[dict[str, Any]]) -> bytes:
    """Everything an import tells, as bytes: == would take 12.0 for 12 and 0 for False."""
    out = ExportImporter(root, "export.json").run(export)
    told = [[repr(i) for i in out.issues], out.diffs, [c.to_dict() for c in out.corrections], out.annotations,
            out.imported, out.changed]  # fmt: skip
    return orjson.dumps(told)


def _exports(root: Path) -> list[list[dict[str, Any]]]:
    """Per document: the pre-annotation accepted (its parent prediction in the export), and the same result
    submitted with no parent prediction (made beside the stored file)."""
    exports = []
    for doc_id in list_doc_ids(root):
        accepted = offline_export(root, doc_id)
        beside = copy.deepcopy(accepted)
        del beside[0]["annotations"][0]["prediction"]
        exports += [accepted, beside]
    return exports


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    write_synthetic(root, 12, seed=3)
    return root


@pytest.mark.parametrize("which", ["shipped", "dev", "toy", "synthetic"])
def test_reusing_the_stored_layers_gives_what_converting_gives(
    which: str, synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = {"shipped": REPO, "dev": REPO / "dev", "toy": BASE, "synthetic": synthetic}[which]
    exports = _exports(root)
    converted: list[str] = []

    def counted(result: list[Any], *args: Any) -> Any:
        converted.append(args[-1])
        return convert_annotation(result, *args)

    monkeypatch.setattr(importer, "convert_annotation", counted)
    fast = [_outcome(root, export) for export in exports]
    assert converted == []  # every stored file is clean here, so nothing was converted: the fast path ran
    monkeypatch.setattr(importer._Stored, "layers_of", lambda self, result: None)  # the reference: convert all
    reference = [_outcome(root, export) for export in exports]
    assert len(converted) == len(exports)
    assert fast == reference


def _edited_root(tmp_path: Path, edit: Callable[[dict[str, Any], str], None]) -> Path:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    path = root / "annotations" / "toy-0001.json"
    ann = json.loads(path.read_text(encoding="utf-8"))
    edit(ann, (root / "corpus" / "toy-0001.txt").read_text(encoding="utf-8"))
    path.write_bytes(dump_json(ann))
    assert list(iter_errors([root])) == []  # clean, so the fast path is asked
    return root


TRIGGER_WORD = "told"  # a word of the toy text outside every quote's content and trigger


def _null_anchor(ann: dict[str, Any], text: str) -> None:
    ann["events"][0]["time"]["anchor_event"] = None


def _relations_apart(ann: dict[str, Any], text: str) -> None:
    """ev1 -> ev2, ev1 -> ev3, ev1 -> ev2 again: `tasks` sends the two links to ev2 as one, with two labels."""
    ev2 = next(ev for ev in ann["events"] if ev["id"] == "ev2")
    ev3 = {**copy.deepcopy(ev2), "id": "ev3", "relations": [], "arguments": [], "location": None, "time": None}
    start = text.index(TRIGGER_WORD)
    ev3["trigger"] = {"start": start, "end": start + len(TRIGGER_WORD), "text": TRIGGER_WORD}
    ann["events"][0]["relations"] = [{"type": "causes", "target": "ev2"}, {"type": "causes", "target": "ev3"},
                                     {"type": "subevent_of", "target": "ev2"}]  # fmt: skip
    ann["events"].append(ev3)


def _self_affiliated(ann: dict[str, Any], text: str) -> None:
    ann["entities"][0]["affiliation"] = ann["entities"][0]["id"]


def _float_value(ann: dict[str, Any], text: str) -> None:
    ann["figures"][0]["value"] = float(ann["figures"][0]["value"])


@pytest.mark.parametrize("edit", [_null_anchor, _relations_apart, _self_affiliated, _float_value])
def test_a_clean_file_the_round_trip_does_not_keep_is_converted(
    edit: Callable[[dict[str, Any], str], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _edited_root(tmp_path, edit)
    exports = _exports(root)
    fast = [_outcome(root, export) for export in exports]
    monkeypatch.setattr(importer._Stored, "layers_of", lambda self, result: None)
    assert fast == [_outcome(root, export) for export in exports]


@pytest.mark.parametrize(("find", "value"), [("start", 0.0), ("start", False), ("number", True), ("number", 12.0)])
def test_a_result_equal_only_by_python_equality_is_converted(
    find: str, value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0 == 0.0 == False and 1 == True: a result of the wrong type is the converter's to refuse or normalise."""
    export = offline_export(BASE, "toy-0001")
    result = export[0]["annotations"][0]["result"]
    region = next(r for r in result if find in r.get("value", {}) and r["value"][find] in (0, 1, 12))
    region["value"][find] = value if region["value"][find] == value else type(value)(region["value"][find])
    fast = _outcome(BASE, export)
    monkeypatch.setattr(importer._Stored, "layers_of", lambda self, result: None)
    assert fast == _outcome(BASE, export)


def test_a_result_that_differs_from_the_stored_files_is_converted(monkeypatch: pytest.MonkeyPatch) -> None:
    export = offline_export(BASE, "toy-0001")
    result = export[0]["annotations"][0]["result"]
    modality = next(r for r in result if r.get("id") == "ev1" and r.get("from_name") == "modality")
    modality["value"]["choices"] = ["reported"]
    for r in result:  # what the editor adds to regions it copied from a prediction; no change of content
        r["origin"] = "prediction"
    converted: list[str] = []
    monkeypatch.setattr(importer, "convert_annotation", lambda *a: converted.append(a[-1]) or convert_annotation(*a))
    out = ExportImporter(BASE, "export.json").run(export)
    # ("$" is the parent prediction, converted to tell what the annotator changed)
    assert (converted[0], [i.code for i in out.issues], out.changed) == (
        "$[0].annotations[0]",
        ["ls-gold-protected"],
        ["toy-0001"],
    )
    modality["value"]["choices"] = ["actual"]  # the stored file's result again, origin marks and all
    converted.clear()
    out = ExportImporter(BASE, "export.json").run(export)
    assert (converted, out.issues, out.changed, out.imported) == ([], [], [], ["toy-0001"])


# --- reading an export: one task per line by orjson, anything else by ijson, the same items either way -----


def _by_ijson(path: Path) -> list[Any]:
    """What read_export gave before it read lines: ijson through the depth guard, in 1 MiB buffers."""
    with path.open("rb") as f:
        return list(ijson.items(_DepthGuard(f), "item", use_float=True, buf_size=READ_BYTES))


def _read_framed(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], bool]:
    """read_export's items, and whether ijson was asked (the line reader gave up)."""
    asked: list[bool] = []
    real = ijson.items
    monkeypatch.setattr(importer.ijson, "items", lambda *a, **k: asked.append(True) or real(*a, **k))
    return list(read_export(path)), bool(asked)


FRAMED = framed_export([TASK, {**TASK, "id": 2}, {**TASK, "id": 3}])
FRAMED_VARIANTS = {
    "framed": FRAMED,
    "crlf": FRAMED.replace(b"\n", b"\r\n"),
    "first task beside the bracket": FRAMED.replace(b"[\n", b"[", 1),
    "indented": dump_json([TASK, {**TASK, "id": 2}]),
    "framed, then indented": FRAMED[: FRAMED.rindex(b"\n]")] + b",\n" + dump_json({**TASK, "id": 4}) + b"]",
    "two tasks on a line": FRAMED.replace(b",\n", b", ", 1),
    "empty": b"[]",
    "digits of a hash": FRAMED.replace(b'"id":2', b'"id":2,"sha":"a' + b"1" * 40 + b'"'),
    "a number among the tasks": FRAMED.replace(b"\n]", b",\n7\n]"),
}


LINE_BY_LINE = {"framed", "crlf", "first task beside the bracket", "digits of a hash"}


@pytest.mark.parametrize("name", FRAMED_VARIANTS)
def test_an_export_read_line_by_line_gives_what_ijson_gives(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(FRAMED_VARIANTS[name])
    items, by_ijson = _read_framed(path, monkeypatch)
    assert orjson.dumps(items) == orjson.dumps(_by_ijson(path))
    # the layouts of `pull` are read line by line (a hash's digits by ijson, that line alone)
    assert by_ijson == (name not in LINE_BY_LINE or name == "digits of a hash")
    if name == "digits of a hash":
        monkeypatch.undo()
        calls: list[Any] = []
        monkeypatch.setattr(importer, "_DepthGuard", lambda f: calls.append(f) or _DepthGuard(f))
        list(read_export(path))
        assert len(calls) == 1  # the file was not read a second time


def test_an_export_on_one_line_is_left_to_ijson_after_at_most_max_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(orjson.dumps([TASK] * 40))  # compact, no line break: jq -c, json.dumps
    monkeypatch.setattr(importer, "MAX_LINE", 1 << 17)
    monkeypatch.setattr(importer, "READ_BYTES", 1 << 16)
    read: list[int] = []
    real = importer._DepthGuard.read
    monkeypatch.setattr(importer._DepthGuard, "read", lambda self, n=-1: read.append(n) or real(self, n))
    items, by_ijson = _read_framed(path, monkeypatch)
    assert by_ijson and len(items) == 40
    assert len(read) < path.stat().st_size / (1 << 16) * 2  # gave up early, then one ijson pass


def test_an_error_in_the_next_chunk_comes_after_the_items_ijson_gives(tmp_path: Path) -> None:
    """A task whose closing brace ends a 1 MiB chunk, then a task nested too deep: ijson gives the first task
    before the guard refuses the second chunk, and so must the line reader."""
    first = orjson.dumps(TASK)
    pad = READ_BYTES - len(b"[\n") - len(first) - 1
    padded = {**TASK, "pad": "x" * (pad - len(b',"pad":""'))}
    body = b"[\n" + orjson.dumps(padded)
    assert len(body) == READ_BYTES - 1, len(body)
    path = tmp_path / "export.json"
    path.write_bytes(body + b",\n" + b'{"a":' * 200 + b"1" + b"}" * 200 + b"\n]\n")
    given: list[Any] = []
    with pytest.raises(NestingTooDeep):
        given.extend(read_export(path))
    expected: list[Any] = []
    with path.open("rb") as f, pytest.raises(NestingTooDeep):
        expected.extend(ijson.items(_DepthGuard(f), "item", use_float=True, buf_size=READ_BYTES))
    assert [t.get("id") for t in given] == [t.get("id") for t in expected] == [TASK.get("id")]


FRAMED_BROKEN = {
    "no comma": FRAMED.replace(b",\n", b"\n", 1),
    "no closing bracket": FRAMED[: FRAMED.rindex(b"]")],
    "text after the array": FRAMED + b"{}",
    "a comma before the bracket": FRAMED.replace(b"\n]", b",\n]"),
    "a broken task": FRAMED.replace(b'"id":3', b'"id":', 1),
    "two tasks on a line, one with a hash": FRAMED.replace(b'"id":2', b'"sha":"' + b"1" * 40 + b'","id":2').replace(
        b",\n", b" ", 1
    ),
    "a big integer": FRAMED.replace(b'"id":2', b'"id":' + b"9" * 30),
}


@pytest.mark.parametrize("name", FRAMED_BROKEN)
def test_a_broken_export_fails_as_ijson_fails_after_the_same_items(name: str, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(FRAMED_BROKEN[name])
    given: list[Any] = []
    with pytest.raises(ijson.JSONError) as framed:
        given.extend(read_export(path))
    expected: list[Any] = []
    with path.open("rb") as f, pytest.raises(ijson.JSONError) as reference:
        expected.extend(ijson.items(_DepthGuard(f), "item", use_float=True, buf_size=READ_BYTES))
    assert (given, str(framed.value)) == (expected, str(reference.value))
