"""Mutation testing on demand (not in CI): mutmut over the checks, the Label Studio region reader and
import, evaluate, the BIO tagger and realignment.

    python tests/mutation_run.py [GROUP ...]     (default: every group of [tool.mutmut.groups])

mutmut looks for the package under src/, so for each group this copies the repository's files
(tracked and new, not ignored ones) into $TMPDIR/cnc-mutation/GROUP with loaders/ as src/, points
[tool.mutmut] at the group's modules and tests, runs `mutmut run` and prints `mutmut results` (the
surviving mutants). `mutmut show NAME`, run in that folder, shows one. docs/development.md has the
last score and why the survivors survive.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def lay_out(work: Path, modules: list[str], tests: list[str]) -> None:
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
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    lines = ["[tool.mutmut]"]
    for key in ("source_paths", "also_copy", "pytest_add_cli_args", "timeout_multiplier"):
        lines.append(f"{key} = {json.dumps(config[key])}")
    lines.append(f"only_mutate = {json.dumps([f'src/conflict_news/{m}' for m in modules])}")
    lines.append(f"pytest_add_cli_args_test_selection = {json.dumps(tests)}")
    (work / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    groups = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]["groups"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # mutmut puts mutants/src first itself
    env["CNC_LOCK_WAIT"] = "2"  # a mutant that never lets go of a lock costs seconds, not a minute
    status = 0
    for name in sys.argv[1:] or list(groups):
        work = Path(tempfile.gettempdir()) / "cnc-mutation" / name
        lay_out(work, *groups[name])
        print(f"== {name}: {work}", flush=True)
        status |= subprocess.run([sys.executable, "-m", "mutmut", "run"], cwd=work, env=env).returncode
        subprocess.run([sys.executable, "-m", "mutmut", "results"], cwd=work, env=env)
    return status


if __name__ == "__main__":
    sys.exit(main())
