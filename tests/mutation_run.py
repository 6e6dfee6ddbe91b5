"""Mutation testing on demand (not in CI): mutmut over the checks, the Label Studio region reader and
import, evaluate, the BIO tagger and realignment ([tool.mutmut] in pyproject.toml).

    python tests/mutation_run.py [WORKDIR]     (default: $TMPDIR/cnc-mutation; replaced if there)

mutmut looks for the package under src/, so this copies the repository's files (tracked and new,
not ignored ones) into WORKDIR with loaders/ as src/, then runs `mutmut run` and prints `mutmut
results` (the surviving mutants); `mutmut show NAME` in WORKDIR shows one. docs/development.md has
the last score and why the survivors survive.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "cnc-mutation"
    if work.exists():
        shutil.rmtree(work)
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for rel in filter(None, listed):
        source = REPO / rel
        if not source.is_file():
            continue  # deleted in the work tree
        dest = work / ("src" + rel.removeprefix("loaders") if rel.startswith("loaders/") else rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # mutmut puts mutants/src first itself
    run = subprocess.run([sys.executable, "-m", "mutmut", "run"], cwd=work, env=env)
    subprocess.run([sys.executable, "-m", "mutmut", "results"], cwd=work, env=env)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
