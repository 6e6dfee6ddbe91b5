"""Verbs that maintain releases: `cite`, `diff`, `verify`, `manifest`, and `release X.Y.Z` and `croissant` (hf and release extras)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..release.cite import FORMATS


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


def _cite(args: argparse.Namespace) -> int:
    from ..release.cite import format_citation

    print(format_citation(args.format), end="")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from ..release.diff import diff_roots, format_diff, resolve_root

    with tempfile.TemporaryDirectory(prefix="conflict-news-diff-") as scratch:
        old, new = (resolve_root(spec, Path.cwd(), Path(scratch)) for spec in (args.old, args.new))
        result = diff_roots(old, new)
    print(json.dumps(result.to_dict(), indent=2) if args.json else format_diff(result), end="\n" if args.json else "")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from ..core.paths import locate_root
    from ..release.manifest import iter_manifest_errors

    root = Path(args.root) if args.root else locate_root()
    issues = list(iter_manifest_errors(root))
    for issue in issues:
        print(issue, file=sys.stderr)
    print(
        f"conflict-news verify: {root}: {len(issues)} issue(s)" if issues else f"conflict-news verify: {root}: ok",
        file=sys.stderr,
    )
    return 1 if issues else 0


def _manifest(args: argparse.Namespace) -> int:
    from ..core.paths import locate_root
    from ..release.manifest import write_manifest

    target = write_manifest(Path(args.root) if args.root else locate_root())
    print(f"conflict-news manifest: wrote {target}", file=sys.stderr)
    return 0


def register(verbs: Any) -> None:
    p = verbs.add_parser("cite", help="print the citation")
    p.add_argument("--format", choices=FORMATS, default="bibtex")
    p.set_defaults(run=_cite)

    p = verbs.add_parser("diff", help="documents and annotations added, removed or changed between two versions")
    p.add_argument("old", help="corpus root folder, or a git revision (e.g. a release tag) of the current repository")
    p.add_argument("new", help="corpus root folder, or a git revision")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_diff)

    p = verbs.add_parser("verify", help="check shipped files against MANIFEST (a checkout or the installed package)")
    p.add_argument("--root", help="corpus root (default: the installed package's data, or this checkout)")
    p.set_defaults(run=_verify)

    p = verbs.add_parser("manifest", help="rewrite MANIFEST from the shipped files")
    p.add_argument("--root", help="corpus root (default: this checkout)")
    p.set_defaults(run=_manifest)

    p = verbs.add_parser("release", help="check everything, then write a release's files and print the tag to create")
    p.add_argument("version", metavar="X.Y.Z")
    p.add_argument("--date", help="release date, YYYY-MM-DD (default: today)")
    p.add_argument("--root", default=".", help="the repository (default: the current folder)")
    p.set_defaults(run=_release)

    p = verbs.add_parser("croissant", help="rewrite croissant.json (Croissant 1.1) from the Features and data/")
    p.add_argument("--root", default=".", help="corpus root (default: the current folder)")
    p.set_defaults(run=_croissant)
