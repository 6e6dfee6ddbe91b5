"""Checked regions, attributes and links -> the four layers of our annotation file.

Items keep the order in which their main region first appears in the result list; parts of an item
(arguments, mentions, contents) keep the order their derived region ids give (labelstudio.config),
new regions drawn by annotators come after them in result order.
"""

from __future__ import annotations

import re
from typing import Any

from ..core.errors import Issue
from ..core.taxonomy import Taxonomy
from .config import SEP
from .regions import Link, ReadResult, Region

_OWNED = {"ARGUMENT", "LOCATION", "TIME", "SOURCE", "CONTENT", "APPROX", "COUNTED"}
# Links that fill a single-valued field: a second one would be lost, so it is an error.
_SINGLE = {"refers_to", "affiliation", "location", "time", "source", "speaker", "approx", "counted", "quantifies",
           "claimant", "in_quote"}  # fmt: skip


def _span(region: Region) -> dict[str, Any]:
    return {"start": region.start, "end": region.end, "text": region.text}


class LayerBuilder:
    def __init__(self, read: ReadResult, tax: Taxonomy, file: str, at: str) -> None:
        self.regions, self.attrs, self.file, self.at = read.regions, read.attributes, file, at
        self.tainted = read.tainted
        self.roles, self.event_relations = set(tax.roles), set(tax.event_relations)
        self.issues: list[Issue] = []
        self.out_links: dict[str, list[Link]] = {}
        owners: dict[str, list[Link]] = {}
        for link in read.links:
            self.out_links.setdefault(link.source, []).append(link)
            if self.regions[link.target].label in _OWNED:
                owners.setdefault(link.target, []).append(link)
        for region in self.regions.values():
            if region.label in _OWNED and len(owners.get(region.id, [])) != 1:
                count = len(owners.get(region.id, []))
                self.report(
                    "ls-region-unlinked",
                    region,
                    f"a {region.label} region needs exactly one owner link, it has {count}",
                )
        for rid, links in self.out_links.items():
            for label in _SINGLE & {link.label for link in links}:
                if sum(link.label == label for link in links) > 1:
                    self.report("ls-relation-role", self.regions[rid], f"a region has at most one {label!r} link")
        self.entity_of = {
            r.id: str(self.attrs.get(r.id, {}).get("entity"))
            for r in self.by_label("MENTION")
            if "entity" in self.attrs.get(r.id, {})
        }

    def report(self, code: str, region: Region, message: str) -> None:
        if code in ("ls-attribute-missing", "ls-region-unlinked") and region.id in self.tainted:
            return
        path = f"{self.at}.result[{region.order}]"
        self.issues.append(Issue(code=code, file=self.file, path=path, ann_id=region.id, message=message))

    def by_label(self, label: str) -> list[Region]:
        return sorted((r for r in self.regions.values() if r.label == label), key=lambda r: r.order)

    def targets(self, rid: str, labels: set[str]) -> list[Link]:
        return [link for link in self.out_links.get(rid, []) if link.label in labels]

    def parts(self, owner: str, labels: set[str], part: str) -> list[Region]:
        """Owned regions in derived-id order, then the others in result order."""
        pattern = re.compile(rf"{re.escape(owner + SEP + part)}(\d+)")

        def key(region: Region) -> tuple[int, int]:
            m = pattern.fullmatch(region.id)
            return (int(m.group(1)), region.order) if m else (1 << 30, region.order)

        return sorted((self.regions[link.target] for link in self.targets(owner, labels)), key=key)

    def required(self, region: Region, names: tuple[str, ...]) -> dict[str, Any] | None:
        attrs = self.attrs.get(region.id, {})
        missing = [n for n in names if n not in attrs]
        if missing:
            self.report("ls-attribute-missing", region, f"{region.label} region lacks {', '.join(missing)}")
            return None
        return attrs

    def entity(self, rid: str) -> str | None:
        return self.entity_of.get(rid)

    def one(self, rid: str, label: str) -> Region | None:
        found = self.targets(rid, {label})
        return self.regions[found[0].target] if found else None

    def build(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "entities": self.build_entities(),
            "events": [e for e in map(self.build_event, self.by_label("EVENT")) if e],
            "quotes": [q for q in map(self.build_quote, self.by_label("CUE")) if q],
            "figures": [f for f in map(self.build_figure, self.by_label("FIGURE")) if f],
        }

    def build_entities(self) -> list[dict[str, Any]]:
        mentions: dict[str, list[Region]] = {}
        for region in self.by_label("MENTION"):
            if region.id not in self.entity_of:
                self.report("ls-attribute-missing", region, "MENTION region lacks entity (the id of its entity)")
                continue
            mentions.setdefault(self.entity_of[region.id], []).append(region)
        entities = []
        for ent_id, regions in mentions.items():
            pattern = re.compile(rf"{re.escape(ent_id + SEP)}m(\d+)")
            regions.sort(
                key=lambda r: (int(m.group(1)), r.order) if (m := pattern.fullmatch(r.id)) else (1 << 30, r.order)
            )
            described = [r for r in regions if "entity_type" in self.attrs.get(r.id, {})]
            self.check_entity_agrees(regions)
            head = self.required(described[0] if described else regions[0], ("entity_name", "entity_type"))
            if head is None:
                continue
            affiliation = [self.entity(link.target) for r in regions for link in self.targets(r.id, {"affiliation"})]
            entities.append({
                "id": ent_id, "name": head["entity_name"], "type": head["entity_type"],
                "wikidata": head.get("entity_wikidata"), "affiliation": affiliation[0] if affiliation else None,
                "mentions": [_span(r) for r in regions],
            })  # fmt: skip
        return entities

    def check_entity_agrees(self, regions: list[Region]) -> None:
        """Entity attributes may sit on any mention, but two mentions must not disagree on one."""
        for name in ("entity_name", "entity_type", "entity_wikidata"):
            seen: dict[Any, Region] = {}
            for region in regions:
                if name in self.attrs.get(region.id, {}):
                    seen.setdefault(self.attrs[region.id][name], region)
            if len(seen) > 1:
                values = ", ".join(repr(v) for v in seen)
                self.report(
                    "ls-attribute-conflict",
                    list(seen.values())[1],
                    f"mentions of one entity disagree on {name}: {values}",
                )

    def build_place(self, event: Region, key: str) -> dict[str, Any] | None:
        label, names = (
            ("LOCATION", ("loc_precision",)) if key == "location" else ("TIME", ("time_precision", "time_anchor"))
        )
        region = self.one(event.id, key)
        holder = region or event
        if region is None and names[0] not in self.attrs.get(event.id, {}):
            return None
        attrs = self.required(holder, names)
        if attrs is None:
            return None
        span = _span(region) if region else None
        if label == "LOCATION":
            return {"span": span, "name": attrs.get("loc_name"), "country": attrs.get("loc_country"),
                    "wikidata": attrs.get("loc_wikidata"), "precision": attrs["loc_precision"]}  # fmt: skip
        time = {"span": span, "start": attrs.get("time_start"), "end": attrs.get("time_end"),
                "precision": attrs["time_precision"], "anchor": attrs["time_anchor"]}  # fmt: skip
        if "time_anchor_event" in attrs:  # optional on disk: a file without it comes back without it
            time["anchor_event"] = attrs["time_anchor_event"]
        return time

    def build_event(self, region: Region) -> dict[str, Any] | None:
        attrs = self.required(region, ("event_type", "modality", "polarity"))
        if attrs is None:
            return None
        arguments = []
        for arg in self.parts(region.id, self.roles, "arg"):
            role = next(link.label for link in self.targets(region.id, self.roles) if link.target == arg.id)
            refers = self.targets(arg.id, {"refers_to"})
            entity = self.entity(refers[0].target) if refers else None
            arguments.append({"role": role, "span": _span(arg), "entity": entity})
        relations = [
            {"type": link.label, "target": link.target} for link in self.targets(region.id, self.event_relations)
        ]
        return {
            "id": region.id, "type": attrs["event_type"], "trigger": _span(region), "arguments": arguments,
            "location": self.build_place(region, "location"), "time": self.build_place(region, "time"),
            "modality": attrs["modality"], "polarity": attrs["polarity"], "relations": relations,
        }  # fmt: skip

    def build_quote(self, region: Region) -> dict[str, Any] | None:
        attrs = self.required(region, ("quote_type",))
        if attrs is None:
            return None
        source = self.one(region.id, "source")
        speaker = self.targets(region.id, {"speaker"})
        return {
            "id": region.id, "type": attrs["quote_type"], "cue": _span(region),
            "source": _span(source) if source else None,
            "speaker": self.entity(speaker[0].target) if speaker else None,
            "contents": [_span(r) for r in self.parts(region.id, {"content"}, "c")],
            "events": [link.target for link in self.targets(region.id, {"reports"})],
        }  # fmt: skip

    def build_figure(self, region: Region) -> dict[str, Any] | None:
        attrs = self.required(region, ("fig_bound", "fig_property"))
        if attrs is None:
            return None
        approx, counted = self.one(region.id, "approx"), self.one(region.id, "counted")
        links = {label: self.targets(region.id, {label}) for label in ("claimant", "in_quote", "quantifies")}
        claimant = self.entity(links["claimant"][0].target) if links["claimant"] else None
        return {
            "id": region.id, "span": _span(region), "value": attrs.get("fig_value"), "lower": attrs.get("fig_lower"),
            "upper": attrs.get("fig_upper"), "bound": attrs["fig_bound"],
            "approx_cue": _span(approx) if approx else None, "counted": attrs.get("fig_counted"),
            "counted_span": _span(counted) if counted else None, "property": attrs["fig_property"],
            "claimant": claimant, "quote": links["in_quote"][0].target if links["in_quote"] else None,
            "event": links["quantifies"][0].target if links["quantifies"] else None,
        }  # fmt: skip
