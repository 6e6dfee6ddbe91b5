"""Pre-annotation: the rule-based extractor (the default) and any extractor a user names, run the same way.

An extractor is a callable `extract(text, taxonomy)` returning an annotation in our schema
(docs/preannotation.md has the protocol). Whatever it returns is completed (ids of the document,
provenance) and checked by the validator before anything is written, exactly like the rules' output.

The rules (no model): events from the taxonomy's trigger lexicon matched by lemma (lexicon.py), typed
more finely by the weapons named next to them, with modality from cue words before them; figures with
bounds (figures.py), what they count, what happened to it and the event they quantify; quotes with
their sources (quotes.py), and a speaker entity per source.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from ..core.errors import CorpusError, Issue, UsageError
from ..core.store import list_doc_ids, read_document
from ..core.taxonomy import Taxonomy, load_taxonomy
from ..core.textnorm import hash_text
from ..core.validate import check_document
from .figures import Reading, read_figures
from .lexicon import Token, find_triggers, tokenize
from .quotes import Found, QuoteFinder, Sentences

Extractor = Callable[[str, Taxonomy], Mapping[str, Any]]
RULES = "conflict_news.grow.preannotate:extract"
LAYERS = ("entities", "events", "quotes", "figures")

NEGATION = {"no", "not", "never", "without", "n't", "fail", "deny", "nobody", "neither", "nor"}
MODALITY_CUES = {
    "reported": {"reportedly", "allegedly", "report", "reports", "rumor"},
    "hypothetical": {
        "any", "potential", "possible", "future", "would", "could", "might", "may", "if", "propose", "offer",
        "unless", "call", "urge", "should", "whether",
    },
    "planned": {"will", "shall", "plan", "intend", "going", "vow", "pledge", "promise", "to"},
}  # fmt: skip
# Weapons named next to a strike make its type more specific (guidelines §3.3).
HEAVY = {"artillery", "shell", "mortar", "rocket", "missile", "howitzer", "cannon", "tank"}
AERIAL = {"drone", "aircraft", "jet", "warplane", "helicopter", "plane", "bomber", "uav"}
REFINED = {"violent.remote_strike", "violent.attack", "violent.shelling_missile_attack", "violent.air_drone_strike"}
PROPERTY_CUES = {
    "killed": {"kill", "die", "dead", "death", "fatality", "toll", "lose"},
    "wounded": {"wound", "injure", "injury", "hurt", "treat"},
    "displaced": {"flee", "displace", "displacement", "uproot", "exodus", "leave"},
    "evacuated": {"evacuate", "evacuation"},
    "arrested": {"arrest", "detain", "detention"},
    "abducted": {"abduct", "kidnap", "hostage", "abduction"},
    "missing": {"missing"},
    "intercepted": {"intercept", "down", "downed", "interception"},
    "captured": {"capture", "seize"},
    "released": {"release", "free", "freed", "exchange", "swap"},
    "received": {"receive"},
    "handed_over": {"hand", "return", "repatriate"},
    "delivered": {"deliver", "delivery", "convoy", "reach", "send", "airdrop"},
    "destroyed": {"destroy", "damage", "hit", "raze", "burn"},
    "affected": {"need", "affect", "trap", "remain", "sleep", "shelter"},
}
WEAPONS = {"drone", "missile", "rocket", "shell", "bomb", "munition", "grenade", "mortar"}
DELIVERIES = {"truck", "convoy", "tonne", "ton", "bus", "load", "parcel", "kit"}
PEOPLE = {"people", "children", "men", "women", "personnel", "staff", "police", "militia"}
TITLES = {
    "president", "minister", "foreign", "prime", "defence", "defense", "secretary", "general", "chancellor",
    "colonel", "mayor", "governor", "commander", "chief", "spokesman", "spokeswoman", "deputy", "interior",
    "provincial", "regional", "coordinator", "envoy", "leader", "activist", "local", "police", "army", "major",
    "captain", "lieutenant", "sergeant", "ambassador", "senator", "judge", "dr", "mr", "mrs", "ms", "commissioner",
}  # fmt: skip
ORGANISATIONS = {
    "ministry", "office", "society", "council", "centre", "center", "agency", "union", "hospital", "committee",
    "administration", "organization", "organisation", "charity", "wire", "broadcaster", "statement", "police",
}  # fmt: skip
FORCES = {"army", "forces", "troops", "military", "brigade", "brigades", "front", "rebels", "fighters", "guard", "militia"}
GROUPS = {"officials", "residents", "witnesses", "analysts", "organisers", "organizers", "villagers", "mediators", "groups", "sides"}
PRONOUNS = {"he": "person", "she": "person", "they": "plural", "it": "thing", "we": "plural", "i": "person"}


class Preannotator:
    """Builds one annotation dict for one text with the rules; construct, then call run()."""

    def __init__(self, text: str, taxonomy: Taxonomy) -> None:
        self.text, self.tax = text, taxonomy
        self.tokens = tokenize(text)
        self.sentences = Sentences(text)
        self.events: list[dict[str, Any]] = []
        self.quotes: list[dict[str, Any]] = []
        self.figures: list[dict[str, Any]] = []
        self.entities: dict[str, dict[str, Any]] = {}
        self.recent: list[tuple[int, str, str]] = []  # (offset, entity id, kind) of every speaker so far

    def run(self) -> dict[str, Any]:
        self.find_events()
        for found in QuoteFinder(self.text, self.tokens, self.sentences).run():
            self.add_quote(found)
        self.find_figures()
        entities = sorted(self.entities.values(), key=lambda e: min(m["start"] for m in e["mentions"]))
        for ent in entities:
            ent["mentions"].sort(key=lambda m: m["start"])
        return {"entities": entities, "events": self.events, "quotes": self.quotes, "figures": self.figures}

    def span(self, start: int, end: int) -> dict[str, Any]:
        return {"start": start, "end": end, "text": self.text[start:end]}

    def tokens_in(self, start: int, end: int) -> list[Token]:
        return [t for t in self.tokens if start <= t.start and t.end <= end]

    # events -------------------------------------------------------------------------------------

    def find_events(self) -> None:
        for i, (start, end, etype) in enumerate(find_triggers(self.text, self.tokens, self.tax), 1):
            modality = self.modality(start)
            self.events.append({
                "id": f"ev{i}", "type": self.refine(etype, start, end), "trigger": self.span(start, end),
                "arguments": [], "location": None, "time": None, "modality": modality,
                "polarity": "negative" if modality == "negated" else "positive", "relations": [],
            })  # fmt: skip

    def refine(self, etype: str, start: int, end: int) -> str:
        """A strike or attack with only heavy weapons (or only aircraft) named next to it gets the specific type."""
        if etype not in REFINED:
            return etype
        s_start, s_end = self.sentences.bounds(start)
        near = {t.lemma for t in self.tokens_in(s_start, s_end) if abs(t.start - start) < 60}
        heavy, aerial = bool(near & HEAVY), bool(near & AERIAL)
        if heavy and not aerial:
            return "violent.shelling_missile_attack"
        if aerial and not heavy:
            return "violent.air_drone_strike"
        return "violent.remote_strike" if heavy and aerial else etype

    def modality(self, offset: int) -> str:
        s_start = self.sentences.bounds(offset)[0]
        clause_start = max([s_start, *(m.end() + s_start for m in re.finditer(r"[;,—]", self.text[s_start:offset]))])
        window = self.tokens_in(max(clause_start, offset - 45), offset)[-5:]
        lemmas = {t.lemma for t in window} | {t.lower for t in window}
        joined = " ".join(t.lower for t in window)
        if lemmas & NEGATION or "stopped short of" in joined or "n't" in joined:
            return "negated"
        for modality, cues in MODALITY_CUES.items():
            if modality == "planned" and "to" in lemmas and not lemmas & (cues - {"to"}):
                continue  # "to" alone is a preposition as often as a purpose
            if cues & lemmas:
                return modality
        return "actual"

    # quotes and speakers ------------------------------------------------------------------------

    def add_quote(self, found: Found) -> None:
        speaker = self.add_speaker(*found.source) if found.source else None
        contents = [self.span(s, e) for s, e in found.contents]
        self.quotes.append({
            "id": f"q{len(self.quotes) + 1}", "type": found.type, "cue": self.span(*found.cue),
            "source": self.span(*found.source) if found.source else None, "speaker": speaker,
            "contents": contents,
            "events": [ev["id"] for ev in self.events if any(_inside(ev["trigger"], c) for c in contents)],
        })  # fmt: skip

    def add_speaker(self, start: int, end: int) -> str | None:
        """The entity of a source: a name without its titles, a described group, or a pronoun's antecedent."""
        phrase = self.text[start:end]
        words = list(re.finditer(r"[\w’'-]+", phrase))
        first = words[0].group().lower()
        if len(words) == 1 and first in PRONOUNS:
            kind = PRONOUNS[first]
            earlier = [(o, e) for o, e, k in self.recent if o < start and (k == kind or kind == "thing")]
            if not earlier:
                return None
            entity_id = earlier[-1][1]
            self.mention(entity_id, start, end)
            return entity_id
        names = [m for m in _name_runs(phrase) if phrase[m[0] : m[1]].lower() not in TITLES]
        if names and not (first in ("the", "a", "an") and len(names) == 0):
            n_start, n_end = names[-1]
            name_words = phrase[n_start:n_end].split()
            while len(name_words) > 1 and name_words[0].lower().rstrip(".") in TITLES:
                n_start += len(name_words[0]) + 1
                name_words.pop(0)
            mention = (start + n_start, start + n_end)
            key = "ent-" + _slug(name_words[-1])
            etype = _entity_type(phrase, len(name_words))
        else:
            mention = (start, end)
            key = "ent-" + _slug(words[-1].group())
            etype = _entity_type(phrase, 0)
        entity = self.entities.setdefault(
            key, {"id": key, "name": self.text[mention[0] : mention[1]], "type": etype, "wikidata": None,
                  "affiliation": None, "mentions": []},
        )  # fmt: skip
        self.mention(key, *mention)
        kind = "person" if entity["type"] == "person" else "plural"
        self.recent.append((start, key, kind))
        return key

    def mention(self, entity_id: str, start: int, end: int) -> None:
        entity = self.entities[entity_id]
        taken = {(m["start"], m["end"]) for e in self.entities.values() for m in e["mentions"]}
        if (start, end) not in taken:
            entity["mentions"].append(self.span(start, end))
        if len(entity["name"]) < end - start and self.text[start].isupper():
            entity["name"] = self.text[start:end]

    # figures ------------------------------------------------------------------------------------

    def find_figures(self) -> None:
        for reading in read_figures(self.text, self.tax):
            counted = self.counted_noun(reading)
            quote = next((q for q in self.quotes if any(_inside(reading_span(reading), c) for c in q["contents"])), None)
            prop = self.figure_property(reading, counted)
            self.figures.append({
                "id": f"fig{len(self.figures) + 1}", "span": self.span(reading.start, reading.end),
                "value": reading.value, "lower": reading.lower, "upper": reading.upper, "bound": reading.bound,
                "approx_cue": self.span(*reading.cue) if reading.cue else None,
                "counted": counted.text if counted else None,
                "counted_span": self.span(counted.start, counted.end) if counted else None,
                "property": prop, "claimant": quote["speaker"] if quote else None,
                "quote": quote["id"] if quote else None, "event": self.figure_event(reading, counted, prop),
            })  # fmt: skip

    def counted_noun(self, reading: Reading) -> Token | None:
        """The first plural noun among the three words after the number (`dozens of drones`, `40 percent of the homes`)."""
        tail = self.text[reading.end :]
        lead = re.match(r"(?:\s+of(?:\s+the)?)?", tail)
        if reading.percent and not (lead and lead.group()):
            return None
        after = [t for t in self.tokens if t.start >= reading.end][:4]
        for tok in after[:4]:
            if self.text[reading.end : tok.start].count("\n") or re.search(r"[,.;:()]", self.text[reading.end : tok.start]):
                return None
            word = tok.lower
            if word in ("of", "the") or (tok.text[0].isupper() and word not in PEOPLE):
                continue
            if word in PEOPLE or (word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3
                                  and tok.lemma != word and word not in ("was", "has", "its", "this", "were")):  # fmt: skip
                return tok
            if word in ("were", "are", "was", "is", "have", "had", "a", "an", "and", "to", "in", "on", "at"):
                return None
        return None

    def figure_property(self, reading: Reading, counted: Token | None) -> str:
        if counted is not None and counted.lemma in WEAPONS:
            s_start, s_end = self.sentences.bounds(reading.start)
            down = {t.lemma for t in self.tokens_in(s_start, s_end)} & PROPERTY_CUES["intercepted"]
            return "intercepted" if down and reading.start < min(
                (t.start for t in self.tokens_in(s_start, s_end) if t.lemma in down), default=0
            ) + 200 else "launched"  # fmt: skip
        if counted is not None and counted.lemma in DELIVERIES:
            return "delivered"
        if counted is not None and any(ev["trigger"]["start"] == counted.start for ev in self.events):
            return "occurred"
        s_start, s_end = self.sentences.bounds(reading.start)
        cues = [
            (abs(t.start - reading.start), prop)
            for t in self.tokens_in(s_start, s_end)
            for prop, lemmas in PROPERTY_CUES.items()
            if t.lemma in lemmas or t.lower in lemmas
        ]
        return min(cues)[1] if cues else "other"

    def figure_event(self, reading: Reading, counted: Token | None, prop: str) -> str | None:
        """The event whose trigger is the counted noun, else one of the property's kind, else the nearest trigger."""
        s_start, s_end = self.sentences.bounds(reading.start)
        near = [ev for ev in self.events if s_start <= ev["trigger"]["start"] < s_end]
        if not near:
            return None
        for ev in near:
            if counted and ev["trigger"]["start"] == counted.start:
                return str(ev["id"])
        kinds = {"killed": "casualty.death", "wounded": "casualty.injury", "displaced": "humanitarian.displacement",
                 "evacuated": "humanitarian.evacuation", "arrested": "coercion.arrest", "abducted": "coercion.abduction",
                 "delivered": "humanitarian.aid"}  # fmt: skip
        fitting = [ev for ev in near if ev["type"] == kinds.get(prop)]
        pool = fitting or near
        return str(min(pool, key=lambda ev: abs(ev["trigger"]["start"] - reading.start))["id"])


def reading_span(reading: Reading) -> dict[str, int]:
    return {"start": reading.start, "end": reading.end}


def _inside(inner: Mapping[str, Any], outer: Mapping[str, Any]) -> bool:
    return bool(outer["start"] <= inner["start"] and inner["end"] <= outer["end"])


def _name_runs(phrase: str) -> list[tuple[int, int]]:
    """Runs of capitalised words (a name), outside parentheses."""
    runs = []
    for m in re.finditer(r"(?<![(\w])[A-Z][\w’'.-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\w’'.-]*)*", phrase):
        text = m.group().removesuffix("’s").removesuffix("'s")
        runs.append((m.start(), m.start() + len(text)))
    return runs


def _slug(word: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", word.lower().removesuffix("’s").removesuffix("'s")).strip("-") or "x"


def _entity_type(phrase: str, name_words: int) -> str:
    words = {w.lower() for w in re.findall(r"[\w’'-]+", phrase)}
    if words & ORGANISATIONS:
        return "organization"
    if words & FORCES:
        return "armed_force"
    if words & GROUPS:
        return "group"
    if "government" in words:
        return "state"
    return "person"


def extract(text: str, taxonomy: Taxonomy) -> dict[str, Any]:
    """The rule-based extractor: the four layers of `text`, following the extractor protocol."""
    return Preannotator(text, taxonomy).run()


def preannotate(doc_id: str, text: str, taxonomy: Taxonomy, extractor: Extractor = extract, name: str = RULES) -> dict[str, Any]:
    """A prediction-kind annotation of `text` by `extractor`, with the document's ids and provenance filled in."""
    result = dict(extractor(text, taxonomy))
    provenance = {"kind": "prediction", "annotators": [f"{name} (conflict-news {__version__})"],
                  "guidelines": taxonomy.version}  # fmt: skip
    return {
        "schema_version": result.pop("schema_version", "1.0"),
        "doc_id": result.pop("doc_id", doc_id),
        "text_sha256": result.pop("text_sha256", hash_text(text)),
        "provenance": result.pop("provenance", provenance),
        **{layer: result.pop(layer, []) for layer in LAYERS},
        **result,  # anything else is left for the validator to report
    }


_SPEC = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*")


def load_extractor(spec: str) -> Extractor:
    """The callable named by `module:function`; importing the module is what the user asked for."""
    if not _SPEC.fullmatch(spec):
        raise UsageError(f"--extractor {spec!r} is not module:function (e.g. mypackage.rules:extract)")
    module_name, function = spec.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"--extractor {spec!r}: cannot import {module_name!r}: {exc}") from exc
    found = getattr(module, function, None)
    if not callable(found):
        raise UsageError(f"--extractor {spec!r}: {module_name!r} has no callable {function!r}")
    extractor: Extractor = found
    return extractor


def preannotate_corpus(
    root: Path, doc_ids: list[str] | None, out: Path, extractor: str | None = None
) -> dict[Path, dict[str, Any]]:
    """Pre-annotate documents of `root` (default: all) with the rules or the named extractor; the files to write.

    `out` is a file when it ends in .json (one document only), else a folder of <doc_id>.json.
    Raises UsageError for a .json `out` with several documents or a bad extractor spec, CorpusError for
    unknown or unreadable documents, an extractor that fails (`extractor-failed`) and output that does
    not validate (with the validator's codes).
    """
    taxonomy = load_taxonomy()
    run: Extractor = load_extractor(extractor) if extractor else extract
    name = extractor or RULES
    known = list_doc_ids(root)
    chosen = doc_ids or known
    issues = [
        Issue(code="document-missing", file=str(root), path="$", message=f"no document {d!r} in corpus/")
        for d in chosen
        if d not in known
    ]
    if out.suffix == ".json" and len(chosen) != 1:
        raise UsageError(f"--out {out} is one file but {len(chosen)} documents are chosen; give a folder")
    results: dict[Path, dict[str, Any]] = {}
    for doc_id in chosen if not issues else []:
        raw = read_document(root, doc_id)
        if raw.text is None:
            issues.extend(raw.issues)
            continue
        target = out if out.suffix == ".json" else out / f"{doc_id}.json"
        try:
            ann = preannotate(doc_id, raw.text, taxonomy, run, name)
        except Exception as exc:  # noqa: BLE001 - any failure of the user's code becomes an issue, not a crash
            issues.append(
                Issue(code="extractor-failed", file=str(target), path="$", ann_id=doc_id,
                      message=f"{name} failed: {type(exc).__name__}: {exc}")
            )  # fmt: skip
            continue
        raw.annotation, raw.annotation_file, raw.issues = ann, target, []
        # Checked even for the rules, which are built to validate: a bug stays out of an annotator's queue.
        issues.extend(check_document(root, raw, taxonomy))
        results[target] = ann
    if issues:
        raise CorpusError(issues)
    return results
