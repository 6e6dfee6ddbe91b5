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
    """A contiguous stretch of a document's stored text.

    Offsets count Unicode code points, 0-based, end-exclusive (Python str slicing); `text` repeats the
    covered characters, so that text[start:end] == span.text can be checked by every reader.
    """

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRecord:
    """Where an imported text was read: repository (owner/name), commit, path, the line its record starts on, the file's SHA-256."""

    repository: str
    commit: str
    path: str
    line: int
    file_sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where a document's text came from: publisher, URL, original file name and the SHA-256 of the original bytes.

    Imported articles (document schema 1.1) also credit their `authors`, give their wiki `page_id`, the
    source file `record` they were read from, and the `changes` made to the source's text.
    """

    publisher: str | None
    url: str | None
    original_filename: str | None
    original_sha256: str
    authors: str | None = None
    page_id: int | None = None
    record: SourceRecord | None = None
    changes: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Published:
    """When a document was published: an ISO date truncated to `precision`, and whether it was inferred (and from what)."""

    date: str | None
    precision: str
    inferred: bool
    evidence: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class License:
    """The licences of a document's text and of its annotations (SPDX ids, or a name)."""

    text: str
    annotations: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Distribution:
    """Whether a release ships the text (`full`) or only its annotations (`standoff`), and who decided."""

    policy: Literal["full", "standoff"]
    decided_by: Literal["licence", "maintainer"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Tags:
    """The conflicts and topics a document is about."""

    conflicts: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    """The metadata record of one document (corpus/<id>.json): source, dates, licence, distribution, split.

    Unknown facts are None, never guessed; `text_sha256` and `text_length` describe the stored text.
    """

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
    story: str | None = None  # document schema 1.1: the key shared by documents about the same event


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """An actor referred to in the document (a person, group, state, ...), with all its mentions."""

    id: str
    name: str
    type: str
    wikidata: str | None
    affiliation: str | None
    mentions: tuple[Span, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Argument:
    """A participant of an event: its role (from the taxonomy), its span, and the entity it mentions, if any."""

    role: str
    span: Span
    entity: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """Where an event takes place: the span that says so, and the place normalised to a name, country and precision."""

    span: Span | None
    name: str | None
    country: str | None
    wikidata: str | None
    precision: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Time:
    """When an event takes place: the span that says so, and calendar dates truncated to `precision`.

    `start` and `end` are ISO 8601 dates, or None when the expression cannot be anchored; `anchor`
    says what a relative expression counts from (the publication date, an utterance, or the event
    `anchor_event`).
    """

    span: Span | None
    start: str | None
    end: str | None
    precision: str
    anchor: str
    anchor_event: str | None = None  # optional on disk: the event an `event`-anchored time counts from


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRelation:
    """A typed link from one event to another event of the same document (`target` is its id)."""

    type: str
    target: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One textual mention of an event: something that happens, such as an attack, a protest or a ceasefire.

    It has a type from the taxonomy (with its ACLED/PLOVER mapping), a trigger span (the word that
    names it), the arguments that take part, where and when it happens, whether it is asserted as
    happening (modality, polarity), and typed relations to other events of the document.
    """

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
    """An attribution: who (`source` span, `speaker` entity) says (`cue`) what (`contents`), and which events it asserts."""

    id: str
    type: str
    cue: Span
    source: Span | None
    speaker: str | None
    contents: tuple[Span, ...]
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """A number stated in the text, with its normalised value and bounds.

    `value`, `lower` and `upper` read the number (`bound` says whether it is exact, approximate, at least, ...);
    `counted` and `property` say what is counted and what happened to it (launched, killed, ...); `claimant`, `quote`
    and `event` link it to who states it, the quote it is said in and the event it quantifies.
    """

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
    """Who annotated one item of an annotation file, and who adjudicated it."""

    id: str
    annotators: tuple[str, ...]
    adjudicator: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """How an annotation file was made: its kind (gold, prediction, pending), annotators, guideline version and per-item records."""

    kind: str
    annotators: tuple[str, ...]
    guidelines: str
    items: tuple[ItemProvenance, ...] = ()  # optional on disk: files may name annotators per file only
    gold_kind: str | None = None  # gold files: adjudicated, reviewed or legacy (schema annotation 1.1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Annotations:
    """The standoff annotation of one document (annotations/<doc_id>.json): entities, events, quotes and figures."""

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
    """One document of the corpus: its id, its text, its metadata and its annotations.

    The layers are reachable directly (`doc.events`); the links stored one way (figure -> event,
    quote -> events) are followed back by figures_of and quotes_reporting.
    """

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
    """Every document of a corpus, in id order: `corpus[doc_id]`, iteration and len()."""

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
