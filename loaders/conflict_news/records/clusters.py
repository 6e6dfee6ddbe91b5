"""Which event mentions make one record, and which other events feed a record their counts.

A record is a `same_as` cluster of mentions (the relation joins mentions of one real-world event) of
a type ACLED or UCDP code: every type the crosswalk maps to an ACLED event type, and every `violent`
type but `violent.war` (an attack whose means are unstated has no ACLED type of its own, and UCDP
codes it all the same). Deaths, injuries and captures of combatants are annotated as events of
their own whose numbers ACLED records as a field of the violent event; their clusters feed the
record of the event that `causes` them (or of which they are a `subevent_of`), and stand as
records of their own when no event is linked to them at all. A war's tolls are not records.
Only events asserted as happening (modality `actual` or `reported`) make records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.taxonomy import Taxonomy

ASSERTED = ("actual", "reported")
# Events whose numbers ACLED records on another event (the crosswalk's reasons say so).
FEEDING = ("casualty.death", "casualty.injury", "casualty.casualties", "coercion.capture")


@dataclass(frozen=True, slots=True)
class Cluster:
    """The mentions of one event, in text order; `key` is the first mention's id."""

    mentions: tuple[dict[str, Any], ...]

    @property
    def key(self) -> str:
        return str(self.mentions[0]["id"])

    @property
    def type(self) -> str:
        return str(self.mentions[0]["type"])

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(m["id"] for m in self.mentions)

    @property
    def asserted(self) -> bool:
        return any(m["modality"] in ASSERTED for m in self.mentions)


def qualifies(etype: str, tax: Taxonomy) -> bool:
    """An event type ACLED or UCDP code as an event (see the module)."""
    spec = tax.event_types[etype]
    return spec.acled_event_type is not None or (spec.category == "violent" and etype != "violent.war")


def clusters_of(events: list[dict[str, Any]]) -> list[Cluster]:
    """The `same_as` clusters of a document's events, ordered by their first mention's trigger."""
    parent = {ev["id"]: ev["id"] for ev in events}

    def find(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for ev in events:
        for rel in ev["relations"]:
            if rel["type"] == "same_as" and rel["target"] in parent:
                parent[find(ev["id"])] = find(rel["target"])
    groups: dict[str, list[dict[str, Any]]] = {}
    for ev in sorted(events, key=lambda e: (e["trigger"]["start"], e["trigger"]["end"], e["id"])):
        groups.setdefault(find(ev["id"]), []).append(ev)
    return sorted((Cluster(tuple(members)) for members in groups.values()), key=_first_start)


def _first_start(cluster: Cluster) -> tuple[int, str]:
    return cluster.mentions[0]["trigger"]["start"], cluster.key


@dataclass(frozen=True, slots=True)
class Plan:
    """The records of a document: each record cluster with the feeding clusters that give it counts."""

    records: tuple[tuple[Cluster, tuple[Cluster, ...]], ...]
    parent: dict[str, str]  # record key -> the key of the record it is a subevent of


def plan_records(events: list[dict[str, Any]], tax: Taxonomy) -> Plan:
    """Which clusters are records, and which feeding clusters each one takes its counts from (see the module)."""
    clusters = clusters_of(events)
    owner = {ev_id: c for c in clusters for ev_id in c.ids}
    # (source cluster, target cluster) for every causes / subevent_of link between clusters.
    causes: list[tuple[Cluster, Cluster]] = []
    parts: list[tuple[Cluster, Cluster]] = []
    for c in clusters:
        for m in c.mentions:
            for rel in m["relations"]:
                target = owner.get(rel["target"])
                if target is None or target is c:
                    continue
                if rel["type"] == "causes":
                    causes.append((c, target))
                elif rel["type"] == "subevent_of":
                    parts.append((c, target))
    is_record = {c.key: c.asserted and (qualifies(c.type, tax) or c.type in FEEDING) for c in clusters}
    fed: dict[str, list[Cluster]] = {}
    for c in clusters:
        if c.type not in FEEDING:
            continue
        # The first record that causes it, or that it is a part of, takes its counts.
        linked = [src for src, dst in causes if dst is c] + [dst for src, dst in parts if src is c]
        takers = [o for o in linked if o.type not in FEEDING and qualifies(o.type, tax) and o.asserted]
        if takers:
            fed.setdefault(takers[0].key, []).append(c)
        if linked:  # fed to a record, or a toll of an event that is no record (a war): no record of its own
            is_record[c.key] = False
    parent = {src.key: dst.key for src, dst in parts if is_record[src.key] and is_record[dst.key]}
    records = tuple((c, tuple(fed.get(c.key, ()))) for c in clusters if is_record[c.key])
    return Plan(records, parent)
