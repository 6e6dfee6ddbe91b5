"""The one root rule of every verb that works on a corpus root (ROOT_RULE, printed by --help)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.errors import UsageError
from ..core.paths import check_root, find_root, locate_root

ROOT_RULE = (
    "Corpus root: --root DIR when given, else the nearest folder at or above the current one that holds "
    "corpus/ and annotations/ (as git finds .git); a --root that holds no corpus/ folder is refused. Without one, commands that only read use the shipped "
    "corpus and say so on stderr; commands that write refuse."
)


def add_root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", metavar="DIR", help="corpus root (default: see ROOT in conflict-news --help)")


def corpus_root(args: argparse.Namespace, *, writes: bool) -> Path:
    """The root a verb works on, by the rule above."""
    if getattr(args, "root", None) is not None:
        return check_root(args.root, "--root")
    found = find_root()
    if found is not None:
        return found
    verb = " ".join(filter(None, (args.verb, getattr(args, "ls_verb", None))))
    if writes:
        raise UsageError(
            f"no corpus root: no folder at or above {Path.cwd()} holds corpus/ and annotations/; "
            "run it inside a corpus root or pass --root DIR"
        )
    shipped = locate_root()
    print(f"conflict-news {verb}: no corpus root at or above the current folder; reading the shipped corpus ({shipped})",
          file=sys.stderr)  # fmt: skip
    return shipped
