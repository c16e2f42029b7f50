"""JobPool: worker processes sized to the cores, a fair queue admitted by memory, dead workers replaced.

One running-or-queued run per owner (a session); a dispatcher thread forwards the workers' messages
to each run's inbox, replaces a dead worker (failing its run), stops a run nobody polls (a closed tab).
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import queue
import threading
import time
from multiprocessing import connection

from nnlib.cost import max_run_bytes
from nnlib.data import PreparedData
from server.jobs import messages as msg
from server.jobs.job import Job
from server.jobs.memory import runs_budget
from server.jobs.refusals import PoolFull
from server.jobs.state import controlled_state
from server.jobs.waiting import WaitingLine
from server.jobs.workers import WorkerProcess, WorkerSet, default_workers
from server.limits import memory_limit_bytes, read_limits
from server.shared_files import SharedDataSpec, SharedSets

DEFAULT_IDLE_SECONDS = 20.0  # a run nobody polls this long is stopped (closed tab)
DEFAULT_MAX_QUEUE = 200  # runs waiting at most; more are refused (bounded memory)


class JobPool:
    """Worker processes, a FIFO queue and the thread that moves messages between them.

    workers: how many processes (default: NNLIB_WORKERS, else the cores). idle_seconds: a
    run whose trainer is not polled this long is stopped. max_queue: waiting runs allowed.
    """

    def __init__(self, workers: int | None = None, idle_seconds: float | None = None, max_queue: int | None = None):
        self.limits = read_limits()  # the container's CPU quota and memory limit, for the page
        self.memory_limit = memory_limit_bytes(self.limits)  # NNLIB_MEMORY_MB, else the cgroup's; None: no limit
        self.size = workers or default_workers()
        self.idle_seconds = idle_seconds or float(os.environ.get("NNLIB_JOB_IDLE_SECONDS", DEFAULT_IDLE_SECONDS))
        self.max_queue = max_queue or DEFAULT_MAX_QUEUE
        self._lock = threading.RLock()
        self._waiting = WaitingLine()
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._shared = SharedSets()
        self._workers = WorkerSet(self.size)
        self.replaced = 0  # workers that died and were replaced
        self._closed = False
        self._dispatcher = threading.Thread(target=self._dispatch, name="nnlib-jobs", daemon=True)
        self._dispatcher.start()

    @property
    def pace(self) -> float:
        """Wall seconds per estimated CPU-second, learnt from finished runs."""
        return self._waiting.pace

    def share(self, data: PreparedData) -> SharedDataSpec:
        """The data's shared copy, the files the workers map (shared_files.SharedSets.share)."""
        with self._lock:
            return self._shared.share(data, self._keys_in_use)

    def _keys_in_use(self) -> set:
        """The shared sets' keys that queued or running runs use."""
        return {job.spec.key for job in self._jobs.values() if job.status in msg.ACTIVE}

    def memory_budget(self) -> int:
        """Bytes the runs' own arrays may hold together now (memory.runs_budget)."""
        with self._lock:
            files = self._shared.nbytes()
        return runs_budget(self.memory_limit, self.size, files)

    def run_budget(self) -> int:
        """Bytes one run may hold: the whole budget, at most NNLIB_MAX_RUN_MB."""
        return max(min(self.memory_budget(), max_run_bytes()), 0)

    def submit(
        self,
        owner: str,
        state: bytes,
        spec: SharedDataSpec,
        estimate_s: float,
        total_steps: int = 1,
        step: int = 0,
        memory_bytes: int = 0,
        priority: bool = False,
    ) -> Job:
        """Queue a run for owner; the owner's earlier active run is stopped first (one each).

        priority (a teacher's demo): queued behind the other priority runs, ahead of the rest."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the job pool is closed")
            for job in list(self._jobs.values()):
                if job.owner == owner and job.status in msg.ACTIVE:
                    self.stop(job, reason=msg.REPLACED)
            if len(self._waiting) >= self.max_queue:
                raise PoolFull(f"{len(self._waiting)} runs are already waiting; try again in a minute")
            job = Job(next(self._ids), owner, state, spec, estimate_s, queue.SimpleQueue(), memory_bytes, priority)
            job.total_steps = total_steps
            job.progress = job.first_progress = step / max(total_steps, 1)
            self._jobs[job.id] = job
            self._waiting.add(job)
            self._start_queued()
            return job

    def stop(self, job: Job, reason: str = msg.CLICKED) -> None:
        """Take a queued run out of the queue, or ask its worker to hand it back."""
        with self._lock:
            if job.status == msg.QUEUED:
                self._waiting.jobs.remove(job)
                self._finish(job, msg.Ended(job.id, msg.STOPPED, None, None, job.state, reason))
            elif job.status == msg.RUNNING and job.worker is not None:
                job.stop_reason = reason
                job.worker.send(msg.Stop(job.id))

    def control(self, job: Job, controls: dict) -> None:
        """Change a queued or running run (state.apply_controls): a queued one's state now, a running
        one's worker before its next batch. After add_steps the worker pauses the run when they are done."""
        with self._lock:
            if job.status == msg.QUEUED:
                job.state = controlled_state(job.state, controls)
            elif job.status == msg.RUNNING and job.worker is not None:
                job.controls_sent.append(controls)
                job.worker.send(msg.Control(job.id, controls))

    def position(self, job: Job) -> int | None:
        """Runs ahead of this one in the queue (0: next), or None when it is not queued."""
        with self._lock:
            return self._waiting.position(job)

    def estimated_start_s(self, job: Job) -> float:
        """Seconds until this queued run starts: the workers' remaining work, then the queue ahead."""
        with self._lock:
            return self._waiting.estimated_start_s(job, self._workers.jobs())

    def counts(self) -> dict:
        """Workers, running and queued runs, replaced workers (for tests and benchmarks)."""
        with self._lock:
            running = sum(1 for job in self._workers.jobs() if job is not None)
            return dict(workers=self.size, running=running, queued=len(self._waiting), replaced=self.replaced)

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Wait until every worker has started (imports done); False if one did not in time."""
        return self._workers.wait_ready(timeout)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [worker.process.pid for worker in self._workers.all]

    def running_pid(self, job: Job) -> int | None:
        with self._lock:
            return job.worker.process.pid if job.worker is not None else None

    def close(self) -> None:
        """Stop the workers and delete the shared files."""
        with self._lock:
            self._closed = True
            for job in list(self._waiting.jobs):
                self.stop(job, reason=msg.CLOSED)
        self._dispatcher.join(timeout=2)
        self._workers.close()
        with self._lock:
            self._shared.close()

    # -- under the lock, or the dispatcher thread

    def _start_queued(self) -> None:
        """Give queued runs to idle workers, oldest first, while their memory fits (under the lock).

        The first in the queue waits (and the rest behind it) until the running runs leave it
        room; alone it always starts (submit refused any run larger than the budget).
        """
        for worker in self._workers.idle():
            if not self._waiting.jobs or not self._memory_fits(self._waiting.jobs[0]):
                return
            job = self._waiting.jobs.popleft()
            job.status, job.worker, job.started_at, worker.job = msg.RUNNING, worker, time.monotonic(), job
            job.controls_sent = []
            worker.send(msg.Train(job.id, job.state, job.spec))

    def _memory_fits(self, job: Job) -> bool:
        running = [other.memory_bytes for other in self._workers.jobs() if other is not None]
        return not running or sum(running) + job.memory_bytes <= self.memory_budget()

    def _dispatch(self) -> None:
        while not self._closed:
            with self._lock:
                waitables = self._workers.waitables()
            for ready in connection.wait(list(waitables), timeout=0.5):
                worker = waitables[ready]
                if ready is worker.conn:
                    self._receive(worker)
                else:
                    self._replace(worker)
            self._stop_unwatched()

    def _receive(self, worker: WorkerProcess) -> None:
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if isinstance(message, msg.Ready):
                    worker.ready.set()
                    continue
                with self._lock:
                    job = self._jobs.get(message.job_id)
                    if job is None:
                        continue
                    if isinstance(message, msg.Progress):
                        job.progress = message.counters.step / max(job.total_steps, 1)
                        job.progress_at = time.monotonic()
                        job.inbox.put(message)
                    elif isinstance(message, msg.Ended):
                        worker.job = None
                        self._waiting.learn_pace(job, message.status)
                        self._finish(job, message)
                        self._start_queued()
        except (EOFError, OSError):
            self._replace(worker)

    def _finish(self, job: Job, ended: msg.Ended) -> None:
        """The run is over in the pool: its inbox gets Ended, with why when it stopped and the
        controls its worker ended too soon to apply (late_controls, already in its state)."""
        if ended.status == msg.STOPPED and not ended.reason:  # stopped by the pool: it knows why
            ended = dataclasses.replace(ended, reason=job.stop_reason)
        if late := job.controls_sent[ended.controls_applied :]:
            merged = {name: value for controls in late for name, value in controls.items()}
            ended = dataclasses.replace(ended, state=controlled_state(ended.state, merged), late_controls=merged)
        job.status, job.state, job.worker = ended.status, ended.state, None
        job.inbox.put(ended)
        self._jobs.pop(job.id, None)

    def _replace(self, worker: WorkerProcess) -> None:
        """A worker died: fail its run (the trainer keeps its last weights), start another worker."""
        with self._lock:
            if worker not in self._workers.all or self._closed:
                return
            job, worker.job = worker.job, None
            words = self._workers.replace(worker)
            self.replaced += 1
            if job is not None:
                job.worker, job.status = None, msg.FAILED
                job.inbox.put(msg.Failed(words))
                self._jobs.pop(job.id, None)
            self._start_queued()

    def _stop_unwatched(self) -> None:
        with self._lock:
            for job in list(self._jobs.values()):
                if job.status in msg.ACTIVE and time.monotonic() - job.last_poll > self.idle_seconds:
                    self.stop(job, reason=msg.UNWATCHED)
