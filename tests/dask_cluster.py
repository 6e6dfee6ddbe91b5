"""A real Dask cluster on 127.0.0.1 for the tests: `dask scheduler` and `dask worker` processes.

Each worker is a process of its own (no nanny, so that killing it by its pid kills the worker),
started in a working folder of its own, as separate machines would be; it finds the package (and the
tests' extractors) on PYTHONPATH as a machine would find the installed package. Everything is
stopped by process id.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent
LOADERS = TESTS.parent / "loaders"
START_SECONDS = 120  # a guard against a process that never comes up, not a measurement


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
        self.address = self._wait_for_address()
        self.workers = []
        for n in range(workers):
            args = ["worker", self.address, "--no-nanny", "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
                    "--name", f"worker-{n}", "--local-directory", str(folder / f"worker-{n}")]  # fmt: skip
            self.workers.append(self._start(f"worker-{n}", args))
        self.wait_for_workers(workers)

    def _start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        home = self.folder / name
        home.mkdir(exist_ok=True)
        log = self.folder / f"{name}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*dask_command(), *args], cwd=home, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )  # fmt: skip
        self.processes.append(process)
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
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in self.logs if log.exists()
        )

    def stop(self) -> None:
        """Workers first, then the scheduler, each by its pid: SIGTERM, then SIGKILL if it lingers."""
        for process in reversed(self.processes):
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait()
