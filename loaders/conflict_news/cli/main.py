"""The `conflict-news` command: the parser, assembled from one module per group of verbs, and main()."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..__about__ import __version__
from ..core.errors import CorpusError, UsageError
from . import corpus, grow, hf, labelstudio, release
from .roots import ROOT_RULE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conflict-news", description="Conflict News Corpus tools.", epilog=f"ROOT: {ROOT_RULE}"
    )
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
            f"conflict-news {args.verb}: the input does not validate ({len(exc.issues)} issue(s)); nothing done",
            file=sys.stderr,
        )
        return 1
    except UsageError as exc:
        print(f"conflict-news {args.verb}: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
