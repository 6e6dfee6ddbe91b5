"""One Label Studio annotation's result list -> checked regions, attributes and directed links.

Start/end are trusted against the task's text (code points); `value.text` is only compared after
undoing the editor's escaping of line breaks (a literal backslash-n) and collapsing whitespace.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import Issue
from ..core.taxonomy import Taxonomy
from .config import FIXED_BY_ENDS, LABELLED_ENDS, LABELS, SPAN, Attribute, list_attributes, list_relations, region_id


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    id: str
    label: str
    start: int
    end: int
    text: str
    order: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    source: str
    target: str
    label: str
    order: int


@dataclass(slots=True, kw_only=True)
class ReadResult:
    regions: dict[str, Region] = field(default_factory=dict)
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # Region ids touched by a reported problem: what follows from it (a missing attribute, an
    # unlinked part) is not reported a second time.
    tainted: set[str] = field(default_factory=set)


def _loose(text: str) -> str:
    return " ".join(text.replace("\\n", "\n").split())


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _offset(value: Any) -> bool:
    return type(value) is int  # not a bool, not 12.0


def _number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


# What each `value` key holds in an export, by type; a key that is absent is left to the reader.
_VALUE_TYPES = {
    "start": _offset,
    "end": _offset,
    "text": lambda v: isinstance(v, str) or _strings(v),  # a span's text; a textarea's list of texts
    "labels": _strings,
    "choices": _strings,
    "taxonomy": lambda v: isinstance(v, list) and all(_strings(path) for path in v),
    "number": _number,
}


_NO_VALUE: dict[str, Any] = {}  # never written to


def _text_list(value: Any) -> bool:
    # Most lists hold one label: checked without starting a generator.
    if type(value) is not list:
        return False
    return (len(value) == 1 and type(value[0]) is str) or all(type(v) is str for v in value)


def _plainly_typed(res: Any) -> bool:
    """What ResultReader.typed checks, for the exact types a JSON parser makes: true for the usual item at a
    fraction of the cost; an item it does not pass (a wrong type, a str or dict subclass) gets the full check."""
    if type(res) is not dict:
        return False
    get = res.get
    value = get("value", _NO_VALUE)
    if not (
        type(value) is dict
        and type(get("type", "")) is str
        and type(get("from_name", "")) is str
        and type(get("direction", "")) is str
        and ("labels" not in res or _text_list(res["labels"]))
        and type(value.get("start", 0)) is int
        and type(value.get("end", 0)) is int
    ):
        return False
    text = value.get("text", "")
    if type(text) is not str and not _text_list(text):
        return False
    if "labels" in value and not _text_list(value["labels"]):
        return False
    if "choices" in value and not _text_list(value["choices"]):
        return False
    if "taxonomy" in value:
        return False  # only event types have paths: the full check is cheap enough for them
    return "number" not in value or _number(value["number"])


def _plain_number(value: Any) -> Any:
    # Label Studio may hand back 270.0 for 270; keep the integral form our files use.
    return int(value) if isinstance(value, float) and value.is_integer() else value


class ResultReader:
    def __init__(self, tax: Taxonomy, text: str, file: str, at: str) -> None:
        self.text, self.file, self.at = text, file, at
        self.attrs: dict[str, Attribute] = {a.name: a for a in list_attributes(tax)}
        self.relations = list_relations(tax)
        self.out = ReadResult()
        # Regions already reported as broken: their attributes and links are not reported again.
        self.broken: set[str] = set()

    def report(self, code: str, path: str, ann_id: str | None, message: str, *touched: str) -> None:
        self.out.tainted.update(touched)
        self.out.issues.append(Issue(code=code, file=self.file, path=path, ann_id=ann_id, message=message))

    def malformed(self, path: str, message: str) -> None:
        self.out.issues.append(Issue(code="ls-export-invalid", file=self.file, path=path, message=message))

    def typed(self, i: int, res: Any) -> bool:
        """Whether result item i has the types Label Studio gives (else reported): what follows may trust them.

        read() asks _plainly_typed first, so this full check runs for the rare item that test does not pass."""
        path = self.path(i)
        if not isinstance(res, dict):
            self.malformed(path, "expected a result object")
            return False
        wrong = [key for key in ("type", "from_name", "direction") if not isinstance(res.get(key, ""), str)]
        value = res.get("value", {})
        if not isinstance(value, dict):
            wrong.append("value")
            value = {}  # a number or null has no keys to look into
        if not _strings(res.get("labels", [])):
            wrong.append("labels")
        for key, check in _VALUE_TYPES.items():
            if key in value and not check(value[key]):
                wrong.append(f"value.{key}")
        if wrong:
            self.malformed(f"{path}.{wrong[0]}", f"{wrong[0]} is not of the type Label Studio writes")
            return False
        return True

    def read(self, results: list[Any]) -> ReadResult:
        relations: list[tuple[int, dict[str, Any]]] = []
        attributes: list[tuple[int, dict[str, Any]]] = []
        for i, res in enumerate(results):
            if not (_plainly_typed(res) or self.typed(i, res)):
                if isinstance(res, dict) and isinstance(res.get("id"), str):
                    self.broken.add(res["id"])  # its attributes and links are not reported again
                    self.out.tainted.add(res["id"])
                continue
            if res.get("type") == "relation":
                relations.append((i, res))
            elif res.get("from_name") == SPAN:
                self.read_region(i, res)
            else:
                attributes.append((i, res))
        for i, res in attributes:
            self.read_attribute(i, res)
        for i, res in relations:
            self.read_relation(i, res)
        return self.out

    def path(self, i: int) -> str:
        """The JSON path of result item i, built only for a report (the clean path never needs it)."""
        return f"{self.at}.result[{i}]"

    def read_region(self, i: int, res: dict[str, Any]) -> None:
        rid = region_id(res.get("id"))
        if not self.check_region(i, res, rid):
            self.broken.add(rid)
            self.out.tainted.add(rid)

    def check_region(self, i: int, res: dict[str, Any], rid: str) -> bool:
        value = res.get("value", {})
        start, end = value.get("start"), value.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            self.malformed(f"{self.path(i)}.value", "a span region needs integer start and end")
            return False
        labels = value.get("labels") or []
        if len(labels) != 1 or labels[0] not in LABELS:
            self.report(
                "ls-unknown-label",
                f"{self.path(i)}.value.labels",
                rid,
                f"labels {labels!r}: expected one of {sorted(LABELS)}",
            )
            return False
        if start >= end:
            self.report("ls-span-inverted", f"{self.path(i)}.value", rid, f"start {start!r} is not before end {end!r}")
            return False
        if start < 0 or end > len(self.text):
            self.report(
                "ls-span-out-of-range",
                f"{self.path(i)}.value.end",
                rid,
                f"[{start}, {end}) is outside the text (length {len(self.text)})",
            )
            return False
        covered = self.text[start:end]
        shown = value.get("text")
        if isinstance(shown, str) and shown != covered and _loose(shown) != _loose(covered):
            self.report(
                "ls-span-text-mismatch",
                f"{self.path(i)}.value.text",
                rid,
                f"{shown!r} differs from the text at [{start}, {end}): {covered!r}",
            )
        self.out.regions[rid] = Region(id=rid, label=labels[0], start=start, end=end, text=covered, order=i)
        return True

    def read_attribute(self, i: int, res: dict[str, Any]) -> None:
        rid, name = region_id(res.get("id")), res.get("from_name")
        attr = self.attrs.get(str(name))
        kind = res.get("type")
        if attr is not None and attr.kind == "taxonomy" and kind == "choices":
            # Projects made before the type picker held the event type as one choice: their exports still import.
            attr = dataclasses.replace(attr, kind="choices")
        if attr is None or kind != attr.kind:
            self.report(
                "ls-unknown-label",
                f"{self.path(i)}.from_name",
                rid,
                f"no {res.get('type')} control named {name!r} in the labeling config",
                rid,
            )
            return
        if rid in self.broken:
            return
        region = self.out.regions.get(rid)
        if region is None:
            self.report("ls-orphan-attribute", self.path(i), rid, f"{name} belongs to no span region with this id")
            return
        label = region.label
        if label not in attr.labels:
            # The editor keeps the keys of hidden fields bound, so a key can set a field on the wrong region.
            self.report(
                "ls-orphan-attribute",
                self.path(i),
                rid,
                f"{name} belongs to {' or '.join(attr.labels)} regions, not {label}",
            )
            return
        value = res.get("value", {})
        if attr.kind == "choices":
            chosen = value.get("choices") or []
            if len(chosen) != 1 or chosen[0] not in attr.choices:
                self.report(
                    "ls-unknown-label",
                    f"{self.path(i)}.value.choices",
                    rid,
                    f"{name} {chosen!r} is not one choice of the config",
                    rid,
                )
                return
            found: Any = chosen[0]
        elif attr.kind == "taxonomy":
            paths = value.get("taxonomy") or []
            found = ".".join(paths[0]) if len(paths) == 1 else None
            if found not in attr.choices:
                self.report(
                    "ls-unknown-label",
                    f"{self.path(i)}.value.taxonomy",
                    rid,
                    f"{name} {paths!r} is not one type of the config",
                    rid,
                )
                return
        elif attr.kind == "number":
            found = _plain_number(value.get("number"))
        else:
            texts = value.get("text") or []
            if isinstance(texts, str):  # a textarea holds a list of texts; a bare string is no such list
                self.malformed(f"{self.path(i)}.value.text", "a textarea's text is a list of strings")
                return
            found = texts[0] if texts else None
        if found is not None:
            self.out.attributes.setdefault(rid, {})[attr.name] = found

    def read_relation(self, i: int, res: dict[str, Any]) -> None:
        source, target = region_id(res.get("from_id")), region_id(res.get("to_id"))
        direction = res.get("direction", "right")
        if direction == "left":
            source, target = target, source
        if source in self.broken or target in self.broken:
            self.out.tainted.update((source, target))
            return
        regions = self.out.regions
        if source not in regions or target not in regions:
            missing = [rid for rid in (source, target) if rid not in regions]
            self.report(
                "ls-relation-dangling",
                self.path(i),
                source,
                f"relation names no region {', '.join(missing)}",
                source,
                target,
            )
            return
        if source == target:
            # Clicking words under two regions can link a region to itself; no link of ours does.
            self.report("ls-self-link", self.path(i), source, f"relation from {source} to itself", source)
            return
        if direction not in ("left", "right"):
            self.report(
                "ls-relation-role",
                self.path(i),
                source,
                f"relation {source} -> {target} needs a direction, not {direction!r}",
                source,
                target,
            )
            return
        ends = (regions[source].label, regions[target].label)
        labels = res.get("labels") or []
        if not labels:
            # Only roles and event relations carry a label: every other pair of kinds has one link.
            implied = FIXED_BY_ENDS.get(ends)
            if implied is None:
                self.unlabelled(i, source, target, ends)
                return
            labels = [implied]
        for label in labels:
            if label not in self.relations:
                self.report(
                    "ls-unknown-label",
                    f"{self.path(i)}.labels",
                    source,
                    f"relation label {label!r} is not in the labeling config",
                    source,
                    target,
                )
            elif self.relations[label] != ends:
                want = " -> ".join(self.relations[label])
                self.report(
                    "ls-relation-role",
                    f"{self.path(i)}.labels",
                    source,
                    f"{label!r} links {want}, not {ends[0]} -> {ends[1]}",
                    source,
                    target,
                )
            else:
                self.out.links.append(Link(source=source, target=target, label=label, order=i))

    def unlabelled(self, i: int, source: str, target: str, ends: tuple[str, str]) -> None:
        if ends in LABELLED_ENDS:
            kind = "an argument role" if ends[1] == "ARGUMENT" else "an event relation"
            code, message = (
                "ls-relation-unlabelled",
                f"relation {source} -> {target} ({ends[0]} -> {ends[1]}) needs {kind}",
            )
        else:
            code, message = "ls-relation-role", f"no link joins {ends[0]} -> {ends[1]} ({source} -> {target})"
        self.report(code, self.path(i), source, message, source, target)
