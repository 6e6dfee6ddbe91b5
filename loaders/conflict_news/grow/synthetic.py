"""A synthetic stress corpus: fictional conflict news, annotated as densely as the gold, for scale tests.

Every document is marked synthetic: ids `syn-NNNNNN`, the tag `synthetic`, provenance kind
`prediction` by this generator and a `synthetic://` source. Actors and places are invented. The text
stresses Unicode on purpose: emoji, ZWJ sequences and flags, CRLF paragraphs in half of the
documents, Latin letters with combining marks that NFC cannot compose, Cyrillic, Greek, CJK, Arabic
and Hebrew (right-to-left) names. Document i depends only on (seed, i), so generation streams in
constant memory and any slice of a corpus can be regenerated alone.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.distribution import decide_distribution
from ..core.errors import UsageError
from ..core.guidelines import guidelines_version
from ..core.model import Corpus
from ..core.paths import locate_root
from ..core.splits import assign_split
from ..core.store import annotation_path, dump_json, metadata_path, text_path, write_atomic
from ..core.textnorm import RULE, hash_text, normalize_text

PREFIX = "syn"
TAG = "synthetic"

# Invented names. "\u0307" and "\u0301" on Q, x and j have no precomposed form, so they survive NFC.
_STATES = [
    "Valdoria", "Ostrelia", "Q\u0307arvesh", "Marendia", "Кразнавія", "Eldmark", "زهرستان", "Νεφέλια",
    "Tarvonia", "Sulmeria",
]  # fmt: skip
_PERSONS = [
    "Ilse Varga-Tønnesen", "Kael Dravik", "Зоряна Квітлик", "سليم ورداني", "陈岚峰", "Αρίστα Βελούδη",
    "Amaru x\u0301Tolek", "רות אלמגור", "Nnej\u0301i Oduya", "Björk Halvdan", "Mirela Ștefănuț",
    "Tomasz Wręczyk",
]  # fmt: skip
_PLACES = [
    "Port Q\u0307ellin", "Ardenvale", "Brask", "Xérith", "Vel-Ordu", "Кривослав", "وادي النسر",
    "גבעת ערבה", "Lunmarsk", "Ostvik", "Harrowdene", "Saint-Élodie",
]  # fmt: skip
_ORGS = ["the Concord of Free Ports", "the Meridian Relief Agency", "the Halvard Institute"]
_TIMES = [
    ("on 12 March", "2031-03-12", "absolute"), ("on Tuesday", None, "publication"),
    ("overnight", None, "publication"), ("on 3 June", "2031-06-03", "absolute"),
]  # fmt: skip
_FIGURES: list[tuple[str, float | None, float | None, float | None, str, bool]] = [
    # surface, value, lower, upper, bound, whether the surface itself is the approximation cue
    ("1,240", 1240, 1240, 1240, "exact", False),
    ("twelve", 12, 12, 12, "exact", False),
    ("at least 40", 40, 40, None, "at_least", False),
    ("more than 30", 30, 30, None, "more_than", False),
    ("about 75", 75, None, None, "approximate", False),
    ("between 10 and 20", None, 10, 20, "range", False),
    ("dozens", None, 24, None, "at_least", True),
    ("hundreds", None, 200, None, "at_least", True),
]
_CUES = {"at least 40": "at least", "more than 30": "more than", "about 75": "about"}
_FILLERS = [
    "Residents shared photos of the damage 📸 and the harbour under a white flag 🏳️ at dawn.",
    "Aid workers 👩‍⚕️ and families 👨‍👩‍👧 queued for water while sirens sounded 🚨.",
    "Observers of the 🇺🇳 mission said the roads north remained closed.",
    "Traffic on the coast road resumed, slowly, by the afternoon 🚚🚚.",
    "Local radio played the anthem twice, then fell silent.",
]
_RTL_LINES = ["لن نتراجع عن أرضنا", "לא נוותר על הבית שלנו"]


@dataclass(frozen=True, slots=True)
class Density:
    """Annotations per 100 words (whitespace-separated tokens)."""

    mentions: float
    events: float
    quotes: float
    figures: float


def measure_density(corpus: Corpus) -> Density:
    """Items per 100 words in the gold of `corpus`; in all its documents when none has gold (a synthetic root).

    Predictions are left out where there is gold: the rules' output is denser than what annotators mark.
    """
    gold = [doc for doc in corpus if doc.annotations.provenance.kind == "gold"]
    docs = gold or list(corpus)
    words = sum(len(doc.text.split()) for doc in docs) or 1
    ann = [doc.annotations for doc in docs]
    return Density(
        mentions=100 * sum(len(e.mentions) for a in ann for e in a.entities) / words,
        events=100 * sum(len(a.events) for a in ann) / words,
        quotes=100 * sum(len(a.quotes) for a in ann) / words,
        figures=100 * sum(len(a.figures) for a in ann) / words,
    )


def _span(start: int, text: str) -> dict[str, Any]:
    return {"start": start, "end": start + len(text), "text": text}


class _Draft:
    """One document being written: the text so far and the annotations that point into it."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.parts: list[str] = []
        self.length = 0
        self.words = 0
        self.entities: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.quotes: list[dict[str, Any]] = []
        self.figures: list[dict[str, Any]] = []
        states = rng.sample(_STATES, 2)
        self.states = [self.entity(f"st{i}", name, "state", None) for i, name in enumerate(states)]
        self.forces = [
            self.entity(f"af{i}", f"{name} Defence Forces", "armed_force", f"st{i}") for i, name in enumerate(states)
        ]
        self.persons = [
            self.entity(f"p{i}", name, "person", f"st{i % 2}") for i, name in enumerate(rng.sample(_PERSONS, 4))
        ]
        self.orgs = [self.entity("org0", rng.choice(_ORGS), "organization", None)]
        self.country = {"st0": "XA", "st1": "XB"}  # user-assigned ISO codes: no real country

    def entity(self, ent_id: str, name: str, etype: str, affiliation: str | None) -> str:
        self.entities[ent_id] = {
            "id": ent_id, "name": name, "type": etype, "wikidata": None, "affiliation": affiliation, "mentions": [],
        }  # fmt: skip
        return ent_id

    def put(self, piece: str) -> dict[str, Any]:
        """Append `piece` to the text; the span it occupies."""
        span = _span(self.length, piece)
        self.parts.append(piece)
        self.length += len(piece)
        return span

    def mention(self, ent_id: str, surface: str | None = None) -> dict[str, Any]:
        span = self.put(surface or self.entities[ent_id]["name"])
        self.entities[ent_id]["mentions"].append(span)
        return span

    def event(self, etype: str, trigger: dict[str, Any], args: Sequence[tuple[str, dict[str, Any], str | None]],
              modality: str = "actual", location: dict[str, Any] | None = None,
              time: dict[str, Any] | None = None) -> str:  # fmt: skip
        ev_id = f"ev{len(self.events) + 1}"
        self.events.append({
            "id": ev_id, "type": etype, "trigger": trigger,
            "arguments": [{"role": role, "span": span, "entity": ent} for role, span, ent in args],
            "location": location, "time": time, "modality": modality,
            "polarity": "negative" if modality == "negated" else "positive", "relations": [],
        })  # fmt: skip
        return ev_id

    def place(self, owner: str) -> dict[str, Any]:
        name = self.rng.choice(_PLACES)
        span = self.put(name)
        return {"span": span, "name": name, "country": self.country[owner], "wikidata": None, "precision": "point"}

    def when(self) -> dict[str, Any]:
        surface, date, anchor = self.rng.choice(_TIMES)
        return {"span": self.put(surface), "start": date, "end": date, "precision": "day", "anchor": anchor}

    def figure(self, counted: str, prop: str) -> dict[str, Any]:
        """Append the number, a space and the counted noun; the new figure (its event is set by the caller)."""
        surface, value, lower, upper, bound, vague = self.rng.choice(_FIGURES)
        span = self.put(surface)
        cue = span if vague else _span(span["start"], _CUES[surface]) if surface in _CUES else None
        self.put(" ")
        self.figures.append({
            "id": f"fig{len(self.figures) + 1}", "span": span, "value": value, "lower": lower, "upper": upper,
            "bound": bound, "approx_cue": cue, "counted": counted, "counted_span": self.put(counted),
            "property": prop, "claimant": None, "quote": None, "event": None,
        })  # fmt: skip
        return self.figures[-1]

    def sides(self) -> tuple[int, int]:
        a = self.rng.randrange(2)
        return a, 1 - a


# Sentence writers: each appends one sentence (without the space before it) and its annotations.


def _drone_strike(d: _Draft) -> None:
    a, b = d.sides()
    attacker = d.mention(d.forces[a])
    d.put(" ")
    trigger = d.put("launched")
    d.put(" ")
    fig = d.figure("drones", "launched")
    instrument = fig["counted_span"]
    d.put(" at ")
    loc = d.place(f"st{b}")
    d.put(" ")
    time = d.when()
    d.put(".")
    args = [("attacker", attacker, d.forces[a]), ("instrument", instrument, None)]
    fig["event"] = d.event("violent.air_drone_strike", trigger, args, location=loc, time=time)


def _shelling(d: _Draft) -> None:
    a, b = d.sides()
    attacker = d.mention(d.forces[a])
    d.put(" ")
    trigger = d.put("shelled")
    d.put(" ")
    target = d.mention(d.forces[b])
    d.put(" positions near ")
    loc = d.place(f"st{b}")
    d.put(".")
    args = [("attacker", attacker, d.forces[a]), ("target", target, d.forces[b])]
    d.event("violent.shelling_missile_attack", trigger, args, location=loc)


def _clash(d: _Draft) -> None:
    fig = d.figure("soldiers", "killed")
    d.put(" were killed in ")
    trigger = d.put("clashes")
    d.put(" between ")
    first = d.mention(d.forces[0])
    d.put(" and ")
    second = d.mention(d.forces[1])
    d.put(".")
    args = [("participant", first, d.forces[0]), ("participant", second, d.forces[1])]
    fig["event"] = d.event("violent.armed_clash", trigger, args)


def _no_attack(d: _Draft) -> None:
    a, b = d.sides()
    attacker = d.mention(d.states[a])
    d.put(" said it did not ")
    trigger = d.put("attack")
    d.put(" ")
    target = d.place(f"st{b}")
    d.put(".")
    args = [("attacker", attacker, d.states[a]), ("target", target["span"], None)]
    d.event("violent.attack", trigger, args, modality="negated", location=target)


def _proposal(d: _Draft) -> None:
    a, b = d.sides()
    agent = d.mention(d.states[a])
    d.put(" ")
    trigger = d.put("proposed")
    d.put(" a ")
    truce = d.put("ceasefire")
    theme = _span(truce["start"] - 2, "a ceasefire")
    d.put(" to ")
    recipient = d.mention(d.states[b])
    d.put(".")
    args = [("agent", agent, d.states[a]), ("theme", theme, None), ("recipient", recipient, d.states[b])]
    d.event("diplomatic.proposal", trigger, args)
    d.event("diplomatic.ceasefire", truce, [], modality="hypothetical")


def _meeting(d: _Draft) -> None:
    first, second = d.rng.sample(d.persons, 2)
    one = d.mention(first)
    d.put(" ")
    trigger = d.put("met")
    d.put(" ")
    two = d.mention(second)
    d.put(" in ")
    loc = d.place(d.entities[first]["affiliation"])
    d.put(" ")
    time = d.when()
    d.put(".")
    args = [("participant", one, first), ("participant", two, second)]
    d.event("diplomatic.meeting", trigger, args, location=loc, time=time)


def _exchange(d: _Draft) -> None:
    one = d.mention(d.states[0])
    d.put(" and ")
    two = d.mention(d.states[1])
    d.put(" ")
    trigger = d.put("exchanged")
    d.put(" ")
    fig = d.figure("prisoners", "handed_over")
    theme = fig["counted_span"]
    d.put(".")
    args = [("participant", one, d.states[0]), ("participant", two, d.states[1]), ("theme", theme, None)]
    fig["event"] = d.event("exchange.prisoner_exchange", trigger, args)


def _accusation(d: _Draft) -> None:
    speaker = d.rng.choice(d.persons)
    own = d.entities[speaker]["affiliation"]
    other = d.states[1] if own == d.states[0] else d.states[0]
    source = d.mention(speaker)
    d.put(" ")
    cue = d.put("accused")
    d.put(" ")
    target = d.mention(other)
    d.put(" of ")
    shelled = d.put("shelling")
    d.put(" ")
    loc = d.place(own)
    content = _span(target["start"], _tail(d, target["start"]))
    d.put(".")
    shelling = d.event(
        "violent.shelling_missile_attack", shelled, [("attacker", target, other)], modality="reported", location=loc
    )
    args = [("agent", source, speaker), ("target", target, other)]
    d.event("diplomatic.accusation", cue, args)
    d.quotes.append({
        "id": f"q{len(d.quotes) + 1}", "type": "indirect", "cue": cue, "source": source, "speaker": speaker,
        "contents": [content], "events": [shelling],
    })  # fmt: skip


def _direct_quote(d: _Draft) -> None:
    speaker = d.rng.choice(d.persons)
    d.put("“")
    if d.rng.random() < 0.5:
        content = d.put(d.rng.choice(_RTL_LINES))
        events: list[str] = []
    else:
        start = d.length
        d.put("We will never ")
        trigger = d.put("cede")
        d.put(" ")
        loc = d.place(d.entities[speaker]["affiliation"])
        content = _span(start, _tail(d, start))
        args = [("participant", loc["span"], None)]
        events = [d.event("diplomatic.territorial_exchange", trigger, args, modality="negated", location=loc)]
    d.put("”, ")
    source = d.mention(speaker)
    d.put(" ")
    cue = d.put("said")
    d.put(".")
    d.quotes.append({
        "id": f"q{len(d.quotes) + 1}", "type": "direct", "cue": cue, "source": source, "speaker": speaker,
        "contents": [content], "events": events,
    })  # fmt: skip


def _aside(d: _Draft) -> None:
    person = d.rng.choice(d.persons)
    d.mention(person)
    d.put(", an envoy of ")
    d.mention(d.entities[person]["affiliation"])
    d.put(", briefed ")
    d.mention(d.orgs[0])
    d.put(".")


def _filler(d: _Draft) -> None:
    d.put(d.rng.choice(_FILLERS))


# What each writer adds, per sentence, to the four densities: the greedy choice below uses it.
_WRITERS: list[tuple[Callable[[_Draft], None], str]] = [
    (_drone_strike, "figures"),
    (_clash, "figures"),
    (_exchange, "figures"),
    (_shelling, "events"),
    (_no_attack, "events"),
    (_proposal, "events"),
    (_meeting, "events"),
    (_accusation, "quotes"),
    (_direct_quote, "quotes"),
    (_aside, "mentions"),
]


def _counts(d: _Draft) -> dict[str, int]:
    return {
        "mentions": sum(len(e["mentions"]) for e in d.entities.values()),
        "events": len(d.events),
        "quotes": len(d.quotes),
        "figures": len(d.figures),
    }


def _next_writer(d: _Draft, density: Density) -> Callable[[_Draft], None]:
    """The writer of the layer furthest behind its target density; a filler when none is behind."""
    counts = _counts(d)
    words = max(d.words, 1)
    behind = {layer: getattr(density, layer) * words / 100 - n for layer, n in counts.items()}
    layer = max(behind, key=lambda k: behind[k] / max(getattr(density, k), 1e-9))
    if behind[layer] <= 0:
        return _filler
    return d.rng.choice([w for w, what in _WRITERS if what == layer])


def generate_document(index: int, seed: int, density: Density) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(text, metadata, annotation) of synthetic document `index` (1-based) under `seed`."""
    rng = random.Random(f"{seed}:{index}")
    d = _Draft(rng)
    newline = "\r\n" if rng.random() < 0.5 else "\n"
    target = rng.randint(2000, 5700)  # sentences are under 300 code points: the text ends within 2-6k
    sentences = 0
    while d.length < target:
        if sentences:
            d.put(newline * 2 if sentences % 4 == 0 else " ")
        before = d.length
        (_filler if sentences == 4 else _next_writer(d, density))(d)
        d.words += len(_tail(d, before).split())
        sentences += 1
    text = "".join(d.parts)
    assert normalize_text(text) == text, "synthetic text must be stored normalised"
    doc_id = f"{PREFIX}-{index:06d}"
    digest = hash_text(text)
    metadata = {
        "schema_version": "1.0",
        "id": doc_id,
        "language": "en",
        "title": f"Synthetic dispatch {index}: {d.entities['st0']['name']} and {d.entities['st1']['name']}",
        "source": {"publisher": None, "url": f"synthetic://seed-{seed}/{doc_id}", "original_filename": None,
                   "original_sha256": digest},
        "published": {"date": "2031-06-04", "precision": "day", "inferred": False, "evidence": None},
        "retrieved": None,
        "added": "2031-06-04",
        "license": {"text": "CC0-1.0", "annotations": "CC0-1.0"},
        "distribution": decide_distribution("CC0-1.0"),
        "tags": {"conflicts": [TAG], "topics": [TAG]},
        "normalization": RULE,
        "text_sha256": digest,
        "text_length": len(text),
        "split": assign_split(doc_id),
    }  # fmt: skip
    annotation = {
        "schema_version": "1.0",
        "doc_id": doc_id,
        "text_sha256": digest,
        "provenance": {"kind": "prediction", "annotators": [f"conflict_news.synthetic seed {seed}"],
                       "guidelines": guidelines_version()},
        "entities": _mentioned(d.entities),
        "events": d.events,
        "quotes": d.quotes,
        "figures": d.figures,
    }  # fmt: skip
    return text, metadata, annotation


def _mentioned(entities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The entities the text mentions; an affiliation to one it never mentions is dropped with it."""
    kept = {k for k, e in entities.items() if e["mentions"]}
    return [{**e, "affiliation": e["affiliation"] if e["affiliation"] in kept else None} for e in entities.values()
            if e["mentions"]]  # fmt: skip


def _tail(d: _Draft, start: int) -> str:
    """The text written since offset `start` (only the last few parts are joined)."""
    out: list[str] = []
    length = d.length
    for part in reversed(d.parts):
        if length <= start:
            break
        out.append(part)
        length -= len(part)
    return "".join(reversed(out))


# The seed's gold (485 words; 64 mentions, 47 events, 13 quotes, 6 figures), fixed: a density measured from
# the shipped gold each time would change every generated document whenever gold lands.
SEED_DENSITY = Density(mentions=100 * 64 / 485, events=100 * 47 / 485, quotes=100 * 13 / 485, figures=100 * 6 / 485)


def iter_synthetic(
    n: int, seed: int = 0, density: Density | None = None
) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Documents 1..n, one at a time; density defaults to the seed's (SEED_DENSITY), so that document i depends
    only on (seed, i)."""
    for index in range(1, n + 1):
        yield generate_document(index, seed, density or SEED_DENSITY)


def write_synthetic(root: Path, n: int, seed: int = 0, progress: Callable[[int], object] | None = None) -> None:
    """Write a synthetic corpus root (corpus/ and annotations/) of n documents at `root`.

    Refuses the shipped corpus and any root that already holds documents, so nothing is overwritten.
    """
    root = Path(root)
    if os.path.lexists(root) and not root.is_dir():
        raise UsageError(f"{root} is a file or a link to nothing, not a folder; give a new folder")
    if os.path.lexists(root) and os.path.samefile(root, locate_root()):
        raise UsageError(f"{root} is the shipped corpus; synthetic documents never go there")
    for folder in ("corpus", "annotations"):
        if (root / folder).is_dir() and any((root / folder).iterdir()):
            raise UsageError(f"{root / folder} is not empty; write a synthetic corpus into a new folder")
    for text, metadata, annotation in iter_synthetic(n, seed):
        doc_id = metadata["id"]
        write_atomic(text_path(root, doc_id), text.encode("utf-8"))
        write_atomic(metadata_path(root, doc_id), dump_json(metadata))
        write_atomic(annotation_path(root, doc_id), dump_json(annotation))
        if progress is not None:
            progress(1)
