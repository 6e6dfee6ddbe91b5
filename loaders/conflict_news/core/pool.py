"""Ordered work on several cores: the process pool shared by validate, build and the Label Studio import."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Submitted ahead per worker: enough to keep every core busy, few enough that memory stays bounded.
IN_FLIGHT_PER_WORKER = 2


def count_workers(workers: int | None, documents: int, threshold: int) -> int:
    """Processes to use: `workers` when given (0 or None: automatic), else every usable core from `threshold` documents on."""
    if workers:
        return max(1, workers)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores if documents >= threshold else 1


def map_in_order(func: Callable[[Item], Result], items: Iterable[Item], workers: int) -> Iterator[Result]:
    """func(item) for every item, in the order of the items, computed by `workers` processes (here when 1).

    Items are taken from the iterable only as results are consumed (a window of IN_FLIGHT_PER_WORKER
    per worker), so a streamed input is never held whole, however fast the workers are.
    """
    if workers <= 1:
        yield from map(func, items)
        return
    # fork: workers inherit the compiled schemas and the taxonomy, and need no importable __main__
    # (scripts without a `__name__ == "__main__"` guard work).
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        queued: deque[Future[Result]] = deque()
        todo = iter(items)
        try:
            for item in islice(todo, workers * IN_FLIGHT_PER_WORKER):
                queued.append(pool.submit(func, item))
            while queued:
                done = queued.popleft().result()
                for item in islice(todo, 1):
                    queued.append(pool.submit(func, item))
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
