"""Percentile bootstrap over documents: a pooled measure's value and its 95 % confidence interval.

A pooled measure (an F1, a rate, a kappa, a coreference score) is a function of counts summed over
documents (matched spans, spans marked, a contingency table). Each document's counts are kept, so
that a resample is only a weighted sum of them: documents are drawn with replacement, as many as
there are, `resamples` times from a generator seeded with `seed`; each measure is recomputed from
each resample's summed counts; the interval is the 2.5th and 97.5th percentile of the resampled
values (linear interpolation between order statistics, numpy's default). A resample on which a
measure is undefined (a zero denominator) is left out of that measure's percentiles; when every
resample is, the interval is undefined too. Nothing is re-matched in a resample.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from operator import mul

DEFAULT_RESAMPLES = 1000
# Fixed so that a published table is recomputed identically; any seed gives an equally valid interval.
DEFAULT_SEED = 20140601
CONFIDENCE = 0.95

Counts = Mapping[Hashable, float]
Measure = Callable[[Counts], float | None]


@dataclass(frozen=True, slots=True)
class Interval:
    """A pooled value and its percentile bootstrap interval (None: undefined, or no resampling asked)."""

    value: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, float | None]:
        return {"value": self.value, "low": self.low, "high": self.high}


def percentile(ordered: Sequence[float], share: float) -> float:
    """The `share` quantile of sorted values, interpolated linearly between order statistics (Hyndman and
    Fan's type 7, numpy's and R's default)."""
    position = share * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def resample_weights(documents: int, resamples: int, seed: int) -> list[list[int]]:
    """Per resample, how many times each document was drawn (documents drawn with replacement, as many as
    there are)."""
    rng = random.Random(seed)
    out = []
    for _ in range(resamples):
        weights = [0] * documents
        for _ in range(documents):
            # random() is the one generator method whose sequence Python promises to keep across
            # versions for a given seed; randrange's algorithm may change, so it is not used.
            weights[int(rng.random() * documents)] += 1
        out.append(weights)
    return out


def total(documents: Sequence[Counts]) -> dict[Hashable, float]:
    """The counts summed over documents."""
    out: dict[Hashable, float] = {}
    for counts in documents:
        for key, n in counts.items():
            out[key] = out.get(key, 0) + n
    return out


def bootstrap(
    documents: Sequence[Counts],
    measures: Mapping[str, Measure],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> dict[str, Interval]:
    """Each measure on the counts pooled over `documents`, with its percentile bootstrap interval (see the
    module); `resamples` 0 gives the values alone."""
    pooled = total(documents)
    values = {name: measure(pooled) for name, measure in measures.items()}
    if not resamples or not documents:
        return {name: Interval(value, None, None) for name, value in values.items()}
    keys = list(pooled)
    columns = [[counts.get(key, 0) for counts in documents] for key in keys]
    drawn: dict[str, list[float]] = {name: [] for name in measures}
    for weights in resample_weights(len(documents), resamples, seed):
        sums = {key: sum(map(mul, weights, column)) for key, column in zip(keys, columns, strict=True)}
        for name, measure in measures.items():
            value = measure(sums)
            if value is not None:
                drawn[name].append(value)
    tail = (1 - CONFIDENCE) / 2
    out = {}
    for name, value in values.items():
        ordered = sorted(drawn[name])
        if not ordered:
            out[name] = Interval(value, None, None)
        else:
            out[name] = Interval(value, percentile(ordered, tail), percentile(ordered, 1 - tail))
    return out
