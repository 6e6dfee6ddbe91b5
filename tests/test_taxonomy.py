"""Taxonomy 2.0: labels only appended, every type mapped to ACLED, CAMEO and PLOVER or saying why not, every
mapped name in the shipped inventories, the 1.1 -> 2.0 migration table, every type documented and generated."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from typing import Any
from xml.etree import ElementTree

import pytest

from conflict_news.core.crosswalk import render_crosswalk
from conflict_news.core.inventories import Inventories, load_inventories
from conflict_news.core.schemas import iter_schema_errors
from conflict_news.core.taxonomy import Taxonomy, load_taxonomy, parse_taxonomy, type_matches
from conflict_news.hf.features import build_features
from conflict_news.labelstudio.config import build_config
from conftest import REPO

TAX = load_taxonomy()
INV = load_inventories()
RAW = json.loads((REPO / "schema" / "taxonomy.json").read_text(encoding="utf-8"))
RAW_SCHEMA = json.loads((REPO / "schema" / "taxonomy.schema.json").read_text(encoding="utf-8"))
MIGRATION = json.loads((REPO / "schema" / "migrations" / "taxonomy-1.1-to-2.0.json").read_text(encoding="utf-8"))
GUIDELINES = (REPO / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8")

# The label lists of taxonomy 1.0 as released; a minor version may only add labels after them.
RELEASED_1_0 = {
    "entity_types": ("person", "state", "armed_force", "organization", "coalition", "group"),
    "roles": ("attacker", "target", "instrument", "participant", "agent", "recipient", "theme"),
    "event_types": (
        "violent.war", "violent.attack", "violent.remote_strike", "violent.air_drone_strike",
        "violent.shelling_missile_attack", "violent.armed_clash", "military.aid", "military.aid_halt",
        "military.protection", "military.cooperation", "military.deterrence", "diplomatic.talks",
        "diplomatic.meeting", "diplomatic.mediation", "diplomatic.proposal", "diplomatic.accusation",
        "diplomatic.rejection", "diplomatic.agreement", "diplomatic.ceasefire", "diplomatic.commitment",
        "diplomatic.security_guarantee", "diplomatic.territorial_exchange", "exchange.prisoner_exchange",
        "exchange.body_repatriation",
    ),
    "modalities": ("actual", "reported", "planned", "hypothetical", "negated"),
    "event_relations": ("same_as", "subevent_of", "causes"),
    "quote_types": ("direct", "indirect", "mixed"),
    "figure_bounds": ("exact", "approximate", "at_least", "more_than", "at_most", "less_than", "range"),
    "figure_properties": (
        "launched", "intercepted", "killed", "wounded", "handed_over", "received", "captured", "released",
        "participating", "occurred", "other",
    ),
    "location_precision": ("point", "admin2", "admin1", "country", "unknown"),
    "time_precision": ("day", "week", "month", "year", "unknown"),
    "time_anchors": ("absolute", "publication", "event"),
}  # fmt: skip

# ACLED's codebook: 6 event types and their 25 sub-event types.
ACLED = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": (
        "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
        "Headquarters or base established", "Looting/property destruction", "Non-violent transfer of territory", "Other",
    ),
}  # fmt: skip


# The event types of taxonomy 1.1 as released (0.1.0, 0.2.0): 1.0's, then 35 appended.
RELEASED_1_1 = (
    *RELEASED_1_0["event_types"],
    "casualty.death", "casualty.injury", "casualty.casualties", "humanitarian.displacement", "humanitarian.evacuation",
    "humanitarian.aid", "humanitarian.corridor", "coercion.blockade", "coercion.sanction", "coercion.arrest",
    "coercion.abduction", "coercion.restriction", "protest.peaceful", "protest.intervention", "protest.excessive_force",
    "protest.riot", "protest.mob_violence", "violent.chemical_weapon", "violent.suicide_bombing",
    "violent.remote_explosive", "violent.grenade", "violent.sexual_violence", "violent.attack_on_civilians",
    "violent.property_destruction", "violent.disrupted_weapons_use", "territory.government_regains",
    "territory.nonstate_overtakes", "territory.capture", "territory.withdrawal", "territory.base_established",
    "military.group_change", "military.mobilization", "diplomatic.threat", "diplomatic.ultimatum", "exchange.release",
)  # fmt: skip
# 2.0 splits three 1.1 types; the new halves are appended in this order.
SPLITS = {
    "violent.war": "violent.armed_clash",
    "diplomatic.mediation": "diplomatic.appeal",
    "coercion.abduction": "coercion.capture",
}


@pytest.mark.parametrize("key", sorted(RELEASED_1_0))
def test_labels_of_1_0_keep_their_ids(key: str) -> None:
    current = tuple(TAX.event_types) if key == "event_types" else getattr(TAX, key)
    assert current[: len(RELEASED_1_0[key])] == RELEASED_1_0[key]


def test_types_of_1_1_keep_their_ids_and_2_0_appends_two() -> None:
    assert len(RELEASED_1_1) == 59
    assert tuple(TAX.event_types) == (*RELEASED_1_1, "diplomatic.appeal", "coercion.capture")
    assert TAX.version == "2.0"


def test_every_acled_sub_event_type_has_a_home() -> None:
    mapped = {(t.acled_event_type, t.acled_sub_event_type) for t in TAX.event_types.values()}
    wanted = {(etype, sub) for etype, subs in ACLED.items() for sub in subs}
    assert len(wanted) == 25
    assert wanted <= mapped
    assert {e for e, _ in mapped if e} <= set(ACLED)


def test_the_shipped_inventories_hold_the_codebooks_names() -> None:
    """The inventory files against this test's own copy of the ACLED codebook and the PLOVER schema enum."""
    assert {name: set(subs) for name, subs in INV.acled.items()} == {name: set(subs) for name, subs in ACLED.items()}
    enum = RAW_SCHEMA["$defs"]["plover"]["properties"]["event_type"]["enum"]
    assert list(INV.plover) == enum and len(enum) == 16
    assert INV.plover["ASSAULT"][:1] == ("abduct",) and INV.plover["AID"] == ()
    assert len([code for code in INV.cameo if len(code) == 2]) == 20
    for name in ("acled", "plover", "cameo"):
        assert INV.sources[name] and INV.editions[name], name
    # mapping_versions names the PLOVER commit the inventory was read at
    commit = re.search(r"commit ([0-9a-f]{7,40})", TAX.raw["mapping_versions"]["plover"])
    assert commit and commit[1] in INV.sources["plover"] and "2.0" in INV.editions["plover"]


def mapping_problems(tax: Taxonomy, inv: Inventories) -> list[str]:
    """What breaks the crosswalk's promise: a missing mapping without a reason, or a name no inventory has."""
    problems = []
    for t in tax.event_types.values():
        if t.acled_sub_event_type is None and not t.acled_reason:
            problems.append(f"{t.name}: ACLED sub-event type missing without a reason")
        if t.acled_event_type is None:
            if t.acled_sub_event_type is not None:
                problems.append(f"{t.name}: ACLED sub-event type without an event type")
        elif t.acled_event_type not in inv.acled:
            problems.append(f"{t.name}: ACLED event type {t.acled_event_type!r} unknown")
        elif t.acled_sub_event_type is not None and t.acled_sub_event_type not in inv.acled[t.acled_event_type]:
            problems.append(f"{t.name}: {t.acled_sub_event_type!r} is no sub-event type of {t.acled_event_type!r}")
        if inv.cameo.get(t.cameo_code) != t.cameo_label or t.cameo_code[:2] not in inv.cameo:
            problems.append(f"{t.name}: CAMEO {t.cameo_code} {t.cameo_label!r} unknown")
        if t.plover_event_type not in inv.plover:
            problems.append(f"{t.name}: PLOVER event type {t.plover_event_type!r} unknown")
        elif t.plover_mode is None and not t.plover_mode_reason:
            problems.append(f"{t.name}: PLOVER mode missing without a reason")
        elif t.plover_mode is not None and t.plover_mode not in inv.plover[t.plover_event_type]:
            problems.append(f"{t.name}: {t.plover_mode!r} is no mode of {t.plover_event_type}")
    return problems


def test_every_type_maps_to_acled_cameo_and_plover_or_says_why_not() -> None:
    assert mapping_problems(TAX, INV) == []
    for t in TAX.event_types.values():
        assert (t.acled_event_type is None) <= (t.acled_sub_event_type is None), t.name
        assert (t.acled_reason is None) == (t.acled_sub_event_type is not None), t.name
        assert (t.plover_mode_reason is None) == (t.plover_mode is not None), t.name
    # the ones the issue named: talks are no agreement by default, captures are no abduction of civilians
    kinds = TAX.event_types
    assert kinds["coercion.abduction"].acled_sub_event_type == "Abduction/forced disappearance"
    assert (kinds["coercion.capture"].plover_event_type, kinds["coercion.capture"].plover_mode) == ("ASSAULT", "abduct")
    assert kinds["diplomatic.appeal"].plover_event_type == "REQUEST" and kinds["diplomatic.appeal"].cameo_code == "02"
    assert kinds["diplomatic.talks"].acled_note and "talks" in kinds["diplomatic.talks"].acled_note


def _broken(edit: dict[str, dict[str, Any]]) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    for name, fields in edit.items():
        for key, value in fields.items():
            raw["event_types"][name][key] = value
    return raw


# (edit of one type, what the schema says, what the inventory check says)
BROKEN = [
    ({"violent.war": {"acled": {"event_type": None, "sub_event_type": None}}}, '"none" is a required property', None),
    ({"violent.remote_strike": {"acled": {"event_type": "Explosions/Remote violence", "sub_event_type": None}}},
     '"none" is a required property', "ACLED sub-event type missing without a reason"),
    ({"violent.war": {"acled": {"event_type": None, "sub_event_type": "Armed clash", "none": "x"}}}, 'is not of type "null"',
     "ACLED sub-event type without an event type"),
    ({"violent.armed_clash": {"acled": {"event_type": "Battles", "sub_event_type": "Armed clash", "none": "x"}}},
     "is not allowed for", None),
    ({"violent.armed_clash": {"acled": {"event_type": "Battle", "sub_event_type": "Armed clash"}}}, None,
     "ACLED event type 'Battle' unknown"),
    ({"violent.armed_clash": {"acled": {"event_type": "Riots", "sub_event_type": "Armed clash"}}}, None,
     "'Armed clash' is no sub-event type of 'Riots'"),
    ({"violent.war": {"plover": {"event_type": "ASSAULT", "mode": None}}}, '"none" is a required property',
     "PLOVER mode missing without a reason"),
    ({"coercion.capture": {"plover": {"event_type": "COERCE", "mode": "abduct"}}}, None, "'abduct' is no mode of COERCE"),
    ({"coercion.capture": {"plover": {"event_type": "FIGHT", "mode": "abduct"}}}, "is not one of", "unknown"),
    ({"coercion.capture": {"cameo": {"code": "181", "label": "Capture combatants"}}}, None, "CAMEO 181"),
    ({"violent.war": {"acled": {"event_type": None, "sub_event_type": None, "none": "two\nlines"}}}, "does not match",
     None),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "by_schema", "by_inventory"), BROKEN)
def test_a_broken_mapping_is_caught(
    edit: dict[str, dict[str, Any]], by_schema: str | None, by_inventory: str | None
) -> None:
    raw = _broken(edit)
    messages = [message for _, message in iter_schema_errors("taxonomy", raw)]
    if by_schema:
        assert any(by_schema in m for m in messages), messages
    else:
        assert messages == []
    problems = mapping_problems(parse_taxonomy(raw), INV)
    if by_inventory:
        assert any(by_inventory in p for p in problems), problems


def test_the_new_types_and_the_moved_trigger() -> None:
    kinds = TAX.event_types
    assert kinds["diplomatic.appeal"].roles == ("agent", "recipient", "theme")
    assert kinds["coercion.capture"].roles == ("attacker", "victim")
    assert "fighting" in kinds["violent.armed_clash"].triggers and "fighting" not in kinds["violent.war"].triggers
    # `urged` is left to the quote finder (a cue); whether it is also an appeal is the annotator's call (TYP-5)
    assert not any("urged" in t for kind in kinds.values() for t in kind.triggers)
    for name in ("coercion.abduction", "coercion.arrest"):
        assert "coercion.capture" in kinds[name].description, name


def migration_problems(migration: dict[str, Any], tax: Taxonomy) -> list[str]:
    """Where the migration table disagrees with the released 1.1 list and the 2.0 taxonomy."""
    new_ids = {name: i for i, name in enumerate(tax.event_types)}
    problems = [f"{name} missing" for name in RELEASED_1_1 if name not in migration["event_types"]]
    for name, entry in migration["event_types"].items():
        if name not in RELEASED_1_1 or entry["id"] != RELEASED_1_1.index(name):
            problems.append(f"{name}: not type {entry['id']} of 1.1")
        targets = [t["type"] for t in entry["to"]]
        if targets != [name, *([SPLITS[name]] if name in SPLITS else [])]:
            problems.append(f"{name}: becomes {targets}")
        problems += [
            f"{name}: {t['type']} is not id {t['id']}" for t in entry["to"] if new_ids.get(t["type"]) != t["id"]
        ]
    added = [{"type": name, "id": new_ids[name]} for name in tax.event_types if name not in RELEASED_1_1]
    if migration["added"] != added:
        problems.append(f"added: {migration['added']}")
    return problems


def test_the_migration_table_maps_every_1_1_type_and_id() -> None:
    assert list(iter_schema_errors("migration", MIGRATION)) == []
    assert (MIGRATION["from"], MIGRATION["to"]) == ("1.1", TAX.version)
    assert migration_problems(MIGRATION, TAX) == []
    broken = copy.deepcopy(MIGRATION)
    broken["event_types"]["coercion.abduction"]["to"][1]["id"] = 59
    del broken["event_types"]["exchange.release"]
    assert migration_problems(broken, TAX) == [
        "exchange.release missing",
        "coercion.abduction: coercion.capture is not id 59",
    ]
    del broken["event_types"]["violent.war"]["to"][1]["when"]
    assert [path for path, _ in iter_schema_errors("migration", broken)] == ["$.event_types.violent.war.to[1]"]


def test_the_published_crosswalk_is_current() -> None:
    """Regenerate with `conflict-news card` (or `build`) after changing schema/taxonomy.json."""
    pages = render_crosswalk()
    for path, text in pages.items():
        assert (REPO / path).read_text(encoding="utf-8") == text, f"{path} is stale: run conflict-news card"
    rows = list(csv.DictReader(io.StringIO(pages[next(p for p in pages if p.suffix == ".csv")])))
    assert [(int(r["id"]), r["type"]) for r in rows] == list(enumerate(TAX.event_types))
    assert all(r["acled_sub_event_type"] or r["acled_none"] for r in rows)
    assert all(r["plover_mode"] or r["plover_none"] for r in rows)
    # a changed mapping changes the pages
    raw = _broken(
        {"violent.war": {"cameo": {"code": "190", "label": "Use conventional military force, not specified below"}}}
    )
    assert render_crosswalk(parse_taxonomy(raw), INV) != pages


def test_news_events_beyond_acled_have_types() -> None:
    for name in (
        "casualty.death", "casualty.injury", "humanitarian.displacement", "humanitarian.evacuation",
        "humanitarian.aid", "humanitarian.corridor", "coercion.blockade", "coercion.sanction", "coercion.arrest",
        "coercion.abduction", "coercion.capture", "territory.capture", "diplomatic.threat", "diplomatic.ultimatum",
        "diplomatic.appeal",
    ):  # fmt: skip
        assert name in TAX.event_types


def _guideline_section(name: str) -> str:
    parts = re.split(r"^#{3,4} ", GUIDELINES, flags=re.M)
    found = [p for p in parts if p.startswith(f"`{name}`")]
    assert len(found) == 1, f"no single guideline section headed `{name}`"
    return found[0]


@pytest.mark.parametrize("name", [t for t in TAX.event_types if t not in RELEASED_1_0["event_types"]])
def test_every_new_type_has_a_guideline_section_with_an_example(name: str) -> None:
    section = _guideline_section(name)
    examples = re.findall(r"^> (.+)$", section, flags=re.M)
    assert examples, name
    assert all("[" in ex and "]" in ex for ex in examples), "each example marks its trigger in brackets"


def test_every_type_is_a_leaf_of_the_label_studio_type_picker_and_a_class_label() -> None:
    names = build_features("events")["type"].names
    assert names == list(TAX.event_types)
    (picker,) = ElementTree.fromstring(build_config(TAX)).iter("Taxonomy")
    leaves = {f"{group.get('value')}.{leaf.get('value')}" for group in picker for leaf in group}
    assert leaves == set(names) and all(len(group) for group in picker)  # no group without a type


def test_no_guideline_example_merges_coordinated_fillers_into_one_argument() -> None:
    """Guidelines 3.4: coordinated fillers are separate arguments, so an example's role never lists `X and Y`."""
    examples = re.findall(r"^> .+$", GUIDELINES, flags=re.M)
    merged = [
        ex
        for ex in examples
        for filler in re.findall(r"\b(?:theme|target|instrument) `([^`]+)`", ex)
        if " and " in filler
    ]
    assert merged == []


def _names(patterns: list[str]) -> set[str]:
    """The types and categories a list of patterns names (`*` names none)."""
    return {p.removesuffix(".*") for p in patterns if p != "*"}


def test_every_figure_property_and_relation_has_one_entry_in_its_table() -> None:
    assert list(TAX.figure_events) == list(TAX.figure_properties)
    assert list(TAX.relation_pairs) == list(TAX.event_relations)


def test_every_type_and_category_the_tables_name_is_in_the_taxonomy() -> None:
    """A name of the 2.0 taxonomy (`coercion.capture`) must be there once a table names it."""
    named = set().union(*(_names(list(types)) for types in TAX.figure_events.values()))
    named |= {name for rule in TAX.relation_pairs.values() for pair in rule.pairs for name in _names(list(pair))}
    known = set(TAX.event_types) | set(TAX.raw["event_categories"])
    assert sorted(named - known) == []


def test_a_pattern_is_a_type_a_category_or_any_type() -> None:
    assert type_matches("casualty.death", "casualty.death") and not type_matches("casualty.death", "casualty.injury")
    assert type_matches("casualty.*", "casualty.injury") and not type_matches("casualty.*", "violent.attack")
    assert type_matches("*", "diplomatic.talks")
    assert not type_matches("protest.*", "protester.riot")  # a category ends at its dot


@pytest.mark.parametrize(
    ("prop", "etype", "takes"),
    [
        ("killed", "casualty.death", True),
        ("killed", "violent.shelling_missile_attack", True),  # `the attack left 12 bodies` (§6.1)
        ("killed", "casualty.injury", False),
        ("killed", "diplomatic.talks", False),
        ("wounded", "casualty.death", False),
        ("launched", "violent.disrupted_weapons_use", True),
        ("launched", "exchange.prisoner_exchange", False),
        ("displaced", "humanitarian.displacement", True),
        ("displaced", "violent.attack", False),
        ("handed_over", "exchange.body_repatriation", True),
        ("handed_over", "humanitarian.aid", False),
        ("participating", "casualty.death", False),
        ("occurred", "coercion.blockade", True),
        ("other", "casualty.casualties", True),
    ],
)
def test_a_figure_property_takes_the_events_that_can_happen_to_what_it_counts(
    prop: str, etype: str, takes: bool
) -> None:
    assert TAX.figure_takes(prop, etype) is takes


def test_same_as_stays_within_a_category_and_points_back_the_others_link_any_types() -> None:
    same_as = TAX.relation_pairs["same_as"]
    assert same_as.target == "earlier"
    assert same_as.allows("exchange.prisoner_exchange", "exchange.body_repatriation")  # the seed's swap
    assert not same_as.allows("violent.attack", "casualty.death")
    for category in TAX.raw["event_categories"]:
        assert same_as.allows(f"{category}.a", f"{category}.b"), category
    for name in ("subevent_of", "causes"):
        assert TAX.relation_pairs[name].target == "any"
        assert TAX.relation_pairs[name].allows("violent.attack", "casualty.death")


def test_the_migration_table_lists_the_labels_appended_to_other_lists() -> None:
    """1.1's modalities keep their ids; what 2.0 appends is in labels_added with its id."""
    released = ("actual", "reported", "planned", "hypothetical", "negated")
    assert TAX.modalities[: len(released)] == released
    appended = [{"label": m, "id": i} for i, m in enumerate(TAX.modalities) if i >= len(released)]
    assert appended and MIGRATION["labels_added"]["modalities"] == appended
