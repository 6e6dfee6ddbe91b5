"""Verbs that maintain releases: `cite`, `diff`, `verify`, `manifest`, and `release X.Y.Z` and `croissant` (hf and release extras).

Without an extra, the modules they import raise the UsageError that names it (core.extras).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..core.options import CITATION_FORMATS, FLAVORS
from .roots import add_root_option, corpus_root


def _release(args: argparse.Namespace) -> int:
    from ..release.cut import cut_release

    issues, plan = cut_release(corpus_root(args, writes=True), args.version, args.date)
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
    from ..release.croissant import write_croissant

    print(f"conflict-news croissant: wrote {write_croissant(corpus_root(args, writes=True))}", file=sys.stderr)
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
    from ..release.manifest import iter_manifest_errors

    root = corpus_root(args, writes=False)
    issues = list(iter_manifest_errors(root))
    for issue in issues:
        print(issue, file=sys.stderr)
    print(
        f"conflict-news verify: {root}: {len(issues)} issue(s)" if issues else f"conflict-news verify: {root}: ok",
        file=sys.stderr,
    )
    return 1 if issues else 0


def _manifest(args: argparse.Namespace) -> int:
    from ..release.manifest import write_manifest

    target = write_manifest(corpus_root(args, writes=True))
    print(f"conflict-news manifest: wrote {target}", file=sys.stderr)
    return 0


def _publish(args: argparse.Namespace) -> int:
    from ..core.citation import hub_repo_id, read_citation
    from ..core.errors import UsageError
    from ..core.paths import check_root
    from ..release.publish import publish

    root = check_root(args.root, "--root")
    recorded = hub_repo_id(read_citation(root / "CITATION.cff"))
    repo_id = args.repo_id or (f"{recorded}-standoff" if args.flavor == "standoff" and recorded else recorded)
    if not repo_id:
        raise UsageError("no --repo-id given and CITATION.cff's url names no Hub dataset repository")
    result = publish(root, repo_id, args.flavor, private=args.private, dry_run=args.dry_run)
    if args.json:
        report = {"repo_id": result.repo_id, "flavor": result.flavor, "files": [u.path_in_repo for u in result.files],
                  "issues": [i.to_dict() for i in result.issues], "url": result.url}  # fmt: skip
        print(json.dumps(report, indent=2))
    elif args.dry_run:
        print("\n".join(u.path_in_repo for u in result.files))
    for issue in result.issues:
        print(issue, file=sys.stderr)
    if result.issues:
        print(f"conflict-news publish: refused, {len(result.issues)} issue(s); nothing sent", file=sys.stderr)
        return 1
    done = "would send" if args.dry_run else f"sent ({result.url})"
    print(
        f"conflict-news publish: {args.flavor} flavour to {repo_id}: {done} {len(result.files)} files", file=sys.stderr
    )
    return 0


def register(verbs: Any) -> None:
    p = verbs.add_parser("cite", help="print the citation")
    p.add_argument(
        "--format",
        choices=CITATION_FORMATS,
        default="bibtex",
        help="bibtex (default), apa, or cff (CITATION.cff itself)",
    )
    p.set_defaults(run=_cite)

    p = verbs.add_parser("diff", help="documents and annotations added, removed or changed between two versions")
    p.add_argument("old", help="corpus root folder, a release recorded in releases.json (0.1.0), or a git revision")
    p.add_argument("new", help="corpus root folder, a recorded release, or a git revision")
    p.add_argument("--json", action="store_true", help="print the differences as JSON on stdout")
    p.set_defaults(run=_diff)

    p = verbs.add_parser("verify", help="check shipped files against MANIFEST (a checkout or the installed package)")
    add_root_option(p)
    p.set_defaults(run=_verify)

    p = verbs.add_parser("manifest", help="rewrite MANIFEST from the shipped files")
    add_root_option(p)
    p.set_defaults(run=_manifest)

    p = verbs.add_parser("release", help="check everything, then write a release's files and print the tag to create")
    p.add_argument(
        "version",
        metavar="X.Y.Z",
        help="the version to cut: the SemVer step that the changes since the last release require",
    )
    p.add_argument("--date", help="release date, YYYY-MM-DD (default: today, or the date of SOURCE_DATE_EPOCH)")
    add_root_option(p)
    p.set_defaults(run=_release)

    p = verbs.add_parser("publish", help="upload a release to a Hugging Face dataset repository (huggingface_hub)")
    p.add_argument(
        "--repo-id",
        metavar="ORG/NAME",
        help="dataset repository (default: the one CITATION.cff's url names; -standoff appended for the standoff flavour)",
    )
    p.add_argument(
        "--flavor",
        choices=FLAVORS,
        default="full",
        help="full: this repository's data; standoff: standoff/ (default full)",
    )
    p.add_argument(
        "--private",
        action="store_true",
        help="create the repository private (needed for the full flavour while it holds withheld texts)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="check the card and list the files that would be sent; send nothing"
    )
    p.add_argument("--json", action="store_true", help="print the files, issues and commit URL as JSON")
    p.add_argument("--root", default=".", help="the repository (default: the current folder)")
    p.set_defaults(run=_publish)

    p = verbs.add_parser("croissant", help="rewrite croissant.json (Croissant 1.1) from the Features and data/")
    add_root_option(p)
    p.set_defaults(run=_croissant)
