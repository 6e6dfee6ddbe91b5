"""Adjudication, per-item provenance and the corrections report, offline (the server run is in
test_labelstudio_campaign.py)."""

from __future__ import annotations

import copy
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from conflict_news import iter_errors
from conflict_news.core.adjudication import write_gold
from conflict_news.core.items import compare, precision_recall
from conflict_news.core.store import annotation_path, dump_json, read_document
from conflict_news.core.taxonomy import load_taxonomy
from conflict_news.core.validate import check_document
from conflict_news.labelstudio.adjudicate import MERGED, SIDE, adjudicate
from conflict_news.labelstudio.importer import ExportImporter
from conftest import BASE
from ls_helpers import assert_review_outcome, conflicting_versions, delete_sides, export_of, offline_export


def _double(annotators: dict[int, str], change: bool) -> tuple[list[dict[str, Any]], dict[int, str]]:
    export = offline_export(BASE, "toy-0001")
    first = export[0]["annotations"][0] | {"completed_by": 1}  # ids, as the server's export has them
    export[0]["annotations"][0] = first
    second = copy.deepcopy(first) | {"id": 2, "completed_by": 2}
    if change:
        for r in second["result"]:
            if r.get("id") == "fig1" and r.get("from_name") == "fig_property":
                r["value"]["choices"] = ["intercepted"]
    export[0]["annotations"].append(second)
    return export, annotators


def test_agreeing_annotators_give_gold_naming_both(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    export, users = _double({1: "a@example.org", 2: "b@example.org"}, change=False)
    out = adjudicate(root, export, [], users)
    assert out.issues == [] and out.review == [] and list(out.gold) == ["toy-0001"]
    gold = out.gold["toy-0001"]
    assert {tuple(r["annotators"]) for r in gold["provenance"]["items"]} == {("a@example.org", "b@example.org")}
    # The toy document is gold already: the provenance would change, so the flag is needed.
    written, issues = write_gold(root, out.gold, overwrite_gold=False)
    assert (written, [i.code for i in issues]) == ([], ["ls-gold-protected"])
    written, issues = write_gold(root, out.gold, overwrite_gold=True)
    assert (written, issues) == (["toy-0001"], [])
    assert list(iter_errors([root])) == []
    assert write_gold(root, out.gold, overwrite_gold=False) == ([], [])  # unchanged: nothing to write


def test_a_conflict_goes_to_review_and_the_review_becomes_gold(tmp_path: Path) -> None:
    export, users = _double({1: "a@example.org", 2: "b@example.org", 3: "lead@example.org"}, change=True)
    out = adjudicate(BASE, export, [], users)
    assert out.gold == {} and out.conflicts == {"toy-0001": 1}
    (task,) = out.review
    assert [p["model_version"] for p in task["predictions"]] == [MERGED, "a@example.org", "b@example.org"]
    # One line per item, each side's value of what differs.
    assert task["data"]["conflicts"].splitlines() == [
        "1 item(s) to decide:",
        "• figure «12» differs in property (a@example.org: launched; b@example.org: intercepted)",
    ]
    # Not sent twice; once reviewed (the reviewer keeps b's version), it is gold.
    assert adjudicate(BASE, export, [task], users).review == []
    reviewed = copy.deepcopy(task) | {
        "annotations": [{"id": 9, "completed_by": 3, "result": task["predictions"][2]["result"]}]
    }
    out = adjudicate(BASE, export, [reviewed], users)
    records = {r["id"]: r for r in out.gold["toy-0001"]["provenance"]["items"]}
    assert records["fig1"] == {"id": "fig1", "annotators": ["b@example.org"], "adjudicator": "lead@example.org"}
    assert records["ev1"]["adjudicator"] is None
    assert out.gold["toy-0001"]["provenance"]["annotators"] == ["a@example.org", "b@example.org", "lead@example.org"]


def test_too_few_annotators_wait_and_broken_versions_are_reported() -> None:
    export = offline_export(BASE, "toy-0001")
    assert adjudicate(BASE, export, [], {}).waiting == ["toy-0001"]
    export, users = _double({1: "a@example.org", 2: "b@example.org"}, change=False)
    export[0]["annotations"][1]["result"].append({"type": "relation", "from_id": "nowhere", "to_id": "ev1",
                                                  "direction": "right", "labels": ["causes"]})  # fmt: skip
    out = adjudicate(BASE, export, [], users)
    assert [i.code for i in out.issues] == ["ls-relation-dangling"] and out.gold == {}


def test_corrections_count_accepted_changed_deleted_and_added() -> None:
    before = read_document(BASE, "toy-0001").annotation
    after = copy.deepcopy(before)
    after["figures"][0]["property"] = "intercepted"
    del after["quotes"][1]
    # The same event under another id (as one drawn again in the editor gets) is the same item.
    after = json.loads(json.dumps(after).replace('"ev2"', '"ls.9new"'))
    counts = compare(before, after)
    assert counts["figures"] == {"accepted": 0, "changed": 1, "deleted": 0, "added": 0}
    assert counts["quotes"] == {"accepted": 1, "changed": 0, "deleted": 1, "added": 0}
    assert counts["events"] == {"accepted": 2, "changed": 0, "deleted": 0, "added": 0}
    scores = precision_recall(counts.values())
    total = sum(len(before[k]) for k in counts)
    assert scores["precision"] == (total - 2) / total and scores["matched_precision"] == (total - 1) / total


def test_item_records_must_name_items_of_the_file_once(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    ann = json.loads(annotation_path(root, "toy-0001").read_text(encoding="utf-8"))
    record = {"id": "ev1", "annotators": ["a"], "adjudicator": None}
    ann["provenance"]["items"] = [record, record, {**record, "id": "ev9"}]
    annotation_path(root, "toy-0001").write_bytes(dump_json(ann))
    issues = check_document(root, read_document(root, "toy-0001"), load_taxonomy())
    assert [(i.code, i.path) for i in issues] == [
        ("duplicate-id", "$.provenance.items[1].id"), ("dangling-reference", "$.provenance.items[2].id")
    ]  # fmt: skip


def test_item_records_survive_a_round_trip_and_name_whoever_changes_an_item(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(BASE, root)
    export, users = _double({1: "a@example.org", 2: "b@example.org", 3: "lead@example.org"}, change=True)
    task = adjudicate(root, export, [], users).review[0]
    reviewed = copy.deepcopy(task) | {
        "annotations": [{"id": 9, "completed_by": 3, "result": task["predictions"][2]["result"]}]
    }
    gold = adjudicate(root, export, [reviewed], users).gold
    assert write_gold(root, gold, overwrite_gold=True)[0] == ["toy-0001"]
    adjudicated = read_document(root, "toy-0001").annotation["provenance"]["items"]
    # Pushed again as the pre-annotation, corrected by c@: only the quote c@ changed is c@'s.
    export = offline_export(root, "toy-0001")
    export[0]["annotations"][0]["completed_by"] = 1
    for r in export[0]["annotations"][0]["result"]:
        if r.get("id") == "q2" and r.get("from_name") == "quote_type":
            r["value"]["choices"] = ["indirect"]
    out = ExportImporter(root, "export.json", users={1: "c@example.org"}).run(export, overwrite_gold=True)
    assert out.issues == []
    records = out.annotations["toy-0001"]["provenance"]["items"]
    assert [r for r in records if r["id"] != "q2"] == [r for r in adjudicated if r["id"] != "q2"]
    assert next(r for r in records if r["id"] == "q2") == {
        "id": "q2",
        "annotators": ["c@example.org"],
        "adjudicator": None,
    }
    assert next(r for r in records if r["id"] == "fig1")["adjudicator"] == "lead@example.org"


def test_the_review_starts_from_every_version_and_gold_keeps_what_the_reviewer_kept_of_each() -> None:
    a, b = conflicting_versions(BASE)
    users = {1: "a@example.org", 2: "b@example.org", 3: "lead@example.org"}
    export = export_of(BASE, "toy-0001", [a, b])
    out = adjudicate(BASE, export, [], users)
    (task,) = out.review
    assert [p["model_version"] for p in task["predictions"]] == [MERGED, "a@example.org", "b@example.org"]
    assert task["data"]["annotators"] == "1 a@example.org, 2 b@example.org"
    lines = task["data"]["conflicts"].splitlines()
    assert lines[0] == f"{out.conflicts['toy-0001']} item(s) to decide:"
    assert "• entity ent-reporters: a@example.org: group reporters; b@example.org: absent" in lines
    assert any("(dropped: a mention of ent-varn is deleted)" in line for line in lines)
    merged = task["predictions"][0]["result"]
    regions = [r for r in merged if r.get("type") == "labels"]
    # Agreed items once, unmarked; each conflicting item once per side, marked with its annotator.
    assert sum(r["id"] == "ev2" for r in regions) == 0 and sum(r["id"] == "q2" for r in regions) == 1
    assert {r["id"]: r["meta"]["text"] for r in regions if r["id"].startswith("fig1")} == {
        f"fig1{SIDE}1": ["a@example.org"], f"fig1·counted{SIDE}1": ["a@example.org"],
        f"fig1{SIDE}2": ["b@example.org"], f"fig1·counted{SIDE}2": ["b@example.org"],
    }  # fmt: skip
    assert [r["id"] for r in regions if r["id"].startswith("ent-reporters")] == [f"ent-reporters·m0{SIDE}1"]
    # The agreed quote q2 reports ev2, which is in conflict: the link (CUE -> EVENT, unlabelled: its ends
    # name it) goes to both sides.
    from_q2 = {r["to_id"] for r in merged if r.get("from_id") == "q2" and r["type"] == "relation"}
    assert {target for target in from_q2 if target.startswith("ev")} == {
        f"ev2{SIDE}1", f"ev2{SIDE}2"
    }  # fmt: skip
    # The reviewer keeps b's ev1 and fig1, a's q1, ev2 and Ilka Varn, and a's reporters (a's alone).
    result = delete_sides(merged, {"ev1", "fig1"}, 1)
    result = delete_sides(result, {"q1", "ev2", "ent-varn"}, 2)
    reviewed = copy.deepcopy(task) | {"annotations": [{"id": 9, "completed_by": 3, "result": result}]}
    out = adjudicate(BASE, export, [reviewed], users)
    assert out.issues == []
    gold = out.gold["toy-0001"]
    assert_review_outcome(gold)
    records = {r["id"]: r for r in gold["provenance"]["items"]}
    assert records["fig1"]["annotators"] == ["b@example.org"] and records["ent-reporters"]["annotators"] == [
        "a@example.org"
    ]
    assert records["q2"] == {"id": "q2", "annotators": ["a@example.org", "b@example.org"], "adjudicator": None}


REVIEW_CASES = sorted((Path(__file__).parent / "cases" / "labelstudio-review").glob("*.json"))


@pytest.mark.parametrize("case", REVIEW_CASES, ids=[p.stem for p in REVIEW_CASES])
def test_a_damaged_review_gives_exactly_its_code_and_no_gold(case: Path) -> None:
    """A case (tests/cases/labelstudio-review/<code>.json) names the sides the reviewer of
    conflicting_versions deletes (and the event both count ev1's time from, if any); adjudicating the
    review must give exactly <code>, its message naming the regions concerned as the editor shows them."""
    spec = json.loads(case.read_text(encoding="utf-8"))
    a, b = conflicting_versions(BASE)
    if "anchor" in spec:
        a, b = _anchored(a, spec["anchor"]), _anchored(b, spec["anchor"])
    users, export, task = _review_of(a, b)
    result = task["predictions"][0]["result"]
    for side, items in spec["delete"].items():
        result = delete_sides(result, set(items), int(side))
    reviewed = copy.deepcopy(task) | {"annotations": [{"id": 9, "completed_by": 3, "result": result}]}
    out = adjudicate(BASE, export, [reviewed], users)
    assert out.gold == {} and [i.code for i in out.issues] == [case.stem]
    assert str(out.issues[0]).startswith(spec["expect"]), str(out.issues[0])
    assert spec["names"] in str(out.issues[0])


def _review_of(a: dict[str, Any], b: dict[str, Any]) -> tuple[dict[int, str], list[dict[str, Any]], dict[str, Any]]:
    """toy-0001 annotated as `a` (user 1) and as `b` (user 2), with a lead (3): the users, the export and the
    review task adjudicate makes of it."""
    users = {1: "a@example.org", 2: "b@example.org", 3: "lead@example.org"}
    export = export_of(BASE, "toy-0001", [a, b])
    (task,) = adjudicate(BASE, export, [], users).review
    return users, export, task


def _ev2_moved_to_will(a: dict[str, Any]) -> dict[str, Any]:
    """A copy of `a` whose ev2 is drawn on "will" instead of "answer": to the merge, two items with one id."""
    b = copy.deepcopy(a)
    b["events"][1]["trigger"] = {"start": 99, "end": 103, "text": "will"}
    return b


@pytest.mark.parametrize(("late", "shuffle"), [(False, None), (True, None), (False, 0), (False, 1), (False, 2)])
def test_two_kept_sides_that_are_different_items_under_one_id_are_both_kept(late: bool, shuffle: int | None) -> None:
    """b moves ev2's trigger from "answer" to "will": two events named ev2, one per side, each an item a
    side lacks; the reviewer keeps both, with a's quote q2 reporting both, so the second is renamed
    whatever the order of the regions in the export (`shuffle`: the seed that reorders them). The
    sides stay the review task's when a third annotator (`late`, whose name sorts first) submits after it."""
    a = read_document(BASE, "toy-0001").annotation
    b = _ev2_moved_to_will(a)
    users, export, task = _review_of(a, b)
    if late:
        users[4] = "0@example.org"
        export[0]["annotations"].append(export_of(BASE, "toy-0001", [a])[0]["annotations"][0] | {"completed_by": 4})
    result = delete_sides(task["predictions"][0]["result"], {"ev1", "q2"}, 2)
    result.append({"from_id": f"q2{SIDE}1", "to_id": f"ev2{SIDE}2", "type": "relation", "direction": "right",
                   "labels": ["reports"]})  # fmt: skip
    if shuffle is not None:
        random.Random(shuffle).shuffle(result)
    reviewed = copy.deepcopy(task) | {"annotations": [{"id": 9, "completed_by": 3, "result": result}]}
    out = adjudicate(BASE, export, [reviewed], users)
    assert (out.issues, out.warnings) == ([], [])  # "answer" and "will" do not overlap
    events = {e["id"]: e["trigger"]["text"] for e in out.gold["toy-0001"]["events"]}
    assert events == {"ev1": "fired", "ev2": "answer", "ev2-2": "will"}
    records = {r["id"]: r["annotators"] for r in out.gold["toy-0001"]["provenance"]["items"]}
    assert records["ev2-2"] == ["b@example.org"]
    assert records["ev2"] == (["0@example.org", "a@example.org"] if late else ["a@example.org"])


def _anchored(version: dict[str, Any], to: str) -> dict[str, Any]:
    """`version` with ev1's time counted from event `to`."""
    version["events"][0]["time"] |= {"anchor": "event", "anchor_event": to}
    return version


@pytest.mark.parametrize("side", [1, 2])
def test_a_time_anchor_follows_its_event_when_two_items_share_its_id(side: int) -> None:
    """Both annotators count ev1's time from ev2, which b moved to "will": the reviewer keeps both ev2 (b's
    renamed ev2-2) and one side's ev1, whose anchor is still that side's ev2, not whatever is now ev2."""
    a = _anchored(read_document(BASE, "toy-0001").annotation, "ev2")
    b = _ev2_moved_to_will(a)
    users, export, task = _review_of(a, b)
    result = delete_sides(delete_sides(task["predictions"][0]["result"], {"q2"}, 2), {"ev1"}, 3 - side)
    result.append({"from_id": f"q2{SIDE}1", "to_id": f"ev2{SIDE}2", "type": "relation", "direction": "right",
                   "labels": ["reports"]})  # fmt: skip
    reviewed = copy.deepcopy(task) | {"annotations": [{"id": 9, "completed_by": 3, "result": result}]}
    out = adjudicate(BASE, export, [reviewed], users)
    assert out.issues == []
    events = {e["id"]: e for e in out.gold["toy-0001"]["events"]}
    assert {i: e["trigger"]["text"] for i, e in events.items()} == {"ev1": "fired", "ev2": "answer", "ev2-2": "will"}
    assert events["ev1"]["time"]["anchor_event"] == ("ev2" if side == 1 else "ev2-2")


def test_a_time_anchor_to_an_agreed_event_is_named_by_its_merged_id() -> None:
    """b's ev2 is a's, drawn in the editor (another id); b's ev1 differs (a target more) and is kept, its time
    counted from b's id for ev2: gold names ev2, the id the merged version gives the agreed event."""
    a = _anchored(read_document(BASE, "toy-0001").annotation, "ev2")
    b = json.loads(json.dumps(a).replace('"ev2"', '"ls.x9"'))
    b["events"][0]["arguments"].append(
        {"role": "target", "span": {"start": 37, "end": 47, "text": "Port Meren"}, "entity": None}
    )
    users, export, task = _review_of(a, b)
    reviewed = copy.deepcopy(task) | {
        "annotations": [
            {"id": 9, "completed_by": 3, "result": delete_sides(task["predictions"][0]["result"], {"ev1"}, 1)}
        ]
    }
    out = adjudicate(BASE, export, [reviewed], users)
    assert out.issues == []
    (ev1,) = [e for e in out.gold["toy-0001"]["events"] if e["id"] == "ev1"]
    assert (len(ev1["arguments"]), ev1["time"]["anchor_event"]) == (3, "ev2")


def test_two_kept_sides_that_overlap_are_kept_with_a_warning() -> None:
    """b's q1 has the cue "ministry said", a's "said": two items to the import, most likely one quote drawn two
    ways; a reviewer who keeps both (fig1 in a's q1) gets both, and a warning naming the document, the ids
    and the region. (Two events that overlap are refused by the validator: trigger-overlap.)"""
    a = read_document(BASE, "toy-0001").annotation
    b = copy.deepcopy(a)
    b["quotes"][0]["cue"] = {"start": 80, "end": 93, "text": "ministry said"}
    users, export, task = _review_of(a, b)
    result = delete_sides(task["predictions"][0]["result"], {"fig1"}, 2)
    result = [r for r in result if (r.get("from_id"), r.get("to_id")) != (f"fig1{SIDE}1", f"q1{SIDE}2")]
    reviewed = copy.deepcopy(task) | {"annotations": [{"id": 9, "completed_by": 3, "result": result}]}
    out = adjudicate(BASE, export, [reviewed], users)
    assert out.issues == [] and [q["id"] for q in out.gold["toy-0001"]["quotes"]] == ["q1", "q2", "q1-2"]
    at = next(i for i, r in enumerate(result) if r.get("id") == f"q1{SIDE}2" and r["type"] == "labels")
    assert out.warnings == [
        f"review export:$[0].annotations[0].result[{at}]: toy-0001: q1 (a@example.org, [89, 93)) and q1-2 "
        "(b@example.org, [80, 93)) are both kept and overlap: two items, or one drawn two ways of which one side "
        "is left by mistake"
    ]


def test_a_review_that_is_not_read_is_reported() -> None:
    """A review whose annotators agree now (an annotation changed after the review task was made), or of a
    document not in the export, is not read: each is a warning naming the review's annotation, never silence."""
    export, users = _double({1: "a@example.org", 2: "b@example.org", 3: "lead@example.org"}, change=True)
    (task,) = adjudicate(BASE, export, [], users).review
    damaged = copy.deepcopy(task) | {"annotations": [{"id": 9, "completed_by": 3, "result": [{"id": "nowhere"}]}]}
    elsewhere = copy.deepcopy(damaged)
    elsewhere["data"]["doc_id"] = "toy-0002"
    agreed, _ = _double(users, change=False)
    out = adjudicate(BASE, agreed, [damaged, elsewhere], users)
    assert (out.issues, list(out.gold)) == ([], ["toy-0001"])
    assert out.warnings == [
        "review export:$[0].annotations[0]: toy-0001: the review is not used: its annotators agree now (an "
        "annotation changed after the review task was made)",
        "review export:$[1].annotations[0]: toy-0002: the review is not used: its document is not in the export",
    ]


def test_both_sides_kept_are_refused_when_an_annotation_changed_after_the_review_task() -> None:
    """The reviewer keeps both sides of fig1; b meanwhile redrew fig1 as "12 rockets". The sides are the
    items the review task was made with, so they are still one item's two sides, not two items."""
    export, users = _double({1: "a@example.org", 2: "b@example.org", 3: "lead@example.org"}, change=True)
    (task,) = adjudicate(BASE, export, [], users).review
    for r in export[0]["annotations"][1]["result"]:
        if r.get("id") == "fig1" and r["type"] == "labels":
            r["value"] |= {"end": 33, "text": "12 rockets"}
    reviewed = copy.deepcopy(task) | {
        "annotations": [{"id": 9, "completed_by": 3, "result": task["predictions"][0]["result"]}]
    }
    out = adjudicate(BASE, export, [reviewed], users)
    assert out.gold == {} and [i.code for i in out.issues] == ["ls-review-both-sides"]
