"""The `conflict-news` command: the parser, assembled from one module per group of verbs, and main()."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from ..__about__ import __version__
from ..core.errors import CorpusError, UsageError
from . import corpus, grow, hf, labelstudio, release


class _Parser(argparse.ArgumentParser):
    """A usage error is a refusal like any other: exit 1, with a code, not argparse's exit 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: [option-invalid] {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="conflict-news", description="Conflict News Corpus tools.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)
    for group in (corpus, grow, labelstudio, hf, release):
        group.register(verbs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
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
