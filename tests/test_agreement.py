"""Agreement between two annotators' files: entity ids aligned, numbers counted by hand (intervals and
coreference too), bad input refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conflict_news import CorpusError
from conflict_news.cli.main import main
from conflict_news.core.adjudication import aligned, split_items
from conflict_news.core.agreement import ITEM_FIELDS, LINK_KINDS, MATCHED_BY, agreement_interval_markdown, agreement_of
from conflict_news.core.versions import align_entities, entity_mapping
from conflict_news.grow.agreement import agreement_table, file_agreement
from conftest import REPO

GOLD = REPO / "annotations" / "cnc-000001.json"


def _gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLD.read_text(encoding="utf-8"))
    return data


def _renamed(ann: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The same annotation with every entity id, and every link to one, spelled by another annotator."""
    text = json.dumps(ann)
    for entity in ann["entities"]:
        text = text.replace(f'"{entity["id"]}"', f'"{prefix}{entity["id"]}"')
    out: dict[str, Any] = json.loads(text)
    return out


def _side(tmp_path: Path, name: str, ann: dict[str, Any]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / GOLD.name).write_text(json.dumps(ann, ensure_ascii=False), encoding="utf-8")
    return folder


def test_renamed_entities_align_back_to_the_reference_ids() -> None:
    gold = _gold()
    other = _renamed(gold, "b-")
    assert entity_mapping(gold, other) == {f"b-{e['id']}": e["id"] for e in gold["entities"]}
    assert align_entities(gold, other) == gold


def test_an_unmatched_entity_whose_id_names_another_gets_a_fresh_id() -> None:
    gold = _gold()
    first, second = gold["entities"][0], gold["entities"][1]
    other = json.loads(json.dumps(gold))
    # The other annotator calls their second entity by the reference's first id, and marks none of
    # the first entity's mentions: the id must not merge two different entities.
    other["entities"] = [{**second, "id": first["id"], "mentions": second["mentions"]}]
    mapping = entity_mapping(gold, other)
    assert mapping == {first["id"]: second["id"]}
    other["entities"][0]["mentions"] = [{"start": 0, "end": 0, "text": ""}]
    assert entity_mapping(gold, other) == {first["id"]: f"{first['id']}-1"}


def test_gold_against_itself_agrees_fully_through_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _side(tmp_path, "first", _gold()), _side(tmp_path, "second", _renamed(_gold(), "b-"))
    assert main(["agreement", str(first), str(second), "--root", str(REPO), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["tasks"], result["pairs"]) == (1, 1)
    assert {layer: row["exact_f1"] for layer, row in result["layers"].items() if row["spans"]} == {
        layer: 1.0 for layer, row in result["layers"].items() if row["spans"]
    }
    assert all(row["f1"] == 1.0 for row in result["links"].values())
    assert all(row["observed"] == 1.0 and row["kappa"] in (1.0, None) for row in result["attributes"].values())


def test_one_event_left_out_costs_what_f1_says(tmp_path: Path) -> None:
    gold = _gold()
    targets = {r["target"] for e in gold["events"] for r in e["relations"]} | {f["event"] for f in gold["figures"]}
    dropped = next(e for e in gold["events"] if e["id"] not in targets and not e["relations"])
    other = _renamed(gold, "b-")
    other["events"] = [e for e in other["events"] if e["id"] != dropped["id"]]
    records = other["provenance"].get("items", [])
    other["provenance"]["items"] = [r for r in records if r["id"] != dropped["id"]]
    result = file_agreement([(_side(tmp_path, "first", gold), _side(tmp_path, "second", other), REPO)])
    n = len(gold["events"])
    assert result.layers["event triggers"] == {"spans": 2 * n - 1, "exact_f1": 2 * (n - 1) / (2 * n - 1),
                                               "overlap_f1": 2 * (n - 1) / (2 * n - 1)}  # fmt: skip
    args = len(dropped["arguments"])
    total = sum(len(e["arguments"]) for e in gold["events"])
    if args:
        assert result.layers["event arguments"]["exact_f1"] < 1.0
    assert result.layers["event arguments"]["spans"] == 2 * total - args
    assert result.layers["entity mentions"]["exact_f1"] == 1.0
    assert result.links["quote speaker"]["f1"] == 1.0


def test_a_span_that_does_not_cover_its_text_is_an_issue_not_a_disagreement(tmp_path: Path) -> None:
    other = _gold()
    other["events"][0]["trigger"]["text"] += "x"
    with pytest.raises(CorpusError) as caught:
        file_agreement([(_side(tmp_path, "first", _gold()), _side(tmp_path, "second", other), REPO)])
    assert [i.code for i in caught.value.issues] == ["span-text-mismatch"]
    assert caught.value.issues[0].path == "$.events[0].trigger"


def test_agreement_takes_one_export_or_two_sides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    side = _side(tmp_path, "only", _gold())
    shutil.copy(GOLD, tmp_path / "copy.json")
    assert main(["agreement", str(side), str(side), str(side)]) == 1
    assert "give one Label Studio export, or two" in capsys.readouterr().err


# The measures with intervals, on two versions of a fictional dev document (dev-001) whose differences are
# made by hand below; every expected value is counted from the document as the comments say.
DEV = REPO / "dev"


def _dev(doc_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEV / "annotations" / f"{doc_id}.json").read_text(encoding="utf-8"))
    return data


def _second_version_of_dev_001() -> dict[str, Any]:
    """dev-001 with: ev2's modality changed, fig2's value changed, the Free Orun Army split in two entities
    (its first two mentions apart, its last three keeping the id), ev1's place name spelled in another
    case, ev4's time precision changed, q2's source left out."""
    other = _dev("dev-001")
    events = {e["id"]: e for e in other["events"]}
    events["ev2"]["modality"] = "reported"
    events["ev1"]["location"]["name"] = " brask "
    events["ev4"]["time"]["precision"] = "week"
    next(f for f in other["figures"] if f["id"] == "fig2")["value"] = 24
    next(q for q in other["quotes"] if q["id"] == "q2")["source"] = None
    foa = next(e for e in other["entities"] if e["id"] == "ent-foa")
    other["entities"].append({**foa, "id": "ent-foa-x", "mentions": foa["mentions"][:2]})
    foa["mentions"] = foa["mentions"][2:]
    return other


def test_the_measures_of_two_versions_are_what_counting_by_hand_gives() -> None:
    first = _dev("dev-001")
    # What the arithmetic below rests on: 6 entities of 4, 1, 5, 5, 2 and 1 mentions (18, all distinct),
    # 13 events, 8 quotes with 8 distinct sources, 6 figures; two events with a location, three with a time.
    assert [len(e["mentions"]) for e in first["entities"]] == [4, 1, 5, 5, 2, 1]
    assert len({(m["start"], m["end"]) for e in first["entities"] for m in e["mentions"]}) == 18
    assert [len(first[layer]) for layer in ("events", "quotes", "figures")] == [13, 8, 6]
    assert len({(q["source"]["start"], q["source"]["end"]) for q in first["quotes"]}) == 8
    assert [e["id"] for e in first["events"] if e["location"]] == ["ev1", "ev6"]
    assert [e["id"] for e in first["events"] if e["time"]] == ["ev1", "ev4", "ev6"]
    result = agreement_of([[first, _second_version_of_dev_001()]], resamples=0)
    value = {name: row["value"] for name, row in result.measures.items()}
    assert value["trigger + type (exact)"] == 1.0
    assert value["trigger + type + modality (exact)"] == pytest.approx(2 * 12 / 26)
    assert value["event location"] == 1.0  # "Brask" and " brask " name one place
    assert value["event time"] == pytest.approx(2 * 2 / 6)
    assert value["entity mention (exact)"] == value["entity mention + type (exact)"] == 1.0
    assert value["quote source (exact)"] == pytest.approx(2 * 7 / 15)
    assert value["figure span (exact)"] == 1.0
    assert value["figure span + value + property (exact)"] == pytest.approx(2 * 5 / 12)
    assert value["figure value"] == pytest.approx(5 / 6) and result.values["figure value"] == {
        "n": 6, "exact_match": pytest.approx(5 / 6)}  # fmt: skip
    assert "figure value" not in result.attributes and "kappa: figure value" not in result.measures
    # Coreference, the first version as key. The Free Orun Army's 5 mentions are cut into 2 + 3.
    # MUC recall (3 + 0 + 3 + 4 + 1 + 0) / (3 + 0 + 4 + 4 + 1 + 0) = 11/12, precision 1: F1 22/23.
    assert value["coreference MUC"] == pytest.approx(22 / 23)
    # B³ recall: 13 mentions in unchanged entities count 1 each, the army's 2 * 2/5 + 3 * 3/5 = 13/5:
    # (13 + 13/5) / 18 = 13/15, precision 1: F1 26/28.
    assert value["coreference B³"] == pytest.approx(13 / 14)
    # CEAF-e: five entities align with themselves (1 each), the army with its 3-mention part, 2 * 3 / 8:
    # 23/4 over 6 key and 7 response entities; F1 = 2 * 23/4 / (6 + 7) = 23/26.
    assert value["coreference CEAF-e"] == pytest.approx(23 / 26)
    # LEA recall: 4 + 1 + 5 * (1 + 3)/10 + 5 + 2 + 1 = 15, over 18; precision 1: F1 2 * 5/6 / (11/6) = 10/11.
    assert value["coreference LEA"] == pytest.approx(10 / 11)
    assert value["coreference CoNLL"] == pytest.approx((22 / 23 + 13 / 14 + 23 / 26) / 3)
    assert result.measures["coreference CoNLL"]["n"] == 2 * 18  # the mentions of both versions
    # Whole items: 33 in the first version, 34 in the second (the army's second entity); identical: 5
    # entities, 10 events (not ev1, ev2, ev4), 7 quotes (not q2), 5 figures (not fig2): 2 * 27 / 67.
    assert value["whole-item identity"] == pytest.approx(54 / 67)
    assert value["whole-item identity: events"] == pytest.approx(20 / 26)
    assert result.measures["whole-item identity"]["n"] == 67


def test_intervals_come_from_resampling_the_documents() -> None:
    """dev-001 agreed in full, dev-002 with no event in the second version: a resample of two documents
    is both dev-001 (trigger F1 1, a quarter of them), both dev-002 (0, a quarter) or one of each; so the
    interval runs from 0 to 1 around the pooled 2 * 13 / (2 * 13 + n₂)."""
    one, two = _dev("dev-001"), _dev("dev-002")
    n2 = len({(e["trigger"]["start"], e["trigger"]["end"]) for e in two["events"]})
    result = agreement_of([[one, one], [two, {**two, "events": [], "figures": []}]], resamples=1000, seed=1)
    row = result.measures["trigger span (exact)"]
    assert row == {"kind": "F1", "n": 26 + n2, "value": pytest.approx(26 / (26 + n2)), "low": 0.0, "high": 1.0}
    # Entities were untouched: every resample agrees fully.
    assert result.measures["coreference CoNLL"] | {"n": 0} == {
        "kind": "mean F1 of MUC, B³, CEAF-e", "n": 0, "value": 1.0, "low": 1.0, "high": 1.0}  # fmt: skip
    again = agreement_of([[one, one], [two, {**two, "events": [], "figures": []}]], resamples=1000, seed=1)
    assert again.to_dict() == result.to_dict()


def test_agreement_takes_bootstrap_and_seed_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _side(tmp_path, "first", _dev("dev-001"))
    (first / "cnc-000001.json").rename(first / "dev-001.json")
    other = _dev("dev-001")  # a second version the validator accepts: one modality changed
    other["events"][1]["modality"] = "reported"
    second = _side(tmp_path, "second", other)
    (second / "cnc-000001.json").rename(second / "dev-001.json")
    argv = ["agreement", str(first), str(second), "--root", str(DEV), "--json", "--bootstrap", "50", "--seed", "7"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    result = json.loads(out)
    assert result["bootstrap"] == {"resamples": 50, "seed": 7, "confidence": 0.95, "unit": "document"}
    # One document: every resample is that document, so each interval is its value.
    row = result["measures"]["trigger + type + modality (exact)"]
    assert row["low"] == row["value"] == row["high"] == pytest.approx(12 / 13)
    assert main(argv) == 0 and capsys.readouterr().out == out
    assert main(argv[:5]) == 0  # as text, with the default resamples and seed
    assert "95% CI (1000 resamples over documents, seed 20140601)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:  # argparse's refusal, exit 1 with a code as every usage error
        main([*argv[:5], "--bootstrap", "-1"])
    assert refused.value.code == 1
    assert "[option-invalid] argument --bootstrap: -1 is not from 0 to 100000" in capsys.readouterr().err


def test_the_cards_interval_table_is_computed_from_published_folders() -> None:
    """The helper the card's table comes from, on the committed double annotation of batch 1 (processed, not read)."""
    batch = REPO / "adjudication" / "wikinews" / "batch-01"
    table = agreement_table({"batch 1": [(batch / "a", batch / "b", REPO)]}, resamples=20)
    lines = table.splitlines()
    assert lines[0] == "| measure | what | batch 1 |" and lines[2] == "| documents, annotator pairs | count | 6, 6 |"
    names = [line.split(" | ")[0].removeprefix("| ") for line in lines[3:] if line.startswith("| ")]
    assert names == list(agreement_of([], resamples=0).measures)
    assert table == agreement_interval_markdown({"batch 1": file_agreement([(batch / "a", batch / "b", REPO)], 20)})
    assert agreement_table([(batch / "a", batch / "b", REPO)], resamples=20) == table.replace(
        "batch 1", "all documents"
    )


def _span(start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": "x" * (end - start)}


def _every_link() -> dict[str, Any]:
    """A hand-made version holding every link and field adjudication compares, each set (agreement does not
    validate, so the text is not needed)."""
    return {
        "entities": [
            {"id": "A", "name": "Ostria", "type": "country", "wikidata": "Q1", "affiliation": "B",
             "mentions": [_span(0, 6), _span(50, 56)]},
            {"id": "B", "name": "League", "type": "organization", "wikidata": None, "affiliation": None,
             "mentions": [_span(10, 15)]},
        ],
        "events": [
            {"id": "e1", "type": "violent.attack", "trigger": _span(20, 25), "modality": "actual", "polarity": "positive",
             "arguments": [{"role": "attacker", "span": _span(0, 6), "entity": "A"},
                           {"role": "target", "span": _span(30, 35), "entity": None}],
             "location": {"span": _span(40, 45), "name": "Veln", "country": "Q2", "wikidata": "Q3", "precision": "point"},
             "time": {"span": _span(60, 66), "start": "2020-01-01", "end": "2020-01-01", "precision": "day",
                      "anchor": "event", "anchor_event": "e2"},
             "relations": [{"type": "causes", "target": "e2"}]},
            {"id": "e2", "type": "violent.attack", "trigger": _span(70, 75), "modality": "actual", "polarity": "positive",
             "arguments": [], "location": None, "time": None, "relations": []},
        ],
        "quotes": [
            {"id": "q1", "type": "direct", "cue": _span(80, 84), "source": _span(85, 90), "speaker": "A",
             "contents": [_span(91, 99)], "events": ["e1"]},
        ],
        "figures": [
            {"id": "f1", "span": _span(100, 102), "value": 12, "lower": 12, "upper": 12, "bound": "exact",
             "approx_cue": _span(103, 105), "counted": "rockets", "counted_span": _span(106, 113),
             "property": "launched", "claimant": "A", "quote": "q1", "event": "e1"},
        ],
    }  # fmt: skip


# Each link kind of agreement, the edit of a version that changes that link alone, and the field it lives in.
LINK_EDITS = {
    "argument entity": (lambda v: v["events"][0]["arguments"][0].update(entity="B"), "events.arguments"),
    "event relation": (lambda v: v["events"][0]["relations"][0].update(type="subevent_of"), "events.relations"),
    "time anchor": (lambda v: v["events"][0]["time"].update(anchor_event=None), "events.time"),
    "entity affiliation": (lambda v: v["entities"][0].update(affiliation=None), "entities.affiliation"),
    "quote speaker": (lambda v: v["quotes"][0].update(speaker="B"), "quotes.speaker"),
    "quote event": (lambda v: v["quotes"][0].update(events=["e2"]), "quotes.events"),
    "figure event": (lambda v: v["figures"][0].update(event="e2"), "figures.event"),
    "figure quote": (lambda v: v["figures"][0].update(quote=None), "figures.quote"),
    "figure claimant": (lambda v: v["figures"][0].update(claimant="B"), "figures.claimant"),
}


def test_every_link_kind_is_scored_and_every_link_adjudication_compares_has_one() -> None:
    assert set(LINK_EDITS) == set(LINK_KINDS)
    same = agreement_of([[_every_link(), _every_link()]], resamples=0)
    assert set(same.links) == set(LINK_KINDS) and all(row["f1"] == 1.0 for row in same.links.values())


@pytest.mark.parametrize("kind", LINK_EDITS)
def test_a_pair_that_differs_in_one_link_loses_that_link_only(kind: str) -> None:
    first, second = _every_link(), _every_link()
    edit, field = LINK_EDITS[kind]
    edit(second)
    _, conflicts = split_items(aligned({"a": first, "b": second}))
    assert conflicts, "adjudication sees the difference"
    result = agreement_of([[first, second]], resamples=0)
    assert result.links[kind]["f1"] is not None and result.links[kind]["f1"] < 1, result.links[kind]
    assert {k: row["f1"] for k, row in result.links.items() if k != kind and row["f1"] != 1.0} == {}
    assert result.measures[f"link: {kind}"]["value"] == result.links[kind]["f1"]
    assert {name for name, row in result.fields.items() if row["exact_match"] != 1.0} == {field}


# The edit of a version that changes one field alone, for every field that is no link (LINK_EDITS) and not
# the span an item is matched by (which the span measures score).
FIELD_EDITS = {
    "entities.name": lambda v: v["entities"][0].update(name="Ostrian Republic"),
    "entities.type": lambda v: v["entities"][1].update(type="armed_group"),
    "entities.wikidata": lambda v: v["entities"][0].update(wikidata="Q9"),
    "entities.mentions": lambda v: v["entities"][0]["mentions"].pop(),
    "events.type": lambda v: v["events"][1].update(type="violent.air_drone_strike"),
    "events.location": lambda v: v["events"][0]["location"].update(country="Q8"),
    "events.modality": lambda v: v["events"][1].update(modality="reported"),
    "events.polarity": lambda v: v["events"][1].update(polarity="negative"),
    "quotes.type": lambda v: v["quotes"][0].update(type="indirect"),
    "quotes.source": lambda v: v["quotes"][0].update(source=None),
    "quotes.contents": lambda v: v["quotes"][0]["contents"].append(_span(115, 120)),
    "figures.value": lambda v: v["figures"][0].update(value=13),
    "figures.lower": lambda v: v["figures"][0].update(lower=10),
    "figures.upper": lambda v: v["figures"][0].update(upper=20),
    "figures.bound": lambda v: v["figures"][0].update(bound="approximate"),
    "figures.approx_cue": lambda v: v["figures"][0].update(approx_cue=None),
    "figures.counted": lambda v: v["figures"][0].update(counted="missiles"),
    "figures.counted_span": lambda v: v["figures"][0].update(counted_span=None),
    "figures.property": lambda v: v["figures"][0].update(property="intercepted"),
}


def test_every_field_adjudication_compares_is_scored() -> None:
    """ITEM_FIELDS is every field of the schema but the id, and each is an edit of the tests below or a link."""
    schema = json.loads((REPO / "schema" / "annotation.schema.json").read_text(encoding="utf-8"))["$defs"]
    for layer, names in ITEM_FIELDS.items():
        assert set(names) == set(schema[layer.removesuffix("s").replace("entitie", "entity")]["properties"]) - {"id"}
    scored = {f"{layer}.{MATCHED_BY[layer]}" for layer in MATCHED_BY} | set(FIELD_EDITS)
    scored |= {field for _, field in LINK_EDITS.values()}
    assert scored == {f"{layer}.{name}" for layer, names in ITEM_FIELDS.items() for name in names}


@pytest.mark.parametrize("field", FIELD_EDITS)
def test_a_pair_that_differs_in_one_field_loses_that_field_only(field: str) -> None:
    first, second = _every_link(), _every_link()
    FIELD_EDITS[field](second)
    _, conflicts = split_items(aligned({"a": first, "b": second}))
    assert conflicts, "adjudication sees the difference"
    result = agreement_of([[first, second]], resamples=0)
    assert {name for name, row in result.fields.items() if row["exact_match"] != 1.0} == {field}
    assert result.fields[field]["n"] == 1 + (field.startswith("entities") or field.startswith("events"))
