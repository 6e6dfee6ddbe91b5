"""CLI verbs for Label Studio (`labelstudio config|tasks|import|push|pull`) and `agreement`."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import Issue
from ..core.paths import locate_root
from .options import WORKERS, bounded

if TYPE_CHECKING:
    from ..labelstudio.importer import ImportOutcome


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root) if args.root else locate_root()


def _fail(verb: str, issues: list[Issue]) -> int:
    for issue in issues:
        print(issue, file=sys.stderr)
    print(f"conflict-news {verb}: {len(issues)} issue(s), nothing written", file=sys.stderr)
    return 1


def _config(args: argparse.Namespace) -> int:
    from ..core.taxonomy import load_taxonomy
    from ..labelstudio.config import build_config

    print(build_config(load_taxonomy()), end="")
    return 0


def _tasks(args: argparse.Namespace) -> int:
    from ..labelstudio.tasks import write_tasks

    # Spooled to a temporary file: nothing reaches stdout unless every document is clean.
    with tempfile.TemporaryFile() as spool:
        issues = write_tasks(_root(args), args.predictions, spool, progress=sys.stderr.isatty())
        if issues:
            return _fail("labelstudio tasks", issues)
        spool.seek(0)
        shutil.copyfileobj(spool, sys.stdout.buffer)
    return 0


def _report(args: argparse.Namespace, verb: str, out: ImportOutcome, root: Path) -> int:
    from ..core.store import relative
    from ..labelstudio.importer import format_diffs

    if out.issues:
        if args.json:
            print(json.dumps({"issues": [i.to_dict() for i in out.issues]}, ensure_ascii=False, indent=2))
        return _fail(verb, out.issues)
    if args.json:
        report = {
            "written": out.written,
            "diffs": [
                {
                    "doc_id": d.doc_id,
                    "annotator": d.annotator,
                    "layer": d.layer,
                    "added": d.added,
                    "removed": d.removed,
                    "changed": d.changed,
                }
                for d in out.diffs
            ],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_diffs(out.diffs), end="")
    if out.unannotated:
        print(f"conflict-news {verb}: not annotated yet: {', '.join(out.unannotated)}", file=sys.stderr)
    written = ", ".join(relative(root, root / "annotations" / f"{d}.json") for d in out.written) or "nothing changed"
    print(f"conflict-news {verb}: {len(out.imported)} document(s) imported; written: {written}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..labelstudio.importer import import_export

    root = _root(args)
    return _report(
        args,
        "labelstudio import",
        import_export(Path(args.export), root, args.overwrite_gold, workers=args.workers, progress=sys.stderr.isatty()),
        root,
    )


def _push(args: argparse.Namespace) -> int:
    from ..labelstudio.sync import push_tasks
    from ..labelstudio.tasks import collect_tasks

    tasks, issues = collect_tasks(_root(args), args.predictions)
    if issues:
        return _fail("labelstudio push", issues)
    project, added = push_tasks(args.url, tasks, args.project, args.title)
    print(project)
    print(f"conflict-news labelstudio push: project {project}, {added} task(s) added", file=sys.stderr)
    return 0


def _pull(args: argparse.Namespace) -> int:
    from ..labelstudio.importer import import_export
    from ..labelstudio.sync import pull_export

    root, dest = _root(args), Path(args.out or f"labelstudio-project-{args.project}.json")
    users = pull_export(args.url, args.project, dest)
    print(f"conflict-news labelstudio pull: export saved to {dest}", file=sys.stderr)
    return _report(
        args,
        "labelstudio pull",
        import_export(dest, root, args.overwrite_gold, users, workers=args.workers, progress=sys.stderr.isatty()),
        root,
    )


def _agreement(args: argparse.Namespace) -> int:
    from ..labelstudio.agreement import compute_agreement, format_agreement
    from ..labelstudio.importer import read_tasks

    export, issues = read_tasks(Path(args.export))
    if issues:
        return _fail("agreement", issues)
    result = compute_agreement(export)
    print(
        json.dumps(result.to_dict(), indent=2) if args.json else format_agreement(result), end="\n" if args.json else ""
    )
    return 0


def register(verbs: Any) -> None:
    ls = verbs.add_parser("labelstudio", help="Label Studio: labeling config, tasks, import, push, pull")
    sub = ls.add_subparsers(dest="ls_verb", required=True)
    p = sub.add_parser("config", help="print the labeling config XML generated from schema/taxonomy.json")
    p.set_defaults(run=_config)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--root", help="corpus root (default: the shipped corpus)")

    def predictions(p: argparse.ArgumentParser) -> None:
        p.add_argument("--predictions", default="gold", metavar="gold|none|PATH",
                       help="pre-annotations: the gold files (default), none, or annotation files in our schema (a file or a folder)")  # fmt: skip

    def importing(p: argparse.ArgumentParser) -> None:
        p.add_argument("--overwrite-gold", action="store_true", help="allow replacing gold annotation files")
        p.add_argument("--json", action="store_true", help="print the diff report as JSON")
        p.add_argument(
            "--workers", type=WORKERS, default=0, help="processes to use (default 0: every core for exports of 32 MiB+)"
        )

    p = sub.add_parser("tasks", help="print one task per document as JSON (Label Studio import format)")
    common(p)
    predictions(p)
    p.set_defaults(run=_tasks)
    p = sub.add_parser("import", help="read a full JSON export back into annotations/ (checked, atomic)")
    p.add_argument("export", metavar="EXPORT.json")
    common(p)
    importing(p)
    p.set_defaults(run=_import)
    p = sub.add_parser(
        "push", help="create or update a project and import the tasks it lacks (key: LABEL_STUDIO_API_KEY)"
    )
    p.add_argument("--url", required=True, help="Label Studio base URL")
    p.add_argument("--project", type=bounded(1, 2**31 - 1), help="existing project id (default: create one)")
    p.add_argument("--title", default="Conflict News Corpus", help="title of a new project")
    common(p)
    predictions(p)
    p.set_defaults(run=_push)
    p = sub.add_parser("pull", help="export a project in full and import it (key: LABEL_STUDIO_API_KEY)")
    p.add_argument("--url", required=True, help="Label Studio base URL")
    p.add_argument("--project", type=bounded(1, 2**31 - 1), required=True)
    p.add_argument("--out", help="where to keep the export (default: labelstudio-project-ID.json)")
    common(p)
    importing(p)
    p.set_defaults(run=_pull)

    p = verbs.add_parser("agreement", help="inter-annotator agreement on a Label Studio export")
    p.add_argument("export", metavar="EXPORT.json")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_agreement)
