"""The pool's worker processes: started fresh (spawn), watched, replaced when one dies."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from typing import TYPE_CHECKING

from server.jobs.worker import worker_main
from server.limits import positive_int_env, usable_cores
from server.tasks import plain_main

if TYPE_CHECKING:
    from server.jobs.job import Job

WORKER_NICENESS = 10  # workers run at nice ≥ 10: they yield the CPU to the server's pages (Draw stays fast)


def default_workers() -> int:
    """NNLIB_WORKERS, else one worker per core this process may use (the cgroup's CPU quota, rounded
    down, else the CPU affinity)."""
    workers = positive_int_env("NNLIB_WORKERS", "a whole number")
    return workers if workers is not None else usable_cores()


class WorkerProcess:
    """One worker process (worker.worker_main) and the server's end of its pipe."""

    def __init__(self, context, niceness: int = WORKER_NICENESS):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, niceness), daemon=True)
        with plain_main():
            self.process.start()
        child.close()
        self.job: Job | None = None
        self.ready = threading.Event()  # set when the worker has imported NumPy and nnlib

    def send(self, message) -> None:
        """Send, ignoring a worker that died (the dispatcher sees it die and fails its job)."""
        try:
            self.conn.send(message)
        except OSError:
            pass


class WorkerSet:
    """size worker processes, each training one job at a time. Not thread-safe: the pool locks."""

    def __init__(self, size: int):
        self._context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self.all = [WorkerProcess(self._context) for _ in range(size)]

    def idle(self) -> list[WorkerProcess]:
        return [worker for worker in self.all if worker.job is None and worker.process.is_alive()]

    def jobs(self) -> list[Job | None]:
        """Each worker's job, None for an idle one."""
        return [worker.job for worker in self.all]

    def waitables(self) -> dict:
        """Each worker's pipe and process sentinel → the worker, for connection.wait."""
        return {**{w.conn: w for w in self.all}, **{w.process.sentinel: w for w in self.all}}

    def replace(self, worker: WorkerProcess) -> str:
        """Start a new worker in a dead one's place; return how the dead one ended (death_words)."""
        worker.process.join(timeout=1)
        self.all[self.all.index(worker)] = WorkerProcess(self._context)
        worker.conn.close()
        return death_words(worker.process.exitcode)

    def wait_ready(self, timeout: float) -> bool:
        deadline, workers = time.monotonic() + timeout, list(self.all)
        return all(worker.ready.wait(max(deadline - time.monotonic(), 0)) for worker in workers)

    def close(self) -> None:
        for worker in self.all:
            worker.process.terminate()
        for worker in self.all:
            worker.process.join(timeout=2)
            worker.conn.close()


def death_words(exitcode: int | None) -> str:
    """How a worker process ended, in plain words for the run it was training."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        killed = "killed (out of memory?)" if name == "SIGKILL" else f"stopped by {name}"
        return f"the training process was {killed}"
    return f"the training process ended unexpectedly (exit code {exitcode})"
