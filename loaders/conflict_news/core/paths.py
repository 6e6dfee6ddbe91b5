"""Where the corpus lives: the root a command works on (find_root), and the shipped corpus inside an
installed wheel or at the root of a source checkout (locate_root)."""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).parents[1] / "_data"


def locate_root() -> Path:
    """The shipped corpus root (holding corpus/, annotations/ and schema/)."""
    if _PACKAGED.is_dir():
        return _PACKAGED
    # Source checkout or editable install: this module sits at <root>/loaders/conflict_news/core.
    return Path(__file__).resolve().parents[3]


def is_corpus_root(folder: Path) -> bool:
    return (folder / "corpus").is_dir() and (folder / "annotations").is_dir()


def find_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` (default: the current folder) that holds corpus/ and
    annotations/, as git finds .git; None when there is none."""
    here = (start or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if is_corpus_root(folder)), None)


def locate_schema_dir() -> Path:
    return locate_root() / "schema"
