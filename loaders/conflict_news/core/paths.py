"""Where the corpus lives: the root a command works on (find_root), and the shipped corpus inside an
installed wheel or at the root of a source checkout (locate_root)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import UsageError

_PACKAGED = Path(__file__).parents[1] / "_data"


def locate_root() -> Path:
    """The shipped corpus root (holding corpus/, annotations/ and schema/)."""
    if _PACKAGED.is_dir():
        return _PACKAGED
    # Source checkout or editable install: this module sits at <root>/loaders/conflict_news/core.
    return Path(__file__).resolve().parents[3]


def is_corpus_root(folder: Path) -> bool:
    return (folder / "corpus").is_dir() and (folder / "annotations").is_dir()


def as_path(value: object, name: str) -> Path:
    """`value`, a path given to a public function, as a Path; UsageError for anything that cannot be one.

    Refused: other types than str and os.PathLike (0, a list), the empty string (which would mean
    the current folder) and a NUL character (no file can be named with one).
    """
    if not isinstance(value, str | os.PathLike):
        raise UsageError(f"{name} must be a path (str or os.PathLike), not {type(value).__name__}")
    text = os.fspath(value)
    if isinstance(text, bytes) or not text or "\0" in text:
        raise UsageError(f"{name} {text!r} is not a usable path (empty, bytes or holding a NUL character)")
    return Path(text)


def check_root(value: object, name: str = "root") -> Path:
    """`value` as the Path of a corpus root: an existing folder holding corpus/; else UsageError `not-a-root`.

    Every verb and every public function that takes a root calls this before it reads or writes
    anything, so that a wrong root (a typo, /etc, a file) is refused instead of read as an empty corpus.
    """
    root = as_path(value, name)
    try:
        if not stat.S_ISDIR(os.stat(root).st_mode):
            raise UsageError(f"{root} is not a corpus root: it is a file, not a folder", "not-a-root")
        if not stat.S_ISDIR(os.stat(root / "corpus").st_mode):
            raise UsageError(f"{root} is not a corpus root: its corpus is a file, not a folder", "not-a-root")
    except FileNotFoundError:
        missing = "it does not exist" if not os.path.isdir(root) else "it holds no corpus/ folder"
        raise UsageError(f"{root} is not a corpus root: {missing}", "not-a-root") from None
    except OSError as exc:  # a link loop, a name too long, no permission to look inside
        raise UsageError(f"{root} is not a corpus root: {exc.strerror}", "not-a-root") from None
    return root


def find_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` (default: the current folder) that holds corpus/ and
    annotations/, as git finds .git; None when there is none."""
    try:
        here = (start or Path.cwd()).resolve()
    except (OSError, RuntimeError):  # the current folder was removed; a link loop (RuntimeError before 3.13)
        return None
    return next((folder for folder in (here, *here.parents) if is_corpus_root(folder)), None)


def locate_schema_dir() -> Path:
    return locate_root() / "schema"
