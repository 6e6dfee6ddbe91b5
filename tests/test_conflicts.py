"""The adjudicator's conflict list (core.conflicts) on hand-made versions of the toy document: one line per
item, each annotator's own value of each field that differs, and links a deletion dropped named as such."""

from __future__ import annotations

import copy
from typing import Any

from conflict_news.core.adjudication import aligned, split_items
from conflict_news.core.conflicts import describe_conflict
from conflict_news.core.store import read_document
from conftest import BASE

TOY = read_document(BASE, "toy-0001")
TEXT = str(TOY.text)
LAYERS = ("entities", "events", "quotes", "figures")


def _toy() -> dict[str, Any]:
    return {layer: copy.deepcopy(TOY.annotation[layer]) for layer in LAYERS}


def _by_id(layers: dict[str, Any], layer: str, item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in layers[layer] if i["id"] == item_id)
    return found


def _lines(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    versions = aligned({"ann1": first, "ann2": second})
    _, conflicts = split_items(versions)
    return [describe_conflict(k, versions, TEXT) for k in sorted(conflicts, key=str)]


def test_a_claimant_conflict_shows_each_sides_claimant_not_the_figure() -> None:
    """It printed `differs in claimant (ann1: 12 launched; ann2: 12 launched)`: the figure, not the claimant."""
    second = _toy()
    _by_id(second, "figures", "fig1")["claimant"] = "ent-varn"
    assert _lines(_toy(), second) == [
        "figure «12» differs in claimant (ann1: Ostrian defence ministry (ent-ministry); ann2: Ilka Varn (ent-varn))"
    ]


def test_each_differing_field_is_shown_with_every_sides_value_on_one_line() -> None:
    second = _toy()
    fig = _by_id(second, "figures", "fig1")
    fig.update(property="intercepted", quote=None, event="ev2")
    _by_id(second, "events", "ev1")["relations"] = []
    assert _lines(_toy(), second) == [
        "event «fired» differs in relations (ann1: [causes «answer»]; ann2: [])",
        "figure «12» differs in event (ann1: «fired»; ann2: «answer»), property (ann1: launched; ann2: intercepted), "
        "quote (ann1: «said»; ann2: none)",
    ]


def test_links_a_deleted_mention_took_along_are_conflicts_that_say_so() -> None:
    """In Label Studio, deleting a region deletes the links drawn to it: ann2 deleted `Ilka Varn`, ent-varn's
    first mention, and with it the speaker of q2 and the entity of ev2's argument, without a word."""
    second = _toy()
    varn = _by_id(second, "entities", "ent-varn")
    varn["mentions"] = varn["mentions"][1:]
    _by_id(second, "quotes", "q2")["speaker"] = None
    _by_id(second, "events", "ev2")["arguments"][0]["entity"] = None
    assert _lines(_toy(), second) == [
        "entity ent-varn differs in mentions (ann1: [«Ilka Varn»; «We»]; ann2: [«We»])",
        "event «answer» differs in arguments (ann1: [attacker «We» → Ilka Varn (ent-varn)]; ann2: [attacker «We»] "
        "(dropped: a mention of ent-varn is deleted))",
        "quote «told» differs in speaker (ann1: Ilka Varn (ent-varn); ann2: none (dropped: a mention of ent-varn is "
        "deleted))",
    ]


def test_links_a_deleted_entity_took_along_are_conflicts_that_say_so() -> None:
    second = _toy()
    second["entities"] = [e for e in second["entities"] if e["id"] != "ent-ministry"]
    _by_id(second, "entities", "ent-varn")["affiliation"] = None
    _by_id(second, "quotes", "q1")["speaker"] = None
    _by_id(second, "figures", "fig1")["claimant"] = None
    assert _lines(_toy(), second) == [
        "entity ent-ministry: ann1: organization Ostrian defence ministry; ann2: absent",
        "entity ent-varn differs in affiliation (ann1: Ostrian defence ministry (ent-ministry); ann2: none "
        "(dropped: ent-ministry is deleted))",
        "figure «12» differs in claimant (ann1: Ostrian defence ministry (ent-ministry); ann2: none (dropped: "
        "ent-ministry is deleted))",
        "quote «said» differs in speaker (ann1: Ostrian defence ministry (ent-ministry); ann2: none (dropped: "
        "ent-ministry is deleted))",
    ]


def test_two_values_that_would_print_alike_are_printed_in_full() -> None:
    """One wording at two offsets: `We` at 96 for ann1, a hand-made `We` elsewhere for ann2."""
    first, second = _toy(), _toy()
    _by_id(second, "quotes", "q2")["contents"] = [{"start": 95, "end": 110, "text": "We will answer,"}]
    (line,) = _lines(first, second)
    assert line == (
        "quote «told» differs in contents (ann1: [«We will answer,»] "
        '[{"end": 111, "start": 96, "text": "We will answer,"}]; ann2: [«We will answer,»] '
        '[{"end": 110, "start": 95, "text": "We will answer,"}])'
    )
