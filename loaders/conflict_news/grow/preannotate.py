"""The baseline pre-annotator: transparent rules, no model, output in the annotation schema.

- events: the per-type trigger lexicon in schema/taxonomy.json (longest match first, no overlaps);
  modality from cue words in the four words before the trigger;
- figures: digits, number words, ranges and taxonomy.vague_numerals, with an approximation cue,
  value and bounds (read by numbers.read_numbers), the counted plural noun and a property;
- quotes: text in quotation marks with a reporting cue next to it (direct, or mixed when the cue's
  complement starts before the marks), and reporting verbs followed by a clause (indirect);
  the source is the capitalised name or pronoun next to the cue, else the sentence subject.
Every rule is written so that its output validates; README.md has the baseline's scores.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from ..core.errors import CorpusError, Issue, UsageError
from ..core.numbers import read_numbers
from ..core.store import list_doc_ids, read_document
from ..core.taxonomy import Taxonomy, load_taxonomy
from ..core.textnorm import hash_text
from ..core.validate import check_document

REPORTING_CUES = (
    "said", "says", "say", "saying", "told", "added", "adding", "stated", "announced", "claimed", "claims",
    "accused", "accuses", "maintains", "maintained", "emphasized", "emphasised", "stressed", "hinted",
    "believes", "believed", "warned", "warns", "insisted", "insists", "argued", "argues", "noted", "expressed",
    "promising", "promised", "denied", "urged",
)  # fmt: skip
APPROX_CUES = {
    "more than": "more_than", "at least": "at_least", "about": "approximate",
    "around": "approximate", "nearly": "approximate", "almost": "approximate", "approximately": "approximate",
    "roughly": "approximate", "some": "approximate", "up to": "at_most", "at most": "at_most",
    "fewer than": "less_than", "less than": "less_than",
}  # fmt: skip
NUMBER_WORDS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
]
NOT_COUNTED_AFTER = ("second", "minute", "hour", "day", "week", "month", "year", "decade", "centur", "percent", "%")
IDENTIFIER_WORDS = {"article", "resolution", "no.", "number", "chapter", "section", "page", "paragraph", "point"}
NEGATION = {"no", "not", "never", "without", "n\u2019t", "n't"}
MODALITY_CUES = {
    "reported": {"reportedly", "allegedly", "reports"},
    "hypothetical": {"any", "potential", "possible", "future", "would", "could", "might", "may", "if", "proposed"},
    "planned": {"will", "shall", "plans", "planned", "intends", "going"},
}
PROPERTY_VERBS = {
    "killed": ("killed", "dead", "died", "deaths"),
    "wounded": ("wounded", "injured"),
    "intercepted": ("intercepted", "shot down", "downed"),
    "captured": ("captured",),
    "released": ("released", "freed"),
    "handed_over": ("handed over", "returned", "repatriated"),
    "received": ("received",),
}
WEAPONS = {"drones", "missiles", "rockets", "shells", "bombs", "munitions"}
OCCURRENCES = {"strikes", "attacks", "airstrikes", "explosions", "clashes", "raids"}
TITLES = {"president", "minister", "foreign", "prime", "defence", "defense", "secretary", "general", "chancellor"}
PRONOUNS = {"he", "she", "they"}
OPENING, CLOSING = '“"', '”"'
_NAME = re.compile(r"[A-Z][\w\u2019'-]*(?:\s+[A-Z][\w\u2019'-]*)*")
_WORD = re.compile(r"[\w\u2019'-]+")
_SENTENCE_END = re.compile(r"[.!?…](?:[”\"\u2019]?)(?=\s|$)|\n")
_CLAUSE_END = re.compile(
    r",?\s+(?:but|while|although|though|whereas)\b|,\s+(?:saying|promising|adding)\b|[.;!?…](?=\s|$)"
)


@dataclass(frozen=True, slots=True)
class Lexeme:
    pattern: re.Pattern[str]
    event_type: str
    length: int


def compile_lexicon(taxonomy: Taxonomy) -> list[Lexeme]:
    """A regex per lexicon entry; the bracketed part (or the whole entry) is group 1, the trigger."""
    lexicon = []
    for etype in taxonomy.event_types.values():
        for entry in etype.triggers:
            bracketed = entry if "[" in entry else f"[{entry}]"
            before, rest = bracketed.split("[", 1)
            trigger, after = rest.split("]", 1)
            pattern = rf"(?<![\w-]){re.escape(before)}({re.escape(trigger)}){re.escape(after)}(?![\w-])"
            lexicon.append(Lexeme(re.compile(pattern, re.IGNORECASE), etype.name, len(entry)))
    return sorted(lexicon, key=lambda lex: -lex.length)


def span(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


class Sentences:
    """Sentence boundaries of one text, found once, looked up by offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = [m.span() for m in _SENTENCE_END.finditer(text)]
        self.starts, self.ends = [b[0] for b in breaks], [b[1] for b in breaks]

    def bounds(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding `offset`; the start skips leading whitespace."""
        before = bisect.bisect_right(self.ends, offset)
        start = self.ends[before - 1] if before else 0
        while start < len(self.text) and self.text[start].isspace():
            start += 1
        after = bisect.bisect_left(self.starts, offset)
        return start, self.ends[after] if after < len(self.ends) else len(self.text)

    def words_before(self, offset: int, n: int) -> list[str]:
        return [w.lower() for w in _WORD.findall(self.text[self.bounds(offset)[0] : offset])][-n:]


class Preannotator:
    """Builds one annotation dict for one text; construct, then call run()."""

    def __init__(self, doc_id: str, text: str, taxonomy: Taxonomy) -> None:
        self.doc_id, self.text, self.tax = doc_id, text, taxonomy
        self.lexicon = compile_lexicon(taxonomy)
        self.sentences = Sentences(text)
        self.events: list[dict[str, Any]] = []
        self.quotes: list[dict[str, Any]] = []
        self.figures: list[dict[str, Any]] = []
        self.entities: dict[str, dict[str, Any]] = {}

    def run(self) -> dict[str, Any]:
        self.find_events()
        self.find_direct_quotes()
        self.find_indirect_quotes()
        self.find_figures()
        self.link_quote_events()
        entities = sorted(self.entities.values(), key=lambda e: e["mentions"][0]["start"])
        for ent in entities:
            ent["mentions"].sort(key=lambda m: m["start"])
            ent["name"] = max((m["text"] for m in ent["mentions"]), key=len)
        return {
            "schema_version": "1.0",
            "doc_id": self.doc_id,
            "text_sha256": hash_text(self.text),
            "provenance": {
                "kind": "prediction",
                "annotators": [f"conflict-news preannotate {__version__}"],
                "guidelines": "1.0",
            },
            "entities": entities,
            "events": sorted(self.events, key=lambda e: e["trigger"]["start"]),
            "quotes": sorted(self.quotes, key=lambda q: q["cue"]["start"]),
            "figures": self.figures,
        }

    # events -------------------------------------------------------------------------------------

    def find_events(self) -> None:
        taken: list[tuple[int, int]] = []
        found = []
        for lex in self.lexicon:
            for m in lex.pattern.finditer(self.text):
                start, end = m.span(1)
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                found.append((start, end, lex.event_type))
        for i, (start, end, etype) in enumerate(sorted(found), 1):
            modality = self.modality(start)
            self.events.append({
                "id": f"ev{i}", "type": etype, "trigger": span(self.text, start, end), "arguments": [],
                "location": None, "time": None, "modality": modality,
                "polarity": "negative" if modality == "negated" else "positive", "relations": [],
            })  # fmt: skip

    def modality(self, offset: int) -> str:
        window = self.sentences.words_before(offset, 4)
        joined = " ".join(window)
        if NEGATION & set(window) or "stopped short of" in joined:
            return "negated"
        for modality, cues in MODALITY_CUES.items():
            if cues & set(window):
                return modality
        return "actual"

    # quotes -------------------------------------------------------------------------------------

    def find_direct_quotes(self) -> None:
        for m in re.finditer(r"[“\"]([^“”\"\n]+)[”\"]", self.text):
            start, end = m.start(1), m.end(1)
            if len(_WORD.findall(m.group(1))) < 3 and not self.cue_before(m.start()):
                continue  # a name in quotation marks, not a quote
            before = self.cue_before(m.start())
            if before is not None:
                cue_end = before[1]
                gap = self.text[cue_end : m.start()]
                if gap.strip(" ,:"):
                    first = cue_end + len(gap) - len(gap.lstrip(" ,:"))
                    self.add_quote("mixed", before, [(first, m.end())])
                else:
                    self.add_quote("direct", before, [(start, end)])
                continue
            after = self.cue_after(m.end())
            if after is not None:
                self.add_quote("direct", after, [(start, end)])

    def cue_before(self, offset: int) -> tuple[int, int] | None:
        """A reporting verb ending the text shortly before an opening quotation mark."""
        lead = self.text[max(0, offset - 40) : offset]
        for m in reversed(list(_WORD.finditer(lead))):
            if m.group().lower() in REPORTING_CUES:
                base = offset - len(lead)
                between = self.text[base + m.end() : offset]
                if not _SENTENCE_END.search(between) and not any(c in between for c in OPENING + CLOSING):
                    return base + m.start(), base + m.end()
                return None
        return None

    def cue_after(self, offset: int) -> tuple[int, int] | None:
        """`,” Name said` or `,” said Name`: a reporting verb within five words after the closing mark.

        Five, not fewer, so that a speaker named with a title (`mayor Tira Oss said`) is reached.
        """
        tail = self.text[offset : offset + 80]
        tail = tail[: m.start() + 1] if (m := _SENTENCE_END.search(tail)) else tail
        for m in list(_WORD.finditer(tail))[:5]:
            if m.group().lower() in REPORTING_CUES:
                return offset + m.start(), offset + m.end()
        return None

    def find_indirect_quotes(self) -> None:
        quoted = [(q["cue"]["start"], q["cue"]["end"]) for q in self.quotes]
        quoted += [(c["start"], c["end"]) for q in self.quotes for c in q["contents"]]
        pattern = re.compile(rf"\b(?:{'|'.join(REPORTING_CUES)})\b")
        for m in pattern.finditer(self.text):
            if any(s <= m.start() < e for s, e in quoted):
                continue
            rest = self.text[m.end() :]
            skipped = re.match(r"\s+(?:that\s+|at\s+)?", rest)
            if skipped is None or rest[skipped.end() : skipped.end() + 1] in OPENING + ",:":
                continue
            start = m.end() + skipped.end()
            clause_end = _CLAUSE_END.search(self.text, start)
            end = clause_end.start() if clause_end else len(self.text)
            content = self.text[start:end].rstrip(" ,")
            end = start + len(content)
            if len(_WORD.findall(content)) < 2 or any(c in content for c in OPENING + CLOSING + "\n"):
                continue
            self.add_quote("indirect", m.span(), [(start, end)])

    def add_quote(self, qtype: str, cue: tuple[int, int], contents: list[tuple[int, int]]) -> None:
        source = self.find_source(*cue)
        speaker = self.add_entity(*source) if source else None
        self.quotes.append({
            "id": f"q{len(self.quotes) + 1}", "type": qtype, "cue": span(self.text, *cue),
            "source": span(self.text, *source) if source else None, "speaker": speaker,
            "contents": [span(self.text, s, e) for s, e in contents], "events": [],
        })  # fmt: skip

    def find_source(self, cue_start: int, cue_end: int) -> tuple[int, int] | None:
        """The name or pronoun before the cue (auxiliaries skipped), after it, or the sentence subject."""
        lead = self.text[self.sentences.bounds(cue_start)[0] : cue_start]
        lead = re.sub(r"(?:\s+(?:has|have|had|also|is|was|will|would|then|later|reportedly))+\s*$", " ", lead)
        name = re.search(r"([A-Z][\w\u2019'-]*(?:\s+[A-Z][\w\u2019'-]*)*)\s*$", lead)
        base = self.sentences.bounds(cue_start)[0]
        if name and name.group(1).lower() not in {"the", "a", "an", "this", "it"}:
            return base + name.start(1), base + name.end(1)
        pronoun = re.search(r"\b(he|she|they|He|She|They)\s*$", lead)
        if pronoun:
            return base + pronoun.start(1), base + pronoun.end(1)
        after = _NAME.match(self.text, cue_end + 1)
        if after:
            return after.span()
        subject = re.match(r"(?:[A-Z]\w+,\s+)?([A-Z][\w\u2019'-]*(?:\s+[A-Z][\w\u2019'-]*)*)", lead)
        if subject and subject.group(1).split()[0].lower() not in {"the", "a", "an", "this", "it", "in", "as"}:
            return base + subject.start(1), base + subject.end(1)
        return None

    def add_entity(self, start: int, end: int) -> str | None:
        """The speaker entity of a source: keyed by the name's last word; a pronoun joins the last person named."""
        words = list(_WORD.finditer(self.text[start:end]))
        if words[0].group().lower() in PRONOUNS:
            earlier = [(m["start"], e) for e in self.entities.values() for m in e["mentions"] if m["start"] < start]
            if not earlier:
                return None
            last = max(earlier, key=lambda pair: pair[0])[1]
            mention = (start, end)
        else:
            while len(words) > 1 and (words[0].group().lower() in TITLES or words[0].group().endswith(("ian", "ese"))):
                words = words[1:]
            mention = (start + words[0].start(), start + words[-1].end())
            key = "ent-" + re.sub(r"[^a-z0-9]+", "-", words[-1].group().lower()).strip("-")
            last = self.entities.setdefault(key, {
                "id": key, "name": self.text[mention[0] : mention[1]], "type": "person", "wikidata": None,
                "affiliation": None, "mentions": [],
            })  # fmt: skip
        if all((m["start"], m["end"]) != mention for m in last["mentions"]):
            last["mentions"].append(span(self.text, *mention))
        entity_id: str = last["id"]
        return entity_id

    def link_quote_events(self) -> None:
        for q in self.quotes:
            q["events"] = [
                ev["id"]
                for ev in self.events
                if any(c["start"] <= ev["trigger"]["start"] and ev["trigger"]["end"] <= c["end"] for c in q["contents"])
            ]

    # figures ------------------------------------------------------------------------------------

    def figure_pattern(self) -> re.Pattern[str]:
        digits = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
        words = "|".join(NUMBER_WORDS)
        number = rf"(?:{digits})(?:\s+(?:million|billion|thousand))?|(?:{words})(?:[\s-]+(?:{words}))*"
        cues = "|".join(sorted(APPROX_CUES, key=len, reverse=True))
        vague = "|".join(self.tax.vague_numerals)
        return re.compile(
            rf"(?<![\w.,-])(?:(?P<range>between\s+(?:{digits})\s+and\s+(?:{digits})|(?:{digits})\s*(?:-|\u2013|to)\s*(?:{digits}))"
            rf"|(?:(?P<cue>{cues})\s+)?(?P<number>{number})|(?P<vague>{vague}))(?![\w-])",
            re.IGNORECASE,
        )

    def find_figures(self) -> None:
        for m in self.figure_pattern().finditer(self.text):
            reading = self.read_figure(m)
            if reading is None:
                continue
            value, lower, upper, bound, cue = reading
            counted = self.counted_noun(m.end())
            fid = f"fig{len(self.figures) + 1}"
            quote = next(
                (q for q in self.quotes if any(c["start"] <= m.start() and m.end() <= c["end"] for c in q["contents"])),
                None,
            )
            self.figures.append({
                "id": fid, "span": span(self.text, *m.span()), "value": value, "lower": lower, "upper": upper,
                "bound": bound, "approx_cue": span(self.text, *cue) if cue else None,
                "counted": counted[2] if counted else None,
                "counted_span": span(self.text, counted[0], counted[1]) if counted else None,
                "property": self.figure_property(m.start(), counted[2] if counted else None),
                "claimant": quote["speaker"] if quote else None, "quote": quote["id"] if quote else None,
                "event": self.figure_event(m.start(), counted),
            })  # fmt: skip

    def read_figure(
        self, m: re.Match[str]
    ) -> tuple[float | None, float | None, float | None, str, tuple[int, int] | None] | None:
        """(value, lower, upper, bound, approx cue), or None when the number is a year, identifier or time."""
        following = self.text[m.end() : m.end() + 12].lower().lstrip()
        previous = self.sentences.words_before(m.start(), 1)
        if following.startswith(NOT_COUNTED_AFTER) or (previous and previous[0] in IDENTIFIER_WORDS):
            return None
        if m.group("vague"):
            vague = self.tax.vague_numerals[m.group("vague").lower()]
            return None, vague.lower, vague.upper, vague.bound, m.span()
        numbers = read_numbers(m.group())
        if m.group("range"):
            low, high = min(numbers), max(numbers)
            return (None, low, high, "range", None) if low < high else None
        (value,) = numbers
        if re.fullmatch(r"(1[89]|20)\d\d", m.group("number")):
            return None  # a year
        cue = m.group("cue")
        if cue is None:
            return value, value, value, "exact", None
        bound = APPROX_CUES[cue.lower()]
        lower = value if bound in ("more_than", "at_least") else None
        upper = value if bound in ("at_most", "less_than") else None
        return value, lower, upper, bound, m.span("cue")

    def counted_noun(self, offset: int) -> tuple[int, int, str] | None:
        """The first plural common noun within three words after the number (`dozens of drones`)."""
        tail = re.match(r"(?:\s+of)?((?:\s+[a-z][\w\u2019'-]*){1,3})", self.text[offset:])
        if tail is None:
            return None
        base = offset + tail.start(1)
        for w in _WORD.finditer(tail.group(1)):
            word = w.group()
            if word.endswith("s") and not word.endswith("ss") and len(word) > 3 and word not in {"was", "has", "its"}:
                return base + w.start(), base + w.end(), word
        return None

    def figure_property(self, offset: int, counted: str | None) -> str:
        start, end = self.sentences.bounds(offset)
        sentence = self.text[start:end].lower()
        stated = {
            prop for prop, verbs in PROPERTY_VERBS.items() if any(re.search(rf"\b{v}\b", sentence) for v in verbs)
        }
        if counted in WEAPONS:
            return "intercepted" if "intercepted" in stated else "launched"
        if counted in OCCURRENCES:
            return "occurred"
        # the first property in PROPERTY_VERBS order whose verb the sentence uses
        return next((prop for prop in PROPERTY_VERBS if prop in stated), "other")

    def figure_event(self, offset: int, counted: tuple[int, int, str] | None) -> str | None:
        """The event whose trigger is the counted noun, else the nearest trigger in the sentence."""
        start, end = self.sentences.bounds(offset)
        near = [ev for ev in self.events if start <= ev["trigger"]["start"] < end]
        for ev in near:
            if counted and (ev["trigger"]["start"], ev["trigger"]["end"]) == counted[:2]:
                return str(ev["id"])
        if not near:
            return None
        return str(min(near, key=lambda ev: abs(ev["trigger"]["start"] - offset))["id"])


def preannotate(doc_id: str, text: str, taxonomy: Taxonomy) -> dict[str, Any]:
    """A prediction-kind annotation of `text` that validates against the schema and the text."""
    return Preannotator(doc_id, text, taxonomy).run()


def preannotate_corpus(root: Path, doc_ids: list[str] | None, out: Path) -> dict[Path, dict[str, Any]]:
    """Pre-annotate documents of `root` (default: all); the files to write under `out`, each validated.

    `out` is a file when it ends in .json (one document only), else a folder of <doc_id>.json.
    Raises UsageError for a .json `out` with several documents, CorpusError for unknown or unreadable
    documents (and, were a rule ever to produce one, for output that does not validate).
    """
    taxonomy = load_taxonomy()
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
        ann = preannotate(doc_id, raw.text, taxonomy)
        target = out if out.suffix == ".json" else out / f"{doc_id}.json"
        raw.annotation, raw.annotation_file, raw.issues = ann, target, []
        # The rules are built to validate; checking anyway keeps a rule bug out of an annotator's queue.
        issues.extend(check_document(root, raw, taxonomy))
        results[target] = ann
    if issues:
        raise CorpusError(issues)
    return results
