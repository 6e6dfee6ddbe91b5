"""A real Dask cluster on 127.0.0.1 for the tests: `dask scheduler` and `dask worker` processes.

Each worker is a process of its own (no nanny, so that killing it by its pid kills the worker),
started in a working folder of its own, as separate machines would be; it finds the package (and the
tests' extractors) on PYTHONPATH as a machine would find the installed package.

No process outlives the tests, however they end: each is the leader of a process group of its own,
which stop() ends (SIGTERM, then SIGKILL); an atexit handler ends any group still there when the
interpreter exits (a KeyboardInterrupt, pytest stopping at its first failure); and each is started
through `setpriv --pdeathsig KILL`, so the kernel SIGKILLs it the moment the test process dies, which
holds even when a timeout SIGKILLs the test process and no handler of it runs at all.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent
LOADERS = TESTS.parent / "loaders"
START_SECONDS = 120  # a guard against a process that never comes up, not a measurement
STOP_SECONDS = 30
# util-linux's setpriv sets the parent-death signal, then execs the command (which keeps it).
PDEATHSIG = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []
_running: set[subprocess.Popen[bytes]] = set()


def end_group(process: subprocess.Popen[bytes], wait: float = STOP_SECONDS) -> None:
    """SIGTERM to the process's group, SIGKILL if it is still there after `wait` seconds; then reap it."""
    for sig, grace in ((signal.SIGTERM, wait), (signal.SIGKILL, None)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    _running.discard(process)


@atexit.register
def _end_every_group() -> None:
    for process in list(_running):
        end_group(process, wait=5)


def dask_command() -> list[str]:
    script = Path(sys.executable).with_name("dask")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dask"]


class Cluster:
    def __init__(self, folder: Path, workers: int = 2, env: dict[str, str] | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.env = {
            **os.environ,
            **(env or {}),
            "PYTHONPATH": os.pathsep.join(p for p in (str(LOADERS), str(TESTS), os.environ.get("PYTHONPATH")) if p),
        }
        self.scheduler_file = folder / "scheduler.json"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []
        self.scheduler = self._start(
            "scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                          "--scheduler-file", str(self.scheduler_file)],
        )  # fmt: skip
        self.workers: list[subprocess.Popen[bytes]] = []
        try:
            self.address = self._wait_for_address()
            for n in range(workers):
                args = ["worker", self.address, "--no-nanny", "--nthreads", "1", "--host", "127.0.0.1",
                        "--no-dashboard", "--name", f"worker-{n}", "--local-directory", str(folder / f"worker-{n}")]  # fmt: skip
                self.workers.append(self._start(f"worker-{n}", args))
            self.wait_for_workers(workers)
        except BaseException:
            self.stop()
            raise

    def _start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        home = self.folder / name
        home.mkdir(exist_ok=True)
        log = self.folder / f"{name}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*PDEATHSIG, *dask_command(), *args], cwd=home, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, process_group=0,
            )  # fmt: skip
        self.processes.append(process)
        _running.add(process)
        return process

    def _wait_for_address(self) -> str:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.scheduler_file.exists():
                try:
                    address: str = json.loads(self.scheduler_file.read_text(encoding="utf-8"))["address"]
                    return address
                except (ValueError, KeyError):
                    pass  # being written
            if self.scheduler.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the Dask scheduler did not start:\n{self.log_tail()}")

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=START_SECONDS) as client:
            client.wait_for_workers(count, timeout=START_SECONDS)

    def kill_worker(self, index: int) -> None:
        """SIGKILL, as a machine that is lost: the worker gets no chance to hand anything over."""
        worker = self.workers[index]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        _running.discard(worker)

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in self.logs if log.exists()
        )

    def stop(self) -> None:
        """Workers first, then the scheduler, each with its process group: SIGTERM, then SIGKILL if it lingers."""
        for process in reversed(self.processes):
            end_group(process)
