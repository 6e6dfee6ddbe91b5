"""Kill a command at each of its write steps in turn, recover, and report the tree: the kill test's driver.

    python tests/kill_driver.py TEMPLATE WORK ARGV-JSON [RECOVER-ARGV-JSON]

For k = 1, 2, ...: TEMPLATE is copied to WORK/k, a forked child runs `conflict-news ARGV` there
({root} in ARGV is the copy) with CNC_TEST_KILL_AT=k, so core.txn.step() SIGKILLs it at its k-th
write step; then `conflict-news recover` runs on the copy, as the next command would (with
RECOVER-ARGV, e.g. ["recover", "--root", "{root}", "{root}/pred"], when the command writes elsewhere). The first k
at which the child is not killed is the complete run, and the last. Prints one JSON object per k:
{"k", "killed", "tree": {path: sha256}}. The parent imports the heavy modules once, before any
child, so that each run costs the command's work only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sys
from pathlib import Path


def tree(root: Path) -> dict[str, str]:
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[rel + "/"] = ""
    return found


def run(template: Path, work: Path, argv: list[str], recovery: list[str] | None = None) -> None:
    import conflict_news.hf.build
    import conflict_news.labelstudio.importer  # noqa: F401
    from conflict_news.cli.main import main
    from conflict_news.core import txn

    for k in range(1, 10_000):
        root = work / str(k)
        shutil.copytree(template, root, symlinks=True)
        args = [a.replace("{root}", str(root)) for a in argv]
        pid = os.fork()
        if pid == 0:  # the child: the command, killed at step k
            os.environ["CNC_TEST_KILL_AT"] = str(k)
            txn._steps = 0  # the parent's recoveries counted steps too
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os._exit(main(args))
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        if not killed and os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"the command failed at k={k} with status {status}")
        if killed:
            again = [a.replace("{root}", str(root)) for a in recovery or ["recover", "--root", "{root}"]]
            assert main(again) == 0
        print(json.dumps({"k": k, "killed": killed, "tree": tree(root)}), flush=True)
        if not killed:
            return
    raise SystemExit("never completed")


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3]), *map(json.loads, sys.argv[4:5]))
