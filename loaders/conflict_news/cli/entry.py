"""The console script's entry point: `--version` alone is answered before any verb's module loads.

Issue 30 asks for `conflict-news --version` under 0.05 s; building the parser imports every group of
verbs (0.07 s), so this module imports nothing of the package but its version until a verb is given.
"""

from __future__ import annotations

import sys

from ..__about__ import __version__

TYPE_CHECKING = False  # not typing's: see the package's __init__
if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    if words == ["--version"]:
        print(f"conflict-news {__version__}")  # the line argparse's version action in .main prints
        return 0
    from .main import main as run

    return run(argv)
