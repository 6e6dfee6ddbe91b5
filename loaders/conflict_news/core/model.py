"""The in-memory form of a corpus: frozen dataclasses mirroring schema/*.json (the on-disk truth).

Links are stored once on disk (figure -> event, quote -> events, ...); the reverse lookups that
readers need are computed here, never stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

# The annotation layers, in the order an annotation file holds them.
LAYERS = ("entities", "events", "quotes", "figures")

Modality = str
Polarity = Literal["positive", "negative"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    publisher: str | None
    url: str | None
    original_filename: str | None
    original_sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Published:
    date: str | None
    precision: str
    inferred: bool
    evidence: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class License:
    text: str
    annotations: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Distribution:
    policy: Literal["full", "standoff"]
    decided_by: Literal["licence", "maintainer"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Tags:
    conflicts: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    schema_version: str
    id: str
    language: str
    title: str | None
    source: Source
    published: Published
    retrieved: str | None
    added: str
    license: License
    distribution: Distribution
    tags: Tags
    normalization: str
    text_sha256: str
    text_length: int
    split: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    id: str
    name: str
    type: str
    wikidata: str | None
    affiliation: str | None
    mentions: tuple[Span, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Argument:
    role: str
    span: Span
    entity: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    span: Span | None
    name: str | None
    country: str | None
    wikidata: str | None
    precision: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Time:
    span: Span | None
    start: str | None
    end: str | None
    precision: str
    anchor: str
    anchor_event: str | None = None  # optional on disk: the event an `event`-anchored time counts from


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRelation:
    type: str
    target: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    id: str
    type: str
    trigger: Span
    arguments: tuple[Argument, ...]
    location: Location | None
    time: Time | None
    modality: Modality
    polarity: Polarity
    relations: tuple[EventRelation, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    id: str
    type: str
    cue: Span
    source: Span | None
    speaker: str | None
    contents: tuple[Span, ...]
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    id: str
    span: Span
    value: float | None
    lower: float | None
    upper: float | None
    bound: str
    approx_cue: Span | None
    counted: str | None
    counted_span: Span | None
    property: str
    claimant: str | None
    quote: str | None
    event: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemProvenance:
    id: str
    annotators: tuple[str, ...]
    adjudicator: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    kind: str
    annotators: tuple[str, ...]
    guidelines: str
    items: tuple[ItemProvenance, ...] = ()  # optional on disk: files may name annotators per file only


@dataclass(frozen=True, slots=True, kw_only=True)
class Annotations:
    schema_version: str
    doc_id: str
    text_sha256: str
    provenance: Provenance
    entities: tuple[Entity, ...]
    events: tuple[Event, ...]
    quotes: tuple[Quote, ...]
    figures: tuple[Figure, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    id: str
    text: str
    metadata: Metadata
    annotations: Annotations

    @property
    def entities(self) -> tuple[Entity, ...]:
        return self.annotations.entities

    @property
    def events(self) -> tuple[Event, ...]:
        return self.annotations.events

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.annotations.quotes

    @property
    def figures(self) -> tuple[Figure, ...]:
        return self.annotations.figures

    def figures_of(self, event_id: str) -> tuple[Figure, ...]:
        """Figures that quantify the event (the reverse of Figure.event)."""
        return tuple(f for f in self.figures if f.event == event_id)

    def quotes_reporting(self, event_id: str) -> tuple[Quote, ...]:
        """Quotes that assert the event (the reverse of Quote.events)."""
        return tuple(q for q in self.quotes if event_id in q.events)


@dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    version: str
    documents: tuple[Document, ...]

    def __getitem__(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)
