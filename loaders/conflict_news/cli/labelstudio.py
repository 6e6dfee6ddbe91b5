"""CLI verbs for Label Studio (`labelstudio config|tasks|import|push|pull`), `agreement` and `adjudicate`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import Issue
from .options import WORKERS, add_bootstrap_options, bounded, prediction_source
from .roots import add_root_option, corpus_root

if TYPE_CHECKING:
    from ..labelstudio.importer import ImportOutcome


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

    # Standard output is looked up at the first write, so that a corpus with issues is reported as such
    # even when stdout is closed; write_tasks checks every document before it writes anything.
    issues = write_tasks(corpus_root(args, writes=False), args.predictions, _Stdout(), progress=sys.stderr.isatty())
    return _fail("labelstudio tasks", issues) if issues else 0


class _Stdout:
    def write(self, data: bytes) -> int:
        return sys.stdout.buffer.write(data)


def _report(args: argparse.Namespace, verb: str, out: ImportOutcome, root: Path) -> int:
    from ..core.items import format_corrections, summarize_corrections
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
            "corrections": summarize_corrections(out.corrections),
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_diffs(out.diffs), end="")
        print(format_corrections(summarize_corrections(out.corrections)), end="")
    if out.unannotated:
        print(f"conflict-news {verb}: not annotated yet: {', '.join(out.unannotated)}", file=sys.stderr)
    if args.report_only:
        print(f"conflict-news {verb}: report only, nothing written", file=sys.stderr)
        return 0
    written = ", ".join(relative(root, root / "annotations" / f"{d}.json") for d in out.written) or "nothing changed"
    print(f"conflict-news {verb}: {len(out.imported)} document(s) imported; written: {written}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..labelstudio.importer import import_export
    from ..labelstudio.users import read_users

    users = read_users(Path(args.users)) if args.users else None
    root = corpus_root(args, writes=not args.report_only)
    out = import_export(Path(args.export), root, args.overwrite_gold, users, workers=args.workers,
                        progress=sys.stderr.isatty(), report_only=args.report_only)  # fmt: skip
    return _report(args, "labelstudio import", out, root)


def _push(args: argparse.Namespace) -> int:
    from ..labelstudio.sync import push_tasks
    from ..labelstudio.tasks import collect_tasks

    tasks, issues = collect_tasks(corpus_root(args, writes=False), args.predictions)
    if issues:
        return _fail("labelstudio push", issues)
    report = push_tasks(args.url, tasks, args.project, args.title, args.overlap)
    print(report.project)
    print(
        f"conflict-news labelstudio push: project {report.project}, {report.added} task(s) added, "
        f"{report.updated} updated, {report.unchanged} unchanged",
        file=sys.stderr,
    )
    return 0


def _pull(args: argparse.Namespace) -> int:
    from ..labelstudio.importer import import_export
    from ..labelstudio.sync import pull_export

    root, dest = (
        corpus_root(args, writes=not args.report_only),
        Path(args.out or f"labelstudio-project-{args.project}.json"),
    )
    users = pull_export(args.url, args.project, dest)
    print(f"conflict-news labelstudio pull: export saved to {dest}", file=sys.stderr)
    out = import_export(dest, root, args.overwrite_gold, users, workers=args.workers,
                        progress=sys.stderr.isatty(), report_only=args.report_only)  # fmt: skip
    return _report(args, "labelstudio pull", out, root)


def _agreement(args: argparse.Namespace) -> int:
    from ..core.agreement import format_agreement
    from ..core.errors import UsageError
    from ..grow.agreement import file_agreement
    from ..labelstudio.agreement import compute_agreement
    from ..labelstudio.importer import read_tasks

    if len(args.versions) == 1:
        export, issues = read_tasks(Path(args.versions[0]))
        if issues:
            return _fail("agreement", issues)
        result = compute_agreement(export, resamples=args.bootstrap, seed=args.seed)
    elif len(args.versions) == 2:
        first, second = map(Path, args.versions)
        root = Path(args.root) if args.root else None
        result = file_agreement([(first, second, root)], resamples=args.bootstrap, seed=args.seed)
    else:
        raise UsageError("give one Label Studio export, or two annotation files, folders or corpus roots")
    print(
        json.dumps(result.to_dict(), indent=2) if args.json else format_agreement(result), end="\n" if args.json else ""
    )
    return 0


def _adjudicate(args: argparse.Namespace) -> int:
    from ..core.errors import UsageError

    if args.files:
        if args.url or args.project is not None or args.review_project is not None:
            raise UsageError("give either --files (annotators' files) or --url and --project (a Label Studio project)")
        return _adjudicate_files(args)
    if not (args.url and args.project is not None):
        raise UsageError("give --url and --project (a Label Studio project), or --files NAME=PATH at least twice")
    if args.review or args.adjudicator or args.gold_kind:
        raise UsageError(
            "--review, --adjudicator and --gold-kind go with --files; in Label Studio the reviewer is the adjudicator"
        )
    return _adjudicate_project(args)


def _adjudicate_files(args: argparse.Namespace) -> int:
    from ..core.adjudication import write_gold
    from ..core.errors import UsageError
    from ..grow.adjudicate import REVIEWED, adjudicate_files

    sides = []
    for given in args.files:
        name, sep, path = given.partition("=")
        if not (sep and name and path):
            raise UsageError(f"--files {given!r}: give ANNOTATOR=PATH")
        sides.append((name, Path(path)))
    if args.gold_kind == REVIEWED:
        if len(sides) != 1 or not args.review:
            raise UsageError(f"--gold-kind {REVIEWED}: give one --files (the annotator who corrected the pre-annotation)"
                             " and --review with --adjudicator (the reviewer's versions and name)")  # fmt: skip
    elif len(sides) < 2 or len({name for name, _ in sides}) < len(sides):
        raise UsageError("--files: give two or more annotators, each named once")
    if args.review and not args.adjudicator:
        raise UsageError("--review needs --adjudicator NAME: the provenance of every settled item names them")
    root = corpus_root(args, writes=True)
    review = Path(args.review) if args.review else None
    out = adjudicate_files(sides, root, review, args.adjudicator, args.gold_kind)
    written: list[str] = []
    if not out.issues:
        written, issues = write_gold(root, out.gold, args.overwrite_gold)
        out.issues += issues
    if out.issues:
        return _fail("adjudicate", out.issues)
    report = {"gold": sorted(out.gold), "written": written, "agreed_items": out.agreed,
              "conflicts": out.conflicts, "to_review": out.to_review, "waiting_for_annotators": out.waiting}  # fmt: skip
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for doc_id in sorted(out.agreed):
            state = "gold" if doc_id in out.gold else "to review"
            print(f"{doc_id}  agreed {out.agreed[doc_id]}  conflicting {len(out.conflicts[doc_id])}  {state}")
            if doc_id in out.to_review:
                print("".join(f"  {line}\n" for line in out.conflicts[doc_id]), end="")
    print(
        f"conflict-news adjudicate: {len(out.gold)} document(s) adjudicated, {len(written)} written, "
        f"{len(out.to_review)} to review, {len(out.waiting)} waiting for annotators",
        file=sys.stderr,
    )
    return 0


def _adjudicate_project(args: argparse.Namespace) -> int:
    from ..core.adjudication import write_gold
    from ..labelstudio.adjudicate import adjudicate
    from ..labelstudio.sync import fetch_export, push_tasks

    root = corpus_root(args, writes=True)
    export, users = fetch_export(args.url, args.project)
    reviews = fetch_export(args.url, args.review_project)[0] if args.review_project else []
    out = adjudicate(root, export, reviews, users, args.min_annotators)
    written: list[str] = []
    if not out.issues:
        written, issues = write_gold(root, out.gold, args.overwrite_gold)
        out.issues += issues
    if out.issues:
        return _fail("adjudicate", out.issues)
    review_project = args.review_project
    if out.review:
        title = f"Conflict News Corpus: review of project {args.project}"
        review_project = push_tasks(args.url, out.review, review_project, title, overlap=1, review=True).project
    report = {"gold": sorted(out.gold), "written": written, "agreed_items": out.agreed, "conflicting_items": out.conflicts,
              "sent_to_review": [t["data"]["doc_id"] for t in out.review], "review_project": review_project,
              "waiting_for_annotators": out.waiting, "warnings": out.warnings}  # fmt: skip
    for warning in out.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for doc_id in sorted(out.agreed):
            state = "gold" if doc_id in out.gold else "in review"
            print(f"{doc_id}  agreed {out.agreed[doc_id]}  conflicting {out.conflicts[doc_id]}  {state}")
    if review_project is not None:
        print(f"conflict-news adjudicate: review project {review_project}", file=sys.stderr)
    print(
        f"conflict-news adjudicate: {len(out.gold)} document(s) adjudicated, {len(written)} written, "
        f"{len(out.review)} sent to review, "
        f"{len(out.waiting)} waiting for annotators",
        file=sys.stderr,
    )
    return 0


def register(verbs: Any) -> None:
    ls = verbs.add_parser("labelstudio", help="Label Studio: labeling config, tasks, import, push, pull")
    sub = ls.add_subparsers(dest="ls_verb", required=True)
    p = sub.add_parser("config", help="print the labeling config XML generated from schema/taxonomy.json")
    p.set_defaults(run=_config)

    common = add_root_option

    def predictions(p: argparse.ArgumentParser) -> None:
        p.add_argument("--predictions", type=prediction_source, default="stored", metavar="stored|none|PATH",
                       help="pre-annotation per document: its stored annotation file unless that is pending (default: "
                            "gold where there is gold), none, or annotation files in our schema at PATH (a file or a "
                            "folder), which override the stored ones for their documents")  # fmt: skip

    def importing(p: argparse.ArgumentParser) -> None:
        p.add_argument("--overwrite-gold", action="store_true", help="allow replacing gold annotation files")
        p.add_argument("--json", action="store_true", help="print the diff and corrections report as JSON")
        p.add_argument("--report-only", action="store_true",
                       help="check and report every annotator's work (diffs, corrections), write nothing")  # fmt: skip
        p.add_argument(
            "--workers", type=WORKERS, default=0, help="processes to use (default 0: every core for exports of 32 MiB+)"
        )

    p = sub.add_parser("tasks", help="print one task per document as JSON (Label Studio import format)")
    common(p)
    predictions(p)
    p.set_defaults(run=_tasks)
    p = sub.add_parser("import", help="read a full JSON export back into annotations/ (checked, atomic)")
    p.add_argument("export", metavar="EXPORT.json", help="a full JSON export (Label Studio: Export -> JSON)")
    p.add_argument("--users", metavar="USERS.json",
                   help="the server's users, to name annotators by e-mail where the export gives user ids: GET "
                   '/api/users/ saved as it comes, or {"ID": "EMAIL", ...}')  # fmt: skip
    common(p)
    importing(p)
    p.set_defaults(run=_import)
    p = sub.add_parser(
        "push", help="create or update a project and import the tasks it lacks (key: LABEL_STUDIO_API_KEY)"
    )
    p.add_argument("--url", required=True, help="Label Studio base URL")
    p.add_argument("--project", type=bounded(1, 2**31 - 1), help="existing project id (default: create one)")
    p.add_argument("--title", default="Conflict News Corpus", help="title of a new project")
    p.add_argument("--overlap", type=bounded(1, 100), metavar="K",
                   help="annotators per task (Label Studio's maximum_annotations; a new project: 1)")  # fmt: skip
    common(p)
    predictions(p)
    p.set_defaults(run=_push)
    p = sub.add_parser("pull", help="export a project in full and import it (key: LABEL_STUDIO_API_KEY)")
    p.add_argument("--url", required=True, help="Label Studio base URL")
    p.add_argument("--project", type=bounded(1, 2**31 - 1), required=True, help="the project id (push prints it)")
    p.add_argument("--out", help="where to keep the export (default: labelstudio-project-ID.json)")
    common(p)
    importing(p)
    p.set_defaults(run=_pull)

    p = verbs.add_parser(
        "adjudicate",
        help="gold from double annotation: agreed items accepted, conflicts settled by an adjudicator, in a Label "
        "Studio review project (key: LABEL_STUDIO_API_KEY) or in files",
    )
    p.add_argument("--url", help="Label Studio base URL")
    p.add_argument("--project", type=bounded(1, 2**31 - 1), help="the annotated project")
    p.add_argument(
        "--review-project", type=bounded(1, 2**31 - 1), help="the review project (default: create one if needed)"
    )
    p.add_argument(
        "--min-annotators", type=bounded(2, 100), default=2, help="annotators a task needs before it is adjudicated"
    )
    p.add_argument("--files", action="append", metavar="ANNOTATOR=PATH",
                   help="instead of a project: one annotator's annotation files (a file, a folder or a corpus root); "
                   "give it once per annotator, the first one's entity ids are kept")  # fmt: skip
    p.add_argument("--review", metavar="DIR",
                   help="with --files: the adjudicator's settled versions, DIR/DOC_ID.json, of documents with conflicts")  # fmt: skip
    p.add_argument("--adjudicator", metavar="NAME", help="with --review: who settled the conflicts")
    p.add_argument("--gold-kind", metavar="KIND",
                   help="with --files: how the gold was made, recorded in its provenance (the annotation schema's "
                   "gold_kind: adjudicated when the versions were made apart and from scratch, legacy when not; reviewed for "
                   "one --files correcting the pre-annotation, made gold by the reviewer's --review)")  # fmt: skip
    p.add_argument("--overwrite-gold", action="store_true", help="allow replacing gold annotation files")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    common(p)
    p.set_defaults(run=_adjudicate)

    p = verbs.add_parser(
        "agreement",
        help="inter-annotator agreement: a Label Studio export, or two annotators' files",
        description="Agreement between two annotators (or more, in a Label Studio export): F1 per layer and measure, "
        "kappa per categorical attribute, coreference (MUC, B3, CEAF-e, LEA, CoNLL), the whole-item identity rate, "
        "each with a 95 % percentile bootstrap interval over documents (docs/scoring.md).",
    )
    p.add_argument(
        "versions", nargs="+", metavar="PATH",
        help="a full JSON export whose tasks have several annotations, or two sides to compare: annotation "
        "files, folders of them or corpus roots (the documents both annotated)",
    )  # fmt: skip
    p.add_argument("--root", metavar="DIR", help="corpus root of the texts, for two sides (default: a side's own root)")
    p.add_argument("--json", action="store_true", help="print the agreement as JSON on stdout")
    add_bootstrap_options(p)
    p.set_defaults(run=_agreement)
