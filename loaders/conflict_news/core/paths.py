"""Where the corpus lives: inside an installed wheel, or at the root of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).parents[1] / "_data"


def locate_root() -> Path:
    """The shipped corpus root (holding corpus/, annotations/ and schema/)."""
    if _PACKAGED.is_dir():
        return _PACKAGED
    # Source checkout or editable install: this module sits at <root>/loaders/conflict_news/core.
    return Path(__file__).resolve().parents[3]


def locate_schema_dir() -> Path:
    return locate_root() / "schema"
