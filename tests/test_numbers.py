from __future__ import annotations

import pytest

from conflict_news.core.numbers import bracketed_scale, read_numbers, split_scale, stated_numbers


@pytest.mark.parametrize(
    ("surface", "numbers"),
    [
        ("270", [270]),
        ("1,000", [1000]),
        ("2.5", [2.5]),
        ("1.5 million", [1_500_000]),
        ("1.2\u00a0million", [1_200_000]),
        ("310\u00a0000", [310_000]),
        ("12\u202f500", [12_500]),
        ("12 000", [12, 0]),
        ("40 percent", [40]),
        ("more than 30", [30]),
        ("ten", [10]),
        ("twenty-five", [25]),
        ("one hundred and five", [105]),
        ("three thousand five hundred", [3500]),
        ("hundred", [100]),
        ("a dozen", [12]),
        ("once", [1]),
        ("twice", [2]),
        ("two dozen", [24]),
        ("half a dozen", [6]),
        ("a score", [20]),
        ("three score", [60]),
        ("scores", []),
        ("half a million", [500_000]),
        ("one and a half million", [1_500_000]),
        ("three times", [3]),
        ("between 10 and 20", [10, 20]),
        ("10\u201320", [10, 20]),
        ("five to six", [5, 6]),
        ("dozens", []),
        ("multiple", []),
    ],
)
def test_read_numbers(surface: str, numbers: list[float]) -> None:
    assert read_numbers(surface) == numbers


@pytest.mark.parametrize(
    ("surface", "numbers"),
    [
        ("between 3.3 and 4.6 million", [3_300_000, 4_600_000]),  # FIG-2, FIG-3: one scale word for the range
        ("3\u20135 million", [3_000_000, 5_000_000]),
        ("2 million to 3 million", [2_000_000, 3_000_000]),
        ("between 10 and 20", [10, 20]),
        ("5 and 2 million", [5, 2_000_000]),  # a scale the first number would overshoot is not shared
        ("1.5 million", [1_500_000]),
    ],
)
def test_the_validator_reads_a_ranges_one_scale_word_for_both_numbers(surface: str, numbers: list[float]) -> None:
    assert stated_numbers(surface) == numbers


@pytest.mark.parametrize(
    ("surface", "numbers"),
    [
        ("Over £2m", [2_000_000]),
        ("£26m", [26_000_000]),
        ("$1.5bn", [1_500_000_000]),
        ("€300k", [300_000]),
        ("£ 4 mn", [4_000_000]),
        ("a 5m wall", [5]),  # no currency sign: metres, not millions
    ],
)
def test_the_validator_reads_a_sum_of_moneys_abbreviated_scale(surface: str, numbers: list[float]) -> None:
    assert stated_numbers(surface) == numbers


def test_the_pre_annotators_reading_is_frozen() -> None:
    """The pre-annotator reads with read_numbers, frozen with its rules: the shared scale is the validator's only."""
    assert read_numbers("between 3.3 and 4.6 million") == [3.3, 4_600_000]
    assert read_numbers("£2m") == [2]


@pytest.mark.parametrize(
    ("surface", "numbers"),
    [
        ("a couple", [2]),  # FIG-2: read as "a dozen" is
        ("about a quarter", [0.25]),
        ("at least one third", [1 / 3]),
        ("two thirds", [2 / 3]),
        ("More than a quarter of a million", [250_000]),
        ("three quarters of a million", [750_000]),
        ("5,00,000", [500_000]),  # South Asian grouping: five lakh
        ("1,20,00,000", [12_000_000]),  # one crore twenty lakh
        ("1,000,000", [1_000_000]),
        ("1 trillion", [1_000_000_000_000]),
        ("two trillion", [2_000_000_000_000]),
        ("between nine and eleven", [9, 11]),  # after a unit, "and" joins only a fraction: two numbers
        ("one hundred and five", [105]),
        ("one and a half million", [1_500_000]),
    ],
)
def test_the_validator_reads_fractions_and_a_couple(surface: str, numbers: list[float]) -> None:
    assert stated_numbers(surface) == pytest.approx(numbers)


def test_one_and_two_thirds_is_a_mixed_number_not_three() -> None:
    assert stated_numbers("one and two thirds") == pytest.approx([5 / 3])
    assert read_numbers("one and two thirds") == [3]  # the frozen reading
    assert read_numbers("1 trillion") == [1]
    assert read_numbers("5,00,000") == [5, 0]


@pytest.mark.parametrize(
    ("words", "head", "factor"),
    [
        ("several hundred", "several", 100),
        ("several hundred thousand", "several", 100_000),
        ("several", "several", 1),
        ("thousand", "thousand", 1),  # a scale word alone is a number, not a vague numeral's scale
    ],
)
def test_a_vague_numerals_scale_words_multiply_its_bounds(words: str, head: str, factor: float) -> None:
    assert split_scale(words) == (head, factor)


@pytest.mark.parametrize(
    ("text", "number", "scale"),
    [
        ("demanding US$ 4 (€2.6) million in ransom", "4", 1_000_000),
        ("demanding US$ 4 (€2.6) million in ransom", "2.6", 1_000_000),
        ("killed 4 (four) people", "4", 1),  # no scale word after the brackets
        ("in 2004 (a year later) thousands", "2004", 1),  # a scale word not right after the brackets
        ("Flight 370 (the 2014 one) million", "the", 1),  # not digits
    ],
)
def test_a_conversion_in_brackets_shares_the_scale_word_after_it(text: str, number: str, scale: float) -> None:
    start = text.index(number)
    assert bracketed_scale(text, start, start + len(number)) == scale
