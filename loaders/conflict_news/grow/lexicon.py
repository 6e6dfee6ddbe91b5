"""Words of a text and their lemmas, and the taxonomy's trigger lexicon matched on them.

Lemmas come from simplemma (its English dictionary ships inside the package, so nothing is fetched at
run time) and are then brought to one spelling, so that British and American forms meet
("mobilised" -> "mobilise" -> "mobilize", "defence" -> "defense"). A lexicon entry in dictionary form
matches every inflection of the word ("shell": shelled, shells, shelling); an inflected entry matches
only that form ("talks", not "talked"): inflections that change the meaning are written out.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

import simplemma

from ..core.taxonomy import Taxonomy

# Fixed phrases whose first word would otherwise match an entry ("according" is a form of "accord").
STOP_PHRASES = (("according", "to"),)
DETERMINERS = {"the", "a", "an", "their", "his", "her", "its", "our", "some", "many", "all", "these", "those"}
# Nouns after which "aid" only classifies the thing delivered or the people delivering it (guidelines §6.2).
AID_HEADS = {
    "truck",
    "convoy",
    "delivery",
    "shipment",
    "worker",
    "group",
    "agency",
    "official",
    "organization",
    "flight",
}
_WORD = re.compile(r"[^\W_]+(?:[\u2019'-][^\W_]+)*")
# British endings and their American counterparts, tried longest first; a variant is taken only when
# simplemma knows it, so "prise" or "hour" are left alone.
_SPELLINGS = (("isation", "ization"), ("ise", "ize"), ("yse", "yze"), ("ence", "ense"), ("our", "or"), ("tre", "ter"))


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    lower: str
    lemma: str


@cache
def american(word: str) -> str:
    """The American spelling of a British one, when the dictionary knows it; else the word."""
    for british, us in _SPELLINGS:
        if word.endswith(british) and len(word) > len(british) + 2:
            variant = word[: -len(british)] + us
            if simplemma.is_known(variant, lang="en"):
                return variant
    return word


@cache
def lemma(word: str) -> str:
    """The dictionary form of a lower-case word, in American spelling."""
    return american(simplemma.lemmatize(word, lang="en").lower())


def tokenize(text: str) -> list[Token]:
    tokens = []
    for m in _WORD.finditer(text):
        word = m.group()
        lower = word.lower().replace("\u2019", "'")
        tokens.append(Token(m.start(), m.end(), word, lower, lemma(lower)))
    return tokens


def within(tokens: list[Token], starts: list[int], start: int, end: int) -> list[Token]:
    """The tokens lying inside [start, end), found by bisection on `starts` (their start offsets, in order)."""
    i = bisect.bisect_left(starts, start)
    found = []
    while i < len(tokens) and tokens[i].end <= end:
        found.append(tokens[i])
        i += 1
    return found


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry: per word, the lemma to match (or the exact form), and which words are the trigger."""

    words: tuple[tuple[str, bool], ...]  # (form, match by lemma)
    trigger: tuple[int, int]  # word indices [first, last) of the trigger
    event_type: str
    size: int  # characters of the entry as written: the longer of two entries of as many words wins

    def matches(self, tokens: list[Token], i: int, text: str) -> bool:
        if i + len(self.words) > len(tokens):
            return False
        for k, (form, by_lemma) in enumerate(self.words):
            tok = tokens[i + k]
            if k and text[tokens[i + k - 1].end : tok.start].strip(" -"):
                return False  # the words of an entry are adjacent, separated by spaces or a hyphen only
            if (tok.lemma if by_lemma else american(tok.lower)) != form:
                return False
        return True


def compile_entry(entry: str, event_type: str) -> Entry:
    """`prisoner [swap]` -> words (prisoner, swap) with the trigger on the second."""
    bracketed = entry if "[" in entry else f"[{entry}]"
    before, rest = bracketed.split("[", 1)
    inside, after = rest.split("]", 1)
    parts = [_WORD.findall(part.replace("\u2019", "'")) for part in (before, inside, after)]
    words = []
    for word in (w.lower() for part in parts for w in part):
        base = lemma(word)
        words.append((base, True) if base == american(word) else (american(word), False))
    first = len(parts[0])
    return Entry(tuple(words), (first, first + len(parts[1])), event_type, len(entry))


def compile_lexicon(taxonomy: Taxonomy) -> dict[str, tuple[Entry, ...]]:
    """Every trigger entry of the taxonomy by the form of its first word, longest first."""
    return _compile(tuple((t.name, t.triggers) for t in taxonomy.event_types.values()))


@cache
def _compile(triggers: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, tuple[Entry, ...]]:
    by_first: dict[str, list[Entry]] = {}
    for name, listed in triggers:
        for written in listed:
            entry = compile_entry(written, name)
            by_first.setdefault(entry.words[0][0], []).append(entry)
    return {first: tuple(found) for first, found in by_first.items()}


def is_modifier(text: str, tokens: list[Token], i: int) -> bool:
    """A word that only describes the noun after it: `115 captured fighters`, `the released soldiers`, `aid trucks`."""
    if i + 1 >= len(tokens) or text[tokens[i].end : tokens[i + 1].start] != " ":
        return False
    tok, head = tokens[i], tokens[i + 1]
    if tok.lower == "aid":
        return head.lemma in AID_HEADS
    before = tokens[i - 1] if i else None
    participle = tok.lower.endswith("ed") and head.text.islower() and head.lower != head.lemma
    return participle and before is not None and (before.lower in DETERMINERS or before.lower[0].isdigit())


def find_triggers(text: str, tokens: list[Token], taxonomy: Taxonomy) -> list[tuple[int, int, str]]:
    """(start, end, event type) of every lexicon match; longer entries win, triggers never overlap."""
    by_first = compile_lexicon(taxonomy)
    taken = [False] * len(tokens)
    for i in range(len(tokens) - 1):
        if (tokens[i].lower, tokens[i + 1].lower) in STOP_PHRASES:
            taken[i] = taken[i + 1] = True
    found: list[tuple[int, int, str]] = []
    candidates = []
    for i, tok in enumerate(tokens):
        for entry in {*by_first.get(tok.lemma, ()), *by_first.get(american(tok.lower), ())}:
            if entry.matches(tokens, i, text):
                candidates.append((-len(entry.words), -entry.size, i, entry.event_type, entry))
    for *_, i, _, entry in sorted(candidates, key=lambda c: c[:4]):
        span = range(i + entry.trigger[0], i + entry.trigger[1])
        if any(taken[k] for k in span) or (len(span) == 1 and is_modifier(text, tokens, span[0])):
            continue
        for k in span:
            taken[k] = True
        found.append((tokens[span[0]].start, tokens[span[-1]].end, entry.event_type))
    return sorted(found)
