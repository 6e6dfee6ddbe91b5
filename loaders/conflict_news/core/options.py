"""The closed sets of values an option takes, as Literal types, and the one check of them (check_choice).

A public function that takes such an option checks it before it reads or writes anything, so a near
miss ("Standoff", "full ") is refused with a UsageError naming the allowed values instead of being
taken for some other value; the functions it calls trust the value. The CLI offers the same tuples
as argparse choices.
"""

from __future__ import annotations

from typing import Literal, TypeVar, get_args

from .errors import UsageError

# `full` ships every text; `standoff` leaves out the texts whose licence does not allow it.
Flavor = Literal["full", "standoff"]
FLAVORS: tuple[Flavor, ...] = get_args(Flavor)
Split = Literal["train", "validation", "test"]
SPLITS: tuple[Split, ...] = get_args(Split)
# The configs of the Hugging Face release, the default first.
Config = Literal["documents", "events", "quotes", "figures", "entities", "spans_bio", "records"]
CONFIGS: tuple[Config, ...] = get_args(Config)
CitationFormat = Literal["cff", "bibtex", "apa"]
CITATION_FORMATS: tuple[CitationFormat, ...] = get_args(CitationFormat)
# Where a Label Studio task's pre-annotation comes from, other than a path to annotation files:
# the stored annotation file ("gold" is the name "stored" had first), or none.
PredictionSource = Literal["stored", "gold", "none"]
PREDICTION_SOURCES: tuple[PredictionSource, ...] = get_args(PredictionSource)

T = TypeVar("T")


def check_choice(option: str, value: object, allowed: tuple[T, ...], otherwise: str = "") -> T:
    """`value` as the member of `allowed` it equals; else a UsageError that names every allowed value.

    Compared exactly: no case folding or stripping, since a near miss is a mistake to report, not
    to guess at. `otherwise` describes what else the option takes, for the message.
    """
    for choice in allowed:
        if type(value) is type(choice) and value == choice:
            return choice
    names = ", ".join(repr(choice) for choice in allowed)
    raise UsageError(f"{option} {value!r} is not one of {names}{otherwise}")
