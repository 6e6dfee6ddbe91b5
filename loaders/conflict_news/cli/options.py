"""Option types shared by the verbs: integers within documented bounds (core.limits), and pre-annotation sources."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from ..core.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED
from ..core.limits import MAX_RESAMPLES, MAX_WORKERS
from ..core.options import PREDICTION_SOURCES, PredictionSource


def bounded(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer from `low` to `high`; anything else is a usage error (exit 1, option-invalid)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not from {low} to {high}")
        return value

    parse.__name__ = "integer"  # argparse names the type in its message
    return parse


WORKERS = bounded(0, MAX_WORKERS)


def add_bootstrap_options(p: argparse.ArgumentParser) -> None:
    """--bootstrap N and --seed S: the percentile bootstrap over documents of `agreement` and `evaluate`."""
    p.add_argument("--bootstrap", type=bounded(0, MAX_RESAMPLES), default=DEFAULT_RESAMPLES, metavar="N",
                   help=f"resamples of the documents for the 95%% confidence intervals (default {DEFAULT_RESAMPLES}; "
                   "0: no intervals)")  # fmt: skip
    p.add_argument("--seed", type=bounded(0, 2**63 - 1), default=DEFAULT_SEED, metavar="S",
                   help=f"seed of the resampling, fixed so that intervals are reproducible (default {DEFAULT_SEED})")  # fmt: skip


def prediction_source(text: str) -> PredictionSource | Path:
    """An argparse type: one of PREDICTION_SOURCES, else the path of annotation files, which must exist.

    A word that is neither ("Stored", "none ") is a usage error naming the choices, not a missing file.
    """
    for source in PREDICTION_SOURCES:
        if text == source:
            return source
    if not os.path.lexists(text):
        choices = ", ".join(PREDICTION_SOURCES)
        raise argparse.ArgumentTypeError(f"{text!r} is none of {choices}, and no file or folder of that name exists")
    return Path(text)
