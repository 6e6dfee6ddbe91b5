"""Reading the number a figure's surface text states: "1,000" -> 1000, "ten" -> 10, "10-20" -> (10, 20).

read_numbers is what the pre-annotator reads (frozen with its rules); stated_numbers is what the validator
accepts, the same reading plus the guidelines' readings the pre-annotator does not make.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    # a half counts with the scale after it ("half a million", "one and a half million", "half a dozen")
    "half": 0.5,
    # counts of occurrences are figures too (guidelines FIG-1: "shelled twice" -> 2)
    "once": 1, "twice": 2, "thrice": 3,
}  # fmt: skip
# "dozen" and "score" multiply like "hundred" ("two dozen" = 24; "a dozen" = 12; "a score" = 20, "three score" = 60)
_SCALES = {"dozen": 12, "score": 20, "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Thousands are grouped by commas or, in SI style, by a no-break, narrow no-break or thin space (never a plain
# space, which separates two numbers: "between 12 000" is not written).
_DIGITS = re.compile(
    r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s+(hundred|thousand|million|billion)\b)?"
)
_GROUPING = str.maketrans("", "", ",\u00a0\u202f\u2009")
_WORD = re.compile(r"[a-z]+")
_FILLERS = {"and", "a", "an"}
# Quantifiers that make a following "hundred", "thousand" or "dozen" vague ("several hundred", "a few
# dozen"): no number is stated, and the figure's bounds come from the taxonomy's vague numerals.
_VAGUE = {"several", "multiple", "few", "many"}


def _words_to_numbers(words: list[str]) -> list[float]:
    """Numbers written in words; a gap of non-number words separates two numbers."""
    numbers: list[float] = []
    total = current = 0.0
    seen = False
    vague = False  # after a vague quantifier, until a word that is no scale
    for word in [*words, ""]:
        if not seen and vague and word in _SCALES:
            continue
        vague = word in _VAGUE
        if word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _SCALES and seen:
            scale = _SCALES[word]
            total, current = (total + current * scale, 0.0) if scale >= 1000 else (total, current * scale)
        elif word in _SCALES:
            current, seen = float(_SCALES[word]), True
        elif word in _FILLERS and seen:
            continue
        else:
            if seen:
                numbers.append(total + current)
            total = current = 0.0
            seen = False
    return numbers


def read_numbers(surface: str) -> list[float]:
    """Every number stated in `surface`, in order, whether in digits or in words."""
    lowered = surface.lower().replace("\u2013", "-").replace("\u2014", "-")
    numbers: list[float] = []
    for match in _DIGITS.finditer(lowered):
        digits, scale = match.groups()
        numbers.append(float(digits.translate(_GROUPING)) * (_SCALES[scale] if scale else 1))
    words = _WORD.findall(_DIGITS.sub(" ", lowered))
    return numbers + _words_to_numbers(words)


# A range whose scale word is written once, after the second number ("between 3.3 and 4.6 million").
_SHARED_SCALE = re.compile(r"(\d[\d.,]*)\s*(?:-|to|and)\s*(\d[\d.,]*)\s+(hundred|thousand|million|billion)\b")


# A sum of money with its scale abbreviated ("£2m", "$1.5bn", "€300k"); only after a currency sign, where "m"
# cannot be metres.
_MONEY_SCALE = re.compile(r"([£$€¥]\s?\d[\d.,]*)\s?(bn|mn|m|k)\b", flags=re.IGNORECASE)
_ABBREVIATED = {"bn": "billion", "mn": "million", "m": "million", "k": "thousand"}


def stated_numbers(surface: str) -> list[float]:
    """read_numbers, with a range's one scale word applying to both of its numbers (guidelines FIG-2, FIG-3:
    "between 3.3 and 4.6 million" is 3 300 000 to 4 600 000) and a sum of money's abbreviated scale read
    ("£2m" is 2 000 000)."""
    surface = _MONEY_SCALE.sub(lambda m: f"{m.group(1)} {_ABBREVIATED[m.group(2).lower()]}", surface)
    numbers = read_numbers(surface)
    shared = _SHARED_SCALE.search(surface.lower().replace("\u2013", "-").replace("\u2014", "-"))
    if shared is None or len(numbers) != 2:
        return numbers
    scale = _SCALES[shared.group(3)]
    first = float(shared.group(1).translate(_GROUPING))
    return [first * scale, numbers[1]] if numbers[0] == first and first * scale <= numbers[1] else numbers
