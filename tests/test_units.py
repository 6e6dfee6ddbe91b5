"""Small functions against values worked out by hand: span matching, pairing and tallies of scoring,
placement by realignment, the tagger's order. Each pins a behaviour that mutation testing
(tests/mutation_run.py) found no other test holding."""

from __future__ import annotations

from typing import Any

import pytest

from conflict_news.grow.evaluate import (
    Item,
    ModeScore,
    Tally,
    empty_annotation,
    extract_items,
    format_markdown,
    match,
    not_gold,
    same_entity,
    spans_match,
)
from conflict_news.hf.bio import tag_layer, token_columns
from conflict_news.standoff.fingerprint import canonicalize, split_sentences
from conflict_news.standoff.realign import align

# Scoring


@pytest.mark.parametrize(
    ("a", "b", "exact", "overlap"),
    [
        ((0, 5), (0, 5), True, True),
        ((0, 5), (0, 6), False, True),
        ((0, 5), (4, 10), False, True),
        ((0, 5), (5, 10), False, False),  # touching is not overlapping
        ((5, 10), (0, 5), False, False),
        ((6, 10), (0, 5), False, False),
        ((0, 5), (6, 10), False, False),
        ((2, 3), (0, 10), False, True),  # inside
    ],
)
def test_spans_match_exactly_or_by_one_shared_code_point(a: Any, b: Any, exact: bool, overlap: bool) -> None:
    assert spans_match(a, b, "exact") is exact
    assert spans_match(a, b, "overlap") is overlap
    assert spans_match(b, a, "overlap") is overlap


def test_pairing_prefers_the_larger_overlap_then_the_earlier_gold() -> None:
    pred = [Item("p", 10, 20, "t")]
    # Same type, neither exact: the one sharing 8 code points wins over the one sharing 3.
    assert match(pred, [Item("small", 17, 30, "t"), Item("large", 12, 25, "t")], "overlap") == {"p": "large"}
    # Equal overlaps: the gold that starts first.
    assert match(pred, [Item("later", 15, 25, "t"), Item("first", 5, 15, "t")], "overlap") == {"p": "first"}
    # One gold, two predictions: it goes to one of them only.
    two = [Item("a", 10, 20, "t"), Item("b", 10, 20, "u")]
    assert match(two, [Item("g", 10, 20, "t")], "overlap") == {"a": "g"}
    assert match(two, [Item("g", 10, 20, "u")], "overlap") == {"b": "g"}


def test_tally_precision_recall_and_f1() -> None:
    tally = Tally()
    tally.add(4, 5, 3)
    tally.add(0, 1, 0)
    assert tally.to_dict() == {"pred": 4, "gold": 6, "tp": 3, "precision": 0.75, "recall": 0.5, "f1": 0.6}
    assert Tally().to_dict() == {"pred": 0, "gold": 0, "tp": 0, "precision": None, "recall": None, "f1": None}
    only_gold = Tally(0, 2, 0).to_dict()
    assert (only_gold["precision"], only_gold["recall"], only_gold["f1"]) == (None, 0.0, 0.0)


def test_same_entity_needs_one_matching_mention_or_both_absent() -> None:
    assert same_entity(None, None, "exact")
    assert not same_entity(None, ((0, 3),), "exact")
    assert not same_entity(((0, 3),), None, "exact")
    assert same_entity(((0, 3), (9, 12)), ((9, 12),), "exact")
    assert not same_entity(((0, 3),), ((2, 5),), "exact")
    assert same_entity(((0, 3),), ((2, 5),), "overlap")


def _ann(**layers: Any) -> dict[str, Any]:
    return {"provenance": {"kind": "gold"}, "entities": [], "events": [], "quotes": [], "figures": [], **layers}


def _span(start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": "x" * (end - start)}


def test_a_quote_is_placed_by_the_hull_of_its_contents() -> None:
    quote = {"id": "q", "type": "direct", "speaker": None, "cue": _span(0, 1), "contents": [_span(30, 40), _span(5, 9)]}
    (item,) = extract_items(_ann(quotes=[quote]))["quotes"]
    assert (item.start, item.end, item.type) == (5, 40, "direct")


def test_placeholders_and_empty_predictions() -> None:
    assert not_gold({"provenance": {"kind": "pending"}}) and not_gold({"provenance": {"kind": "prediction"}})
    assert not not_gold({"provenance": {"kind": "gold"}})
    full = _ann(events=[{"id": "e"}], doc_id="d")
    assert empty_annotation(full) == {**full, "events": []}
    assert full["events"] == [{"id": "e"}]  # the gold it was made from is untouched


def _event(eid: str, start: int, end: int, etype: str = "violent.attack", **more: Any) -> dict[str, Any]:
    return {"id": eid, "type": etype, "trigger": _span(start, end), "arguments": [], "modality": "actual",
            "polarity": "positive", **more}  # fmt: skip


def test_a_document_scored_by_hand() -> None:
    """Gold: two events and a figure of e1. Prediction: e1 exact with the wrong modality, a third
    event overlapping e2 by one code point, the figure on the right event."""
    gold = _ann(
        events=[_event("e1", 0, 5), _event("e2", 10, 15, "violent.armed_clash")],
        figures=[{"id": "f", "span": _span(20, 22), "value": 2, "lower": 2, "upper": 2, "bound": "exact",
                  "counted": None, "property": "killed", "event": "e1"}],
    )  # fmt: skip
    pred = _ann(
        events=[_event("p1", 0, 5, modality="planned"), _event("p2", 14, 18)],
        figures=[{"id": "g", "span": _span(20, 22), "value": 3, "lower": 2, "upper": 2, "bound": "exact",
                  "counted": None, "property": "killed", "event": "p1"}],
    )  # fmt: skip
    exact, overlap = ModeScore("exact"), ModeScore("overlap")
    exact.add_document(pred, gold)
    overlap.add_document(pred, gold)
    assert (exact.layers["events"].tp, overlap.layers["events"].tp) == (1, 2)
    assert (exact.layers["events"].pred, exact.layers["events"].gold) == (2, 2)
    # Per type: p2 is an attack, e2 an armed clash; only p1/e1 agree on type.
    assert overlap.types["events"]["violent.attack"].to_dict()["tp"] == 1
    assert overlap.types["events"]["violent.armed_clash"].to_dict() == {
        "pred": 0, "gold": 1, "tp": 0, "precision": None, "recall": 0.0, "f1": 0.0,
    }  # fmt: skip
    assert exact.attributes["events"]["modality"] == [0, 1]
    assert exact.attributes["events"]["type"] == [1, 1]
    assert overlap.attributes["events"]["type"] == [1, 2]
    assert exact.attributes["figures"]["value"] == [0, 1]
    assert exact.attributes["figures"]["lower"] == [1, 1]
    assert exact.links["figure.event"].to_dict()["tp"] == 1


# Realignment


def _recorded(text: str) -> list[Any]:
    return split_sentences(canonicalize(text).text)


def test_a_span_moves_with_its_sentence_and_one_across_two_moved_sentences_too() -> None:
    original = "One two. Three four. Five six."
    copy = "Header. One two. Three four. Five six."
    alignment = align(_recorded(original), canonicalize(copy))
    assert alignment.shifts == {0: 8, 1: 8, 2: 8}
    assert alignment.found == 1.0
    assert alignment.place(9, 14) == (17, 22)  # "Three"
    assert copy[slice(*alignment.place(4, 19))] == "two. Three four"  # across two sentences, one shift


def test_a_span_across_sentences_that_moved_differently_is_not_placed() -> None:
    original = "One two. Three four. Five six."
    copy = "One two. Inserted here. Three four. Five six."
    alignment = align(_recorded(original), canonicalize(copy))
    assert alignment.shifts == {0: 0, 1: 15, 2: 15}
    assert alignment.place(0, 3) == (0, 3)
    assert alignment.place(4, 19) is None  # "two. Three four": 0 and 15 disagree
    assert copy[slice(*alignment.place(21, 25))] == "Five"
    assert alignment.place(20, 30) is not None  # the last sentence up to its end


def test_a_span_in_a_sentence_the_copy_lacks_is_not_placed() -> None:
    original = "One two. Three four. Five six."
    alignment = align(_recorded(original), canonicalize("One two. Five six."))
    assert alignment.shifts == {0: 0, 2: -12}
    assert alignment.found == pytest.approx(2 / 3)
    assert alignment.place(9, 14) is None
    assert alignment.place(21, 25) == (9, 13)


def test_nothing_recorded_is_nothing_found() -> None:
    alignment = align([], canonicalize("Anything at all."))
    assert (alignment.found, alignment.shifts) == (0.0, {})


def test_a_first_sentence_glued_to_boilerplate_is_found_before_its_successor() -> None:
    """Glued to "Subscribe!", the first sentence hashes differently; it is found where the matched
    second sentence's shift puts it."""
    original = "Ostrian ferries sailed. They docked."
    copy = "Subscribe!Ostrian ferries sailed. They docked."
    alignment = align(_recorded(original), canonicalize(copy))
    assert alignment.shifts == {0: 10, 1: 10}


# The tagger


def test_overlapping_spans_of_the_same_start_and_length_keep_file_order() -> None:
    _, starts, ends = token_columns("Port Meren was hit")
    assert tag_layer(starts, ends, [("second", 0, 10), ("first", 0, 10)]) == ["B-second", "I-second", "O", "O"]
    assert tag_layer(starts, ends, [("b", 0, 10), ("a", 0, 10)])[0] == "B-b"  # not by label


def test_a_span_ending_at_a_sentence_end_or_starting_a_sentence_takes_that_sentence_only() -> None:
    original = "One two. Three four. Five six."
    copy = "One two. Inserted here. Three four. Five six."
    alignment = align(_recorded(original), canonicalize(copy))
    assert copy[slice(*alignment.place(0, 8))] == "One two."  # ends where the next, moved, sentence is near
    assert copy[slice(*alignment.place(9, 10))] == "T"  # one character, first of its sentence


def test_the_last_sentence_glued_to_boilerplate_is_found_at_the_end() -> None:
    original = "Ostrian ferries sailed. They docked."
    copy = "Ostrian ferries sailed. Subscribe!They docked."
    alignment = align(_recorded(original), canonicalize(copy))
    assert alignment.shifts == {0: 0, 1: 10}
    assert copy[slice(*alignment.place(24, 28))] == "They"


def test_a_first_sentence_found_at_the_start_is_recorded_as_the_first() -> None:
    alignment = align(
        _recorded("Ostrian ferries sailed. They docked."), canonicalize("Ostrian ferries sailed.Subscribe!")
    )
    assert alignment.shifts == {0: 0}


def test_glued_sentences_are_found_one_after_another_from_their_matched_predecessor() -> None:
    """B and C run together into one sentence of the copy, and boilerplate moves D: B is found from A,
    then C from B, in one forward pass; D's shift would place neither."""
    original = "A one. B two. C three. D four."
    copy = "A one. B two.xC three.Y! D four."
    alignment = align(_recorded(original), canonicalize(copy))
    assert alignment.shifts == {0: 0, 1: 0, 2: 0, 3: 2}


def test_repeated_sentences_of_a_long_text_are_not_taken_for_junk() -> None:
    """difflib's autojunk would ignore a sentence that makes up more than 1 % of 200 or more: here
    "Yes." five times in 250. Every recorded sentence must still be found."""
    sentences = [("Yes." if n % 50 == 0 else f"Sentence number {n}.") for n in range(250)]
    original = " ".join(sentences)
    alignment = align(_recorded(original), canonicalize("Intro. " + original))
    assert alignment.found == 1.0


# Scoring, continued: which attributes and types are compared, the links, the tables


def _quote(qid: str, start: int, end: int, speaker: str | None = None, qtype: str = "direct") -> dict[str, Any]:
    return {"id": qid, "type": qtype, "speaker": speaker, "cue": _span(start, start + 1), "contents": [_span(start, end)],
            "events": []}  # fmt: skip


def _entity(eid: str, etype: str, *mentions: tuple[int, int]) -> dict[str, Any]:
    return {"id": eid, "type": etype, "mentions": [_span(s, e) for s, e in mentions]}


def _figure(fid: str, start: int, bound: str = "exact", event: str | None = None) -> dict[str, Any]:
    return {"id": fid, "span": _span(start, start + 2), "value": 2, "lower": 2, "upper": 2, "bound": bound,
            "counted": None, "property": "killed", "event": event}  # fmt: skip


def test_the_compared_attributes_and_types_of_each_layer() -> None:
    gold = _ann(
        events=[_event("e", 0, 5)],
        quotes=[_quote("q", 10, 20, qtype="indirect")],
        figures=[_figure("f", 30, "at_least")],
        entities=[_entity("n", "person", (40, 45))],
    )
    score = ModeScore("exact")
    score.add_document(gold, gold)
    assert {layer: sorted(attrs) for layer, attrs in score.attributes.items()} == {
        "events": ["modality", "polarity", "type"],
        "quotes": ["speaker", "type"],
        "figures": ["bound", "counted", "lower", "property", "upper", "value"],
        "entities": ["type"],
    }
    assert {layer: sorted(types) for layer, types in score.types.items()} == {
        "events": ["violent.attack"], "quotes": ["indirect"], "figures": ["at_least"], "entities": ["person"],
    }  # fmt: skip


def test_attributes_are_counted_for_every_matched_item_after_an_unmatched_one() -> None:
    gold = _ann(events=[_event("g", 10, 15)])
    pred = _ann(events=[_event("lost", 0, 5), _event("found", 10, 15, modality="planned")])
    score = ModeScore("exact")
    score.add_document(pred, gold)
    assert score.attributes["events"]["modality"] == [0, 1]


def test_a_speaker_is_right_by_the_mode_of_the_run() -> None:
    """The speakers' mentions overlap but differ: right when overlapping counts, wrong when exact does."""
    gold = _ann(quotes=[_quote("q", 10, 20, "a")], entities=[_entity("a", "person", (0, 5))])
    pred = _ann(quotes=[_quote("q", 10, 20, "b")], entities=[_entity("b", "person", (0, 4))])
    exact, overlap = ModeScore("exact"), ModeScore("overlap")
    exact.add_document(pred, gold)
    overlap.add_document(pred, gold)
    assert (exact.attributes["quotes"]["speaker"], overlap.attributes["quotes"]["speaker"]) == ([0, 1], [1, 1])
    assert (exact.links["quote.speaker"].tp, overlap.links["quote.speaker"].tp) == (0, 1)


def test_a_link_of_an_unmatched_item_or_to_nothing_is_not_right() -> None:
    gold = _ann(
        quotes=[_quote("q", 10, 20, "a")], entities=[_entity("a", "person", (0, 5))],
        events=[_event("e", 30, 35)], figures=[_figure("f", 40, event="e")],
    )  # fmt: skip
    unmatched = _ann(
        quotes=[_quote("x", 50, 60, "a")], entities=[_entity("a", "person", (0, 5))],
        events=[_event("e", 30, 35)], figures=[_figure("g", 70, event="e")],
    )  # fmt: skip
    score = ModeScore("exact")
    score.add_document(unmatched, gold)
    assert (score.links["quote.speaker"].tp, score.links["figure.event"].tp) == (0, 0)
    silent = _ann(quotes=[_quote("q", 10, 20)], events=[_event("e", 30, 35)], figures=[_figure("f", 40)])
    score = ModeScore("exact")
    score.add_document(silent, gold)
    assert (score.links["quote.speaker"].to_dict()["pred"], score.links["figure.event"].to_dict()["pred"]) == (0, 0)
    assert (score.links["quote.speaker"].tp, score.links["figure.event"].tp) == (0, 0)


def _argument(role: str, start: int, end: int) -> dict[str, Any]:
    return {"role": role, "span": _span(start, end), "entity": None}


def test_arguments_after_an_unmatched_event_and_roles_only_the_gold_has() -> None:
    gold = _ann(events=[_event("e", 10, 15, arguments=[_argument("attacker", 0, 5), _argument("target", 20, 25)])])
    pred = _ann(
        events=[_event("x", 50, 55, arguments=[_argument("attacker", 40, 45)]),
                _event("p", 10, 15, arguments=[_argument("attacker", 0, 5)])]
    )  # fmt: skip
    score = ModeScore("exact")
    score.add_document(pred, gold)
    assert score.links["event.argument"].to_dict() | {"precision": None, "recall": None, "f1": None} == {
        "pred": 2, "gold": 2, "tp": 1, "precision": None, "recall": None, "f1": None,
    }  # fmt: skip
    assert score.links["event.argument.attacker"].tp == 1
    assert score.links["event.argument.target"].to_dict()["gold"] == 1  # a role only the gold uses has its row


def test_ties_in_pairing_go_to_the_earlier_gold_then_the_earlier_prediction_then_the_ids() -> None:
    # Same overlap (2), same type, neither exact: the gold that starts first, whatever the ids...
    assert match([Item("p", 5, 8, "t")], [Item("a", 6, 9, "t"), Item("b", 4, 7, "t")], "overlap") == {"p": "b"}
    # ...and of two predictions of one gold, the one that starts first.
    assert match([Item("a", 6, 9, "t"), Item("b", 4, 7, "t")], [Item("g", 5, 8, "t")], "overlap") == {"b": "g"}
    # Equal in everything but the ids.
    assert match([Item("b", 5, 8, "t"), Item("a", 5, 8, "t")], [Item("g", 4, 7, "t")], "overlap") == {"a": "g"}


def test_the_score_tables_as_worked_out_by_hand() -> None:
    gold = _ann(events=[_event("g1", 0, 5), _event("g2", 10, 15, "violent.armed_clash")], figures=[_figure("f", 30)])
    pred = _ann(events=[_event("p1", 0, 5), _event("p2", 12, 18)], figures=[_figure("h", 31)])
    modes = {mode: ModeScore(mode) for mode in ("exact", "overlap")}
    for score in modes.values():
        score.add_document(pred, gold)
    table = format_markdown({mode: score.to_dict() for mode, score in modes.items()})
    assert table == (
        "| item | pred | gold | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
        "| **events** | 2 | 2 | 0.500 | 0.500 | 0.500 | 1.000 | 1.000 | 1.000 |\n"
        "| events: violent.armed_clash | 0 | 1 | - | 0.000 | 0.000 | - | 0.000 | 0.000 |\n"
        "| events: violent.attack | 2 | 1 | 0.500 | 1.000 | 0.667 | 0.500 | 1.000 | 0.667 |\n"
        "| **quotes** | 0 | 0 | - | - | - | - | - | - |\n"
        "| **figures** | 1 | 1 | 0.000 | 0.000 | 0.000 | 1.000 | 1.000 | 1.000 |\n"
        "| figures: exact | 1 | 1 | 0.000 | 0.000 | 0.000 | 1.000 | 1.000 | 1.000 |\n"
        "| **entities** | 0 | 0 | - | - | - | - | - | - |\n"
        "| link event.argument | 0 | 0 | - | - | - | - | - | - |\n"
        "| link figure.event | 0 | 0 | - | - | - | - | - | - |\n"
        "| link quote.speaker | 0 | 0 | - | - | - | - | - | - |\n"
        "\n"
        "| attribute | matched (exact) | accuracy (exact) | matched (overlap) | accuracy (overlap) |\n"
        "|---|---|---|---|---|\n"
        "| events.type | 1 | 1.000 | 2 | 0.500 |\n"
        "| events.modality | 1 | 1.000 | 2 | 1.000 |\n"
        "| events.polarity | 1 | 1.000 | 2 | 1.000 |\n"
        "| figures.value | 0 | - | 1 | 1.000 |\n"
        "| figures.lower | 0 | - | 1 | 1.000 |\n"
        "| figures.upper | 0 | - | 1 | 1.000 |\n"
        "| figures.bound | 0 | - | 1 | 1.000 |\n"
        "| figures.counted | 0 | - | 1 | 1.000 |\n"
        "| figures.property | 0 | - | 1 | 1.000 |\n"
    )


def test_a_glued_sentence_takes_the_shift_of_its_own_predecessor() -> None:
    """ "Z!" moves B and C by 3 (B is matched), "Y!" glued to C moves D by 5: C is found with B's shift,
    not A's (0) nor D's (5)."""
    original = "A one. B two. C three. D four."
    copy = "A one. Z! B two. C three.Y! D four."
    alignment = align(_recorded(original), canonicalize(copy))
    assert alignment.shifts == {0: 0, 1: 3, 2: 3, 3: 5}
