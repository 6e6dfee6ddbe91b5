"""Option types shared by the verbs: integers within documented bounds (core.limits)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..core.limits import MAX_WORKERS


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
