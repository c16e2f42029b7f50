"""The worker process: train one job at a time, report every CHUNK_SECONDS, obey Stop between chunks.

worker_main runs in a process spawned fresh (never forked), so it lives here, at a module path
that imports without the server's state.
"""

from __future__ import annotations

import collections
import math
import os
import queue
import threading
import time

from nnlib import Trainer
from nnlib.events import History
from server.jobs.messages import (
    PAUSED,
    READY,
    STOPPED,
    Control,
    Counters,
    Ended,
    Progress,
    Ready,
    Stop,
    Train,
    pack_events,
)
from server.jobs.state import apply_controls, trainer_from_state, trainer_state
from server.shared_files import map_shared

CHUNK_SECONDS = 0.2  # a worker reports events about this often
WEIGHTS_EVERY_SECONDS = 1.0  # and the current weights about this often (and at the end)
MAPPED_DATA_KEPT = 4  # prepared sets a worker keeps mapped (the newest used)


def worker_main(conn, niceness: int) -> None:
    """A worker: sends Ready once, then for each Train message trains that job (see _train)."""
    try:  # absolute: a server already niced is not pushed to 19
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), niceness))
    except OSError:
        pass
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    conn.send(Ready())
    mapped: collections.OrderedDict = collections.OrderedDict()  # spec key -> data over the server's files
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if not isinstance(message, Train):
            continue  # a stop or control for a job that already ended
        if message.spec.key not in mapped:
            mapped[message.spec.key] = map_shared(message.spec)
            while len(mapped) > MAPPED_DATA_KEPT:
                mapped.popitem(last=False)  # unmapped when its arrays are collected
        mapped.move_to_end(message.spec.key)
        _train(conn, message.job_id, trainer_from_state(message.state, mapped[message.spec.key]))


def _counters(trainer: Trainer) -> Counters:
    return Counters(
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
    """Train until done or told to stop, sending Progress every chunk and Ended last.

    A sender thread writes to the pipe, so a server slow to read (a busy interpreter) never
    stalls the training.
    """
    outbox: queue.SimpleQueue = queue.SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(conn, outbox), daemon=True)
    sender.start()
    stopped, paused, weights_sent = False, False, -math.inf  # the first chunk sends weights
    orders = Orders()
    trainer.__dict__.setdefault("cpu_seconds", 0.0)  # kept in the state: a resumed run adds to it
    while not trainer.done and not stopped:
        started = time.thread_time()  # this thread's CPU only: training, not the sender's pickling
        events = trainer.advance(max_seconds=CHUNK_SECONDS)
        trainer.cpu_seconds += time.thread_time() - started
        trainer.history = History()  # sent, not kept: a worker's memory stays flat
        weights = None
        if time.monotonic() - weights_sent >= WEIGHTS_EVERY_SECONDS or trainer.done:
            weights, weights_sent = _weights(trainer), time.monotonic()
        outbox.put(Progress(job_id, *pack_events(events), _counters(trainer), weights))
        stopped = orders.read(conn, job_id, trainer)
        if trainer.stop_at is not None and trainer.step >= trainer.stop_at and not trainer.done:
            trainer.stop_at, stopped, paused = None, True, True  # One step or +1 epoch done: pause here
    status = trainer.status if trainer.done else STOPPED
    trainer.status = READY if status == STOPPED else trainer.status
    reason = PAUSED if paused else ""  # else the pool, which asked for the stop, fills it in
    results = trainer.results()  # measured here at most once per stint, never by a page
    state = trainer_state(trainer)
    ended = Ended(
        job_id, status, _counters(trainer), _weights(trainer), state, reason, orders.controls_applied, results=results
    )
    outbox.put(ended)
    outbox.put(None)
    sender.join()


class Orders:
    """The pool's orders for the job being trained, read between chunks; counts the controls applied
    (Ended says how many: the pool applies the ones that came too late to the run's state)."""

    def __init__(self):
        self.controls_applied = 0

    def read(self, conn, job_id: int, trainer: Trainer) -> bool:
        """Apply the Control messages waiting for this job; True when one of them is Stop."""
        stopped = False
        while conn.poll():
            message = conn.recv()
            if isinstance(message, Stop) and message.job_id == job_id:
                stopped = True
            elif isinstance(message, Control) and message.job_id == job_id:
                apply_controls(trainer, message.controls)
                self.controls_applied += 1
        return stopped


def _send_all(conn, outbox: queue.SimpleQueue) -> None:
    while (message := outbox.get()) is not None:
        conn.send(message)
