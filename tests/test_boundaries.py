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
        ({"start": 137, "end": N + 1, "text": TEXT[137:N]}, [("span-out-of-range", "$.quotes[1].cue")]),
        ({"start": 104, "end": 105, "text": "a"}, []),  # one code point long
        ({"start": 104, "end": 104, "text": "a"}, [("span-inverted", "$.quotes[1].cue")]),  # empty
        ({"start": 105, "end": 104, "text": "a"}, [("span-inverted", "$.quotes[1].cue")]),
    ],
)
def test_a_span_at_the_edges_of_the_text_and_of_itself(
    span: dict[str, Any], expected: list[Any], tmp_path: Path
) -> None:
    """On a cue, which no rule of the guidelines reads: a trigger moved out of its quote would break one."""
    assert _codes({"set": {f"{ANN}/quotes/1/cue": span}}, tmp_path) == expected


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
    second = {**first, "id": 2, "completed_by": {"id": 2, "email": "ann2@example.org"}, "result": kept}
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


# Figures: every bound type, and the value each surface states.

BOUNDS = [
    ("exact", 12, 12, 12, True), ("exact", 12, 11, 12, False), ("exact", 12, 12, 13, False),
    ("exact", None, 12, 12, False),
    ("approximate", 12, None, None, True), ("approximate", 12, 11, 13, True), ("approximate", 12, 12, 12, True),
    ("approximate", 12, 13, None, False), ("approximate", 12, None, 11, False), ("approximate", None, None, None, False),
    ("at_least", None, 12, None, True), ("at_least", 12, 12, None, True), ("at_least", 13, 12, None, False),
    ("at_least", None, 12, 20, False), ("at_least", None, None, None, False),
    ("more_than", 12, 12, None, True), ("more_than", None, 12, None, False), ("more_than", 12, 11, None, False),
    ("more_than", 12, 12, 20, False),
    ("at_most", None, None, 12, True), ("at_most", 12, None, 12, True), ("at_most", 11, None, 12, False),
    ("at_most", None, 1, 12, False), ("at_most", None, None, None, False),
    ("less_than", 12, None, 12, True), ("less_than", None, None, 12, False), ("less_than", 12, None, 13, False),
    ("less_than", 12, 1, 12, False),
]  # fmt: skip


@pytest.mark.parametrize(("bound", "value", "lower", "upper", "ok"), BOUNDS)
def test_each_bound_type_accepts_its_values_and_nothing_else(
    bound: str, value: Any, lower: Any, upper: Any, ok: bool, tmp_path: Path
) -> None:
    figure = {"bound": bound, "value": value, "lower": lower, "upper": upper}
    found = _codes({"set": {f"{ANN}/figures/0/{k}": v for k, v in figure.items()}}, tmp_path)
    inconsistent = [("figure-bounds-inconsistent", "$.figures[0].bound")]
    assert [f for f in found if f[0] == "figure-bounds-inconsistent"] == ([] if ok else inconsistent)


def _figure_issues(surface: str, value: Any, lower: Any, upper: Any, kind: str = "gold") -> list[str]:
    from conflict_news.core.checks import AnnotationChecker
    from conflict_news.core.taxonomy import load_taxonomy

    text = f"They fired {surface} rockets."
    start = text.index(surface)
    fig = {"id": "f1", "span": {"start": start, "end": start + len(surface), "text": surface}, "value": value,
           "lower": lower, "upper": upper, "bound": "at_least"}  # fmt: skip
    ann = {"provenance": {"kind": kind}, "entities": [], "events": [], "quotes": [], "figures": [fig]}
    checker = AnnotationChecker(ann, text, load_taxonomy(), "f.json")
    checker.check_figure_value(fig, "$.figures[0]")
    return [str(issue) for issue in checker.issues]


@pytest.mark.parametrize(
    ("surface", "value", "lower", "upper", "expected"),
    [
        ("dozens", None, 24, None, []),
        ("Dozens", None, 24, None, []),
        ("a dozens", None, 24, None, []),  # a leading "a " is not part of the numeral
        ("dozens", None, 12, None, ["f.json:$.figures[0].lower: [figure-value-mismatch] f1: 'dozens' means value null, lower 24, upper None (taxonomy.vague_numerals)"]),
        ("dozens", 24, 24, None, ["f.json:$.figures[0].lower: [figure-value-mismatch] f1: 'dozens' means value null, lower 24, upper None (taxonomy.vague_numerals)"]),
        ("10 to 12", None, 10, 12, []),
        ("10 to 12", None, 10, 13, ["f.json:$.figures[0].lower: [figure-value-mismatch] f1: '10 to 12' states the range [10.0, 12.0]"]),
        ("12", 12, 12, None, []),
        ("12", 13, 13, None, ["f.json:$.figures[0].value: [figure-value-mismatch] f1: value 13 but '12' says 12"]),
        ("a few", None, 3, None, ["f.json:$.figures[0].span: [figure-value-mismatch] f1: cannot read one number from 'a few'"]),
        ("several times", None, 3, None, []),  # a count of occurrences with a vague numeral (FIG-1, FIG-3)
        ("several times", 3, 3, None, ["f.json:$.figures[0].lower: [figure-value-mismatch] f1: 'several times' means value null, lower 3, upper None (taxonomy.vague_numerals)"]),
        ("between 3.3 and 4.6 million", None, 3_300_000, 4_600_000, []),
        ("between 3.3 and 4.6 million", None, 3.3, 4_600_000, ["f.json:$.figures[0].lower: [figure-value-mismatch] f1: 'between 3.3 and 4.6 million' states the range [3300000.0, 4600000.0]"]),
    ],
)  # fmt: skip
def test_the_value_a_surface_states(surface: str, value: Any, lower: Any, upper: Any, expected: list[str]) -> None:
    assert _figure_issues(surface, value, lower, upper) == expected


def test_a_prediction_may_keep_the_frozen_rules_literal_reading_of_a_range() -> None:
    """The frozen pre-annotator reads "between 3.3 and 4.6 million" as 3.3 to 4 600 000: scored, not refused."""
    literal = ("between 3.3 and 4.6 million", None, 3.3, 4_600_000)
    assert _figure_issues(*literal, kind="prediction") == []
    assert _figure_issues(*literal, kind="gold") != []
    assert _figure_issues("between 3.3 and 4.6 million", None, 3.3, 5_000_000, kind="prediction") != []


# Every span site, named by its JSONPath and owner; every span code's whole issue.

SITES = [
    ("/entities/0/mentions/0", "$.entities[0].mentions[0]", "ent-valdoria-forces"),
    ("/entities/2/mentions/1", "$.entities[2].mentions[1]", "ent-varn"),
    ("/events/0/trigger", "$.events[0].trigger", "ev1"),
    ("/events/0/arguments/1/span", "$.events[0].arguments[1].span", "ev1"),
    ("/events/0/location/span", "$.events[0].location.span", "ev1"),
    ("/events/0/time/span", "$.events[0].time.span", "ev1"),
    ("/quotes/1/cue", "$.quotes[1].cue", "q2"),
    ("/quotes/1/source", "$.quotes[1].source", "q2"),
    ("/quotes/1/contents/0", "$.quotes[1].contents[0]", "q2"),
    ("/figures/0/span", "$.figures[0].span", "fig1"),
    ("/figures/0/approx_cue", "$.figures[0].approx_cue", "fig1"),
    ("/figures/0/counted_span", "$.figures[0].counted_span", "fig1"),
]


@pytest.mark.parametrize(("pointer", "path", "owner"), SITES)
def test_every_span_site_is_checked_and_named(pointer: str, path: str, owner: str, tmp_path: Path) -> None:
    root = materialize_case({"set": {f"{ANN}{pointer}": {"start": 23, "end": 25, "text": "xx"}}}, tmp_path)
    found = [(i.code, i.path, i.ann_id) for i in iter_errors([root]) if i.code == "span-text-mismatch"]
    assert found == [("span-text-mismatch", path, owner)]


def test_each_bad_span_is_reported_not_only_the_first(tmp_path: Path) -> None:
    bad = {"start": 23, "end": 25, "text": "xx"}
    edits = {f"{ANN}{p}": bad for p in ("/events/0/trigger", "/events/1/trigger", "/quotes/0/cue", "/figures/0/span")}
    edits[f"{ANN}/quotes/1/cue"] = {"start": 140, "end": 150, "text": "x"}  # out of range
    edits[f"{ANN}/entities/0/mentions/0"] = {"start": 5, "end": 5, "text": "x"}  # inverted
    edits[f"{ANN}/events/0/arguments/0/span"] = {"start": 0, "end": 17, "text": TEXT[:17]}  # edge whitespace
    edits[f"{ANN}/entities/1/mentions/0"] = {"start": 60.0, "end": 88, "text": TEXT[60:88]}  # a float offset
    found = {(i.code, i.path) for i in iter_errors([materialize_case({"set": edits}, tmp_path)])}
    assert {
        ("offset-not-integer", "$.entities[1].mentions[0].start"),
        ("span-text-mismatch", "$.figures[0].span"),
        ("span-inverted", "$.entities[0].mentions[0]"),
        ("span-edge-whitespace", "$.events[0].arguments[0].span"),
        ("span-text-mismatch", "$.events[0].trigger"),
        ("span-text-mismatch", "$.events[1].trigger"),
        ("span-text-mismatch", "$.quotes[0].cue"),
        ("span-out-of-range", "$.quotes[1].cue"),
    } <= found


@pytest.mark.parametrize(
    ("span", "issue"),
    [
        ({"start": 105, "end": 104, "text": "a"}, "[span-inverted] ev2: end 104 is not after start 105"),
        ({"start": 140, "end": 150, "text": "a"}, "[span-out-of-range] ev2: span 140-150 ends past the text's length 147"),
        ({"start": 104, "end": 110, "text": "answers"}, "[span-text-mismatch] ev2: text 'answers' != text[104:110] 'answer'"),
        ({"start": 103, "end": 110, "text": " answer"}, "[span-edge-whitespace] ev2: span text ' answer' has whitespace at an edge"),
        ({"start": 104.0, "end": 110, "text": "answer"}, "[offset-not-integer] ev2: start 104.0 is not written as an integer"),
    ],
)  # fmt: skip
def test_the_whole_issue_of_each_span_code(span: dict[str, Any], issue: str, tmp_path: Path) -> None:
    (found,) = iter_errors([materialize_case({"set": {f"{ANN}/events/1/trigger": span}}, tmp_path)])
    where = "$.events[1].trigger" + (".start" if "offset" in issue else "")
    assert str(found) == f"annotations/toy-0001.json:{where}: {issue}"


def test_the_whole_issue_of_a_span_that_splits_a_character_and_of_a_duplicate_id(tmp_path: Path) -> None:
    from conflict_news.core.checks import AnnotationChecker
    from conflict_news.core.taxonomy import load_taxonomy

    text = "They fired q\u0301uickly."  # q and a combining acute accent: no precomposed form, NFC keeps both
    span = {"start": 11, "end": 12, "text": "q"}
    event = {"id": "ev1", "trigger": span, "arguments": [], "location": None, "time": None}
    ann = {"entities": [], "events": [event], "quotes": [], "figures": []}
    checker = AnnotationChecker(ann, text, load_taxonomy(), "a.json")
    checker.check_spans()
    assert [str(i) for i in checker.issues] == [
        "a.json:$.events[0].trigger: [span-splits-character] ev1: span 11-12 cuts a character in two"
    ]
    found = [str(i) for i in iter_errors([materialize_case({"set": {f"{ANN}/quotes/1/id": "q1"}}, tmp_path)])]
    assert (
        "annotations/toy-0001.json:$.quotes[1].id: [duplicate-id] q1: id is used more than once in this file"
        " (first used at $.quotes[0].id)" in found
    )


# The whole issue of every label site, reference site and the other semantic checks.

A = "annotations/toy-0001.json"
NOPE = "nope"


@pytest.mark.parametrize(
    ("edits", "issue"),
    [
        ({"/entities/0/type": NOPE}, f"{A}:$.entities[0].type: [unknown-label] ent-valdoria-forces: entity type 'nope' is not in the taxonomy"),
        ({"/events/0/type": NOPE}, f"{A}:$.events[0].type: [unknown-label] ev1: event type 'nope' is not in the taxonomy"),
        ({"/events/0/arguments/1/role": NOPE}, f"{A}:$.events[0].arguments[1].role: [unknown-label] ev1: role 'nope' is not in the taxonomy"),
        ({"/events/0/arguments/1/role": "participant"}, f"{A}:$.events[0].arguments[1].role: [role-not-allowed] ev1: role 'participant' is not allowed for violent.shelling_missile_attack"),
        ({"/events/0/location/precision": NOPE}, f"{A}:$.events[0].location.precision: [unknown-label] ev1: location precision 'nope' is not in the taxonomy"),
        ({"/events/0/time/precision": NOPE}, f"{A}:$.events[0].time.precision: [unknown-label] ev1: time precision 'nope' is not in the taxonomy"),
        ({"/events/0/time/anchor": NOPE}, f"{A}:$.events[0].time.anchor: [unknown-label] ev1: time anchor 'nope' is not in the taxonomy"),
        ({"/events/1/modality": NOPE}, f"{A}:$.events[1].modality: [unknown-label] ev2: modality 'nope' is not in the taxonomy"),
        ({"/events/0/relations/0/type": NOPE}, f"{A}:$.events[0].relations[0].type: [unknown-label] ev1: event relation 'nope' is not in the taxonomy"),
        ({"/quotes/1/type": NOPE}, f"{A}:$.quotes[1].type: [unknown-label] q2: quote type 'nope' is not in the taxonomy"),
        ({"/figures/0/bound": NOPE}, f"{A}:$.figures[0].bound: [unknown-label] fig1: bound type 'nope' is not in the taxonomy"),
        ({"/figures/0/property": NOPE}, f"{A}:$.figures[0].property: [unknown-label] fig1: figure property 'nope' is not in the taxonomy"),
        ({"/entities/2/affiliation": NOPE}, f"{A}:$.entities[2].affiliation: [dangling-reference] ent-varn: no entity with id 'nope' (looked for among $.entities[*].id)"),
        ({"/events/0/arguments/0/entity": NOPE}, f"{A}:$.events[0].arguments[0].entity: [dangling-reference] ev1: no entity with id 'nope' (looked for among $.entities[*].id)"),
        ({"/events/0/relations/0/target": NOPE}, f"{A}:$.events[0].relations[0].target: [dangling-reference] ev1: no event with id 'nope' (looked for among $.events[*].id)"),
        ({"/quotes/1/speaker": NOPE}, f"{A}:$.quotes[1].speaker: [dangling-reference] q2: no entity with id 'nope' (looked for among $.entities[*].id)"),
        ({"/quotes/1/events/0": NOPE}, f"{A}:$.quotes[1].events[0]: [dangling-reference] q2: no event with id 'nope' (looked for among $.events[*].id)"),
        ({"/figures/0/claimant": NOPE}, f"{A}:$.figures[0].claimant: [dangling-reference] fig1: no entity with id 'nope' (looked for among $.entities[*].id)"),
        ({"/figures/0/quote": NOPE}, f"{A}:$.figures[0].quote: [dangling-reference] fig1: no quote with id 'nope' (looked for among $.quotes[*].id)"),
        ({"/figures/0/event": NOPE}, f"{A}:$.figures[0].event: [dangling-reference] fig1: no event with id 'nope' (looked for among $.events[*].id)"),
        ({"/events/0/relations/0/target": "ev1"}, f"{A}:$.events[0].relations[0].target: [relation-to-self] ev1: an event cannot relate to itself"),
        ({"/events/1/modality": "negated"}, f"{A}:$.events[1].polarity: [factuality-conflict] ev2: modality 'negated' with polarity 'positive'"),
        ({"/figures/0/upper": 13}, f"{A}:$.figures[0].bound: [figure-bounds-inconsistent] fig1: bound 'exact' does not fit value 12, lower 12, upper 13"),
    ],
)  # fmt: skip
def test_the_whole_issue_of_each_semantic_check(edits: dict[str, Any], issue: str, tmp_path: Path) -> None:
    root = materialize_case({"set": {f"{ANN}{k}": v for k, v in edits.items()}}, tmp_path)
    assert [str(i) for i in iter_errors([root])] == [issue]


@pytest.mark.parametrize(
    ("layer", "index", "copy_id", "noun"),
    [("events", 1, "ev3", "event"), ("quotes", 1, "q3", "quote"), ("figures", 0, "fig2", "figure")],
)
def test_duplicate_annotations_name_both(layer: str, index: int, copy_id: str, noun: str, tmp_path: Path) -> None:
    import json

    ann = json.loads((BASE / "annotations" / "toy-0001.json").read_text(encoding="utf-8"))
    twin = {**ann[layer][index], "id": copy_id}
    if layer == "events":
        twin["relations"] = []
    ann[layer].append(twin)
    root = materialize_case({"write": {A: json.dumps(ann)}}, tmp_path)
    found = [str(i) for i in iter_errors([root])]
    last = len(ann[layer]) - 1
    assert found == [
        f"{A}:$.{layer}[{index}]: [duplicate-annotation] {ann[layer][index]['id']}: another {noun} has the same type and span"
        f" (the other at $.{layer}[{last}])",
        f"{A}:$.{layer}[{last}]: [duplicate-annotation] {copy_id}: another {noun} has the same type and span"
        f" (the other at $.{layer}[{index}])",
    ]


def test_iter_spans_walks_every_span_site_in_file_order() -> None:
    import json

    from conflict_news.core.checks import iter_spans

    ann = json.loads((BASE / "annotations" / "toy-0001.json").read_text(encoding="utf-8"))
    ann["figures"][0]["approx_cue"] = {"start": 23, "end": 25, "text": "12"}
    walked = [(path, owner, (span["start"], span["end"])) for path, owner, span in iter_spans(ann)]
    assert walked == [
        ("$.entities[0].mentions[0]", "ent-valdoria-forces", (0, 16)),
        ("$.entities[1].mentions[0]", "ent-ministry", (60, 88)),
        ("$.entities[2].mentions[0]", "ent-varn", (122, 131)),
        ("$.entities[2].mentions[1]", "ent-varn", (96, 98)),
        ("$.events[0].trigger", "ev1", (17, 22)),
        ("$.events[0].arguments[0].span", "ev1", (0, 16)),
        ("$.events[0].arguments[1].span", "ev1", (23, 33)),
        ("$.events[0].location.span", "ev1", (37, 47)),
        ("$.events[0].time.span", "ev1", (51, 58)),
        ("$.events[1].trigger", "ev2", (104, 110)),
        ("$.events[1].arguments[0].span", "ev2", (96, 98)),
        ("$.quotes[0].cue", "q1", (89, 93)),
        ("$.quotes[0].source", "q1", (60, 88)),
        ("$.quotes[0].contents[0]", "q1", (0, 58)),
        ("$.quotes[1].cue", "q2", (132, 136)),
        ("$.quotes[1].source", "q2", (113, 131)),
        ("$.quotes[1].contents[0]", "q2", (96, 111)),
        ("$.figures[0].span", "fig1", (23, 25)),
        ("$.figures[0].approx_cue", "fig1", (23, 25)),
        ("$.figures[0].counted_span", "fig1", (26, 33)),
    ]
