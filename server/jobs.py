"""Training jobs in worker processes: a pool sized to the cores, a fair queue, faults handled.

The blog's per-sample loop is Python: in the server's interpreter, every session's training
shares one interpreter lock and a 16-core server is no faster than one core. Here each run
goes to a worker process (``NNLIB_WORKERS``, default one per core); the server only routes
messages. The pieces:

- ``SharedData`` (server.shared_files): a PreparedData written once to files that every
  worker maps (the page cache holds one copy; no copy per job, none per worker).
- ``JobPool``: the workers, a FIFO queue when all are busy, one running-or-queued run per
  owner (session), a dispatcher thread that forwards events and replaces a worker that dies.
- ``RemoteTrainer``: behaves like ``nnlib.Trainer`` as the pages use it (``advance``,
  ``history``, ``network``, ``status`` …) plus ``queue_position``, ``estimated_start_s``,
  ``stop()`` and ``resume()``.

A job is a Trainer pickled without its data: the server builds it (weights initialised,
first loss measured), the worker trains it chunk by chunk and sends events and weights, and
on Stop sends it back; Resume queues that same state again. A run nobody polls for
``NNLIB_JOB_IDLE_SECONDS`` (a closed tab) is stopped, keeping its weights.
"""

from __future__ import annotations

import collections
import dataclasses
import heapq
import itertools
import math
import multiprocessing
import os
import pickle
import queue
import threading
import time
from multiprocessing import connection

import numpy as np

from nnlib import Trainer
from nnlib.cost import CostCheck, MemoryCheck, check_cost, check_memory, max_run_bytes
from nnlib.trainer import LIVE_KNOBS, BatchEvent, DivergedEvent, FinishedEvent, History, KnobEvent, PreparedData
from server.limits import memory_limit_bytes, positive_int_env, read_limits, usable_cores
from server.shared_files import (
    SharedData,
    SharedDataSpec,
    SharedFolder,
    file_backed_bytes,
    file_backed_spec,
    map_shared,
)
from server.tasks import plain_main

CHUNK_SECONDS = 0.2  # a worker reports events about this often
WEIGHTS_EVERY_SECONDS = 1.0  # and the current weights about this often (and at the end)
DEFAULT_IDLE_SECONDS = 20.0  # a run nobody polls this long is stopped (closed tab)
DEFAULT_MAX_QUEUE = 200  # runs waiting at most; more are refused (bounded memory)
WORKER_NICENESS = 10  # workers run at nice ≥ 10: they yield the CPU to the server's pages (Draw stays fast)
STOP_WAIT_SECONDS = 10.0  # how long stop() waits for the worker to hand the run back
ACTIVE = ("queued", "running")
REPLACED = "stopped: a newer run of this session replaced it"


class PoolFull(RuntimeError):
    """The queue is at its limit; the message says so in plain words."""


class TooCostly(ValueError):
    """The work cap refuses this run; .check holds the estimate, the cap and what fits."""

    def __init__(self, check: CostCheck):
        self.check = check
        super().__init__(
            f"this run would take about {check.estimate_s:,.0f} CPU-seconds; one run may take at most "
            f"{check.cap_s:,.0f} here"
        )


class TooLarge(ValueError):
    """The memory budget refuses this run; .check holds the estimate, the budget and what fits."""

    def __init__(self, check: MemoryCheck):
        self.check = check
        super().__init__(
            f"this run would hold about {check.estimate_bytes / 2**20:,.0f} MB; one run may hold at most "
            f"{check.budget_bytes / 2**20:,.0f} MB here"
        )


def default_workers() -> int:
    """NNLIB_WORKERS, else one worker per core this process may use (the cgroup's CPU quota, rounded
    down, else the CPU affinity)."""
    workers = positive_int_env("NNLIB_WORKERS", "a whole number")
    if workers is not None:
        return workers
    return usable_cores()


# --- A Trainer without its data, to send between processes -----------------------------------


def trainer_state(trainer: Trainer) -> bytes:
    """The trainer pickled without its data and history: weights, velocity, step, RNG, checkpoint."""
    state = {k: v for k, v in trainer.__dict__.items() if k not in ("data", "history")}
    return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def trainer_from_state(blob: bytes, data: PreparedData) -> Trainer:
    """The trainer trainer_state saved, training on data again (its history starts empty)."""
    trainer = Trainer.__new__(Trainer)
    trainer.__dict__.update(pickle.loads(blob))
    trainer.data, trainer.history = data, History()
    return trainer


# --- The worker process ----------------------------------------------------------------------


def worker_main(conn, niceness: int) -> None:
    """A worker: train one job at a time, report every CHUNK_SECONDS, obey stop between chunks.

    Messages in: ("train", job_id, state, spec) and ("stop", job_id). Out: ("ready", None) once,
    then per job ("progress", job_id, batch columns, other events, fields, weights or None)
    every chunk and, last,
    ("ended", job_id, status, fields, weights, state), the state being what Resume sends back.
    """
    try:  # absolute, as the old training threads had: a server already niced is not pushed to 19
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), niceness))
    except OSError:
        pass
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    conn.send(("ready", None))
    mapped: collections.OrderedDict = collections.OrderedDict()  # spec key -> data over the server's files
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] != "train":
            continue  # a stop for a job that already ended
        _, job_id, state, spec = message
        if spec.key not in mapped:
            mapped[spec.key] = map_shared(spec)
            while len(mapped) > 4:
                mapped.popitem(last=False)  # unmapped when its arrays are collected
        mapped.move_to_end(spec.key)
        trainer = trainer_from_state(state, mapped[spec.key])
        _train(conn, job_id, trainer)


def apply_controls(trainer: Trainer, controls: dict) -> None:
    """A teacher's hand on a run: knobs (nnlib.trainer.LIVE_KNOBS, from the next batch), add_steps
    (train exactly that many more batches, then pause), delay_s (slow motion) and knob_plan
    (Trainer.plan_knobs)."""
    knobs = {name: value for name, value in controls.items() if name in LIVE_KNOBS}
    if knobs:
        trainer.set_knobs(**knobs)
    if "add_steps" in controls:
        trainer.add_steps(int(controls["add_steps"]))
    if "delay_s" in controls:
        trainer.delay_s = float(controls["delay_s"])
    if "knob_plan" in controls:  # a run's link: its mid-run changes, at the same batches
        trainer.plan_knobs(controls["knob_plan"])


def controlled_state(blob: bytes, controls: dict) -> bytes:
    """A stopped or queued run's state (trainer_state) with controls applied, for when it trains again."""
    trainer = Trainer.__new__(Trainer)
    trainer.__dict__.update(pickle.loads(blob))
    apply_controls(trainer, controls)
    return trainer_state(trainer)


def _fields(trainer: Trainer) -> dict:
    return dict(
        total_steps=trainer.total_steps,
        epochs=trainer.config.epochs,
        step=trainer.step,
        train_seconds=trainer.train_seconds,
        cpu_seconds=trainer.cpu_seconds,
        kept_step=trainer.kept_step,
        status=trainer.status,
    )


def _weights(trainer: Trainer) -> dict:
    """W1, B1, W2, … as they are now (pickled on send, so the worker's arrays stay its own)."""
    return dict(trainer.network.params)


def _train(conn, job_id: int, trainer: Trainer) -> None:
    """Train until done or told to stop; a sender thread writes to the pipe, so a server slow
    to read (a busy interpreter) never stalls the training."""
    outbox: queue.SimpleQueue = queue.SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(conn, outbox), daemon=True)
    sender.start()
    stopped, paused, weights_sent = False, False, -math.inf  # the first chunk sends weights
    trainer.__dict__.setdefault("cpu_seconds", 0.0)  # kept in the state: a resumed run adds to it
    while not trainer.done and not stopped:
        started = time.thread_time()  # this thread's CPU only: training, not the sender's pickling
        events = trainer.advance(max_seconds=CHUNK_SECONDS)
        trainer.cpu_seconds += time.thread_time() - started
        trainer.history = History()  # sent, not kept: a worker's memory stays flat
        weights = None
        if time.monotonic() - weights_sent >= WEIGHTS_EVERY_SECONDS or trainer.done:
            weights, weights_sent = _weights(trainer), time.monotonic()
        outbox.put(("progress", job_id, *pack_events(events), _fields(trainer), weights))
        while conn.poll():
            message = conn.recv()
            if message[0] == "stop" and message[1] == job_id:
                stopped = True
            elif message[0] == "control" and message[1] == job_id:
                apply_controls(trainer, message[2])
        if trainer.stop_at is not None and trainer.step >= trainer.stop_at and not trainer.done:
            trainer.stop_at, stopped, paused = None, True, True  # One step or +1 epoch done: pause here
    status = trainer.status if trainer.done else "stopped"
    trainer.status = "ready" if status == "stopped" else trainer.status
    fields = {**_fields(trainer), "paused": paused}
    outbox.put(("ended", job_id, status, fields, _weights(trainer), trainer_state(trainer)))
    outbox.put(None)
    sender.join()


def _send_all(conn, outbox: queue.SimpleQueue) -> None:
    while (message := outbox.get()) is not None:
        conn.send(message)


def pack_events(events: list) -> tuple[tuple[np.ndarray, ...], list]:
    """Batch events as four arrays (step, epoch, loss, learning rate), the rest as they are.

    A blog run emits 12,665 batch events; as arrays they pickle ~10× smaller and faster.
    """
    batches = [e for e in events if isinstance(e, BatchEvent)]
    columns = (
        np.array([e.step for e in batches], dtype=np.int64),
        np.array([e.epoch for e in batches]),
        np.array([e.loss for e in batches]),
        np.array([e.learning_rate for e in batches]),
    )
    return columns, [e for e in events if not isinstance(e, BatchEvent)]


def unpack_batches(columns: tuple[np.ndarray, ...]) -> list[BatchEvent]:
    return [BatchEvent(*row) for row in zip(*(column.tolist() for column in columns))]


# --- The server side -------------------------------------------------------------------------


@dataclasses.dataclass
class Job:
    """One run as the pool sees it. Fields change under JobPool._lock."""

    id: int
    owner: str
    state: bytes  # the trainer without data, as last handed back
    spec: SharedDataSpec
    estimate_s: float  # CPU-seconds of the whole run
    inbox: queue.SimpleQueue
    memory_bytes: int = 0  # its arrays' estimated peak (nnlib.cost.estimate_peak_bytes)
    priority: bool = False  # a teacher's run: queued ahead of the students'
    total_steps: int = 1
    status: str = "queued"  # queued | running | then the RemoteTrainer's end statuses
    progress: float = 0.0  # share of the run done, for the queue's estimate
    first_progress: float = 0.0  # the share done when it was queued (0 unless resumed)
    progress_at: float | None = None  # when progress was last reported
    started_at: float | None = None
    stop_reason: str = "stopped"  # stopped (a click) | unwatched | replaced | closed
    last_poll: float = dataclasses.field(default_factory=time.monotonic)
    worker: _Worker | None = None


class _Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, context, niceness: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, niceness), daemon=True)
        with plain_main():
            self.process.start()
        child.close()
        self.job: Job | None = None
        self.ready = threading.Event()  # set when the worker has imported NumPy and nnlib


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
        self._context = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._lock = threading.RLock()
        self._queue: collections.deque[Job] = collections.deque()
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._shared: collections.OrderedDict[tuple, SharedData] = collections.OrderedDict()
        self._folder = SharedFolder()  # removes the folders of servers that died first
        self._workers = [_Worker(self._context, WORKER_NICENESS) for _ in range(self.size)]
        self.replaced = 0  # workers that died and were replaced
        self.pace = 1.0  # wall seconds per estimated CPU-second, learnt from finished runs
        self._closed = False
        self._dispatcher = threading.Thread(target=self._dispatch, name="nnlib-jobs", daemon=True)
        self._dispatcher.start()

    # -- used by RemoteTrainer

    def share(self, data: PreparedData) -> SharedDataSpec:
        """The data's shared copy (files mapped by the workers), made on first use (one per PreparedData object: the
        server shares each prepared set once, so this is once per digits/normalisation/dtype)."""
        already = file_backed_spec(data)
        if already is not None:
            return already
        key = (tuple(data.digits), data.X_train.dtype.str, data.X_train.shape, id(data))
        with self._lock:
            if key not in self._shared:
                self._shared[key] = SharedData(key, data, self._folder)
                self._evict_shared()
            self._shared.move_to_end(key)
            return self._shared[key].spec

    def _evict_shared(self) -> None:
        in_use = {job.spec.key for job in self._jobs.values() if job.status in ACTIVE}
        for key in list(self._shared):
            if len(self._shared) <= 6:
                break
            if key not in in_use:
                self._shared.pop(key).close()

    def memory_budget(self) -> int:
        """Bytes the runs' own arrays may hold together now: the memory limit (NNLIB_MEMORY_MB, the
        cgroup's, else the machine's) minus the server as it is now, the workers' own and the shared files."""
        limit = self.memory_limit or _physical_memory()
        with self._lock:
            files = sum(shared.nbytes for shared in self._shared.values()) + file_backed_bytes()
        return limit - _anonymous_bytes() - self.size * WORKER_BASE_BYTES - files

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
                if job.owner == owner and job.status in ACTIVE:
                    self.stop(job, reason="replaced")
            if len(self._queue) >= self.max_queue:
                raise PoolFull(f"{len(self._queue)} runs are already waiting; try again in a minute")
            job = Job(next(self._ids), owner, state, spec, estimate_s, queue.SimpleQueue(), memory_bytes, priority)
            job.total_steps = total_steps
            job.progress = job.first_progress = step / max(total_steps, 1)
            self._jobs[job.id] = job
            if priority:
                self._queue.insert(sum(1 for waiting in self._queue if waiting.priority), job)
            else:
                self._queue.append(job)
            self._start_queued()
            return job

    def stop(self, job: Job, reason: str = "stopped") -> None:
        """Take a queued run out of the queue, or ask its worker to hand it back."""
        with self._lock:
            if job.status == "queued":
                self._queue.remove(job)
                self._finish(job, "stopped", {}, None, job.state, reason)
            elif job.status == "running" and job.worker is not None:
                job.stop_reason = reason
                try:
                    job.worker.conn.send(("stop", job.id))
                except OSError:
                    pass  # the worker died; the dispatcher reports it

    def control(self, job: Job, controls: dict) -> None:
        """Change a queued or running run (apply_controls): a queued one's state now, a running one's
        worker before its next batch. After add_steps the worker pauses the run when they are done."""
        with self._lock:
            if job.status == "queued":
                job.state = controlled_state(job.state, controls)
            elif job.status == "running" and job.worker is not None:
                try:
                    job.worker.conn.send(("control", job.id, controls))
                except OSError:
                    pass  # the worker died; the dispatcher reports it

    def position(self, job: Job) -> int | None:
        """Runs ahead of this one in the queue (0: next), or None when it is not queued."""
        with self._lock:
            return self._queue.index(job) if job.status == "queued" else None

    def estimated_start_s(self, job: Job) -> float:
        """Seconds until this queued run starts: the workers' remaining work, then the queue ahead."""
        with self._lock:
            if job.status != "queued":
                return 0.0
            free_at = [self._remaining_s(worker.job) for worker in self._workers]
            heapq.heapify(free_at)
            for ahead in self._queue:
                if ahead is job:
                    break
                left = ahead.estimate_s * (1 - ahead.progress) * self.pace
                heapq.heappush(free_at, heapq.heappop(free_at) + left)
            return free_at[0]

    def _remaining_s(self, job: Job | None) -> float:
        """Seconds until job's worker is free: from its measured speed once a tenth is done."""
        if job is None:
            return 0.0
        now, started = time.monotonic(), job.started_at or time.monotonic()
        done = job.progress - job.first_progress
        if done > 0.1 and job.progress_at is not None:
            seconds_per_share = (job.progress_at - started) / done
            return max(seconds_per_share * (1 - job.progress) - (now - job.progress_at), 0.0)
        return max(job.estimate_s * (1 - job.first_progress) * self.pace - (now - started), 0.0)

    def counts(self) -> dict:
        """Workers, running and queued runs, replaced workers (for tests and benchmarks)."""
        with self._lock:
            return dict(
                workers=len(self._workers),
                running=sum(1 for w in self._workers if w.job is not None),
                queued=len(self._queue),
                replaced=self.replaced,
            )

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Wait until every worker has started (imports done); False if one did not in time."""
        deadline = time.monotonic() + timeout
        with self._lock:
            workers = list(self._workers)
        return all(worker.ready.wait(max(deadline - time.monotonic(), 0)) for worker in workers)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [worker.process.pid for worker in self._workers]

    def running_pid(self, job: Job) -> int | None:
        with self._lock:
            return job.worker.process.pid if job.worker is not None else None

    def close(self) -> None:
        """Stop the workers and delete the shared files."""
        with self._lock:
            self._closed = True
            for job in list(self._queue):
                self.stop(job, reason="closed")
        self._dispatcher.join(timeout=2)
        for worker in self._workers:
            worker.process.terminate()
        for worker in self._workers:
            worker.process.join(timeout=2)
            worker.conn.close()
        with self._lock:
            for shared in self._shared.values():
                shared.close()
            self._shared.clear()
            self._folder.close()

    # -- the dispatcher thread

    def _start_queued(self) -> None:
        """Give queued runs to idle workers, oldest first, while their memory fits (under the lock).

        The first in the queue waits (and the rest behind it) until the running runs leave it
        room; alone it always starts (submit refused any run larger than the budget).
        """
        for worker in self._workers:
            if not self._queue:
                return
            if worker.job is None and worker.process.is_alive():
                if not self._memory_fits(self._queue[0]):
                    return
                job = self._queue.popleft()
                job.status, job.worker, job.started_at = "running", worker, time.monotonic()
                worker.job = job
                try:
                    worker.conn.send(("train", job.id, job.state, job.spec))
                except OSError:
                    pass  # the dispatcher sees it die and fails the job

    def _memory_fits(self, job: Job) -> bool:
        running = [worker.job.memory_bytes for worker in self._workers if worker.job is not None]
        return not running or sum(running) + job.memory_bytes <= self.memory_budget()

    def _dispatch(self) -> None:
        while not self._closed:
            with self._lock:
                waitables = {worker.conn: worker for worker in self._workers}
                waitables.update({worker.process.sentinel: worker for worker in self._workers})
            for ready in connection.wait(list(waitables), timeout=0.5):
                worker = waitables[ready]
                if ready is worker.conn:
                    self._receive(worker)
                else:
                    self._replace(worker)
            self._stop_unwatched()

    def _receive(self, worker: _Worker) -> None:
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "ready":
                    worker.ready.set()
                    continue
                with self._lock:
                    job = self._jobs.get(message[1])
                    if job is None:
                        continue
                    if message[0] == "progress":
                        _, _, batches, others, fields, weights = message
                        job.progress = fields["step"] / max(job.total_steps, 1)
                        job.progress_at = time.monotonic()
                        job.inbox.put(("progress", batches, others, fields, weights))
                    elif message[0] == "ended":
                        _, _, status, fields, weights, state = message
                        worker.job = None
                        self._learn_pace(job, status)
                        reason = ("paused" if fields.get("paused") else job.stop_reason) if status == "stopped" else ""
                        self._finish(job, status, fields, weights, state, reason)
                        self._start_queued()
        except (EOFError, OSError):
            self._replace(worker)

    def _learn_pace(self, job: Job, status: str) -> None:
        """Fold a whole finished run's wall time ÷ its estimate into pace (a moving average):
        the queue's estimates then follow this machine and its load."""
        if status == "finished" and job.started_at is not None and job.first_progress == 0.0:
            observed = (time.monotonic() - job.started_at) / max(job.estimate_s, 1e-3)
            self.pace += 0.3 * (min(max(observed, 0.1), 20.0) - self.pace)

    def _finish(self, job: Job, status: str, fields: dict, weights, state: bytes, reason: str) -> None:
        job.status, job.state, job.worker = status, state, None
        job.inbox.put(("ended", status, fields, weights, reason))
        self._jobs.pop(job.id, None)

    def _replace(self, worker: _Worker) -> None:
        """A worker died: fail its run (the trainer keeps its last weights), start another worker."""
        with self._lock:
            if worker not in self._workers or self._closed:
                return
            worker.process.join(timeout=1)
            code = worker.process.exitcode
            job, worker.job = worker.job, None
            index = self._workers.index(worker)
            self._workers[index] = _Worker(self._context, WORKER_NICENESS)
            self.replaced += 1
            worker.conn.close()
            if job is not None:
                job.worker = None
                job.status = "failed"
                job.inbox.put(("failed", _death_words(code)))
                self._jobs.pop(job.id, None)
            self._start_queued()

    def _stop_unwatched(self) -> None:
        now = time.monotonic()
        with self._lock:
            for job in list(self._jobs.values()):
                if job.status in ACTIVE and now - job.last_poll > self.idle_seconds:
                    self.stop(job, reason="unwatched")


WORKER_BASE_BYTES = 80 * 2**20  # a worker's own memory before a run: Python, NumPy, nnlib


def _anonymous_bytes() -> int:
    """This process's own resident memory now (RssAnon: not the mapped files, counted apart);
    Linux /proc, 0 elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _physical_memory() -> int:
    """The machine's memory, the limit when no cgroup or setting gives one."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 1 << 40


def _death_words(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        import signal

        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        killed = "killed (out of memory?)" if name == "SIGKILL" else f"stopped by {name}"
        return f"the training process was {killed}"
    return f"the training process ended unexpectedly (exit code {exitcode})"


# --- What a page holds ----------------------------------------------------------------------


class RemoteTrainer:
    """A Trainer look-alike whose batches run in the pool's workers.

    Built in the server: the network is initialised and the first loss measured here (so
    ``network``, ``initial_W1``, ``initial_loss`` and the first W1 snapshot exist at once),
    then the run is queued. ``advance(max_seconds)`` waits that long for the worker's events,
    records them in ``history`` and copies the newest weights into ``network`` in place (the
    session's model object stays the same). Statuses: queued, running, stopped (Stop or an
    unwatched tab: the weights so far are kept, ``resume()`` goes on), finished, diverged,
    failed (the worker died: ``message`` says why, the last weights received are kept).

    Raises TooCostly when the work cap (cap_s, default NNLIB_MAX_CPU_SECONDS) refuses the
    run, TooLarge when its memory could never fit (pool.run_budget()) and PoolFull when the
    queue is full: such a run never takes a place. priority: a teacher's run, queued ahead.
    controls: apply_controls' settings from the first batch on (slow motion).
    """

    def __init__(
        self,
        pool: JobPool,
        owner: str,
        config,
        data: PreparedData,
        cap_s: float | None = None,
        priority: bool = False,
        controls: dict | None = None,
    ):
        trained, _ = config.validate().split_counts(len(data.y_train))
        check = check_cost(config, trained, cap_s)
        if not check.allowed:  # before any weights are allocated or a place is taken
            raise TooCostly(check)
        memory = check_memory(config, trained, pool.run_budget())
        if not memory.allowed:
            raise TooLarge(memory)
        self.estimate_s, self.memory_bytes = check.estimate_s, memory.estimate_bytes
        self._local = Trainer(config, data)
        self.pool, self.owner, self.priority = pool, owner, priority
        self.message = ""  # English, for logs and the command line; pages word it from the fields
        self.stop_reason = ""  # why a stopped run stopped: stopped (a click) | unwatched | replaced | closed
        self._spec = pool.share(data)
        self._job: Job | None = None
        if controls:  # e.g. slow motion from the first batch on
            apply_controls(self._local, controls)
        self._state = trainer_state(self._local)
        self.status = "ready"
        self._submit()

    # Trainer's attributes, as the pages read them
    config = property(lambda self: self._local.config)
    data = property(lambda self: self._local.data)
    network = property(lambda self: self._local.network)
    history = property(lambda self: self._local.history)
    step = property(lambda self: self._local.step)
    total_steps = property(lambda self: self._local.total_steps)
    batches_per_epoch = property(lambda self: self._local.batches_per_epoch)
    epoch = property(lambda self: self._local.epoch)
    train_seconds = property(lambda self: self._local.train_seconds)  # wall time in the worker
    #: CPU time the worker spent training this run: the network's cost, not the crowd's
    cpu_seconds = property(lambda self: self._local.__dict__.get("cpu_seconds", 0.0))
    kept_step = property(lambda self: self._local.kept_step)
    initial_W1 = property(lambda self: self._local.initial_W1)
    initial_loss = property(lambda self: self._local.initial_loss)
    divergence = property(lambda self: self._local.divergence)

    @property
    def done(self) -> bool:
        """Nothing more will happen without a click: finished, diverged or failed."""
        return self.status in ("finished", "diverged", "failed")

    @property
    def queue_position(self) -> int | None:
        """Runs ahead of this one (0: it starts next), or None when it is not waiting."""
        self._drain()
        return self.pool.position(self._job) if self._job is not None and self.status == "queued" else None

    @property
    def estimated_start_s(self) -> float | None:
        """About how many seconds until this queued run starts; None when it is not waiting."""
        if self.queue_position is None:
            return None
        return self.pool.estimated_start_s(self._job)

    def advance(self, max_batches: int | None = None, max_seconds: float | None = None) -> list:
        """Wait up to max_seconds for the worker's events; record and return them.

        A stopped run is queued again first, as Trainer.advance carries on where it was (the
        page's Resume, or a tab that comes back after its run was stopped for being unwatched);
        a run replaced by a newer one of the same session stays stopped.

        max_batches is accepted for Trainer's signature; a worker runs by time, not batches.
        """
        if self._job is None:
            return []
        if self.status == "stopped" and self.stop_reason not in ("replaced", "paused"):
            self.resume()  # as Trainer.advance carries on: Resume, or a tab that came back late
        self._job.last_poll = time.monotonic()
        events = self._drain(wait_s=max_seconds if max_seconds is not None else 0.3)
        if self.status == "stopped" and self.stop_reason == "unwatched":
            self.resume()  # its page looks right now: a busy server was late, nobody left
            self._job.last_poll = time.monotonic()
        return events

    def refresh(self) -> None:
        """Apply what the worker sent, without waiting and without counting as a poll."""
        self._drain()

    def stop(self) -> None:
        """Stop now: a queued run leaves the queue; a running one comes back with its weights."""
        if self._job is None or self.status not in ACTIVE:
            return
        self.pool.stop(self._job)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while self.status in ACTIVE and time.monotonic() < deadline:
            self._drain(wait_s=0.1)

    def pause(self) -> None:
        """Pause: the worker hands the run back and it waits, weights and step kept, until continue_()."""
        if self._job is not None and self.status in ACTIVE:
            self.pool.stop(self._job, reason="paused")
            deadline = time.monotonic() + STOP_WAIT_SECONDS
            while self.status in ACTIVE and time.monotonic() < deadline:
                self._drain(wait_s=0.1)

    @property
    def paused(self) -> bool:
        return self.status == "stopped" and self.stop_reason == "paused"

    def control(self, **controls) -> None:
        """Knobs (LIVE_KNOBS), add_steps, delay_s: sent to the worker, or written into a waiting run's
        state. A run that is not training and gets add_steps is queued again to do them."""
        if self._job is None:
            return
        knobs = {name: value for name, value in controls.items() if name in LIVE_KNOBS}
        if self.status in ACTIVE:
            self.pool.control(self._job, controls)
        else:
            self._state = controlled_state(self._state, controls)
            if knobs:
                self._local.config = self._local.config.replace(**knobs)
        if "add_steps" in controls and self.status not in ACTIVE:
            self._submit()

    def resume(self) -> None:
        """Queue a stopped run again from where it stopped (same weights, step and history)."""
        if self.status in ("stopped", "ready"):
            self._submit()

    def _submit(self) -> None:
        local = self._local
        self._job = self.pool.submit(
            self.owner,
            self._state,
            self._spec,
            self.estimate_s,
            local.total_steps,
            local.step,
            self.memory_bytes,
            self.priority,
        )
        self.status, self.message, self.stop_reason = "queued", "", ""

    def _drain(self, wait_s: float = 0.0) -> list:
        """Apply the messages waiting for this run; wait up to wait_s for the first one."""
        if self._job is None:
            return []
        events, timeout = [], wait_s
        while True:
            try:
                message = self._job.inbox.get(timeout=timeout) if timeout > 0 else self._job.inbox.get_nowait()
            except queue.Empty:
                if self.status == "queued" and self._job.status == "running":
                    self.status = "running"
                return events
            events += self._apply(message)
            timeout = 0.0  # then take what is there, no more waiting

    def _apply(self, message) -> list:
        kind = message[0]
        if kind == "progress":
            _, batches, others, fields, weights = message
            self._take(fields, weights)
            self.status = "running"
            history = self._local.history
            steps, epochs, losses, _ = batches
            history.batch_steps += steps.tolist()
            history.batch_epochs += epochs.tolist()
            history.batch_losses += losses.tolist()
            for event in others:
                history.record(event)
                if isinstance(event, DivergedEvent):
                    self._local.divergence = event
                elif isinstance(event, KnobEvent):
                    self._local.config = self._local.config.replace(**{event.name: event.value})
            return unpack_batches(batches) + list(others)
        if kind == "ended":
            _, status, fields, weights, reason = message
            self._take(fields, weights)
            self._state = self._job.state
            self.status, self.stop_reason = status, reason
            if reason == "unwatched":
                self.message = f"stopped: nobody watched this run for {self.pool.idle_seconds:.0f} s"
            elif reason == "replaced":
                self.message = REPLACED
            return []
        if kind == "failed":
            self.status = "failed"
            self.message = f"{message[1]} at step {self._local.step:,}; the weights it sent last are kept"
            return []
        return []

    def _take(self, fields: dict, weights) -> None:
        if fields:
            if fields["total_steps"] != self._local.total_steps:  # One step or +1 epoch past the end
                self._local.total_steps = fields["total_steps"]
                self._local.config = self._local.config.replace(epochs=fields["epochs"])
            self._local.step = fields["step"]
            self._local.train_seconds = fields["train_seconds"]
            self._local.cpu_seconds = fields["cpu_seconds"]
            self._local.kept_step = fields["kept_step"]
        if weights:
            for name, value in weights.items():
                self._local.network.params[name][...] = value


__all__ = [
    "FinishedEvent",
    "JobPool",
    "PoolFull",
    "RemoteTrainer",
    "TooCostly",
    "TooLarge",
    "default_workers",
    "trainer_from_state",
    "trainer_state",
]
