"""The `conflict-news` command: the parser, assembled from one module per group of verbs, and main()."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, NoReturn

from ..__about__ import __version__
from ..core.errors import CorpusError, UsageError
from . import corpus, grow, hf, labelstudio, records, release, silver
from .roots import ROOT_RULE

# --help lists the verbs by who uses them; tests/test_cli.py checks that every verb is in one group.
GROUPS: dict[str, tuple[str, ...]] = {
    "reading the corpus": ("show", "stats", "records", "validate", "check", "verify", "cite", "diff", "rehydrate"),
    "annotating": (
        "add",
        "wikinews",
        "preannotate",
        "kit",
        "silver",
        "labelstudio",
        "agreement",
        "adjudicate",
        "evaluate",
    ),
    "maintaining releases": ("build", "card", "manifest", "croissant", "release", "publish", "synth", "recover"),
}
# One example per verb, shown at the end of `VERB --help`; tests/test_cli.py parses every one of them.
EXAMPLES: dict[str, str] = {
    "show": "conflict-news show cnc-000001",
    "stats": "conflict-news stats --json",
    "records": "conflict-news records --split test --csv",
    "validate": "conflict-news validate . --workers 2",
    "check": "conflict-news check corpus/cnc-000001.txt annotations/cnc-000001.json",
    "verify": "conflict-news verify --root .",
    "cite": "conflict-news cite --format bibtex",
    "diff": "conflict-news diff 0.1.0 .",
    "rehydrate": "conflict-news rehydrate standoff/ my-copies/ --out full/",
    "add": "conflict-news add article.txt --title 'Ceasefire holds' --license 'CC BY 2.5' --url https://example.org/a",
    "wikinews": "conflict-news wikinews sources/ --check",
    "preannotate": "conflict-news preannotate --out predictions/ cnc-000002",
    "kit": "conflict-news kit cnc-000009 cnc-000010 --out kits/a1 --prefix a-",
    "silver": "conflict-news silver archive.jsonl --out silver/ --workers 2",
    "labelstudio": "conflict-news labelstudio push --url http://127.0.0.1:8080 --overlap 2",
    "labelstudio config": "conflict-news labelstudio config",
    "labelstudio tasks": "conflict-news labelstudio tasks --predictions stored",
    "labelstudio import": "conflict-news labelstudio import export.json --report-only",
    "labelstudio push": "conflict-news labelstudio push --url http://127.0.0.1:8080 --title 'Batch 1' --overlap 2",
    "labelstudio pull": "conflict-news labelstudio pull --url http://127.0.0.1:8080 --project 1 --out export.json",
    "agreement": "conflict-news agreement adjudication/wikinews/batch-01/a adjudication/wikinews/batch-01/b "
    "--root . --json --bootstrap 1000 --seed 20140601",
    "adjudicate": "conflict-news adjudicate --files 'annotator a=versions/a' --files 'annotator b=versions/b' "
    "--review review/",
    "evaluate": "conflict-news evaluate predictions/ dev --split test --bootstrap 1000 --seed 20140601",
    "build": "conflict-news build --workers 2",
    "card": "conflict-news card --check",
    "manifest": "conflict-news manifest --root .",
    "croissant": "conflict-news croissant --root .",
    "release": "conflict-news release 0.2.0 --date 2026-12-06",
    "publish": "conflict-news publish --repo-id ORG/conflict-news-corpus --dry-run",
    "synth": "conflict-news synth 1000 stress/ --seed 7",
    "recover": "conflict-news recover --root .",
}
# What a shell reports for a process ended by SIGPIPE (128 + 13): `conflict-news show | head`.
CLOSED_PIPE = 141


def _grouped_verbs(verbs: argparse._SubParsersAction) -> str:  # type: ignore[type-arg]
    helps = {action.dest: action.help or "" for action in verbs._choices_actions}
    width = max(len(name) for name in helps) + 2
    blocks = []
    for title, names in GROUPS.items():
        rows = [f"  {name:<{width}}{helps[name]}" for name in names]
        blocks.append(f"{title}:\n" + "\n".join(rows))
    return "\n\n".join(blocks) + "\n\n`conflict-news VERB --help` describes a verb and its options."


def _describe(parser: argparse.ArgumentParser, verb: str = "") -> None:
    """Each verb's --help opens with its one-line help (unless it has a longer description) and ends with its
    example; nested verbs (`labelstudio push`) get theirs too."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                path = f"{verb} {name}".strip()
                sub.description = textwrap.fill(sub.description or helps.get(name) or "", width=100)
                sub.epilog = f"example:\n  {EXAMPLES[path]}"
                sub.formatter_class = argparse.RawDescriptionHelpFormatter
                # The deepest verb's parser reports arguments it does not know (main), under its own usage.
                sub.set_defaults(verb_parser=sub)
                _describe(sub, path)


class _Parser(argparse.ArgumentParser):
    """A usage error is a refusal like any other: exit 1, with a code, not argparse's exit 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: [option-invalid] {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="conflict-news",
        usage="%(prog)s [-h] [--version] VERB ...",
        description="Conflict News Corpus tools.\n\n" + textwrap.fill(f"ROOT: {ROOT_RULE}", width=100),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # prog: a verb's usage line and errors say `conflict-news show`, not the top-level usage before the verb
    verbs = parser.add_subparsers(
        dest="verb", required=True, metavar="VERB", help=argparse.SUPPRESS, prog="conflict-news"
    )
    for group in (corpus, records, grow, silver, labelstudio, hf, release):
        group.register(verbs)
    _describe(parser)
    parser.epilog = _grouped_verbs(verbs)
    return parser


class _ClosedOutput:
    """Standard output when the command was started with it closed: writing to it is an error (EBADF),
    as it is for a file descriptor, so a verb that has something to say refuses instead of losing it."""

    def _closed(self, *args: Any) -> NoReturn:
        raise OSError(errno.EBADF, "standard output is closed")

    write = fileno = _closed

    def flush(self) -> None:
        """Nothing is ever buffered here (and the interpreter flushes at exit)."""

    @property
    def buffer(self) -> NoReturn:
        self._closed()

    def isatty(self) -> bool:
        return False


def _say(text: str) -> None:
    """A diagnostic on stderr; one that cannot be written (stderr full or closed) is dropped, not raised."""
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so that flushing what is left at exit raises nothing."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return  # not a file descriptor (closed, or a test's capture): nothing is flushed at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    # Started with a stream closed, Python sets it to None: stdout refuses writes, stderr drops them.
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()  # (typeshed says never None; it is, when fd 1 was closed)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (for the whole process)
    verb = "conflict-news"
    try:
        args, unknown = build_parser().parse_known_args(argv)
        if unknown:
            args.verb_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        verb = f"conflict-news {args.verb}"
        code: int = args.run(args)
        sys.stdout.flush()  # a closed pipe or a full disk shows here, inside the handler, not at interpreter exit
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say, and no traceback at exit either.
        _silence_stdout()
        return CLOSED_PIPE
    except CorpusError as exc:
        for issue in exc.issues:
            _say(str(issue))
        # A failed write says itself whether anything was changed.
        done = "" if any(issue.code == "write-failed" for issue in exc.issues) else "; nothing done"
        _say(f"{verb}: refused, {len(exc.issues)} issue(s){done}")
        return 1
    except UsageError as exc:
        _say(f"{verb}: [{exc.code}] {exc}")
        return 1
    except OSError as exc:
        _silence_stdout()
        if exc.filename is not None:  # writes report their own failures (write-failed): this was a read
            _say(f"{verb}: [file-unreadable] {exc.filename}: {exc.strerror or exc}")
            return 1
        # Standard output full (/dev/full, a full disk), closed or failing. Writes into a root report
        # their own failures, and come before the output (`add` prints its ids before it commits).
        _say(f"{verb}: [write-failed] standard output: {exc.strerror or exc}; the output is incomplete, "
             "and a write into a corpus root, if the command makes one, was completed before it")  # fmt: skip
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
