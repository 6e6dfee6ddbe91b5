"""Figures: numbers in digits and words, ranges, percentages and vague numerals, with their bounds.

What counts as a figure follows annotations/GUIDELINES.md §5 and §6.11: numbers inside time
expressions (dates, years, clock times, durations) and identifiers are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.numbers import read_numbers
from ..core.taxonomy import Taxonomy

APPROX_CUES = {
    "more than": "more_than", "at least": "at_least", "about": "approximate",
    "around": "approximate", "nearly": "approximate", "almost": "approximate", "approximately": "approximate",
    "roughly": "approximate", "some": "approximate", "an estimated": "approximate", "up to": "at_most",
    "at most": "at_most", "no more than": "at_most", "fewer than": "less_than", "less than": "less_than",
}  # fmt: skip
NUMBER_WORDS = [
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
    "eighty", "ninety", "hundred", "thousand", "million", "billion",
]  # fmt: skip
TIME_UNITS = r"(?:second|minute|hour|day|night|week|month|year|decade|centur)"
MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
IDENTIFIER_WORDS = {"article", "resolution", "no", "number", "chapter", "section", "page", "paragraph", "route", "unit"}

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDS = "|".join(NUMBER_WORDS)
# "one" counts (guidelines FIG-1, CNT-1: `one suspect`, `one of the victims`), except as a pronoun or
# determiner (`no one`, `the one`, `one another`): ONE_NOT (rules 2.0.1, from train documents).
_FIRST_WORD = rf"(?:{_WORDS}|one)"
ONE_NOT_BEFORE = ("no", "any", "every", "each", "the", "that", "this", "which", "someone", "anyone")
ONE_NOT_AFTER = ("another", "day", "side", "way", "hand")
# `a hundred`, `a thousand` are numbers as `one hundred` is (`at least a hundred people`; rules 2.0.3).
_NUMBER = (
    rf"(?:{_DIGITS})(?:[\s\u00a0]+(?:million|billion|thousand))?|{_FIRST_WORD}(?:[\s-]+(?:{_WORDS}|and))*(?<!and)"
    r"|a\s+(?:hundred|thousand|million|billion)\b|a dozen"
)
_PERCENT = r"(?:\s?%|[\s\u00a0]+per\s?cent\b|[\s\u00a0]+percent\b)"


@dataclass(frozen=True, slots=True)
class Reading:
    start: int
    end: int
    value: float | None
    lower: float | None
    upper: float | None
    bound: str
    cue: tuple[int, int] | None
    percent: bool


def figure_pattern(taxonomy: Taxonomy) -> re.Pattern[str]:
    cues = "|".join(sorted(APPROX_CUES, key=len, reverse=True))
    vague = "|".join(sorted(map(re.escape, taxonomy.vague_numerals), key=len, reverse=True))
    return re.compile(
        rf"(?<![\w.,:-])(?:(?P<range>between\s+(?:{_NUMBER})\s+and\s+(?:{_NUMBER})|(?:{_DIGITS})\s*(?:-|\u2013|to)\s*(?:{_DIGITS})"
        rf"|(?:{_WORDS})\s+to\s+(?:{_WORDS}))|(?:(?P<cue>{cues})\s+)?(?P<number>{_NUMBER})|(?P<vague>{vague}))"
        rf"(?P<percent>{_PERCENT})?(?![\w-])",
        re.IGNORECASE,
    )


def _is_time_or_identifier(text: str, start: int, end: int) -> bool:
    after = text[end : end + 14].lower()
    before = text[max(0, start - 12) : start]
    if re.match(rf"(?:-|\s)+(?:{TIME_UNITS})", after) or re.match(r"\s*(?:[ap]\.m\.|gmt|utc|o'clock|h\b)", after):
        return True
    if re.search(rf"\b{MONTHS}\s*$", before) or re.match(rf"\s+{MONTHS}(?!\w)", text[end : end + 12]):
        return True
    if re.search(r"\b(?:after|before|until|till|at)\s+$", before) and (read_numbers(text[start:end]) or [99])[0] <= 24:
        return not re.match(r"\s+(?:[a-z]+s\b|people|men|women|children|percent|per cent|%)", after)  # "after ten"
    if re.fullmatch(r"(?:1[89]|20)\d\d", text[start:end]):
        return True  # a year
    if re.fullmatch(r"\d\d", text[start:end]) and text[start - 1 : start] in ("'", "\u2019"):
        return True  # a year's last two digits (`Charter '08`; rules 2.0.2)
    previous = re.findall(r"[\w.]+", before.lower())
    return bool(previous) and previous[-1].rstrip(".") in IDENTIFIER_WORDS


_SCALE_AFTER = re.compile(r"[\s\u00a0]+(?:hundred|thousand|million|billion|dozen)\b", re.IGNORECASE)
_QUANTIFIER_BEFORE = re.compile(r"\b(?:several|multiple|few|many)[\s\u00a0]+$", re.IGNORECASE)


def _vague_scale(text: str, m: re.Match[str]) -> bool:
    """`several hundred`, `a few thousand`: neither the quantifier alone (3) nor the scale alone (100) is the
    figure, and the taxonomy gives such a phrase no bounds (core.numbers reads no number in it): no reading."""
    if m.group("vague"):
        return bool(_SCALE_AFTER.match(text, m.end("vague")))
    number = m.group("number")
    return (number is not None and number.lower() in ("hundred", "thousand", "million", "billion", "dozen")
            and bool(_QUANTIFIER_BEFORE.search(text, 0, m.start("number"))))  # fmt: skip


def _pronoun_one(text: str, m: re.Match[str]) -> bool:
    """A bare `one` used as a pronoun or determiner, not a count (ONE_NOT_BEFORE, ONE_NOT_AFTER)."""
    if (m.group("number") or "").lower() != "one" or m.group("cue"):
        return False
    before = re.findall(r"[\w']+", text[max(0, m.start() - 12) : m.start()].lower())
    after = re.findall(r"[\w']+", text[m.end() : m.end() + 12].lower())
    return bool(before and before[-1] in ONE_NOT_BEFORE) or bool(after and after[0] in ONE_NOT_AFTER)


def _update(text: str, m: re.Match[str]) -> list[Reading]:
    """`revised from seven to eight`: a count that changed, two figures (the earlier one and the new one), not a
    range of one uncertain count (rules 2.0.3)."""
    if not re.search(r"\bfrom\s+$", text[max(0, m.start() - 6) : m.start()], re.IGNORECASE):
        return []
    parts = re.fullmatch(r"(.+?)\s+to\s+(.+)", m.group("range"), re.IGNORECASE)
    if parts is None:
        return []
    readings = []
    for k in (1, 2):
        value = read_numbers(parts.group(k))[0]
        start, end = m.start() + parts.start(k), m.start() + parts.end(k)
        readings.append(Reading(start, end, value, value, value, "exact", None, bool(m.group("percent"))))
    return readings


def read_figures(text: str, taxonomy: Taxonomy) -> list[Reading]:
    """Every figure of the text, in order, read into value, bounds and bound type."""
    found = []
    for m in figure_pattern(taxonomy).finditer(text):
        number_span = m.span("number") if m.group("number") else m.span()
        if _is_time_or_identifier(text, *number_span) or _vague_scale(text, m):
            continue
        end = m.end()
        percent = bool(m.group("percent"))
        if m.group("vague"):
            vague = taxonomy.vague_numerals[m.group("vague").lower()]
            found.append(Reading(m.start(), end, None, vague.lower, vague.upper, vague.bound, m.span("vague"), percent))
            continue
        numbers = read_numbers(m.group("range") or m.group("number"))
        if m.group("range"):
            update = _update(text, m)
            if update:
                found.extend(update)
                continue
            low, high = min(numbers), max(numbers)
            if low < high:
                found.append(Reading(m.start(), end, None, low, high, "range", None, percent))
            continue
        if len(numbers) != 1 or _pronoun_one(text, m):
            continue
        value = numbers[0]
        if m.group("number").lower() == "a dozen":
            found.append(Reading(m.start(), end, value, None, None, "approximate", m.span("number"), percent))
            continue
        cue = m.group("cue")
        if cue is None:
            found.append(Reading(m.start(), end, value, value, value, "exact", None, percent))
            continue
        bound = APPROX_CUES[re.sub(r"\s+", " ", cue.lower())]
        lower = value if bound in ("more_than", "at_least") else None
        upper = value if bound in ("at_most", "less_than") else None
        found.append(Reading(m.start(), end, value, lower, upper, bound, m.span("cue"), percent))
    return found
