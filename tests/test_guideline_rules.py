"""The guidelines' rules in the validator (core/rules.py): gold only, on a sound file, and the edges of each rule.

Each code's own case is in tests/cases/invalid/; these are the cases around it: what a rule accepts, what
it must also catch, and when it stays silent.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from conflict_news import iter_errors
from conftest import BASE, load_case, materialize_case

ANN = "annotations/toy-0001.json#"
TEXT = (BASE / "corpus" / "toy-0001.txt").read_text(encoding="utf-8")


def _issues(edits: dict[str, Any], tmp_path: Path) -> list[tuple[str, str]]:
    root = materialize_case({"set": {f"{ANN}{k}": v for k, v in edits.items()}}, tmp_path)
    return [(i.code, i.path) for i in iter_errors([root])]


def _event(eid: str, start: int, end: int, etype: str = "violent.attack", **fields: Any) -> dict[str, Any]:
    return {
        "id": eid, "type": etype, "trigger": {"start": start, "end": end, "text": TEXT[start:end]}, "arguments": [],
        "location": None, "time": None, "modality": "actual", "polarity": "positive", "relations": [],
    } | fields  # fmt: skip


@pytest.mark.parametrize("code", ["figure-event-mismatch", "relation-cycle", "quote-marks-mismatch", "trigger-overlap"])
def test_a_prediction_may_break_the_guidelines(code: str, tmp_path: Path) -> None:
    """An extractor's output is scored for its errors, not refused: the rules bind gold only."""
    case = load_case(code)
    case["set"][f"{ANN}/provenance/kind"] = "prediction"
    assert list(iter_errors([materialize_case(case, tmp_path)])) == []


def test_the_rules_wait_for_a_file_that_passes_the_other_checks(tmp_path: Path) -> None:
    """A dangling quote id would only be echoed as a figure outside its quote: it is reported alone."""
    assert _issues({"/figures/0/quote": "nope", "/figures/0/property": "handed_over"}, tmp_path) == [
        ("dangling-reference", "$.figures[0].quote")
    ]


@pytest.mark.parametrize(
    ("prop", "etype", "codes"),
    [
        ("killed", "violent.shelling_missile_attack", []),  # dead with no casualty word: the attack's (TYP-10, FIG-6)
        ("occurred", "violent.shelling_missile_attack", []),
        ("destroyed", "violent.shelling_missile_attack", []),  # damage counted after an attack (TRG-5)
        ("displaced", "violent.shelling_missile_attack", [("figure-event-mismatch", "$.figures[0].event")]),
        ("arrested", "violent.attack", [("figure-event-mismatch", "$.figures[0].event")]),
    ],
)
def test_a_figure_property_against_its_events_type(prop: str, etype: str, codes: list[Any], tmp_path: Path) -> None:
    assert _issues({"/figures/0/property": prop, "/events/0/type": etype}, tmp_path) == codes


def test_same_as_within_a_category_pointing_back_is_valid(tmp_path: Path) -> None:
    later = {"/events/1/type": "violent.remote_strike", "/events/1/relations": [{"type": "same_as", "target": "ev1"}]}
    assert _issues(later, tmp_path) == []


def test_a_longer_cycle_is_caught_and_a_diamond_is_no_cycle(tmp_path: Path) -> None:
    """ev1 -> ev2 -> ev3 -> ev1 is a cycle; ev1 -> ev2, ev1 -> ev3, ev2 -> ev3 (two ways to one end) is none."""
    ev3 = _event("ev3", 132, 136, "diplomatic.threat")  # `told`, outside both quotes
    cycle = {
        "/events/1/relations": [{"type": "subevent_of", "target": "ev3"}],
        "/events/2": ev3 | {"relations": [{"type": "subevent_of", "target": "ev1"}]},
        "/events/0/relations": [{"type": "subevent_of", "target": "ev2"}],
    }
    assert _issues(cycle, tmp_path / "cycle") == [("relation-cycle", "$.events[2].relations[0]")]
    diamond = {
        "/events/0/relations": [{"type": "causes", "target": "ev2"}, {"type": "causes", "target": "ev3"}],
        "/events/1/relations": [{"type": "causes", "target": "ev3"}],
        "/events/2": ev3,
    }
    assert _issues(diamond, tmp_path / "diamond") == []


def test_a_long_trigger_overlaps_every_trigger_inside_it(tmp_path: Path) -> None:
    """`fired 12 rockets` overlaps `fired`, and `rockets` after it though `fired` ends first."""
    edits = {
        "/events/2": _event("ev3", 17, 33),
        "/events/3": _event("ev4", 26, 33, "violent.remote_strike"),
        "/quotes/0/events": ["ev1", "ev3", "ev4"],
    }
    assert _issues(edits, tmp_path) == [
        ("trigger-overlap", "$.events[2].trigger"),
        ("trigger-overlap", "$.events[3].trigger"),
    ]


@pytest.mark.parametrize(
    ("qtype", "codes"),
    [
        ("direct", []),
        ("indirect", []),  # the marks lie outside the content
        ("mixed", [("quote-marks-mismatch", "$.quotes[1].contents[0]")]),  # no quoted fragment inside
    ],
)
def test_quotation_marks_by_quote_type(qtype: str, codes: list[Any], tmp_path: Path) -> None:
    assert _issues({"/quotes/1/type": qtype}, tmp_path) == codes


def test_a_content_with_its_marks_is_mixed_not_direct(tmp_path: Path) -> None:
    marked = {"start": 95, "end": 112, "text": TEXT[95:112]}  # “We will answer,”
    assert _issues({"/quotes/1/contents/0": marked, "/quotes/1/type": "mixed"}, tmp_path) == []
    assert _issues({"/quotes/1/contents/0": marked}, tmp_path / "direct") == [
        ("quote-marks-mismatch", "$.quotes[1].contents[0]")
    ]


def test_a_quote_that_lists_an_event_outside_its_contents(tmp_path: Path) -> None:
    assert _issues({"/quotes/1/events": ["ev2", "ev1"]}, tmp_path) == [
        ("quote-events-mismatch", "$.quotes[1].events[1]"),
    ]


@pytest.mark.parametrize(
    ("edits", "codes"),
    [
        ({"/figures/0/claimant": "ent-varn"}, [("figure-quote-mismatch", "$.figures[0].claimant")]),
        ({"/figures/0/quote": "q2", "/figures/0/claimant": "ent-varn"}, [("figure-quote-mismatch", "$.figures[0].quote")]),
    ],
)  # fmt: skip
def test_a_figure_names_the_quote_it_lies_in_and_its_speaker(
    edits: dict[str, Any], codes: list[Any], tmp_path: Path
) -> None:
    assert _issues(edits, tmp_path) == codes


def test_a_figure_with_no_counted_span_may_name_an_elided_noun(tmp_path: Path) -> None:
    """`They gave us 19`: counted `bodies`, counted_span null (FIG-4)."""
    assert _issues({"/figures/0/counted": "shells", "/figures/0/counted_span": None}, tmp_path) == []


def test_a_speaker_whose_source_holds_none_of_its_mentions(tmp_path: Path) -> None:
    assert _issues({"/quotes/1/speaker": "ent-ministry"}, tmp_path) == [("entity-not-in-span", "$.quotes[1].speaker")]


def test_a_time_anchored_to_its_own_event(tmp_path: Path) -> None:
    edits = {"/events/0/time/anchor": "event", "/events/0/time/anchor_event": "ev1"}
    assert _issues(edits, tmp_path) == [("anchor-event-missing", "$.events[0].time.anchor")]
    edits["/events/0/time/anchor_event"] = "ev2"
    assert _issues(edits, tmp_path / "other") == []


def test_a_mixed_content_may_quote_its_fragment_with_straight_marks() -> None:
    """Most Wikinews texts write straight quotation marks; a mixed content's fragment may be in them."""
    from conflict_news.core.rules import _marks_fit

    nobody = cast(Any, None)  # a mixed content is judged by its own text alone
    assert _marks_fit(nobody, "mixed", {"text": 'the attack was "cowardly"'}) == ""
    assert _marks_fit(nobody, "mixed", {"text": "the attack was “cowardly”"}) == ""
    assert _marks_fit(nobody, "mixed", {"text": 'the attack was "cowardly'}) == "holds no fragment in quotation marks"


def test_a_mixed_quote_in_pieces_needs_its_fragment_in_one_piece(tmp_path: Path) -> None:
    """QUO-4: a quotation cut in pieces; the verbatim fragment of a mixed quote may sit in any one of them."""
    marked = {"start": 95, "end": 112, "text": TEXT[95:112]}  # “We will answer,”
    start = TEXT.index("Ostrian defence ministry")
    plain = {"start": start, "end": start + 24, "text": "Ostrian defence ministry"}
    both = {"/quotes/1/type": "mixed", "/quotes/1/contents": [plain, marked]}
    assert _issues(both, tmp_path / "fragment") == []
    neither = {"/quotes/1/type": "mixed", "/quotes/1/contents": [plain], "/quotes/1/events": []}
    assert _issues(neither, tmp_path / "none") == [("quote-marks-mismatch", "$.quotes[1].contents[0]")]


def test_a_direct_content_may_sit_inside_marks_with_spaces() -> None:
    """QUO-3 with GEN-2: a text may leave a space inside its marks ('" We will stay "'); the content is what
    they enclose, less those spaces, since no span starts or ends with whitespace."""
    from conflict_news.core.rules import _marks_fit

    text = 'She said: " We will stay\u00a0" and left. We will stay, she added.'
    inner = text.index("We will stay")
    later = text.index("We will stay", inner + 1)
    gold = cast(Any, SimpleNamespace(text=text))
    assert _marks_fit(gold, "direct", {"start": inner, "end": inner + 12, "text": "We will stay"}) == ""
    assert _marks_fit(gold, "direct", {"start": later, "end": later + 12, "text": "We will stay"}) != ""


def test_a_direct_content_may_hold_a_quotation_of_its_own() -> None:
    """QUO-3: a direct content is what its marks enclose, an inner quotation's marks included, in pairs."""
    from conflict_news.core.rules import _marks_fit

    text = "“We said the word “truce” twice,” she wrote. “Half a “truce,” she added."
    whole = text.index("We said")
    gold = cast(Any, SimpleNamespace(text=text))
    content = "We said the word “truce” twice,"
    assert _marks_fit(gold, "direct", {"start": whole, "end": whole + len(content), "text": content}) == ""
    half = text.index("Half")
    unpaired = "Half a “truce,"
    assert _marks_fit(gold, "direct", {"start": half, "end": half + len(unpaired), "text": unpaired}) != ""


def test_single_quotation_marks_are_quotation_marks_and_an_apostrophe_is_not() -> None:
    """QUO-3, QUO-4 in a text that quotes with single marks ('...'): a direct content is what they enclose, a
    mixed content may hold its fragment in them; an apostrophe (`rebels'`, `don't`) neither opens nor closes."""
    from conflict_news.core.rules import _marks_fit

    text = "He called this 'suspicious' - 'We need more witnesses'. The rebels' leader said we don't know."
    gold = cast(Any, SimpleNamespace(text=text))
    inner = text.index("We need")
    content = "We need more witnesses"
    assert _marks_fit(gold, "direct", {"start": inner, "end": inner + len(content), "text": content}) == ""
    assert _marks_fit(gold, "direct", {"start": inner, "end": inner + 7, "text": "We need"}) != ""
    leader = text.index("leader said")
    assert _marks_fit(gold, "direct", {"start": leader, "end": leader + 11, "text": "leader said"}) != ""
    we = text.index("we don")
    assert _marks_fit(gold, "direct", {"start": we, "end": we + 5, "text": "we do"}) != ""
    assert _marks_fit(gold, "mixed", {"text": "called this 'suspicious'"}) == ""
    assert _marks_fit(gold, "mixed", {"text": "the rebels' leader said we don't know"}) != ""
    assert _marks_fit(gold, "mixed", {"text": "called this \u2018suspicious\u2019 today"}) == ""


def test_guillemets_are_quotation_marks() -> None:
    """QUO-3: a text may quote with guillemets, or open with one mark and close with another ('"... »', as
    cnc-000070 does); a direct content is what they enclose."""
    from conflict_news.core.rules import _marks_fit

    text = 'A witness said: "There was nobody», and left. There was nobody else.'
    gold = cast(Any, SimpleNamespace(text=text))
    inner = text.index("There was nobody")
    later = text.index("There was nobody", inner + 1)
    content = "There was nobody"
    assert _marks_fit(gold, "direct", {"start": inner, "end": inner + len(content), "text": content}) == ""
    assert _marks_fit(gold, "direct", {"start": later, "end": later + len(content), "text": content}) != ""
    assert _marks_fit(gold, "indirect", {"text": "that «nobody» was there"}) == "contains a quotation mark"


def test_a_nested_quotation_may_close_with_the_outer_mark() -> None:
    """QUO-3: an inner quotation opened with a single mark may end where the outer one does, at its double mark
    (cnc-000292); a content that stops short of the marks still does not fit."""
    from conflict_news.core.rules import _marks_fit

    text = "He said: \"Our message is 'Join us. Let's finish this first.\" Then he left."
    gold = cast(Any, SimpleNamespace(text=text))
    inner = text.index("Join us")
    content = "Join us. Let's finish this first."
    assert _marks_fit(gold, "direct", {"start": inner, "end": inner + len(content), "text": content}) == ""
    assert _marks_fit(gold, "direct", {"start": inner, "end": inner + 7, "text": "Join us"}) != ""
