"""Function calls that take seconds, run off the server's interpreter and cached per model.

The Lab's knock-out chart, robustness curves and t-SNE maps are pure functions of a model and
the test images, Compare's memory probe one of a config and the data. Run in the server's own
interpreter they would hold its lock for seconds while other visitors draw; here they go to a
small pool of worker processes (spawned, never forked from the threaded server; one BLAS thread
each; at a lower CPU priority than the pages), and their results are kept per key, e.g. (model
hash, task name, layer), so the next visitor with the same model gets them at once.

    pool = shared_pool()
    future = pool.submit(("a1b2…", "knockout"), knockout_losses, network, X_rows, classes)
    future.done(), future.result()

Only results are kept (arrays and numbers), never a model: module globals are shared by every
session.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import sys
import threading
import types
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from nnlib.data import normalize
from nnlib.finetune import teach
from nnlib.measure import peak_training_memory
from server.shared_files import map_shared

WORKER_NICENESS = 10  # below the pages (and equal to training): Draw stays fast while a task runs
DEFAULT_WORKERS = 2
MAX_RESULTS = 64  # results kept (least recently asked for dropped first)


def _worker_setup(niceness: int) -> None:
    """Each worker: lower priority, one BLAS thread (the machine's cores belong to everyone)."""
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = "1"
    try:
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), niceness))
    except OSError:
        pass
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


@contextlib.contextmanager
def plain_main():
    """Start a process without re-importing the server's __main__ (Streamlit's CLI: ~80 MB each).

    A spawned child imports its parent's main module; a worker needs only its own module.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class TaskPool:
    """A ProcessPoolExecutor whose futures are cached by key: submitting a known key returns
    the same future (running or done); a failed one is forgotten, so it can be asked again."""

    def __init__(self, workers: int | None = None, max_results: int = MAX_RESULTS):
        self.workers = workers or int(os.environ.get("NNLIB_TASK_WORKERS", DEFAULT_WORKERS))
        self._executor = self._new_executor()
        self._futures: collections.OrderedDict[tuple, Future] = collections.OrderedDict()
        self._max_results = max_results
        self._lock = threading.Lock()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_setup,
            initargs=(WORKER_NICENESS,),
        )

    def submit(self, key: tuple, function, *args) -> Future:
        """The future of function(*args), started now unless key is already known."""
        with self._lock:
            future = self._futures.get(key)
            if future is not None and not (future.done() and future.exception() is not None):
                self._futures.move_to_end(key)
                return future
            with plain_main():
                try:
                    future = self._executor.submit(function, *args)
                except BrokenProcessPool:  # a worker was killed: start afresh
                    self._executor = self._new_executor()
                    future = self._executor.submit(function, *args)
            self._futures[key] = future
            while len(self._futures) > self._max_results:
                self._futures.popitem(last=False)
            return future

    def known(self, key: tuple) -> Future | None:
        with self._lock:
            return self._futures.get(key)

    def forget(self, key: tuple) -> None:
        """Drop key's future: for a large result (a whole network) that its one asker has taken."""
        with self._lock:
            self._futures.pop(key, None)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        return list(getattr(self._executor, "_processes", {}) or {})


_shared: TaskPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> TaskPool:
    """The server's one task pool, made on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = TaskPool()
        return _shared


def teach_task(network, spec, images, classes, normalization: str, seed: int):
    """Draw's "Retrain on my digits" in a worker: nnlib.finetune.teach on the server's shared MNIST
    (mapped, not copied) plus the personal images (k, 28, 28) uint8 with class indices (k,)."""
    personal_X = normalize(images, normalization, dtype=network.dtype.type)
    return teach(network, map_shared(spec), personal_X, classes, seed)


_probed_before = False  # this worker has run a memory probe: its one-off imports and caches exist


def peak_memory_task(config, spec) -> int:
    """Compare's peak training memory of config (nnlib.measure.peak_training_memory) on the server's
    shared data (mapped, not copied), as the worker that trains the run sees it. tracemalloc here
    traces this probe alone, not every session's thread of the server. A worker's first probe is
    preceded by a short one whose figure is dropped: the run is not charged for the process's
    first imports and caches (0.7 MB more for the blog's 784-2-2)."""
    global _probed_before
    data = map_shared(spec)
    if not _probed_before:
        peak_training_memory(config, data, batches=1)
        _probed_before = True
    return peak_training_memory(config, data)
