"""Each check at its boundary and in both directions: the value just inside is accepted, the one just
outside refused with its code. The hand-made mutants of issue 13 (an off-by-one bound, a check made
in one direction only, a reference site left unchecked, two ground truths accepted) fail here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conflict_news import iter_errors
from conflict_news.labelstudio.importer import ExportImporter
from conftest import BASE, materialize_case
from ls_helpers import apply_case, offline_export

ANN = "annotations/toy-0001.json#"
TEXT = (BASE / "corpus" / "toy-0001.txt").read_text(encoding="utf-8")
N = len(TEXT)  # 147


def _codes(case: dict[str, Any], tmp_path: Path) -> list[tuple[str, str]]:
    return [(i.code, i.path) for i in iter_errors([materialize_case(case, tmp_path)])]


def _span(start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": TEXT[start:end]}


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ({"start": 137, "end": N, "text": TEXT[137:N]}, []),  # ends exactly at the end: inside
        ({"start": 137, "end": N + 1, "text": TEXT[137:N]}, [("span-out-of-range", "$.events[1].trigger")]),
        ({"start": 104, "end": 105, "text": "a"}, []),  # one code point long
        ({"start": 104, "end": 104, "text": "a"}, [("span-inverted", "$.events[1].trigger")]),  # empty
        ({"start": 105, "end": 104, "text": "a"}, [("span-inverted", "$.events[1].trigger")]),
    ],
)
def test_a_span_at_the_edges_of_the_text_and_of_itself(
    span: dict[str, Any], expected: list[Any], tmp_path: Path
) -> None:
    assert _codes({"set": {f"{ANN}/events/1/trigger": span}}, tmp_path) == expected


@pytest.mark.parametrize(
    ("modality", "polarity", "conflict"),
    [
        ("negated", "positive", True),
        ("actual", "negative", True),  # the other direction
        ("negated", "negative", False),
        ("actual", "positive", False),
        ("planned", "negative", False),
        ("hypothetical", "positive", False),
    ],
)
def test_factuality_conflict_in_both_directions(modality: str, polarity: str, conflict: bool, tmp_path: Path) -> None:
    found = _codes({"set": {f"{ANN}/events/1/modality": modality, f"{ANN}/events/1/polarity": polarity}}, tmp_path)
    assert found == ([("factuality-conflict", "$.events[1].polarity")] if conflict else [])


@pytest.mark.parametrize(
    "pointer",
    [
        "/entities/2/affiliation",
        "/events/0/arguments/0/entity",
        "/events/0/relations/0/target",
        "/quotes/0/speaker",
        "/quotes/0/events/0",
        "/figures/0/claimant",
        "/figures/0/quote",
        "/figures/0/event",
    ],
)
def test_every_reference_site_is_checked(pointer: str, tmp_path: Path) -> None:
    path = "$" + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in pointer.strip("/").split("/"))
    assert _codes({"set": {f"{ANN}{pointer}": "nothing-by-this-id"}}, tmp_path) == [("dangling-reference", path)]


@pytest.mark.parametrize(
    ("pointer", "layer"),
    [
        ("/events/0/arguments/0/entity", "ev1"),  # an event id where an entity is expected
        ("/quotes/0/events/0", "ent-ministry"),  # an entity id where an event is expected
        ("/figures/0/quote", "ev1"),
    ],
)
def test_a_reference_to_the_wrong_layer_dangles(pointer: str, layer: str, tmp_path: Path) -> None:
    assert [code for code, _ in _codes({"set": {f"{ANN}{pointer}": layer}}, tmp_path)] == ["dangling-reference"]


def test_a_relation_to_itself_and_to_another_event(tmp_path: Path) -> None:
    assert _codes({"set": {f"{ANN}/events/0/relations/0/target": "ev1"}}, tmp_path) == [
        ("relation-to-self", "$.events[0].relations[0].target")
    ]
    assert _codes({}, tmp_path / "ok") == []  # ev1 -> ev2 is fine


@pytest.mark.parametrize(
    ("lower", "upper", "ok"),
    [(3, 4, True), (4, 4, False), (5, 4, False), (None, 4, False)],
)
def test_a_range_needs_lower_below_upper(lower: Any, upper: Any, ok: bool, tmp_path: Path) -> None:
    figure = {"bound": "range", "value": None, "lower": lower, "upper": upper}
    found = [code for code, _ in _codes({"set": {f"{ANN}/figures/0/{k}": v for k, v in figure.items()}}, tmp_path)]
    assert "figure-bounds-inconsistent" not in found if ok else "figure-bounds-inconsistent" in found


# Label Studio regions: the same edges, on the result list of an export.

R = "/0/annotations/0/result/"
TRIGGER = 14  # the result index of ev1's trigger region in the toy export


def _import(edit: dict[str, Any], annotations: int = 1) -> list[tuple[str, str]]:
    export = apply_case(offline_export(BASE, "toy-0001"), edit)
    out = ExportImporter(BASE, "export.json").run(export)
    return [(i.code, i.path) for i in out.issues]


def test_the_toy_export_trigger_index() -> None:
    region = offline_export(BASE, "toy-0001")[0]["annotations"][0]["result"][TRIGGER]
    assert (region["id"], region["value"]["labels"]) == ("ev1", ["EVENT"])


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (17, 17, "ls-span-inverted"),  # zero-length
        (18, 17, "ls-span-inverted"),
        (-1, 22, "ls-span-out-of-range"),
        (17, N + 1, "ls-span-out-of-range"),
    ],
)
def test_a_region_at_the_edges(start: int, end: int, code: str) -> None:
    edit = {"set": {f"{R}{TRIGGER}/value/start": start, f"{R}{TRIGGER}/value/end": end}}
    found = _import(edit)
    assert found and {c for c, _ in found} == {code}, found
    assert found[0][1].startswith(f"$[0].annotations[0].result[{TRIGGER}].value")


def test_a_region_ending_at_the_end_of_the_text_is_read() -> None:
    edit = {"set": {f"{R}{TRIGGER}/value/start": 0, f"{R}{TRIGGER}/value/end": N, f"{R}{TRIGGER}/value/text": TEXT}}
    # Read as a region (no ls-span-* issue); what the validator thinks of a whole-text trigger follows.
    assert not [c for c, _ in _import(edit) if c.startswith("ls-span")]


def _two_annotations(first_truth: bool, second_truth: bool) -> list[Any]:
    export = offline_export(BASE, "toy-0001")
    first = export[0]["annotations"][0]
    kept = [
        r for r in first["result"] if not any(str(r.get(k, "")).startswith("fig1") for k in ("id", "from_id", "to_id"))
    ]
    second = {**first, "id": 2, "completed_by": 2, "result": kept}
    export[0]["annotations"] = [{**first, "ground_truth": first_truth}, {**second, "ground_truth": second_truth}]
    return export


@pytest.mark.parametrize(("first", "second"), [(True, True), (False, False)])
def test_two_annotations_need_exactly_one_ground_truth(first: bool, second: bool) -> None:
    out = ExportImporter(BASE, "export.json").run(_two_annotations(first, second))
    assert [(i.code, i.path) for i in out.issues] == [("ls-no-adjudication", "$[0].annotations")]
    assert out.annotations == {}


@pytest.mark.parametrize(("first", "second", "figures"), [(True, False, 1), (False, True, 0)])
def test_the_one_ground_truth_is_the_one_imported(first: bool, second: bool, figures: int) -> None:
    out = ExportImporter(BASE, "export.json").run(_two_annotations(first, second), overwrite_gold=True)
    assert out.issues == []
    assert len(out.annotations["toy-0001"]["figures"]) == figures
