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
# The validator's digits: also South Asian grouping, lakhs and crores ("5,00,000" is 500 000), and "trillion".
_DIGITS_WIDE = re.compile(
    _DIGITS.pattern.replace(
        "(\\d{1,3}(?:,\\d{3})+", "(\\d{1,2}(?:,\\d\\d)+,\\d{3}(?:\\.\\d+)?|\\d{1,3}(?:,\\d{3})+", 1
    ).replace("|billion)", "|billion|trillion)")
)
_GROUPING = str.maketrans("", "", ",\u00a0\u202f\u2009")
_WORD = re.compile(r"[a-z]+")
_FILLERS = {"and", "a", "an"}
# Quantifiers that make a following "hundred", "thousand" or "dozen" vague ("several hundred", "a few
# dozen"): no number is stated, and the figure's bounds come from the taxonomy's vague numerals.
_VAGUE = {"several", "multiple", "few", "many"}


# The validator's readings beyond the pre-annotator's (guidelines FIG-2, FIG-3): "a couple" is 2 as "a dozen" is
# 12, "trillion" is a scale word, and a fraction divides the number before it ("two thirds", "a quarter of a
# million", "one and two thirds").
_MORE_SCALES = {"couple": 2, "trillion": 1_000_000_000_000}
_DENOMINATORS = {"third": 3, "thirds": 3, "quarter": 4, "quarters": 4}


def _words_to_numbers(words: list[str], extended: bool = False) -> list[float]:
    """Numbers written in words; a gap of non-number words separates two numbers. `extended`: the validator's
    further readings (_MORE_SCALES, _DENOMINATORS)."""
    numbers: list[float] = []
    total = current = last = 0.0
    seen = fraction = False
    vague = False  # after a vague quantifier, until a word that is no scale
    scales = {**_SCALES, **_MORE_SCALES} if extended else _SCALES
    padded = [*words, "", ""]
    for i, word in enumerate(padded[:-1]):
        if extended and word == "and" and seen and padded[i - 1] in _UNITS and _starts_number(padded[i + 1 :]):
            # "nine and eleven" is two numbers (a range), where "one hundred and five" and "one and two
            # thirds" are one: after a unit, "and" joins only a fraction
            numbers.append(total + current)
            total = current = 0.0
            seen = False
            continue
        if not seen and vague and word in scales:
            continue
        vague = word in _VAGUE
        if extended and word in _DENOMINATORS:
            # the unit before it is the numerator ("two thirds"); none, as in "a quarter", is one
            numerator = last if seen else 1.0
            current = current - (numerator if seen else 0.0) + numerator / _DENOMINATORS[word]
            seen = fraction = True
            continue
        if fraction and word == "of":  # "a quarter of a million"
            continue
        fraction = False
        if word in _UNITS:
            current += _UNITS[word]
            last = _UNITS[word]
            seen = True
        elif word in scales and seen:
            scale = scales[word]
            total, current = (total + current * scale, 0.0) if scale >= 1000 else (total, current * scale)
        elif word in scales:
            current, seen = float(scales[word]), True
        elif word in _FILLERS and seen:
            continue
        else:
            if seen:
                numbers.append(total + current)
            total = current = 0.0
            seen = False
    return numbers


def _starts_number(words: list[str]) -> bool:
    """The words start a whole number of their own: a unit not followed by a fraction's denominator."""
    return words[0] in _UNITS and words[0] != "half" and words[1] not in _DENOMINATORS


def read_numbers(surface: str, extended: bool = False) -> list[float]:
    """Every number stated in `surface`, in order, whether in digits or in words (`extended`: the validator's
    readings, _words_to_numbers)."""
    lowered = surface.lower().replace("\u2013", "-").replace("\u2014", "-")
    numbers: list[float] = []
    digits_pattern, scales = (_DIGITS_WIDE, {**_SCALES, **_MORE_SCALES}) if extended else (_DIGITS, _SCALES)
    for match in digits_pattern.finditer(lowered):
        digits, scale = match.groups()
        numbers.append(float(digits.translate(_GROUPING)) * (scales[scale] if scale else 1))
    words = _WORD.findall(digits_pattern.sub(" ", lowered))
    return numbers + _words_to_numbers(words, extended)


# A range whose scale word is written once, after the second number ("between 3.3 and 4.6 million").
_SHARED_SCALE = re.compile(r"(\d[\d.,]*)\s*(?:-|to|and)\s*(\d[\d.,]*)\s+(hundred|thousand|million|billion)\b")


# A sum of money with its scale abbreviated ("£2m", "$1.5bn", "€300k"); only after a currency sign, where "m"
# cannot be metres.
_MONEY_SCALE = re.compile(r"([£$€¥]\s?\d[\d.,]*)\s?(bn|mn|m|k)\b", flags=re.IGNORECASE)
_ABBREVIATED = {"bn": "billion", "mn": "million", "m": "million", "k": "thousand"}


def stated_numbers(surface: str) -> list[float]:
    """read_numbers, with a range's one scale word applying to both of its numbers (guidelines FIG-2, FIG-3:
    "between 3.3 and 4.6 million" is 3 300 000 to 4 600 000), a sum of money's abbreviated scale read
    ("£2m" is 2 000 000), and fractions, "a couple" and "trillion" read (_words_to_numbers)."""
    surface = _MONEY_SCALE.sub(lambda m: f"{m.group(1)} {_ABBREVIATED[m.group(2).lower()]}", surface)
    numbers = read_numbers(surface, extended=True)
    shared = _SHARED_SCALE.search(surface.lower().replace("\u2013", "-").replace("\u2014", "-"))
    if shared is None or len(numbers) != 2:
        return numbers
    scale = _SCALES[shared.group(3)]
    first = float(shared.group(1).translate(_GROUPING))
    return [first * scale, numbers[1]] if numbers[0] == first and first * scale <= numbers[1] else numbers


def split_scale(words: str) -> tuple[str, int]:
    """The words before trailing scale words, and the scales' product: "several hundred thousand" -> ("several",
    100 000), for a vague numeral's bounds."""
    head, factor = words.split(), 1
    while len(head) > 1 and head[-1] in _SCALES:
        factor *= _SCALES[head.pop()]
    return " ".join(head), factor


# A number then a conversion in brackets, the scale word written once after both: "US$ 4 (€2.6) million".
_BEFORE_BRACKET = re.compile(r"\s*\([^()]*\d[^()]*\)\s*(hundred|thousand|million|billion)\b")
_IN_BRACKET = re.compile(r"[^()\d]*\)\s*(hundred|thousand|million|billion)\b")
_BRACKET_OPENS = re.compile(r"\d\s*\([^()\d]*$")


def bracketed_scale(text: str, start: int, end: int) -> float:
    """The scale a number in digits at text[start:end] shares with a bracketed conversion (1 if none): the number
    before the brackets, or the one inside them."""
    if not text[start:end].replace(",", "").replace(".", "").isdigit():
        return 1.0
    after = _BEFORE_BRACKET.match(text, end) or (
        _BRACKET_OPENS.search(text[max(0, start - 12) : start]) and _IN_BRACKET.match(text, end)
    )
    return float(_SCALES[after.group(1)]) if after else 1.0
