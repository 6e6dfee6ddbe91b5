"""Ordered work on several cores: the process pool shared by validate, build, silver and the Label Studio import.

The same ordered map also runs on a Dask cluster (dask.distributed) when a scheduler address is
given; `distributed` is imported only then, so the package needs the `dask` extra for it alone.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any, Protocol, TypeVar

from .errors import UsageError
from .extras import require_extra
from .limits import MAX_WORKERS

Item = TypeVar("Item")
Result = TypeVar("Result")
Done = TypeVar("Done", covariant=True)

# Submitted ahead per worker: enough to keep every core busy, few enough that memory stays bounded.
IN_FLIGHT_PER_WORKER = 2


def count_workers(workers: int | None, documents: int, threshold: int) -> int:
    """Processes to use: `workers` when given (0 or None: automatic), else every usable core from `threshold` documents on.

    UsageError for a `workers` that is no integer from 0 to MAX_WORKERS (-1, 10**100, nan, True).
    """
    if workers is not None and (type(workers) is not int or not 0 <= workers <= MAX_WORKERS):
        raise UsageError(f"workers must be None or an integer from 0 to {MAX_WORKERS}, not {workers!r}")
    if workers:
        return workers
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores if documents >= threshold else 1


def check_scheduler(scheduler: object) -> None:
    """UsageError unless `scheduler` is None (this machine) or the non-empty address of a Dask scheduler."""
    if scheduler is not None and not (isinstance(scheduler, str) and scheduler.strip()):
        raise UsageError(
            f"scheduler must be None or the address of a Dask scheduler (tcp://HOST:PORT), not {scheduler!r}"
        )


class _Future(Protocol[Done]):
    """What both concurrent.futures and dask.distributed futures offer."""

    def result(self) -> Done: ...

    def cancel(self) -> Any: ...


def map_in_order(
    func: Callable[[Item], Result], items: Iterable[Item], workers: int, scheduler: str | None = None
) -> Iterator[Result]:
    """func(item) for every item, in the order of the items, computed by `workers` processes (here when 1),
    or by the Dask cluster whose scheduler listens at `scheduler` (then `workers` is the cluster's).

    Items are taken from the iterable only as results are consumed (a window of IN_FLIGHT_PER_WORKER
    per worker), so a streamed input is never held whole, however fast the workers are. On a cluster
    `func` travels by reference (module and name, pickled), so the workers need this package
    installed and nothing else; a task whose worker dies is run again elsewhere by the scheduler.
    """
    if scheduler is not None:
        check_scheduler(scheduler)
        yield from _on_dask(func, items, scheduler)
        return
    if workers <= 1:
        yield from map(func, items)
        return
    # fork: workers inherit the compiled schemas and the taxonomy, and need no importable __main__
    # (scripts without a `__name__ == "__main__"` guard work).
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from _windowed(lambda item: pool.submit(func, item), items, lambda: workers)


def _on_dask(func: Callable[[Item], Result], items: Iterable[Item], address: str) -> Iterator[Result]:
    with require_extra("dask"):
        from distributed import Client
    try:
        # How long to try: Dask's distributed.comm.timeouts.connect (30 s unless configured).
        client = Client(address, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, ValueError, TypeError) as exc:  # ValueError, TypeError: an address Dask cannot parse
        raise UsageError(f"no Dask scheduler answers at {address} ({exc})") from exc
    with client:
        # pure=False: each item is one task, and hashing the arguments for a key would only cost time.
        threads: Callable[[], dict[str, int]] = client.nthreads
        yield from _windowed(lambda item: client.submit(func, item, pure=False), items, lambda: sum(threads().values()))


def _windowed(
    submit: Callable[[Item], _Future[Result]], items: Iterable[Item], width: Callable[[], int]
) -> Iterator[Result]:
    """Results of submit(item) in item order, with about width() * IN_FLIGHT_PER_WORKER submitted ahead.

    width() is asked again after each result: a cluster may grow or shrink while it works.
    """
    queued: deque[_Future[Result]] = deque()
    todo = iter(items)
    try:
        for item in islice(todo, max(1, width()) * IN_FLIGHT_PER_WORKER):
            queued.append(submit(item))
        while queued:
            done = queued.popleft().result()
            for item in islice(todo, max(0, max(1, width()) * IN_FLIGHT_PER_WORKER - len(queued))):
                queued.append(submit(item))
            yield done
    finally:
        for future in queued:
            future.cancel()


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused, for bulk work that makes no reference cycles.

    Reading a document or task builds ~10^5 short-lived containers, and each collection pass also
    walks every long-lived object of the process (hundreds of thousands once `datasets` is
    imported): ~20 % of a build and up to 40 % of a Label Studio import, for nothing found.
    Reference counting still frees everything; tests/test_bulk.py checks that the batch functions
    leave no cyclic garbage, which is what makes the pause safe. What is alive when the pause starts
    (imported modules, caches) is frozen out of later collections (gc.freeze): the first collection
    after the pause would otherwise walk all of it again, ~40 ms a batch once `datasets` is imported.
    """
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
