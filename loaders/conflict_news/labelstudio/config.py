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
- on the wire (wire_id) a `:` is written U+00B7 (middle dot) and a `.` U+2024 (one dot leader): Label
  Studio paints each region by a CSS class built from its id without escaping, and a `:` or `.` there
  breaks the rule, so the region shows transparent. CSS takes any non-ASCII character in a class name;
  neither our ids (ASCII, by the schema's pattern) nor the editor's contain these two, so region_id
  reads every id back exactly.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from ..core.errors import CorpusError, Issue
from ..core.guidelines import decision_trees, guidelines_version
from ..core.taxonomy import Taxonomy

SPAN = "span"
TEXT = "text"
SEP = ":"
# schema/annotation.schema.json's id pattern, and the characters Label Studio's region ids use.
_OUR_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_ID_CHARACTERS = re.compile(r"[A-Za-z0-9_.-]+")
# A dot never occurs in an editor-made id, so `ls.` + such an id cannot be another region's id.
DRAWN_PREFIX = "ls."
_FROM_WIRE = str.maketrans({"\u00b7": ":", "\u2024": "."})


def wire_id(rid: str) -> str:
    """The id a region is pushed with: `q2:src` -> `q2\u00b7src`, `ls.x` -> `ls\u2024x` (see above)."""
    # Two replace() calls: str.translate into non-ASCII characters costs several times more, once per region.
    return rid.replace(":", "\u00b7").replace(".", "\u2024")


def region_id(raw: object) -> str:
    """The id a Label Studio region id stands for: itself when it fits our id pattern (or is a derived
    `owner:part` id), else the same id on every read, e.g. `-4bZ9qTs_x` -> `ls.-4bZ9qTs_x`.

    A region id is never renamed in the editor, so a pure function of it keeps an event drawn there
    under one id pull after pull."""
    rid = str(raw).translate(_FROM_WIRE)
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

# Every fixed link joins a pair of region kinds no other link joins, so the pair says which link it is and
# the editor's relation needs no label (and offers only roles and event relations, LABELLED_ENDS).
FIXED_BY_ENDS = {ends: name for name, ends in FIXED_RELATIONS.items()}
LABELLED_ENDS = (("EVENT", "ARGUMENT"), ("EVENT", "EVENT"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Attribute:
    name: str  # the control's name, i.e. the result's from_name
    kind: str  # the result type: choices, taxonomy, number or textarea
    labels: tuple[str, ...]  # the region labels it belongs to
    heading: str  # what the side panel calls it
    choices: tuple[str, ...] = ()


def list_attributes(tax: Taxonomy) -> tuple[Attribute, ...]:
    """Every per-region field, in the order the editor hands out hotkeys (see build_config)."""

    def choices(name: str, labels: tuple[str, ...], heading: str, values: tuple[str, ...]) -> Attribute:
        return Attribute(name=name, kind="choices", labels=labels, heading=heading, choices=values)

    def textarea(name: str, labels: tuple[str, ...], heading: str) -> Attribute:
        return Attribute(name=name, kind="textarea", labels=labels, heading=heading)

    def number(name: str, heading: str) -> Attribute:
        return Attribute(name=name, kind="number", labels=("FIGURE",), heading=heading)

    event, mention, figure = ("EVENT",), ("MENTION",), ("FIGURE",)
    # Location and time fields sit on the LOCATION/TIME region, or on the EVENT region when the text
    # does not name the place or time (span null).
    place, time = ("LOCATION", "EVENT"), ("TIME", "EVENT")
    return (
        # Short lists first: the editor gives the first 33 keys (labels included) in this order.
        choices("modality", event, "Modality", tax.modalities),
        choices("polarity", event, "Polarity", ("positive", "negative")),
        choices("quote_type", ("CUE",), "Quote type", tax.quote_types),
        choices("fig_bound", figure, "Bound", tax.figure_bounds),
        choices("loc_precision", place, "Location precision", tax.location_precision),
        # The one two-level list (`group.type`): a searchable tree (see _control), whose values never got keys.
        Attribute(
            name="event_type", kind="taxonomy", labels=event, heading="Event type", choices=tuple(tax.event_types)
        ),
        textarea("entity", mention, "Entity id (the same id on every mention of one entity)"),
        textarea("entity_name", mention, "Entity name (once per entity)"),
        choices("entity_type", mention, "Entity type (once per entity)", tax.entity_types),
        textarea("entity_wikidata", mention, "Entity Wikidata id (Q...)"),
        number("fig_value", "Value (the number as stated; empty for a range)"),
        number("fig_lower", "Lower bound (empty: unbounded)"),
        number("fig_upper", "Upper bound (empty: unbounded)"),
        choices("fig_property", figure, "Property (what happened to the counted things)", tax.figure_properties),
        textarea("fig_counted", figure, "Counted (plural noun, e.g. drones)"),
        textarea("loc_name", place, "Location name"),
        textarea("loc_country", place, "Location country (ISO code, e.g. UA)"),
        textarea("loc_wikidata", place, "Location Wikidata id (Q...)"),
        textarea("time_start", time, "Time start (YYYY, YYYY-MM or YYYY-MM-DD)"),
        textarea("time_end", time, "Time end (YYYY, YYYY-MM or YYYY-MM-DD)"),
        choices("time_precision", time, "Time precision", tax.time_precision),
        choices("time_anchor", time, "Time anchor (what a relative expression counts from)", tax.time_anchors),
        textarea("time_anchor_event", time, "Anchor event id (for anchor event: the event it counts from)"),
    )


# What each fixed link means, for the side panel and the instructions; roles and event relations are
# described from the taxonomy.
LINK_HELP: dict[str, str] = {
    "refers_to": "the argument refers to this entity: draw it to the entity's FIRST mention",
    "affiliation": "this entity belongs to or acts for that one: first mention to first mention",
    "location": "where the event happens",
    "time": "when the event happens",
    "source": "the phrase naming who speaks",
    "content": "what is said (one link per content span)",
    "speaker": "who speaks: draw it to the speaker entity's FIRST mention",
    "reports": "the quote asserts this event",
    "approx": "the words that make the figure inexact",
    "counted": "the words naming what is counted",
    "quantifies": "the event the figure counts",
    "claimant": "who states the figure: draw it to the entity's FIRST mention",
    "in_quote": "the quote whose content holds the figure (to the quote's CUE)",
}


def list_relations(tax: Taxonomy) -> dict[str, tuple[str, str]]:
    """Every relation label with the labels of the regions it may link."""
    relations = dict.fromkeys(tax.roles, ("EVENT", "ARGUMENT"))
    relations |= dict.fromkeys(tax.event_relations, ("EVENT", "EVENT"))
    clash = relations.keys() & FIXED_RELATIONS.keys()
    if clash:
        message = f"taxonomy names clash with the fixed relation labels {sorted(clash)}"
        raise CorpusError(
            [Issue(code="schema-violation", file="schema/taxonomy.json", path="$.roles", message=message)]
        )
    return relations | FIXED_RELATIONS


def labelled_relations(tax: Taxonomy) -> list[str]:
    """The relation labels the editor offers: argument roles and event relations, the links whose pair of
    region kinds does not say what they are."""
    return [name for name in list_relations(tax) if name not in FIXED_RELATIONS]


def describe_link(tax: Taxonomy, label: str) -> str:
    if label in tax.roles:
        return f"argument role: {tax.raw['roles'][label]}"
    if label in tax.event_relations:
        return f"event relation: {tax.raw['event_relations'][label]}"
    return LINK_HELP[label]


# Relation labels are drawn over the text and no setting of 1.23.2 moves or hides them (only the
# Relations tab's eye button hides all arrows). Only roles and event relations carry one, so they can be
# read: 12 px, bold, opaque; the lines leave room for them. The editor passes this CSS through an HTML
# sanitiser that cuts it at the first `>` or quote, so the selectors use neither.
# pre-wrap keeps runs of spaces visible, so what annotators select is what the offsets say.
_STYLE = """
    .lsf-htx-richtext { white-space: pre-wrap; line-height: 2.6; }
    .relations-overlay g[transform] text { font-size: 12px !important; font-weight: 600; }
    .cnc-panel { position: sticky; top: 0; max-height: 92vh; overflow-y: auto; }
"""
# The underline of each annotator's side in a review, by their number (the editor's own border of every
# region is 1px dashed transparent); SIDE_MARK is adjudicate.SIDE (which imports this module).
SIDE_MARK = "\u2016"
_SIDE_STYLE = "".join(
    f"\n    .htx-highlight[class*={SIDE_MARK}{n}-] {{ border-bottom: 3px {line} #222; }}"
    for n, line in enumerate(("solid", "dotted", "double"), 1)
)
_PANEL_NOTE = "Select a region to see its fields here; draw links with the relation tool (see Instructions)."


def _h(value: str, size: int = 5) -> str:
    return f'<Header value={quoteattr(value)} size="{size}"/>'


def _control(attr: Attribute) -> list[str]:
    common = f'name="{attr.name}" toName="{TEXT}" perRegion="true"'
    if attr.kind == "choices":
        return [f'<Choices {common} choice="single" showInline="true">',
                *(f"  <Choice value={quoteattr(v)}/>" for v in attr.choices), "</Choices>"]  # fmt: skip
    if attr.kind == "taxonomy":
        # A tree with search: the group (the part before the dot) opens to its types, only a type can be
        # picked, and the picked one reads `group.type`. Values are paths (taxonomy_path).
        groups: dict[str, list[str]] = {}
        for value in attr.choices:
            group, leaf = taxonomy_path(value)
            groups.setdefault(group, []).append(leaf)
        body = [f"  <Choice value={quoteattr(group)}>{''.join(f'<Choice value={quoteattr(leaf)}/>' for leaf in leaves)}"
                "</Choice>" for group, leaves in groups.items()]  # fmt: skip
        return [f'<Taxonomy {common} leafsOnly="true" showFullPath="true" pathSeparator="." maxUsages="1" '
                f'placeholder="Type to search, e.g. attack">', *body, "</Taxonomy>"]  # fmt: skip
    if attr.kind == "number":
        # No step: the editor rounds to multiples of step when one is set.
        return [f"<Number {common}/>"]
    return [f'<TextArea {common} editable="true" maxSubmissions="1" rows="1"/>']


def _block(labels: tuple[str, ...], order: int, body: list[str]) -> list[str]:
    # The panel is a flex column: `order` shows blocks in reading order while the XML keeps the
    # controls in hotkey order.
    return [f'<View visibleWhen="region-selected" whenTagName="{SPAN}" whenLabelValue="{",".join(labels)}" '
            f'style="order: {order}; margin-bottom: 6px;">', *("  " + line for line in body), "</View>"]  # fmt: skip


# Panel order of each attribute's block: what every EVENT needs first, the type next.
_ORDER = {"modality": 1, "polarity": 1, "event_type": 2, "quote_type": 3, "entity": 4, "entity_name": 4,
          "entity_type": 4, "entity_wikidata": 4, "fig_value": 5, "fig_lower": 5, "fig_upper": 5, "fig_bound": 6,
          "fig_property": 7, "fig_counted": 7}  # fmt: skip

# Place and time fields, each set folded under one title: they belong to the LOCATION or TIME region, and
# sit on an EVENT only for a place or time the text does not name, so folded they keep the EVENT's panel
# to one screen. The fold opens with one click; the XML keeps each set where its first field was, so
# the keys stay where they were.
FOLDS = {
    "LOCATION": ("Place: name, country, Wikidata, precision (on an EVENT only for a place the text does not name)", 8),
    "TIME": ("Time: start, end, precision, anchor (on an EVENT only for a time the text does not name)", 9),
}


def taxonomy_path(value: str) -> list[str]:
    """The path of an event type in the type picker: `violent.attack` -> ["violent", "attack"]."""
    group, _, leaf = value.partition(".")
    return [group, leaf]


def _panel_blocks(tax: Taxonomy) -> list[str]:
    blocks: dict[str, tuple[tuple[str, ...], list[str]]] = {}
    for attr in list_attributes(tax):
        fold = next((label for label in attr.labels if label in FOLDS), attr.name)
        blocks.setdefault(fold, (attr.labels, []))[1].extend([_h(attr.heading), *_control(attr)])
    lines = []
    for key, (labels, body) in blocks.items():
        if key in FOLDS:
            title, order = FOLDS[key]
            body = ["<Collapse>", f"  <Panel value={quoteattr(title)}>", *("    " + line for line in body), "  </Panel>",
                    "</Collapse>"]  # fmt: skip
        else:
            order = _ORDER[key]
        lines += _block(labels, order, body)
    return lines


def links_from(tax: Taxonomy, label: str) -> list[tuple[str, str]]:
    """(relation label, target label) of every link drawn from a region with `label`."""
    return [(name, ends[1]) for name, ends in list_relations(tax).items() if ends[0] == label]


def build_config(tax: Taxonomy, review: bool = False) -> str:
    """The labeling config XML: the text with the region labels on the left, a side panel on the right
    showing the selected region's fields (only those of its label, each under a heading) and the links
    to draw from it. A review project's config also names the versions and the conflicts to settle."""
    # A review underlines each side of a conflicting item in its own way, by the class the editor builds
    # from the region id (`htx-highlight-<id>-<n>`, the id ending in its side's mark; adjudicate.SIDE).
    lines = ["<View>", f"<Style>{_STYLE}{_SIDE_STYLE if review else ''}</Style>", '<View style="display: flex; align-items: flex-start; gap: 16px;">',
             '<View style="flex: 0 0 60%; max-width: 60%;">', _h("Document $doc_id", 4)]  # fmt: skip
    if review:
        # The conflicts one per line (pre-line keeps the task's line breaks), in a box of a few lines that
        # scrolls, so that a long list does not push the text below the fold.
        lines += [_h("Review: every version at once. A conflicting item is here once per annotator ($annotators), "
                     "underlined for annotator 1 solid, 2 dotted, 3 double. Delete the wrong sides and submit.", 5),
                  '<View className="cnc-conflicts" style="white-space: pre-line; max-height: 10em; overflow-y: auto; '
                  'border: 1px solid #ccc; padding: 0 8px; margin-bottom: 8px;">', _h("$conflicts", 6), "</View>"]  # fmt: skip
    lines += [
             _h("Region type (key shown on each button): press it, then select the words", 6),
             f'<Labels name="{SPAN}" toName="{TEXT}" choice="single" showInline="true">']  # fmt: skip
    lines += [
        f"  <Label value={quoteattr(v)} background={quoteattr(c)} hint={quoteattr(h)}/>" for v, (c, h) in LABELS.items()
    ]
    # granularity="symbol": word granularity trims and snaps selections, which would move offsets.
    lines += ["</Labels>", f'<Text name="{TEXT}" value="$text" granularity="symbol" saveTextResult="yes"/>', "</View>",
              '<View className="cnc-panel" style="flex: 1 1 auto; min-width: 0; display: flex; flex-direction: column; '
              'border-left: 2px solid #ccc; padding-left: 12px;">',
              '<View visibleWhen="no-region-selected" style="order: 0;">', "  " + _h(_PANEL_NOTE, 6), "</View>"]  # fmt: skip
    lines += _panel_blocks(tax)
    for label in LABELS:
        links = links_from(tax, label)
        # One line naming every link, and what each means folded under it: an EVENT has 13 links, whose
        # meanings took a screen.
        targets: dict[str, list[str]] = {}
        for name, target in links:
            targets.setdefault(target, []).append(name)
        summary = "; ".join(
            f"{', '.join(names)} -> {target}" + ("" if (label, target) in LABELLED_ENDS else " (no label)")
            for target, names in targets.items()
        )
        body = ["<Collapse>", f"  <Panel value={quoteattr(f'Links from this {label}: {summary}')}>",
                *(f"    {_h(f'{name} -> {target}: {describe_link(tax, name)}', 6)}" for name, target in links),
                "  </Panel>", "</Collapse>"]  # fmt: skip
        if not links:
            owners = sorted({f"{ends[0]} ({name})" for name, ends in list_relations(tax).items() if ends[1] == label})
            body = [_h(f"{label}: no fields; it is linked from its " + " or ".join(owners), 6)]
        lines += _block((label,), 20, body)
    # choice="multiple": the editor keeps one relation per region pair, so two links become two labels.
    lines += ["</View>", "</View>", '<Relations choice="multiple">']
    lines += [f"  <Relation value={quoteattr(name)}/>" for name in labelled_relations(tax)]
    lines += ["</Relations>", "</View>"]
    return "\n".join(lines) + "\n"


# The keys the editor (1.23.2, Annotation.js + Hotkey.makeComb) hands out, in config order, to every
# Label, Choice and Number without a hotkey of its own; none are left after the 33rd.
HOTKEY_SEQUENCE = "1234567890qwetasdfgzxcvbyiopjklnm"


def list_hotkeys(config: str) -> list[tuple[str, str, str]]:
    """(key, control, value) for every control the editor gives a key, as it does."""
    keyed = []
    for element in ElementTree.fromstring(config).iter():
        if element.tag == "Label":
            keyed.append((SPAN, element.get("value", "")))
        elif element.tag == "Choices":
            keyed += [(element.get("name", ""), c.get("value", "")) for c in element.iter("Choice")]
        elif element.tag == "Number":
            keyed.append((element.get("name", ""), "+1"))
    return [(key, control, value) for key, (control, value) in zip(HOTKEY_SEQUENCE, keyed, strict=False)]


def _markdown(paragraph: str) -> str:
    """A paragraph of the guidelines as HTML: escaped, with its **bold** and `code` kept."""
    html = escape(paragraph)
    html = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html)


def build_instructions(tax: Taxonomy) -> str:
    """The project instructions (HTML) Label Studio shows to annotators entering the labelling stream.

    Annotators in Label Studio cannot open the guidelines' file, so the instructions carry its decision
    trees (§0) and name the version whose numbered rules (the codes in them) decide."""
    parts = ["<h2>Conflict News Corpus: how to annotate</h2>",
             "<p>Pick a region type (its key is on its button), select the words, then click the region to fill in "
             "its fields in the panel beside the text. Offsets are exact: do not include spaces at a region's "
             "edges.</p>",
             f"<h3>Decision trees</h3><p>From the annotation guidelines, version {escape(guidelines_version())}; "
             "their numbered rules (the codes such as <code>ENT-2</code>) decide, and your project "
             "lead has them.</p>",
             *(f"<p>{_markdown(p)}</p>" for p in decision_trees()), "<h3>Region types</h3><ul>"]  # fmt: skip
    parts += [f"<li><b>{escape(label)}</b>: {escape(hint)}</li>" for label, (_, hint) in LABELS.items()]
    parts += [
        "</ul><h3>Links</h3><p>Select the first region, press <b>Create relation</b> (Alt+R), click the "
        "second region. A link always goes from the owner to the part; a link to an entity always goes to the "
        "entity's <b>first</b> mention. Most links need nothing more: the two kinds of region say which link it "
        "is. Only a link from an EVENT to an ARGUMENT (the role) or to another EVENT (the relation) needs its "
        "label: open the row in the Relations tab and pick it.</p><h4>Labelled links</h4><ul>"
    ]
    relations = list_relations(tax)

    def item(name: str) -> str:
        a, b = relations[name]
        return f"<li><b>{escape(name)}</b>: {escape(a)} &rarr; {escape(b)}, {escape(describe_link(tax, name))}</li>"

    parts += [item(name) for name in labelled_relations(tax)]
    parts += ["</ul><h4>Links without a label</h4><ul>", *(item(name) for name in FIXED_RELATIONS)]
    parts += ["</ul><p>Speaker: CUE &rarr; MENTION. Argument roles: EVENT &rarr; ARGUMENT, the role is the label; "
              "then ARGUMENT &rarr; MENTION for the entity. Figure to event: FIGURE &rarr; EVENT. Claimant: "
              "FIGURE &rarr; MENTION.</p>",
              "<h3>Keys</h3><p>Keys of fields that are not shown still act on the selected region: press a field's "
              "key only while its field is in the panel.</p><ul>"]  # fmt: skip
    parts += [f"<li><b>{key}</b>: {escape(control)} = {escape(value)}</li>" for key, control, value in
              list_hotkeys(build_config(tax))]  # fmt: skip
    parts.append("</ul>")
    return "".join(parts)
