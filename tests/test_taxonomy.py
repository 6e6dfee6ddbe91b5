"""Taxonomy 1.1: labels only appended to 1.0, every ACLED sub-event type mapped, every type documented and generated."""

from __future__ import annotations

import re

import pytest

from conflict_news.core.taxonomy import load_taxonomy, type_matches
from conflict_news.hf.features import build_features
from conflict_news.labelstudio.config import build_config
from conftest import REPO

TAX = load_taxonomy()
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


@pytest.mark.parametrize("key", sorted(RELEASED_1_0))
def test_labels_of_1_0_keep_their_ids(key: str) -> None:
    current = tuple(TAX.event_types) if key == "event_types" else getattr(TAX, key)
    assert current[: len(RELEASED_1_0[key])] == RELEASED_1_0[key]


def test_every_acled_sub_event_type_has_a_home() -> None:
    mapped = {(t.acled_event_type, t.acled_sub_event_type) for t in TAX.event_types.values()}
    wanted = {(etype, sub) for etype, subs in ACLED.items() for sub in subs}
    assert len(wanted) == 25
    assert wanted <= mapped
    assert {e for e, _ in mapped if e} <= set(ACLED)


def test_news_events_beyond_acled_have_types() -> None:
    for name in (
        "casualty.death", "casualty.injury", "humanitarian.displacement", "humanitarian.evacuation",
        "humanitarian.aid", "humanitarian.corridor", "coercion.blockade", "coercion.sanction", "coercion.arrest",
        "coercion.abduction", "territory.capture", "diplomatic.threat", "diplomatic.ultimatum",
    ):  # fmt: skip
        assert name in TAX.event_types


def test_every_type_has_cameo_and_plover_mappings_and_the_plover_version_is_named() -> None:
    assert "PLOVER" in TAX.raw["mapping_versions"]["plover"]
    assert "2.0" in TAX.raw["mapping_versions"]["plover"]
    for etype in TAX.event_types.values():
        assert etype.cameo_code and etype.cameo_label, etype.name
        assert etype.plover_event_type.isupper(), etype.name


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


def test_every_type_is_a_label_studio_choice_and_a_class_label() -> None:
    config = build_config(TAX)
    names = build_features("events")["type"].names
    assert names == list(TAX.event_types)
    for name in TAX.event_types:
        assert f'<Choice value="{name}"/>' in config


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
