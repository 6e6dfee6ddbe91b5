"""The `conflict-news` command: the parser, assembled from one module per group of verbs, and main()."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import NoReturn

from ..__about__ import __version__
from ..core.errors import CorpusError, UsageError
from . import corpus, grow, hf, labelstudio, release, silver
from .roots import ROOT_RULE

# --help lists the verbs by who uses them; tests/test_cli.py checks that every verb is in one group.
GROUPS: dict[str, tuple[str, ...]] = {
    "reading the corpus": ("show", "stats", "validate", "verify", "cite", "diff", "rehydrate"),
    "annotating": ("add", "preannotate", "silver", "labelstudio", "agreement", "adjudicate", "evaluate"),
    "maintaining releases": ("build", "card", "manifest", "croissant", "release", "publish", "synth", "recover"),
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
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB", help=argparse.SUPPRESS)
    for group in (corpus, grow, silver, labelstudio, hf, release):
        group.register(verbs)
    parser.epilog = _grouped_verbs(verbs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say, and no traceback at exit either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return CLOSED_PIPE
    except CorpusError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        print(
            f"conflict-news {args.verb}: refused, {len(exc.issues)} issue(s); nothing done",
            file=sys.stderr,
        )
        return 1
    except UsageError as exc:
        print(f"conflict-news {args.verb}: [option-invalid] {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
