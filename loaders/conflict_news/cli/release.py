"""The release verbs: `release X.Y.Z` and `croissant` (they need the hf and release extras)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def _extras_missing(verb: str) -> bool:
    try:
        from ..release import croissant, cut  # noqa: F401  (datasets, pyarrow, mlcroissant)
    except ModuleNotFoundError as exc:
        print(
            f"conflict-news {verb}: needs the hf and release extras, pip install 'conflict-news-corpus[hf,release]' ({exc})",
            file=sys.stderr,
        )
        return True
    return False


def _release(args: argparse.Namespace) -> int:
    if _extras_missing(args.verb):
        return 1
    from ..release.cut import cut_release

    issues, plan = cut_release(Path(args.root), args.version, args.date)
    for issue in issues:
        print(issue, file=sys.stderr)
    if plan is None:
        print(f"conflict-news release: refused, {len(issues)} issue(s); nothing written", file=sys.stderr)
        return 1
    after = f"after {plan.previous} ({plan.level}-level changes)" if plan.previous else "the first release"
    print(f"conflict-news release: {plan.version}, {after}; wrote {len(plan.files)} files", file=sys.stderr)
    print(
        f'git commit -am "Release {plan.version}" && git tag -a v{plan.version} -m "Conflict News Corpus {plan.version}"'
    )
    return 0


def _croissant(args: argparse.Namespace) -> int:
    if _extras_missing(args.verb):
        return 1
    from ..release.croissant import write_croissant

    print(f"conflict-news croissant: wrote {write_croissant(Path(args.root))}", file=sys.stderr)
    return 0


def register(verbs: Any) -> None:
    p = verbs.add_parser("release", help="check everything, then write a release's files and print the tag to create")
    p.add_argument("version", metavar="X.Y.Z")
    p.add_argument("--date", help="release date, YYYY-MM-DD (default: today)")
    p.add_argument("--root", default=".", help="the repository (default: the current folder)")
    p.set_defaults(run=_release)

    p = verbs.add_parser("croissant", help="rewrite croissant.json (Croissant 1.1) from the Features and data/")
    p.add_argument("--root", default=".", help="corpus root (default: the current folder)")
    p.set_defaults(run=_croissant)
