from __future__ import annotations

import pytest

from conflict_news.core.numbers import read_numbers, stated_numbers


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
