"""The Label Studio labeling interface, generated from schema/taxonomy.json, and the vocabulary it shares
with the task builder and the importer.

Every span of an annotation file is one region of the `span` Labels control; every link is a relation
whose label names the link; every other field is a per-region attribute (a separate result sharing
the region's id). Region ids (docs/labelstudio.md):

- events, quotes, figures: the trigger, cue and number span carry the annotation id itself (ev1, q1, fig1);
- spans without ids of their own get `<owner id>:<part>` (a colon never occurs in our ids, so a derived
  id cannot collide with a real one): `ev1:arg0`, `ev1:loc`, `ev1:time`, `ent-x:m0`, `q1:src`, `q1:c0`,
  `fig1:approx`, `fig1:counted`. The number after arg/m/c keeps the list order through a round trip.
- regions drawn in the editor get Label Studio's random ids (10 characters of `A-Za-z0-9_-`); one that
  does not fit our id pattern is read as `ls.<its id>` (region_id), the same id on every pull.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from ..core.taxonomy import Taxonomy

SPAN = "span"
TEXT = "text"
SEP = ":"
# schema/annotation.schema.json's id pattern, and the characters Label Studio's region ids use.
_OUR_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_ID_CHARACTERS = re.compile(r"[A-Za-z0-9_.-]+")
# A dot never occurs in an editor-made id, so `ls.` + such an id cannot be another region's id.
DRAWN_PREFIX = "ls."


def region_id(raw: object) -> str:
    """The id a Label Studio region id stands for: itself when it fits our id pattern (or is a derived
    `owner:part` id), else the same id on every read, e.g. `-4bZ9qTs_x` -> `ls.-4bZ9qTs_x`.

    A region id is never renamed in the editor, so a pure function of it keeps an event drawn there
    under one id pull after pull."""
    rid = str(raw)
    if SEP in rid or _OUR_ID.fullmatch(rid):
        return rid
    if _ID_CHARACTERS.fullmatch(rid):
        return DRAWN_PREFIX + rid
    return f"{DRAWN_PREFIX}h{hashlib.sha256(rid.encode()).hexdigest()[:16]}"  # any other id some tool sent

# Span labels and the annotation part each one stands for.
LABELS: dict[str, tuple[str, str]] = {
    "EVENT": ("#e74c3c", "event trigger"),
    "ARGUMENT": ("#9b59b6", "event argument (link it from its event with the role)"),
    "LOCATION": ("#16a085", "where the event happens"),
    "TIME": ("#1abc9c", "when the event happens"),
    "MENTION": ("#3498db", "entity mention (fill in entity id; name and type on the first mention)"),
    "CUE": ("#f39c12", "quote cue (said, told, accused)"),
    "SOURCE": ("#2ecc71", "quote source: the phrase naming the speaker"),
    "CONTENT": ("#f1c40f", "quote content"),
    "FIGURE": ("#d35400", "number expression"),
    "APPROX": ("#7f8c8d", "approximation cue of a figure"),
    "COUNTED": ("#95a5a6", "what a figure counts"),
}

# Relation label -> (label of the from-region, label of the to-region). Roles come from the taxonomy.
FIXED_RELATIONS: dict[str, tuple[str, str]] = {
    "refers_to": ("ARGUMENT", "MENTION"),
    "affiliation": ("MENTION", "MENTION"),
    "location": ("EVENT", "LOCATION"),
    "time": ("EVENT", "TIME"),
    "source": ("CUE", "SOURCE"),
    "content": ("CUE", "CONTENT"),
    "speaker": ("CUE", "MENTION"),
    "reports": ("CUE", "EVENT"),
    "approx": ("FIGURE", "APPROX"),
    "counted": ("FIGURE", "COUNTED"),
    "quantifies": ("FIGURE", "EVENT"),
    "claimant": ("FIGURE", "MENTION"),
    "in_quote": ("FIGURE", "CUE"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Attribute:
    name: str  # the control's name, i.e. the result's from_name
    kind: str  # the result type: choices, number or textarea
    label: str | None  # the region label it is shown for (None: several)
    choices: tuple[str, ...] = ()


def list_attributes(tax: Taxonomy) -> tuple[Attribute, ...]:
    def choices(name: str, label: str | None, values: tuple[str, ...]) -> Attribute:
        return Attribute(name=name, kind="choices", label=label, choices=values)

    def textarea(name: str, label: str | None) -> Attribute:
        return Attribute(name=name, kind="textarea", label=label)

    def number(name: str) -> Attribute:
        return Attribute(name=name, kind="number", label="FIGURE")

    # Location and time attributes sit on the LOCATION/TIME region, or on the EVENT region when the
    # text does not name the place or time (span null), hence label None.
    return (
        choices("event_type", "EVENT", tuple(tax.event_types)),
        choices("modality", "EVENT", tax.modalities),
        choices("polarity", "EVENT", ("positive", "negative")),
        textarea("entity", "MENTION"),
        textarea("entity_name", "MENTION"),
        choices("entity_type", "MENTION", tax.entity_types),
        textarea("entity_wikidata", "MENTION"),
        textarea("loc_name", None),
        textarea("loc_country", None),
        textarea("loc_wikidata", None),
        choices("loc_precision", None, tax.location_precision),
        textarea("time_start", None),
        textarea("time_end", None),
        choices("time_precision", None, tax.time_precision),
        choices("time_anchor", None, tax.time_anchors),
        choices("quote_type", "CUE", tax.quote_types),
        number("fig_value"),
        number("fig_lower"),
        number("fig_upper"),
        choices("fig_bound", "FIGURE", tax.figure_bounds),
        choices("fig_property", "FIGURE", tax.figure_properties),
        textarea("fig_counted", "FIGURE"),
    )


def list_relations(tax: Taxonomy) -> dict[str, tuple[str, str]]:
    """Every relation label with the labels of the regions it may link."""
    relations = dict.fromkeys(tax.roles, ("EVENT", "ARGUMENT"))
    relations |= dict.fromkeys(tax.event_relations, ("EVENT", "EVENT"))
    clash = relations.keys() & FIXED_RELATIONS.keys()
    if clash:
        raise ValueError(f"taxonomy names clash with fixed relation labels: {sorted(clash)}")
    return relations | FIXED_RELATIONS


def build_config(tax: Taxonomy) -> str:
    """The labeling config XML."""
    lines = [
        "<View>",
        # pre-wrap keeps runs of spaces visible, so what annotators select is what the offsets say.
        "  <Style>.htx-text { white-space: pre-wrap; }</Style>",
        '  <Header value="Document $doc_id"/>',
        f'  <Labels name="{SPAN}" toName="{TEXT}" choice="single" showInline="true">',
    ]
    lines += [
        f"    <Label value={quoteattr(v)} background={quoteattr(c)} hint={quoteattr(h)}/>"
        for v, (c, h) in LABELS.items()
    ]
    # granularity="symbol": word granularity trims and snaps selections, which would move offsets.
    lines += ["  </Labels>", f'  <Text name="{TEXT}" value="$text" granularity="symbol" saveTextResult="yes"/>']
    # choice="multiple": the editor keeps one relation per region pair, so two links become two labels.
    lines.append('  <Relations choice="multiple">')
    lines += [f"    <Relation value={quoteattr(name)}/>" for name in list_relations(tax)]
    lines += ["  </Relations>", '  <View visibleWhen="region-selected">']
    for attr in list_attributes(tax):
        when = f' whenLabelValue="{attr.label}"' if attr.label else ""
        common = f'name="{attr.name}" toName="{TEXT}" perRegion="true" visibleWhen="region-selected"{when}'
        if attr.kind == "choices":
            lines.append(f'    <Choices {common} choice="single" showInline="true">')
            lines += [f"      <Choice value={quoteattr(v)}/>" for v in attr.choices]
            lines.append("    </Choices>")
        elif attr.kind == "number":
            # No step: the editor rounds to multiples of step when one is set.
            lines.append(f'    <Number {common} placeholder="{attr.name}"/>')
        else:
            lines.append(
                f'    <TextArea {common} editable="true" maxSubmissions="1" rows="1" placeholder="{attr.name}"/>'
            )
    lines += ["  </View>", "</View>"]
    return "\n".join(lines) + "\n"
