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

import contextlib
import importlib
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import simplemma

from ..__about__ import __version__
from ..core.checks import split_offsets
from ..core.errors import CorpusError, Issue, UsageError
from ..core.guidelines import guidelines_version
from ..core.model import LAYERS
from ..core.store import annotation_name, dump_json, list_doc_ids, read_document
from ..core.taxonomy import Taxonomy, load_taxonomy
from ..core.textnorm import hash_text
from ..core.txn import Transaction, locked, writing
from ..core.validate import check_document
from ..records.clusters import ASSERTED, FEEDING, qualifies
from .figures import Reading, read_figures
from .lexicon import Token, find_triggers, tokenize, within
from .quotes import REPORTING, Found, QuoteFinder, Sentences

Extractor = Callable[[str, Taxonomy], Mapping[str, Any]]
RULES = "conflict_news.grow.preannotate:extract"

NEGATION = {"no", "not", "never", "without", "n't", "fail", "deny", "nobody", "neither", "nor"}
MODALITY_CUES = {
    "reported": {"reportedly", "allegedly", "report", "reports", "rumor"},
    "hypothetical": {
        "potential", "possible", "future", "could", "might", "may", "propose", "offer", "urge", "should",
        "need", "threaten",
    },
    "planned": {"will", "shall", "plan", "intend", "going", "pledge", "promise", "would"},
}  # fmt: skip
LOOK_AHEAD = {"hypothetical": {"if", "possible", "could", "might", "may", "unless"}, "planned": {"would", "will"}}
GENERIC = {"violent.attack", "violent.remote_strike"}
# The specific attack types a definite `the attack` may take up from an earlier mention.
ATTACKS = {
    "violent.remote_strike", "violent.air_drone_strike", "violent.shelling_missile_attack", "violent.chemical_weapon", "violent.suicide_bombing",
    "violent.remote_explosive", "violent.grenade", "violent.attack_on_civilians",
}  # fmt: skip
DEFINITE = {"the", "this", "that", "these", "those"}
# Weapons named next to a strike make its type more specific (guidelines §3.3).
HEAVY = {"artillery", "shell", "mortar", "rocket", "missile", "howitzer", "cannon", "tank"}
AERIAL = {"drone", "aircraft", "jet", "warplane", "helicopter", "plane", "uav"}
REFINED = {"violent.remote_strike", "violent.attack", "violent.shelling_missile_attack", "violent.air_drone_strike",
           "violent.remote_explosive"}  # fmt: skip
# An explosion whose device is unstated is an explosive device's (ACLED's remote explosive), a suicide
# bomber's when the sentence says so (train documents: docs/preannotation.md, rules 2.0.1).
BLASTS = {"explosion", "blast", "bomb", "bombing", "explode"}
SUICIDE = {"suicide"}
PROPERTY_CUES = {
    "killed": {"kill", "die", "dead", "death", "fatality", "toll", "execute", "execution"},
    "wounded": {"wound", "injure", "injury", "treat"},
    "displaced": {"flee", "displace", "displacement", "uproot", "exodus", "leave"},
    "evacuated": {"evacuate", "evacuation", "airlift"},
    "arrested": {"arrest", "detain", "detention", "custody"},
    "abducted": {"kidnap", "hostage", "abduction", "abduct"},
    "missing": {"missing"},
    "intercepted": {"intercept", "shot", "downed", "interception", "shoot"},
    "captured": {"capture"},
    "released": {"release", "free", "freed", "exchange", "swap"},
    "received": {"receive"},
    "handed_over": {"hand", "returned", "repatriate"},
    "delivered": {"deliver", "delivery", "convoy", "reach", "send"},
    "destroyed": {"destroy", "damage", "hit", "raze"},
    "affected": {"need", "affect", "remain", "sleep", "shelter"},
}
# The verb whose object or subject a figure is says what happened to the people it counts (guidelines FIG-5,
# the property from the governing word), before any other cue of its clause: `detained one suspected
# insurgent`, `three males were taken into custody`, `57 people in a convoy were massacred` (rules 2.0.2).
GOVERNING = {
    "killed": {"kill", "die", "execute", "massacre", "martyr", "slay", "murder", "behead"},
    "wounded": {"wound", "injure", "hospitalize"},
    "arrested": {"arrest", "detain", "jail", "imprison"},
    "abducted": {"kidnap", "abduct"},
    "captured": {"capture"},
    "displaced": {"displace", "flee", "uproot"},
    "evacuated": {"evacuate"},
    "released": {"release", "free"},
}
# `taken into custody`, `taken hostage`, `held captive`: the word after `take` or `hold` says what happened.
TAKEN = {"custody": "arrested", "hostage": "abducted", "captive": "abducted", "prisoner": "captured"}
AUXILIARIES = {"was", "were", "is", "are", "has", "have", "had", "been"}
# Words between an auxiliary and its participle: `were also taken hostage`, `were reported killed`.
HEDGES = {"also", "reportedly", "reported", "allegedly", "believed", "feared", "confirmed", "later", "all", "since"}
# A figure after one of these is no subject (`the attack on 5 villages was condemned`).
PREPOSITIONS = {"in", "on", "at", "of", "to", "from", "for", "by", "with", "about", "among", "than", "over", "into",
                "under", "between", "per", "against"}  # fmt: skip
WEAPONS = {"drone", "missile", "rocket", "shell", "bomb", "munition", "grenade", "mortar"}
PARTIES = {"side", "party", "country", "nation", "delegation", "member", "participant"}
DELIVERIES = {"truck", "convoy", "tonne", "ton", "bus", "load", "parcel", "kit"}
PEOPLE = {"people", "children", "men", "women", "personnel", "police", "militia"}
TITLES = {
    "president", "minister", "foreign", "prime", "defence", "defense", "secretary", "general", "chancellor",
    "mayor", "governor", "commander", "spokesman", "deputy", "interior", "regional", "coordinator", "envoy",
    "leader", "local", "police", "army", "major", "captain", "lieutenant", "sergeant", "senator", "judge", "dr",
    "mr", "mrs", "ms", "commissioner",
}  # fmt: skip
ORGANISATIONS = {
    "ministry", "office", "society", "centre", "center", "agency", "union", "hospital", "committee",
    "organization", "organisation", "wire", "statement", "police",
}  # fmt: skip
FORCES = {"army", "forces", "troops", "military", "brigade", "brigades", "front", "rebels", "fighters", "militia"}
GROUPS = {"officials", "organizers", "mediators", "sides"}
PRONOUNS = {"he": "person", "she": "person", "they": "plural", "it": "thing", "we": "plural", "i": "person"}
# The one person an arrest, abduction or death happens to (guidelines CNT-1: a singular victim counts one in
# the records): the object after the trigger or the subject of its passive. Train documents: rules 2.0.1.
VICTIM_EVENTS = {"coercion.arrest", "coercion.abduction", "casualty.death"}
OBJECT_PRONOUNS = {"him", "her"}
SUBJECT_PRONOUNS = {"he", "she"}
PASSIVE = {"was", "been", "is", "were"}
# Words that open the object of an active verb: its subject is the doer (`gunmen abducted some of the residents`).
OBJECT_OPENERS = {"a", "an", "the", "some", "his", "her", "their", "its", "him", "them", "several", "many"}
# A figure a toll is stated as: `place the death toll at 78`, `cited the toll as nineteen` (rules 2.0.3).
TOLL_OF = re.compile(r"\btoll\s+(?:[a-z]+\s+){0,3}?(?:at|of|to|as|is|was)\s+$", re.IGNORECASE)
# A relative clause between commas (`, which involved aerial bombardment in two villages,`).
RELATIVE_ASIDE = re.compile(r",\s+(?:which|who|whose)\b[^,;.]*,")
# What joins a death, injury or capture to the event it names as its cause: `killed in a grenade attack`.
CAUSE_LINK = re.compile(r"\s+(?:[a-z]+\s+){0,2}(?:in|during|by)\s+(?:[\w\u2019'-]+\s+){0,3}", re.IGNORECASE)
# Words that open a clause: its subject comes after them (`after an Army sergeant was killed`).
CLAUSE_WORDS = {"that", "after", "when", "where", "while", "because", "since", "before", "until", "and", "but", "as",
                "although", "though", "if", "whether", "said", "says", "reported"}  # fmt: skip
# Where a described victim (`a man`, `an individual`) ends: a preposition, a conjunction or a verb after it.
# Capitalised words that open no name: days and months (`arrested Thursday`).
NOT_NAMES = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "june", "july", "august", "september", "october", "november", "december",
}  # fmt: skip
NP_STOPS = {
    "in", "on", "at", "for", "after", "and", "who", "from", "near", "with", "over", "during", "as", "by",
    "was", "were", "is", "has", "had", "while", "when", "but", "to", "of",
}  # fmt: skip


class Preannotator:
    """Builds one annotation dict for one text with the rules; construct, then call run()."""

    def __init__(self, text: str, taxonomy: Taxonomy) -> None:
        self.text, self.tax = text, taxonomy
        self.tokens = tokenize(text)
        self.starts = [t.start for t in self.tokens]
        self.cuts = split_offsets(text)
        self.sentences = Sentences(text)
        self.events: list[dict[str, Any]] = []
        self.quotes: list[dict[str, Any]] = []
        self.figures: list[dict[str, Any]] = []
        self.entities: dict[str, dict[str, Any]] = {}
        self.recent: list[tuple[int, str, str]] = []  # (offset, entity id, kind) of every speaker so far

    def run(self) -> dict[str, Any]:
        self.find_events()
        for found in QuoteFinder(self.text, self.tokens, self.starts, self.sentences).run():
            self.add_quote(found)
        self.find_figures()
        self.link_mentions()
        self.link_causes()
        self.find_victims()
        entities = sorted(self.entities.values(), key=lambda e: min(m["start"] for m in e["mentions"]))
        for ent in entities:
            ent["mentions"].sort(key=lambda m: m["start"])
        return {"entities": entities, "events": self.events, "quotes": self.quotes, "figures": self.figures}

    def span(self, start: int, end: int) -> dict[str, Any]:
        """A span, widened where a rule's boundary would cut a character from its combining mark or joiner."""
        while start in self.cuts:
            start -= 1
        while end in self.cuts:
            end += 1
        return {"start": start, "end": end, "text": self.text[start:end]}

    def tokens_in(self, start: int, end: int) -> list[Token]:
        return within(self.tokens, self.starts, start, end)

    # events -------------------------------------------------------------------------------------

    def find_events(self) -> None:
        triggers = find_triggers(self.text, self.tokens, self.tax)
        self.trigger_starts = [start for start, _, _ in triggers]
        for i, (start, end, etype) in enumerate(triggers, 1):
            modality, polarity = self.modality(start, end, etype)
            self.events.append({
                "id": f"ev{i}", "type": self.refine(etype, start, end), "trigger": self.span(start, end),
                "arguments": [], "location": None, "time": None, "modality": modality, "polarity": polarity,
                "relations": [],
            })  # fmt: skip

    def refine(self, etype: str, start: int, end: int) -> str:
        """The specific type of a strike or attack: from the weapons named next to it, or from the event
        a definite mention (`the attack`) takes up (guidelines §3.3: a coreferent mention keeps the type)."""
        if etype not in REFINED:
            return etype
        s_start, s_end = self.sentences.bounds(start)
        head = self.text[s_start:start]
        clause_start = s_start + max((m.end() for m in re.finditer(r"[;,—]", head)), default=0)
        brk = re.search(r"[;,—]", self.text[end:s_end])
        near = {t.lemma for t in self.tokens_in(clause_start, end + brk.start() if brk else s_end)}
        heavy, aerial = bool(near & HEAVY), bool(near & AERIAL)
        if heavy and not aerial:
            return "violent.shelling_missile_attack"
        if aerial and not heavy:
            return "violent.air_drone_strike"
        if heavy and aerial:
            return "violent.remote_strike"
        lemma = {t.lemma for t in self.tokens_in(start, end)}
        # an attack whose clause names the bomb is that bomb's: `another attack when a truck bomb detonated`
        if lemma & BLASTS or (etype in GENERIC and near & BLASTS):
            if {t.lemma for t in self.tokens_in(s_start, s_end)} & SUICIDE:
                return "violent.suicide_bombing"
            return "violent.remote_explosive"
        before = self.tokens_in(max(0, start - 25), start)[-2:]
        if etype in GENERIC and any(t.lower in DEFINITE for t in before):
            earlier = [ev for ev in self.events if ev["type"] in ATTACKS]
            if earlier and start - earlier[-1]["trigger"]["start"] < 600:
                return str(earlier[-1]["type"])
        return etype

    def modality(self, start: int, end: int, etype: str) -> tuple[str, str]:
        """(modality, polarity) from cue words in the trigger's clause: before it, and after it (`… remained possible`)."""
        s_start, s_end = self.sentences.bounds(start)
        clause_start = max([s_start, *(m.end() + s_start for m in re.finditer(r"[;,—]", self.text[s_start:start]))])
        brk = re.search(r"[;,—]", self.text[end:s_end])
        clause_end = end + brk.start() if brk else s_end
        # `in May` is the month, not the modal verb: `killed in another attack in May` happened (rules 2.0.3)
        before = [t for t in self.tokens_in(max(clause_start, start - 60), start) if t.text != "May"][-6:]
        after = [t for t in self.tokens_in(end, clause_end) if t.text != "May"][:10]
        lemmas = {t.lemma for t in before} | {t.lower for t in before}
        ahead = {t.lemma for t in after} | {t.lower for t in after}
        joined = " " + " ".join(t.lower for t in before) + " "
        clause = {t.lower for t in self.tokens_in(clause_start, start)}
        # a condition after a threat belongs to the threatened act, not to the threat
        conditional = ahead & {"if", "unless"} and self.tax.event_types[etype].plover_event_type != "THREATEN"
        generic = {t.lower for t in before[-2:]} & {"any"} or clause & {"anyone", "anybody"}
        if generic or clause & {"if", "unless", "whether"} or conditional:
            return "hypothetical", "positive"
        for tok in before[-3:]:
            negator = tok.lemma in NEGATION or tok.lower in NEGATION
            quantity = re.search(rf" {re.escape(tok.lower)} (?:more|fewer|less) than ", joined)
            # "not block aid deliveries" leaves the deliveries alone; "no ceasefire was agreed" negates both
            between = tok.lower != "no" and any(tok.end <= s < start for s in self.trigger_starts)
            if negator and not quantity and not between:
                # "would not block": a planned event that is itself negative (guidelines 3.6)
                return ("planned", "negative") if lemmas & {"will", "would", "shall"} else ("negated", "negative")
        if " stopped short of " in joined:
            return "negated", "negative"
        for modality, cues in MODALITY_CUES.items():
            if cues & lemmas:
                return modality, "positive"
        if ahead & LOOK_AHEAD["hypothetical"]:
            return "hypothetical", "positive"
        if (before and before[-1].lower == "to") or ahead & LOOK_AHEAD["planned"]:
            return "planned", "positive"
        return "actual", "positive"

    def find_victims(self) -> None:
        """The singular victims of each asserted arrest, abduction or death (VICTIM_EVENTS): `arrested a man`,
        `arrested John Smith`, `arrested him`, `John Smith was arrested`, `He was detained`, `Kadir and Ibrahim
        were arrested`. A name becomes a person entity; a described or pronoun victim has none."""
        for ev in self.events:
            if ev["type"] not in VICTIM_EVENTS or ev["modality"] not in ASSERTED:
                continue
            s_start, s_end = self.sentences.bounds(ev["trigger"]["start"])
            found = self.object_of(ev["trigger"]["end"], s_end)
            for start, end, named in [found] if found else self.passive_subjects_of(ev["trigger"]["start"], s_start):
                entity = self.add_person(start, end) if named else None
                ev["arguments"].append({"role": "victim", "span": self.span(start, end), "entity": entity})

    def object_of(self, end: int, s_end: int) -> tuple[int, int, bool] | None:
        """(start, end, is a name) of the singular object right after a trigger ending at `end`."""
        after = self.tokens_in(end, s_end)[:8]
        before = self.tokens_in(max(0, end - 40), end)
        # `the abducted engineer`: the trigger modifies a noun, it has no object
        if not after or self.text[end : after[0].start].strip() or (len(before) > 1 and before[-2].lower in DEFINITE):
            return None
        first = after[0]
        if first.lower in OBJECT_PRONOUNS:
            return first.start, first.end, False
        if first.lower in ("a", "an"):
            words = [first]
            for tok in after[1:6]:
                if tok.lower in NP_STOPS or self.text[words[-1].end : tok.start].strip():
                    break
                words.append(tok)
            return (first.start, words[-1].end, False) if len(words) > 1 else None
        return self.name_run(after, 1) or self.described_name(after)

    def described_name(self, tokens: list[Token]) -> tuple[int, int, bool] | None:
        """The name that ends a short description opening `tokens`: `arrested 26-year-old taxi driver Muhammad
        Farid`, `killed the Hizbul Mujahideen leader Burhan Wani` (rules 2.0.3). The description is words in one
        run, none a figure, a plural, a preposition or a conjunction (`killed outside Tak Bai` has none)."""
        i = 0
        while i < min(len(tokens), 8):
            tok = tokens[i]
            if i and self.text[tokens[i - 1].end : tok.start].strip():
                return None
            if tok.text[0].isupper():
                named = self.name_run(tokens[i:], 2)
                if named is None:
                    return None
                i += len(self.tokens_in(named[0], named[1]))
                if i == len(tokens) or self.text[named[1] : tokens[i].start].strip() or tokens[i].lower in NP_STOPS:
                    return named if i > len(self.tokens_in(named[0], named[1])) else None
                continue
            if tok.lower in NP_STOPS or tok.lower in PREPOSITIONS or tok.start in self.figure_starts:
                return None
            if tok.lemma != tok.lower:
                return None
            i += 1
        return None

    def name_run(self, tokens: list[Token], least: int = 2) -> tuple[int, int, bool] | None:
        """The capitalised words that open `tokens`, `least` of them at least (where a sentence opens, one
        capitalised word is as often a place or a group as a person)."""
        run: list[Token] = []
        for tok in tokens:
            if not tok.text[0].isupper() or (run and self.text[run[-1].end : tok.start] not in (" ", ". ")):
                break
            run.append(tok)
        if len(run) < least or run[0].lower in TITLES or run[0].lower in ("the", "a", "an", "he", "she"):
            return None
        if any(tok.lower in NOT_NAMES for tok in run):
            return None
        return run[0].start, run[-1].end, True

    def passive_subjects_of(self, start: int, s_start: int) -> list[tuple[int, int, bool]]:
        """(start, end, is a name) of the singular subjects of `X was [arrested]`, `X has been in [detention]`,
        `X, who was [jailed]`: the subject of its clause, after the last comma or clause word (rules 2.0.2)."""
        before = self.tokens_in(s_start, start)
        if before and before[-1].lower == "house":  # `under house arrest`
            before = before[:-1]
        if before and before[-1].lower in ("in", "under"):  # `in detention`, `in custody`
            before = before[:-1]
        if len(before) < 2 or before[-1].lower not in PASSIVE:
            return []
        plural = before[-1].lower == "were"
        head = before[:-1]
        while head and head[-1].lower in ("has", "had", "have"):
            head = head[:-1]
        if len(head) > 1 and head[-1].lower == "who" and "," in self.text[head[-2].end : head[-1].start]:
            named = self.name_before(head[:-1])  # `Yulia V. Tymoshenko, who was jailed`
            return [named] if named and not plural else []
        if plural:
            return self.coordinated_names(self.clause_subject(head, CLAUSE_WORDS - {"and"}))
        subject = self.clause_subject(head)
        if any(t.start in self.figure_starts for t in self.clause_subject(head, commas=False)):
            return []  # `One suspect, Vinod Mistri, was arrested`: a figure counts the subject already
        if len(subject) == 1 and subject[0].lower in SUBJECT_PRONOUNS:
            return [(subject[0].start, subject[0].end, False)]
        if _described(subject):
            return [(subject[0].start, subject[-1].end, False)]
        named = self.name_run(subject, self.least_words(subject))
        if named and named[1] == subject[-1].end:
            return [named]
        # A description before the name: `The Standard editor Davison Maruziva was arrested` (rules 2.0.3).
        named = self.name_before(subject)
        described = [t for t in subject if named and t.end <= named[0]]
        if named and described and described[-1].text.islower() and not self.ends_phrase(described):
            return [named]
        # The whole subject a name and its apposition: `Abdelmajid Bouchar, a ... suspect, was`.
        named = self.name_run(head, self.least_words(head))
        if named and self.text[named[1] : named[1] + 1] == ",":
            return [named]
        return []

    def clause_subject(self, head: list[Token], openers: set[str] = CLAUSE_WORDS, commas: bool = True) -> list[Token]:
        """The words of `head` after its last comma, semicolon or clause word (`after`, `that`, `where`)."""
        cut = 0
        for i, tok in enumerate(head):
            punctuated = commas and i and re.search(r"[,;:(\u2014]", self.text[head[i - 1].end : tok.start])
            if tok.lower in openers or punctuated:
                cut = i + 1 if tok.lower in openers else i
        return head[cut:]

    def coordinated_names(self, subject: list[Token]) -> list[tuple[int, int, bool]]:
        """`Kadir and Ibrahim`: each name of a subject of names joined by `and` (CNT-1: two people)."""
        text = self.text[subject[0].start : subject[-1].end] if subject else ""
        parts = re.split(r",\s+(?:and\s+)?|\s+and\s+", text)
        if len(parts) < 2:
            return []
        found, offset = [], subject[0].start
        for part in parts:
            at = self.text.index(part, offset)
            words = self.tokens_in(at, at + len(part))
            named = self.name_run(words, self.least_words(words))
            if not named or named[1] != at + len(part):
                return []
            found.append(named)
            offset = at + len(part)
        return found

    def ends_phrase(self, described: list[Token]) -> bool:
        """A description that cannot run on into a name: one with a preposition or a conjunction, or one that
        ends in a determiner (`in the German Foreign Office` is a place, not an apposition)."""
        return any(t.lower in NP_STOPS for t in described) or described[-1].lower in DEFINITE | {"a", "an"}

    def least_words(self, tokens: list[Token]) -> int:
        """How many capitalised words make a name at the start of `tokens`: one when the first is no English
        word (`Moussaoui`) or takes up a name of two words before it, by its first or its last word (`Liu
        Xiaobo ... Liu was detained`, `Yusuf Nur ... Nur was arrested`; rules 2.0.3), else two."""
        if not tokens:
            return 2
        first, word = tokens[0], re.escape(tokens[0].text)
        taken_up = re.search(rf"\b[A-Z][\w\u2019'.-]*\s+{word}\b|\b{word}\s+[A-Z]", self.text[: first.start])
        return 1 if _unknown_word(first) or (first.text[0].isupper() and taken_up) else 2

    def name_before(self, tokens: list[Token]) -> tuple[int, int, bool] | None:
        """The capitalised words that end `tokens`: a name, two words at least unless it is no English word."""
        run: list[Token] = []
        for tok in reversed(tokens):
            if not tok.text[0].isupper() or (run and self.text[tok.end : run[0].start] not in (" ", ". ")):
                break
            run.insert(0, tok)
        return self.name_run(run, self.least_words(run)) if run else None

    def add_person(self, start: int, end: int) -> str:
        key = "ent-" + _slug(self.text[start:end].split()[-1])
        self.entities.setdefault(
            key, {"id": key, "name": self.text[start:end], "type": "person", "wikidata": None, "affiliation": None,
                  "mentions": []},
        )  # fmt: skip
        self.mention(key, start, end)
        return key

    def link_mentions(self) -> None:
        """A definite mention (`the explosion`, `this attack`) of an event of a record type takes up the nearest
        earlier asserted mention of that type: `same_as` (guidelines REL-1), so that the records see one event."""
        for i, ev in enumerate(self.events):
            before = self.tokens_in(max(0, ev["trigger"]["start"] - 25), ev["trigger"]["start"])[-2:]
            if not any(t.lower in DEFINITE for t in before) or not qualifies(ev["type"], self.tax):
                continue
            earlier = [e for e in self.events[:i] if e["type"] == ev["type"] and e["modality"] in ASSERTED]
            if earlier and ev["modality"] in ASSERTED:
                ev["relations"].append({"type": "same_as", "target": earlier[-1]["id"]})

    def link_causes(self) -> None:
        """A death, injury or capture is caused by the event that records count it on (docs/records.md): the
        nearest asserted event of a record type before it in its sentence, else after it there, else the last
        one of the sentence before (guidelines REL-3: `causes` from the attack to the casualty)."""
        causes = [ev for ev in self.events if ev["modality"] in ASSERTED and qualifies(ev["type"], self.tax)]
        for ev in self.events:
            if ev["type"] not in FEEDING:
                continue
            at = ev["trigger"]["start"]
            s_start, s_end = self.sentences.bounds(at)
            before = [c for c in causes if s_start <= c["trigger"]["start"] < at]
            asides = self.relative_clauses(s_start, at)
            said = [c for c in before if not any(a <= c["trigger"]["start"] < b for a, b in asides)]
            before = said or before
            after = [c for c in causes if at < c["trigger"]["start"] < s_end]
            p_start = self.sentences.bounds(max(0, s_start - 2))[0] if s_start > 0 else s_start
            previous = [c for c in causes if p_start <= c["trigger"]["start"] < s_start]
            found = self.named_cause(ev, after) or (before or [])[-1:] or after[:1] or previous[-1:]
            if found:
                found[0]["relations"].append({"type": "causes", "target": ev["id"]})

    def relative_clauses(self, start: int, end: int) -> list[tuple[int, int]]:
        """The relative clauses set off by commas between `start` and `end`: what they name is said in passing,
        and an event the clause names outside them causes first (`The attacks, which involved aerial
        bombardment, left 115 people dead`; rules 2.0.3)."""
        return [m.span() for m in RELATIVE_ASIDE.finditer(self.text, start, end)]

    def named_cause(self, ev: dict[str, Any], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The event that a death, injury or capture names as its cause right after it: `killed in a grenade
        [attack]`, `died in the [bombing]`, `wounded during the [clashes]` (rules 2.0.2)."""
        if not after:
            return []
        between = self.text[ev["trigger"]["end"] : after[0]["trigger"]["start"]]
        return after[:1] if CAUSE_LINK.fullmatch(between) else []

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
        words = list(re.finditer(r"[\w\u2019'-]+", phrase))
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
        mention = self.span(start, end)
        start, end = mention["start"], mention["end"]
        taken = {(m["start"], m["end"]) for e in self.entities.values() for m in e["mentions"]}
        if (start, end) not in taken:
            entity["mentions"].append(mention)
        if len(entity["name"]) < end - start and self.text[start].isupper():
            entity["name"] = self.text[start:end]

    # figures ------------------------------------------------------------------------------------

    def find_figures(self) -> None:
        readings = read_figures(self.text, self.tax)
        self.figure_starts = {reading.start for reading in readings}
        self.governors: dict[int, Token] = {}  # figure start -> the verb whose property it took
        for reading in readings:
            counted = self.counted_noun(reading)
            quote = next(
                (q for q in self.quotes if any(_inside(reading_span(reading), c) for c in q["contents"])), None
            )
            prop = self.figure_property(reading, counted)
            self.figures.append({
                "id": f"fig{len(self.figures) + 1}", "span": self.span(reading.start, reading.end),
                "value": _plain(reading.value), "lower": _plain(reading.lower), "upper": _plain(reading.upper),
                "bound": reading.bound,
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
        after = within(self.tokens, self.starts, reading.end, len(self.text))[:5]
        for tok in after:
            if self.text[reading.end : tok.start].count("\n") or re.search(
                r"[,.;:()]", self.text[reading.end : tok.start]
            ):
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
        s_start, s_end = self.sentences.bounds(reading.start)
        head = self.text[max(s_start, reading.start - 200) : reading.start]
        clause_start = (
            reading.start - len(head) + max((m.end() for m in re.finditer(r"[;,—]|\sbut\s", head)), default=0)
        )
        brk = re.search(r"[;,—]|\s(?:but|and)\s", self.text[reading.end : s_end])
        clause_end = reading.end + brk.start() if brk else s_end
        clause = self.tokens_in(clause_start, clause_end)
        if counted is not None and counted.lemma in WEAPONS:
            total = re.search(r"\bof\s*$", self.text[clause_start : reading.start])  # "18 of 25 drones": 25 launched
            downed = any(
                t.lemma in PROPERTY_CUES["intercepted"] or t.lower in PROPERTY_CUES["intercepted"] for t in clause
            )
            return "intercepted" if downed and not total else "launched"
        if counted is not None and counted.lemma in DELIVERIES:
            return "delivered"
        if counted is not None and counted.lower == "times":
            return "other"  # `detained five times`, `attacked three times`: how often, not how many (rules 2.0.2)
        if self.partitive_whole(reading, s_start):
            return "other"
        if TOLL_OF.search(self.text, max(s_start, reading.start - 60), reading.start):
            return "killed"  # `the death toll at 78 with over 200 injured`: the toll's, not the nearer cue's
        counted_event = next((ev for ev in self.events if counted and ev["trigger"]["start"] == counted.start), None)
        if counted_event is not None:
            # `80 deaths`, `5 fatalities` count the dead, not events (rules 2.0.2); `two explosions` count events
            tolls = {"casualty.death": "killed", "casualty.injury": "wounded"}
            return tolls.get(counted_event["type"], "occurred")
        governed = self.governing_property(reading, counted) or self.companion_property(reading, s_start)
        if governed is not None:
            return governed
        if counted is not None and counted.lemma in PARTIES:
            return "participating"
        skip_until = counted.end if counted is not None else reading.end
        cues = [
            (t.start < reading.start, abs(t.start - reading.start), prop)
            for t in clause
            if not (reading.start <= t.start < skip_until)
            for prop, lemmas in PROPERTY_CUES.items()
            if t.lemma in lemmas or t.lower in lemmas
        ]
        return min(cues)[2] if cues else "other"

    def partitive_whole(self, reading: Reading, s_start: int) -> bool:
        """The figure is the whole a part is taken from, not a count of what happened to it: `three of the four
        pirates were killed` (the three were), `Of the 104 aboard, 46 went down` (rules 2.0.3). A whole that
        takes up a figure stated before (`injuring about forty-six people ... four of the forty-six people`)
        is that group again, read as the figure is read elsewhere."""
        if any(f["value"] == _plain(reading.value) for f in self.figures if reading.value is not None):
            return False
        head = self.text[s_start : reading.start]
        if re.fullmatch(r"\W*of\s+the\s+", head, re.IGNORECASE):
            return True
        part = re.search(r"(\S+)\s+of\s+the\s+$", head)
        return bool(part and self.figures and self.figures[-1]["span"]["end"] == s_start + part.end(1))

    def governing_property(self, reading: Reading, counted: Token | None) -> str | None:
        """The property of the verb the figure is the object of (`arrested two men`) or, when it opens a noun
        phrase that is no preposition's, the subject of (`two men were arrested`, `12 troops have died`); None
        when no such verb of GOVERNING is found (rules 2.0.2)."""
        s_start, s_end = self.sentences.bounds(reading.start)
        before = self.tokens_in(s_start, reading.start)
        verb = before[-1] if before and not self.text[before[-1].end : reading.start].strip() else None
        if verb is not None and verb.lower != verb.lemma and _governed(verb.lemma) is not None:
            self.governors[reading.start] = verb
            return _governed(verb.lemma)
        if before and before[-1].lower in PREPOSITIONS:
            return None
        after = self.tokens_in(counted.end if counted is not None else reading.end, s_end)
        found = self.subject_verb(after[:12])
        if found is None:
            return None
        self.governors[reading.start] = found[1]
        return found[0]

    def companion_property(self, reading: Reading, s_start: int) -> str | None:
        """The property of the verb whose victim the figure goes `along with`: `was abducted today, along with
        his wife, their three children and three locals` (rules 2.0.3)."""
        before = self.tokens_in(s_start, reading.start)
        if before and before[-1].lower in PREPOSITIONS:
            return None  # `abducted along with his colleague by six militiamen`: the doers
        head = self.text[s_start : reading.start]
        along = list(re.finditer(r"\balong\s+with\b", head, re.IGNORECASE))
        if not along or re.search(r"[.;:]", head[along[-1].end() :]):
            return None
        verbs = [t for t in self.tokens_in(s_start, s_start + along[-1].start()) if t.lower != t.lemma]
        verb = next((t for t in reversed(verbs) if _governed(t.lemma)), None)
        if verb is None:
            return None
        self.governors[reading.start] = verb
        return _governed(verb.lemma)

    def subject_verb(self, after: list[Token]) -> tuple[str, Token] | None:
        """The property and the verb of the verb group of a subject followed by `after`: the first auxiliary and
        its participle (`were also taken hostage`), or a verb form of GOVERNING in the past (`died`)."""
        for i, tok in enumerate(after):
            if re.search(r"[;:()\u201c\u201d\"]", self.text[after[i - 1].end : tok.start] if i else ""):
                return None
            if tok.start in self.figure_starts:
                return None  # another figure's noun phrase: the verb is that one's
            if (
                tok.lemma in REPORTING
                and tok.lower != tok.lemma
                and [t.lower for t in after[i + 1 : i + 2]] == ["that"]
            ):
                return "other", tok  # a speaker: `one official said that three were arrested` (rules 2.0.3)
            if tok.lower in AUXILIARIES:
                rest = [t for t in after[i:] if t.lower not in AUXILIARIES and t.lower not in HEDGES]
                if not rest:
                    return None
                verb = rest[0]
                if verb.lemma in ("take", "hold") and len(rest) > 1:
                    tail = rest[2] if rest[1].lower == "into" and len(rest) > 2 else rest[1]
                    return (TAKEN[tail.lower], verb) if tail.lower in TAKEN else None
                found = _governed(verb.lemma) if verb.lower != verb.lemma else None
                return (found, verb) if found else None
            if tok.lower != tok.lemma and tok.lower.endswith("ed") and tok.lower not in HEDGES:
                found = _governed(tok.lemma)  # a verb in the past: its own, or another's (`5 soldiers attacked`)
                if found and self.has_object(tok, after[i + 1 : i + 2]):
                    return "other", tok  # the doer of an active verb: `fifteen gunmen abducted some` (rules 2.0.3)
                return (found, tok) if found else None
        return None

    def has_object(self, verb: Token, following: list[Token]) -> bool:
        """An object opens right after the verb: a determiner, a pronoun or a figure (OBJECT_OPENERS)."""
        if not following or self.text[verb.end : following[0].start].strip():
            return False
        return following[0].lower in OBJECT_OPENERS or following[0].start in self.figure_starts

    def figure_event(self, reading: Reading, counted: Token | None, prop: str) -> str | None:
        """The event whose trigger is the counted noun, else one of the property's kind, else the nearest trigger."""
        s_start, s_end = self.sentences.bounds(reading.start)
        near = [ev for ev in self.events if s_start <= ev["trigger"]["start"] < s_end]
        if not near:
            return None
        governor = self.governors.get(reading.start)
        for ev in near:
            if counted and ev["trigger"]["start"] == counted.start:
                return str(ev["id"])
        for ev in near:  # the verb the figure took its property from, when it is a trigger (`were massacred`)
            if governor is not None and ev["trigger"]["start"] <= governor.start < ev["trigger"]["end"]:
                return str(ev["id"])
        kinds = {"killed": "casualty.death", "wounded": "casualty.injury", "displaced": "humanitarian.displacement",
                 "evacuated": "humanitarian.evacuation", "arrested": "coercion.arrest", "abducted": "coercion.abduction",
                 "delivered": "humanitarian.aid"}  # fmt: skip
        fitting = [ev for ev in near if ev["type"] == kinds.get(prop)]
        pool = fitting or near
        return str(min(pool, key=lambda ev: abs(ev["trigger"]["start"] - reading.start))["id"])


def _governed(lemma: str) -> str | None:
    return next((prop for prop, verbs in GOVERNING.items() if lemma in verbs), None)


def _described(subject: list[Token]) -> bool:
    """A short singular noun phrase opened by `a` or `an`: `a 17-year-old French girl`, not `a man in Kabul`."""
    if not subject or subject[0].lower not in ("a", "an"):
        return False
    return len(subject) <= 6 and not {t.lower for t in subject} & NP_STOPS


def _unknown_word(tok: Token) -> bool:
    """A capitalised word that is no English word (`Moussaoui`, not `Yesterday`): alone, it is a name."""
    return tok.text[0].isupper() and not simplemma.is_known(tok.lower, lang="en")


def reading_span(reading: Reading) -> dict[str, int]:
    return {"start": reading.start, "end": reading.end}


def _inside(inner: Mapping[str, Any], outer: Mapping[str, Any]) -> bool:
    return bool(outer["start"] <= inner["start"] and inner["end"] <= outer["end"])


def _name_runs(phrase: str) -> list[tuple[int, int]]:
    """Runs of capitalised words (a name), outside parentheses."""
    runs = []
    for m in re.finditer(r"(?<![(\w])[A-Z][\w\u2019'.-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\w\u2019'.-]*)*", phrase):
        text = m.group().removesuffix("\u2019s").removesuffix("'s")
        runs.append((m.start(), m.start() + len(text)))
    return runs


def _slug(word: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", word.lower().removesuffix("\u2019s").removesuffix("'s")).strip("-") or "x"


def _entity_type(phrase: str, name_words: int) -> str:
    words = {w.lower() for w in re.findall(r"[\w\u2019'-]+", phrase)}
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


def preannotate(
    doc_id: str, text: str, taxonomy: Taxonomy, extractor: Extractor = extract, name: str = RULES
) -> dict[str, Any]:
    """A prediction-kind annotation of `text` by `extractor`, with the document's ids and provenance filled in."""
    result = dict(extractor(text, taxonomy))
    provenance = {"kind": "prediction", "annotators": [f"{name} (conflict-news {__version__})"],
                  "guidelines": guidelines_version()}  # fmt: skip
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
    if out.suffix != ".json" and os.path.lexists(out) and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder; give a folder, or a .json file for one document")
    if out.suffix == ".json" and out.is_dir():
        raise UsageError(f"--out {out} is a folder, not a .json file")
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
        except Exception as exc:
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


def write_predictions(out: Path, results: dict[Path, dict[str, Any]]) -> None:
    """Write what preannotate_corpus returned, all files or none: one transaction in the folder they go to
    (`out`, or the folder of a .json `out`), under its write lock, so that a killed run leaves nothing
    half-written and the next run (or `conflict-news recover DIR`) cleans up after it.

    Never replaces a file: UsageError naming those that exist.
    """
    base = out.parent if out.suffix == ".json" else out
    created = not os.path.lexists(base)
    with writing(str(base)):
        base.mkdir(parents=True, exist_ok=True)
    try:
        with locked(base), Transaction(base) as txn:
            existing = [str(path) for path in results if os.path.lexists(path)]
            if existing:
                raise UsageError(f"refusing to replace {', '.join(existing)}: preannotate never replaces a file")
            for path, ann in results.items():
                txn.add_file(path, dump_json(ann))
            txn.commit()
    except (CorpusError, UsageError):
        if created:  # refused before its commit point: not even the folder is left
            with contextlib.suppress(OSError):
                base.rmdir()
        raise


def _plain(number: float | None) -> float | int | None:
    """A whole number as an int: files write 626, not 626.0, as annotators do and as a release reads back."""
    return int(number) if isinstance(number, float) and number.is_integer() else number


def preannotate_into_root(
    root: Path, doc_ids: list[str] | None, extractor: str | None = None
) -> tuple[list[str], list[str]]:
    """Pre-annotate documents of `root` and store the predictions as their annotation files: (ids written,
    ids left alone because they have gold).

    Only a `pending` annotation or an earlier `prediction` is replaced. A document with gold is left alone
    when no ids were named (the whole corpus); naming one is refused (ls-gold-protected) and nothing is
    written. All files are written together under the root's lock.
    """
    results = preannotate_corpus(root, doc_ids, root / "annotations", extractor)
    written, kept = [], []
    with locked(root), Transaction(root) as txn:  # gold is looked for under the lock that the write holds
        issues = []
        for target, ann in results.items():
            current = read_document(root, ann["doc_id"]).annotation
            kind = current.get("provenance", {}).get("kind") if isinstance(current, dict) else None
            if kind == "gold" and doc_ids is None:
                kept.append(ann["doc_id"])
                continue
            if kind == "gold":
                issues.append(Issue(code="ls-gold-protected", file=annotation_name(ann["doc_id"]),
                                    path="$.provenance.kind", ann_id=ann["doc_id"],
                                    message="has gold; predictions never replace it"))  # fmt: skip
            txn.add_file(target, dump_json(ann), replace=True)
            written.append(ann["doc_id"])
        if issues:
            raise CorpusError(issues)
        txn.commit()
    return written, kept
