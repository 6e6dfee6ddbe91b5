from __future__ import annotations

import pytest

from conflict_news.core.numbers import read_numbers


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
