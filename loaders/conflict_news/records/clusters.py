"""Which event mentions make one record, and which other events feed a record their counts.

A record is a `same_as` cluster of mentions (the relation joins mentions of one real-world event) of
a type ACLED or UCDP code: every type the crosswalk maps to an ACLED event type, and every `violent`
type but `violent.war` (an attack whose means are unstated has no ACLED type of its own, and UCDP
codes it all the same). Deaths, injuries and captures of combatants are annotated as events of
their own whose numbers ACLED records as a field of the violent event; their clusters feed the
record of the event that `causes` them (or of which they are a `subevent_of`) and are never records
themselves: a toll with no event behind it (a war's dead, "civilian casualties") is no event that
ACLED or UCDP code. Only events asserted as happening (modality `actual` or `reported`) make records.

Acts of one kind on different people are separate events in the annotation (guidelines CNT-1:
"arrested a Front commander and also detained one suspect" are two arrests, not `same_as`), but one
event for ACLED, which codes an event per type, place and day. Records of one type whose first
mentions share a sentence therefore merge, unless both state a place or a date and these differ;
their counts add up.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from ..core.taxonomy import Taxonomy

ASSERTED = ("actual", "reported")
# Events whose numbers ACLED records on another event (the crosswalk's reasons say so).
FEEDING = ("casualty.death", "casualty.injury", "casualty.casualties", "coercion.capture")
# A sentence ends at . ! or ? (and any closing quote or bracket) before a space and a capital or an opening quote.
SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019')]*\s+(?=[\"\u201c\u2018(]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Cluster:
    """The mentions of one event, in text order; `key` is the first mention's id."""

    mentions: tuple[dict[str, Any], ...]

    @property
    def key(self) -> str:
        return str(self.mentions[0]["id"])

    @property
    def type(self) -> str:
        """The first mention's type; where `same_as` joins types of one category, the first asserted one."""
        asserted = [m for m in self.mentions if m["modality"] in ASSERTED]
        return str((asserted or self.mentions)[0]["type"])

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
    parent: dict[str, str]  # record key -> the key of the (first) record it is a subevent of
    # mention id -> the key of its own `same_as` cluster before merging (a fed mention: its taker's), so that
    # the counts of acts merged from one sentence add up instead of being read as estimates of one number
    origin: dict[str, str]


def _where_and_when(cluster: Cluster) -> tuple[str | None, str | None]:
    place = next((m["location"]["name"] for m in cluster.mentions if m["location"] and m["location"]["name"]), None)
    day = next((m["time"]["start"] for m in cluster.mentions if m["time"] and m["time"]["start"]), None)
    return place, day


def _compatible(a: Cluster, b: Cluster) -> bool:
    """Neither states a place or a date the other contradicts."""
    return all(x is None or y is None or x == y for x, y in zip(_where_and_when(a), _where_and_when(b), strict=True))


def merge_in_sentences(clusters: list[Cluster], text: str) -> list[Cluster]:
    """Clusters of one type whose first mentions share a sentence, merged when compatible (see the module)."""
    ends = [m.end() for m in SENTENCE_END.finditer(text)]

    def sentence(cluster: Cluster) -> int:  # how many sentence ends come at or before its first trigger
        return bisect_right(ends, cluster.mentions[0]["trigger"]["start"])

    merged: list[Cluster] = []
    for c in clusters:
        kind, place = c.type, sentence(c)
        partner = next(
            (i for i, m in enumerate(merged) if m.type == kind and sentence(m) == place and _compatible(m, c)), None
        )
        if partner is None:
            merged.append(c)
        else:
            both = sorted((*merged[partner].mentions, *c.mentions), key=lambda e: e["trigger"]["start"])
            merged[partner] = Cluster(tuple(both))
    return merged


def plan_records(events: list[dict[str, Any]], text: str, tax: Taxonomy) -> Plan:
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
    is_record = {c.key: c.asserted and qualifies(c.type, tax) for c in clusters}
    fed: dict[str, list[Cluster]] = {}
    for c in clusters:
        if c.type not in FEEDING:
            continue
        # The first record that causes it, or that it is a part of, takes its counts.
        linked = [src for src, dst in causes if dst is c] + [dst for src, dst in parts if src is c]
        takers = [o for o in linked if qualifies(o.type, tax) and o.asserted]
        if takers:
            fed.setdefault(takers[0].key, []).append(c)
    kept = merge_in_sentences([c for c in clusters if is_record[c.key]], text)
    # A merged record answers for the keys of the clusters it took in.
    home = {m["id"]: k.key for k in kept for m in k.mentions}
    parent: dict[str, str] = {}
    for src, dst in parts:
        if src.key in home and dst.key in home and home[src.key] != home[dst.key]:
            parent.setdefault(home[src.key], home[dst.key])
    origin = {m["id"]: c.key for c in clusters for m in c.mentions}
    for taker, feeding in fed.items():
        origin |= {m["id"]: taker for c in feeding for m in c.mentions}
    records = tuple((k, tuple(f for m in k.mentions for f in fed.get(m["id"], ()))) for k in kept)
    return Plan(records, parent, origin)
