"""Run one command against a fresh two-worker Dask cluster on this machine, started and stopped here.

    python benchmarks/cluster.py WORKERS -- COMMAND ... --scheduler {address}

Starts `dask scheduler` and WORKERS `dask worker --no-nanny --nthreads 1` processes on 127.0.0.1,
runs COMMAND with `{address}` replaced by the scheduler's
address, then stops the workers and the scheduler by process id and waits for them. Every process
is a child of this one and waited for, so launch.py's wait4 counts their CPU time and peak RSS: the
cluster's start-up is part of what the stage costs (a few CPU seconds), which is fair to the local
pool, whose start-up is part of its command too.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def dask() -> list[str]:
    """The dask command, started so that the kernel SIGKILLs it when this process dies, however it dies (a
    timeout's SIGKILL included): util-linux's setpriv sets the parent-death signal and execs it."""
    script = Path(sys.executable).with_name("dask")
    pdeathsig = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []
    return [*pdeathsig, *([str(script)] if script.exists() else [sys.executable, "-m", "dask"])]


def main() -> int:
    workers, separator, *command = sys.argv[1:]
    assert separator == "--", __doc__
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as scratch:
        info = Path(scratch) / "scheduler.json"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "stdin": subprocess.DEVNULL}
        try:
            processes.append(subprocess.Popen([*dask(), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                               "--no-dashboard", "--scheduler-file", str(info)], **quiet))  # fmt: skip
            while not info.exists():
                time.sleep(0.05)
            time.sleep(0.1)  # the file is written in one go, but give it the moment to land
            address = json.loads(info.read_text(encoding="utf-8"))["address"]
            for n in range(int(workers)):
                folder = Path(scratch) / f"worker-{n}"
                folder.mkdir()
                processes.append(subprocess.Popen(
                    [*dask(), "worker", address, "--no-nanny", "--nthreads", "1", "--host", "127.0.0.1",
                     "--no-dashboard", "--local-directory", str(folder)], cwd=folder, **quiet,
                ))  # fmt: skip
            # Not waited for: the scheduler holds the tasks until workers join, as on a cluster being scaled up.
            return subprocess.run([part.replace("{address}", address) for part in command], check=False).returncode
        finally:
            for process in reversed(processes):
                os.kill(process.pid, signal.SIGTERM)
                process.wait()


if __name__ == "__main__":
    sys.exit(main())
