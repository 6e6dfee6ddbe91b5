"""The validator's fast path for an annotation file: vouch that it is sound, or step aside.

`validate` on a large corpus spends most of its time on annotation files that turn out to be fine.
For those, this module decides "no issue" in one pass: msgspec decodes the file into structs built
from schema/annotation.schema.json (so the decoder does the JSON Schema check), and every check of
core/checks.py that a sound file passes is asked of the whole file at once, as set inclusions and
C-level maps, instead of item by item. It never writes an issue of its own: whenever the decoder
refuses the file or any check fails, `annotation_issues` returns None and the caller runs the
reference path (schemas.iter_schema_errors, checks.AnnotationChecker) on the same bytes, so that
every issue keeps its code, message and place. Being wrong here can only mean being slow, provided
that every "sound" answer is one the reference path gives too; tests/test_fastcheck.py holds it to
that on every case file, the shipped corpus and the dev set.

The structs are derived from the schema when first needed, never written by hand; a keyword the
derivation does not know makes the fast path unavailable (every file goes the reference way), and a
test fails. Three things the structs cannot say are checked below by name, and the derivation
checks that the schema still puts them where this module expects: the id pattern (checked once per
defined id; every reference must resolve to a defined id anyway), `uniqueItems`, and the `if`/`then`
of a time anchored to an event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import attrgetter, sub
from typing import Annotated, Any, Literal, Union

import msgspec
import orjson

from .checks import AnnotationChecker, factuality_conflict, split_offsets
from .errors import Issue
from .schemas import SCHEMA_FILES, load_schema
from .taxonomy import Taxonomy

_ID_REF = "#/$defs/id"
# Where the annotation schema uses an id: defined (the four layers' and provenance items' `id`) or a
# reference that the checks resolve against one layer. _sound relies on this list being complete.
ID_FIELDS = frozenset({
    "entity.id", "entity.affiliation", "event.id", "argument.entity", "time.anchor_event", "event_relation.target",
    "quote.id", "quote.speaker", "quote.events[]", "figure.id", "figure.claimant", "figure.quote", "figure.event",
    "item_provenance.id",
})  # fmt: skip
UNIQUE_FIELDS = frozenset({"quote.events"})
# time: an anchor_event given (a string) requires anchor "event".
_TIME_RULE = {
    "if": {"properties": {"anchor_event": {"type": "string"}}, "required": ["anchor_event"]},
    "then": {"properties": {"anchor": {"const": "event"}}},
}
_IGNORED = {"description", "title", "$schema", "$id", "$defs"}


class Unsupported(Exception):
    """The schema uses something the derivation does not translate."""


class _Derivation:
    """msgspec types for a JSON Schema node, named after the $defs they come from."""

    def __init__(self) -> None:
        self.by_id = {load_schema(name)["$id"]: load_schema(name) for name in SCHEMA_FILES}
        self.ids: set[str] = set()
        self.unique: set[str] = set()
        self.structs: dict[str, Any] = {}

    def resolve(self, ref: str, base: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str]:
        """(node, the schema it is in, its name) for a $ref."""
        uri, _, pointer = ref.partition("#")
        schema = self.by_id[uri] if uri else base
        if not pointer:
            return schema, schema, schema["title"].lower()
        parts = pointer.removeprefix("/").split("/")
        if len(parts) != 2 or parts[0] != "$defs":
            raise Unsupported(ref)
        return schema["$defs"][parts[1]], schema, parts[1]

    def type_of(self, node: dict[str, Any], base: dict[str, Any], where: str) -> Any:
        if "$ref" in node:
            if set(node) - {"$ref", "description"}:
                raise Unsupported(f"{where}: keywords beside $ref")
            if node["$ref"] == _ID_REF and base is self.by_id[load_schema("annotation")["$id"]]:
                self.ids.add(where)  # its pattern is checked by _sound, once per defined id
                return str
            target, schema, name = self.resolve(node["$ref"], base)
            return self.type_of(target, schema, name if target.get("type") == "object" else where)
        if "oneOf" in node:
            options = node["oneOf"]
            if set(node) - {"oneOf", "description"} or len(options) != 2 or options[1] != {"type": "null"}:
                raise Unsupported(f"{where}: oneOf")
            return Union[self.type_of(options[0], base, where), None]  # noqa: UP007 (a runtime value)
        if "const" in node:
            return Literal[node["const"]]
        if "enum" in node:
            return Literal[tuple(node["enum"])]
        kinds = node.get("type")
        if isinstance(kinds, list):
            if len(kinds) != 2 or kinds[1] != "null":
                raise Unsupported(f"{where}: type {kinds}")
            return Union[self.type_of({**node, "type": kinds[0]}, base, where), None]  # noqa: UP007
        return self.plain(kinds, node, base, where)

    def plain(self, kind: object, node: dict[str, Any], base: dict[str, Any], where: str) -> Any:
        known = {
            "object": {"type", "properties", "required", "additionalProperties", "if", "then"},
            "array": {"type", "items", "minItems", "uniqueItems"},
            "string": {"type", "minLength", "pattern"},
            "integer": {"type", "minimum"},
            "number": {"type"},
            "boolean": {"type"},
        }
        if kind not in known or set(node) - known[str(kind)] - _IGNORED:
            raise Unsupported(f"{where}: {kind} with {sorted(set(node) - _IGNORED)}")
        if kind == "object":
            return self.struct(node, base, where)
        if kind == "array":
            if node.get("uniqueItems"):
                self.unique.add(where)
            items = self.type_of(node["items"], base, f"{where}[]")
            return Annotated[list[items], msgspec.Meta(min_length=node.get("minItems", 0))]  # type: ignore[valid-type]
        if kind == "string":
            pattern = node.get("pattern")
            meta = msgspec.Meta(
                min_length=node.get("minLength", 0), pattern=_python_pattern(pattern) if pattern else None
            )
            return Annotated[str, meta]
        if kind == "integer":
            return Annotated[int, msgspec.Meta(ge=node.get("minimum"))]
        return float if kind == "number" else bool

    def struct(self, node: dict[str, Any], base: dict[str, Any], name: str) -> Any:
        if name in self.structs:
            return self.structs[name]
        if node.get("additionalProperties") is not False:
            raise Unsupported(f"{name}: an object must forbid additional properties")
        if ("if" in node or "then" in node) and (name != "time" or {k: node.get(k) for k in _TIME_RULE} != _TIME_RULE):
            raise Unsupported(f"{name}: if/then")
        required = set(node.get("required", ()))
        fields = []
        for prop, schema in node["properties"].items():
            kind = self.type_of(schema, base, f"{name}.{prop}")
            # An optional property left out decodes as UNSET, so that `.get(key)` and "absent" stay apart.
            fields.append((prop, kind) if prop in required else (prop, Union[kind, msgspec.UnsetType], msgspec.UNSET))  # noqa: UP007
        made = msgspec.defstruct(
            name.title().replace(".", "_"), fields, kw_only=True, forbid_unknown_fields=True, gc=False
        )
        self.structs[name] = made
        return made


def _python_pattern(pattern: str) -> str:
    """A schema pattern as Python's re must be given it: `$` there is the end of the string, where Python's
    `$` also matches before a final newline (which would let "Q1\\n" through)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + r"\Z"
    return pattern


@cache
def decoder() -> msgspec.json.Decoder[Any] | None:
    """The annotation file's decoder, or None when the schema has outgrown the derivation (see the module)."""
    try:
        return build_decoder()
    except Unsupported:
        return None


def build_decoder() -> msgspec.json.Decoder[Any]:
    """Derive the decoder; Unsupported when the schema uses what the derivation or _sound do not handle."""
    derivation = _Derivation()
    annotation = load_schema("annotation")
    root = derivation.struct(annotation, annotation, "annotation")
    if derivation.ids != ID_FIELDS or derivation.unique != UNIQUE_FIELDS:
        raise Unsupported(f"ids at {sorted(derivation.ids ^ ID_FIELDS)}, unique items at {sorted(derivation.unique)}")
    return msgspec.json.Decoder(root)


@cache
def _id_match() -> Any:
    return re.compile(_python_pattern(load_schema("annotation")["$defs"]["id"]["pattern"])).search


_MATCHED_IDS: set[str] = set()  # ids that matched the pattern: "ev1", "q3" recur in every file
_MATCHED_IDS_MAX = 100_000


def _ids_match(ids: set[str]) -> bool:
    """Every id matches the schema's id pattern, each id looked at once per process."""
    new = ids - _MATCHED_IDS
    if not all(map(_id_match(), new)):
        return False
    if len(_MATCHED_IDS) < _MATCHED_IDS_MAX:
        _MATCHED_IDS.update(new)
    return True


@dataclass(frozen=True, slots=True)
class Labels:
    """A taxonomy's label sets as frozensets, made once per batch, for set inclusion."""

    tax: Taxonomy
    entity_types: frozenset[str]
    event_types: frozenset[str]
    roles_of: dict[str, frozenset[str]]  # event type -> the roles the reference accepts for it
    modalities: frozenset[str]
    event_relations: frozenset[str]
    quote_types: frozenset[str]
    figure_bounds: frozenset[str]
    figure_properties: frozenset[str]
    location_precision: frozenset[str]
    time_precision: frozenset[str]
    time_anchors: frozenset[str]

    @classmethod
    def of(cls, tax: Taxonomy) -> Labels:
        roles = set(tax.roles)
        return cls(
            tax, frozenset(tax.entity_types), frozenset(tax.event_types),
            {name: frozenset(etype.roles).intersection(roles) for name, etype in tax.event_types.items()},
            *(frozenset(getattr(tax, key)) for key in (
                "modalities", "event_relations", "quote_types", "figure_bounds", "figure_properties",
                "location_precision", "time_precision", "time_anchors",
            )),
        )  # fmt: skip


def annotation_issues(
    blob: bytes, doc_id: str, text: str, text_hash: str, labels: Labels, file: str
) -> list[Issue] | None:
    """The issues of annotation file `blob` (named `file`) against its document, when the fast path can tell:
    none, or on gold the guidelines' findings (core/rules.py, run on the parsed file as the reference path
    runs them); None when the reference path must decide."""
    dec = decoder()
    if dec is None:
        return None
    try:
        ann = dec.decode(blob)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    if ann.doc_id != doc_id or ann.text_sha256 != text_hash or not _sound(ann, text, labels):
        return None
    if ann.provenance.kind != "gold":
        return []
    try:  # the rules read the parsed file, as on the reference path; orjson never refused what msgspec took
        parsed = orjson.loads(blob)
    except orjson.JSONDecodeError:
        return None
    checker = AnnotationChecker(parsed, text, labels.tax, file)
    checker.check_guidelines()  # what run() does after the checks _sound stood in for found nothing
    return checker.issues


# Fields read off every item: map() with an attrgetter walks a list in C, where a comprehension runs bytecode
# per item; most of the time this module takes is this walking.
_ID, _TYPE, _ROLE, _SPAN, _ENTITY = map(attrgetter, ("id", "type", "role", "span", "entity"))
_START, _END, _TEXT, _TRIGGER, _CUE, _SOURCE = map(attrgetter, ("start", "end", "text", "trigger", "cue", "source"))
_MENTIONS, _ARGUMENTS, _RELATIONS, _CONTENTS = map(attrgetter, ("mentions", "arguments", "relations", "contents"))
_LOCATION, _TIME, _PRECISION, _ANCHOR, _ANCHOR_EVENT = map(
    attrgetter, ("location", "time", "precision", "anchor", "anchor_event")
)
_AFFILIATION, _SPEAKER, _EVENTS, _CLAIMANT, _QUOTE, _EVENT = map(
    attrgetter, ("affiliation", "speaker", "events", "claimant", "quote", "event")
)
_MODALITY, _POLARITY, _BOUND, _PROPERTY = map(attrgetter, ("modality", "polarity", "bound", "property"))
_FIGURE_SPANS = attrgetter("span", "approx_cue", "counted_span")
_flat = chain.from_iterable


def _sound(ann: Any, text: str, lab: Labels) -> bool:
    """Whether AnnotationChecker's level-one checks (all but the guidelines) find nothing, asked of whole sets."""
    ents, evs, quotes, figs = ann.entities, ann.events, ann.quotes, ann.figures
    ent_ids, ev_ids, q_ids = list(map(_ID, ents)), list(map(_ID, evs)), list(map(_ID, quotes))
    every = ent_ids + ev_ids + q_ids + list(map(_ID, figs))
    defined = set(every)
    # duplicate-id; the schema's id pattern, on defined ids (every reference below must be one of them)
    if len(defined) != len(every) or not _ids_match(defined):
        return False
    args = list(_flat(map(_ARGUMENTS, evs)))
    locations = list(filter(None, map(_LOCATION, evs)))  # a struct is true, None false
    times = list(filter(None, map(_TIME, evs)))
    entity_refs = {*map(_AFFILIATION, ents), *map(_ENTITY, args), *map(_SPEAKER, quotes), *map(_CLAIMANT, figs)}
    anchored = [t for t in times if isinstance(t.anchor_event, str)]
    event_refs = {*map(_EVENT, figs), *_flat(map(_EVENTS, quotes)), *map(_ANCHOR_EVENT, anchored)}
    entity_refs.discard(None)
    event_refs.discard(None)
    if not (
        entity_refs <= set(ent_ids)
        and event_refs <= set(ev_ids)
        and {*map(_QUOTE, figs)} - {None} <= set(q_ids)
        and lab.entity_types.issuperset(map(_TYPE, ents))
        and lab.event_types.issuperset(map(_TYPE, evs))
        and all(
            lab.roles_of.get(etype, frozenset()).issuperset(map(_ROLE, arguments))
            for etype, arguments in zip(map(_TYPE, evs), map(_ARGUMENTS, evs), strict=True)
        )
        and lab.location_precision.issuperset(map(_PRECISION, locations))
        and lab.time_precision.issuperset(map(_PRECISION, times))
        and lab.time_anchors.issuperset(map(_ANCHOR, times))
        and all(t.anchor == "event" for t in anchored)  # the schema's if/then
        and lab.modalities.issuperset(map(_MODALITY, evs))
        and not any(
            factuality_conflict(m, p) for m, p in set(zip(map(_MODALITY, evs), map(_POLARITY, evs), strict=True))
        )
        and lab.quote_types.issuperset(map(_TYPE, quotes))
        and all(len(set(q.events)) == len(q.events) for q in quotes)  # the schema's uniqueItems
        and lab.figure_bounds.issuperset(map(_BOUND, figs))
        and lab.figure_properties.issuperset(map(_PROPERTY, figs))
    ):
        return False
    if any(map(_RELATIONS, evs)):  # most files have none
        relations = [(ev.id, r) for ev in evs for r in ev.relations]
        if not (
            {r.type for _, r in relations} <= lab.event_relations
            and {r.target for _, r in relations} <= set(ev_ids)
            and all(r.target != owner for owner, r in relations)
        ):
            return False
    triggers = list(map(_TRIGGER, evs))
    fig_spans = list(map(_SPAN, figs))
    cues = list(map(_CUE, quotes))
    # duplicate-annotation: the keys of checks.AnnotationChecker.check_duplicates
    for keys in (
        list(zip(map(_TYPE, evs), map(_START, triggers), map(_END, triggers), strict=True)),
        list(zip(map(_START, fig_spans), map(_END, fig_spans), strict=True)),
        [(q.cue.start, tuple((c.start, c.end) for c in q.contents)) for q in quotes],
    ):
        if len(set(keys)) != len(keys):
            return False
    items = ann.provenance.items or []
    item_ids = list(map(_ID, items))
    if len(set(item_ids)) != len(item_ids) or not defined.issuperset(item_ids):
        return False
    spans = [*_flat(map(_MENTIONS, ents)), *triggers, *map(_SPAN, args), *cues, *_flat(map(_CONTENTS, quotes))]
    spans += filter(None, map(_SPAN, (*locations, *times)))
    spans += filter(None, map(_SOURCE, quotes))
    spans += filter(None, _flat(map(_FIGURE_SPANS, figs)))
    return _spans_sound(spans, text) and _figures_sound(ann, text, lab)


def _spans_sound(spans: list[Any], text: str) -> bool:
    """checks.AnnotationChecker.check_spans's common case for every span at once: in order, inside the text,
    the stated text, no character cut, no edge whitespace (the decoder made the offsets integers)."""
    starts, ends, stated = list(map(_START, spans)), list(map(_END, spans)), list(map(_TEXT, spans))
    lengths = list(map(len, stated))
    # text.startswith(s, start) and end - start == len(s), with len(s) > 0 and start >= 0 (the decoder's), say
    # start < end <= len(text) and text[start:end] == s, without making a slice and a substring per span.
    if not (all(lengths) and lengths == list(map(sub, ends, starts)) and all(map(text.startswith, stated, starts))):
        return False
    if list(map(str.strip, stated)) != stated:  # strip returns the very string when there is nothing to strip
        return False
    cuts = split_offsets(text)
    return not cuts or (cuts.isdisjoint(starts) and cuts.isdisjoint(ends))


def _figures_sound(ann: Any, text: str, lab: Labels) -> bool:
    """A figure's value and bounds, by the reference's own methods (they read numbers in words and digits)."""
    if not ann.figures:
        return True
    checker = AnnotationChecker(
        {"provenance": {"kind": ann.provenance.kind}, "entities": [], "events": [], "quotes": [], "figures": []},
        text, lab.tax, "",
    )  # fmt: skip
    for fig in ann.figures:
        record = {"id": fig.id, "span": msgspec.structs.asdict(fig.span), "value": fig.value, "lower": fig.lower,
                  "upper": fig.upper, "bound": fig.bound}  # fmt: skip
        checker.check_figure_value(record, "$")  # a path an Issue accepts; the issue is dropped
        checker.check_figure_bounds(record, "$")
        if checker.issues:
            return False
    return True
