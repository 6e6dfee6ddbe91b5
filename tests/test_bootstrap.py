"""The percentile bootstrap over documents: percentiles, resampling, undefined resamples, reproducibility."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import pytest

from conflict_news.core.bootstrap import Interval, bootstrap, percentile, resample_weights


def _f1(c: Mapping[Hashable, float]) -> float | None:
    return 2 * c.get("agreed", 0) / c["total"] if c.get("total") else None


def test_percentiles_interpolate_between_order_statistics() -> None:
    # Positions share * (n - 1): 0.5 * 3 = 1.5, between 2 and 3; 0.025 * 3 = 0.075, 7.5 % of the way from 1 to 2.
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([1, 2, 3, 4], 0.025) == pytest.approx(1.075)
    assert percentile([1, 2, 3, 4], 0.975) == pytest.approx(3.925)
    assert percentile([7], 0.975) == 7


def test_each_resample_draws_as_many_documents_as_there_are() -> None:
    weights = resample_weights(5, 200, 1)
    assert len(weights) == 200 and all(sum(w) == 5 and len(w) == 5 for w in weights)
    assert any(w != [1, 1, 1, 1, 1] for w in weights)  # with replacement: documents repeat
    assert resample_weights(5, 20, 1) == weights[:20] and resample_weights(5, 20, 2) != weights[:20]


def test_one_document_gives_its_own_value_as_the_whole_interval() -> None:
    out = bootstrap([{"agreed": 3, "total": 8}], {"f1": _f1})
    assert out == {"f1": Interval(0.75, 0.75, 0.75)}


def test_two_opposite_documents_span_the_whole_range() -> None:
    """A agrees fully (2 of 2), B not at all (0 of 2): a resample is AA (F1 1, probability 1/4), AB or BA
    (1/2) or BB (0, 1/4). With a quarter of the resamples at each end, the 2.5th percentile is 0 and the
    97.5th is 1; the pooled value is 2 * 1 / 4."""
    out = bootstrap([{"agreed": 1, "total": 2}, {"agreed": 0, "total": 2}], {"f1": _f1}, resamples=1000, seed=3)
    assert out["f1"] == Interval(0.5, 0.0, 1.0)


def test_a_resample_where_the_measure_is_undefined_is_left_out() -> None:
    """A marks nothing (0/0), B agrees on half: AA is undefined and left out, every other resample gives 1/2."""
    out = bootstrap([{"total": 0}, {"agreed": 1, "total": 4}], {"f1": _f1}, resamples=500)
    assert out["f1"] == Interval(0.5, 0.5, 0.5)
    nothing = bootstrap([{"total": 0}, {"total": 0}], {"f1": _f1})
    assert nothing["f1"] == Interval(None, None, None)


def test_no_resamples_or_no_documents_give_no_interval() -> None:
    assert bootstrap([{"agreed": 1, "total": 2}], {"f1": _f1}, resamples=0)["f1"] == Interval(1.0, None, None)
    assert bootstrap([], {"f1": _f1})["f1"] == Interval(None, None, None)


def test_the_same_seed_gives_the_same_interval() -> None:
    docs = [{"agreed": a, "total": 10} for a in (1, 3, 4, 5, 9, 2, 7)]
    first = bootstrap(docs, {"f1": _f1}, resamples=300, seed=11)
    assert bootstrap(docs, {"f1": _f1}, resamples=300, seed=11) == first
    low, high = first["f1"].low, first["f1"].high
    assert low is not None and high is not None and low < first["f1"].value < high  # type: ignore[operator]
