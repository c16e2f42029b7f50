"""RemoteTrainer: what a page holds, a Trainer look-alike whose batches run in the pool's workers."""

from __future__ import annotations

import queue
import time

from nnlib import Trainer
from nnlib.cost import check_cost, check_memory
from nnlib.data import PreparedData
from nnlib.events import LIVE_KNOBS, DivergedEvent, KnobEvent, TestResults
from server.jobs import messages as msg
from server.jobs.job import Job
from server.jobs.pool import JobPool
from server.jobs.refusals import TooCostly, TooLarge
from server.jobs.state import apply_controls, controlled_state, trainer_state

STOP_WAIT_SECONDS = 10.0  # how long stop() waits for the worker to hand the run back
#: Trainer's attributes as the pages read them, mirrored from the worker's messages
MIRRORED = frozenset(
    ("config", "data", "network", "history", "step", "total_steps", "batches_per_epoch", "epoch")
    + ("train_seconds", "cpu_seconds", "kept_step", "initial_W1", "initial_loss", "divergence")
)


class RemoteTrainer:
    """A Trainer look-alike whose batches run in the pool's workers.

    Built in the server: the network is initialised and the first loss measured here (so
    ``network``, ``initial_W1``, ``initial_loss`` and the first W1 snapshot exist at once),
    then the run is queued. ``advance(max_seconds)`` waits that long for the worker's events,
    records them in ``history`` and copies the newest weights into ``network`` in place (the
    session's model object stays the same). The MIRRORED attributes read as a Trainer's
    (train_seconds: wall time in the worker; cpu_seconds: the worker's CPU time for this run,
    the network's cost, not the crowd's). Statuses (messages): queued, running, stopped (Stop
    or an unwatched tab: the weights so far are kept, ``resume()`` goes on; ``stop_reason``
    says why), finished, diverged, failed (the worker died: ``message`` says why, the last
    weights received are kept).

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
        self._local.cpu_seconds = 0.0  # the worker adds to it; kept in the state across resumes
        self.pool, self.owner, self.priority = pool, owner, priority
        self.message = ""  # English, for logs and the command line; pages word it from the fields
        self.stop_reason = ""  # why a stopped run stopped (messages: the stop reasons)
        self._spec = pool.share(data)
        self._job: Job | None = None
        if controls:  # e.g. slow motion from the first batch on
            apply_controls(self._local, controls)
        self._state = trainer_state(self._local)
        self.status = msg.READY
        self._submit()

    def __getattr__(self, name: str):
        if name in MIRRORED:
            return getattr(self._local, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def done(self) -> bool:
        """Nothing more will happen without a click: finished, diverged or failed."""
        return self.status in msg.DONE

    @property
    def paused(self) -> bool:
        return self.status == msg.STOPPED and self.stop_reason == msg.PAUSED

    @property
    def queue_position(self) -> int | None:
        """Runs ahead of this one (0: it starts next), or None when it is not waiting."""
        self._drain()
        return self.pool.position(self._job) if self._job is not None and self.status == msg.QUEUED else None

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
        a run replaced by a newer one of the same session, or paused, stays stopped.

        max_batches is accepted for Trainer's signature; a worker runs by time, not batches.
        """
        if self._job is None:
            return []
        if self.status == msg.STOPPED and self.stop_reason not in (msg.REPLACED, msg.PAUSED):
            self.resume()
        self._job.last_poll = time.monotonic()
        events = self._drain(wait_s=max_seconds if max_seconds is not None else 0.3)
        if self.status == msg.STOPPED and self.stop_reason == msg.UNWATCHED:
            self.resume()  # its page looks right now: a busy server was late, nobody left
            self._job.last_poll = time.monotonic()
        return events

    def results(self) -> TestResults:
        """The test set as the run's weights now read it: the worker's, sent when the run ended or
        stopped (measured here only for a run whose worker died)."""
        return self._local.results()

    def refresh(self) -> None:
        """Apply what the worker sent, without waiting and without counting as a poll."""
        self._drain()

    def stop(self) -> None:
        """Stop now: a queued run leaves the queue; a running one comes back with its weights."""
        self._hand_back(msg.CLICKED)

    def pause(self) -> None:
        """Pause: the worker hands the run back and it waits, weights and step kept, until continue_()."""
        self._hand_back(msg.PAUSED)

    def _hand_back(self, reason: str) -> None:
        if self._job is None or self.status not in msg.ACTIVE:
            return
        self.pool.stop(self._job, reason=reason)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while self.status in msg.ACTIVE and time.monotonic() < deadline:
            self._drain(wait_s=0.1)

    def control(self, **controls) -> None:
        """Knobs (LIVE_KNOBS), add_steps, delay_s: sent to the worker, or written into a waiting run's
        state. A run that is not training and gets add_steps is queued again to do them."""
        if self._job is None:
            return
        knobs = {name: value for name, value in controls.items() if name in LIVE_KNOBS}
        if self.status in msg.ACTIVE:
            self.pool.control(self._job, controls)
        else:
            self._state = controlled_state(self._state, controls)
            if knobs:
                self._local.config = self._local.config.replace(**knobs)
        if "add_steps" in controls and self.status not in msg.ACTIVE:
            self._submit()

    def resume(self) -> None:
        """Queue a stopped run again from where it stopped (same weights, step and history)."""
        if self.status in (msg.STOPPED, msg.READY):
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
        self.status, self.message, self.stop_reason = msg.QUEUED, "", ""

    def _drain(self, wait_s: float = 0.0) -> list:
        """Apply the messages waiting for this run; wait up to wait_s for the first one."""
        if self._job is None:
            return []
        events, timeout = [], wait_s
        while True:
            try:
                message = self._job.inbox.get(timeout=timeout) if timeout > 0 else self._job.inbox.get_nowait()
            except queue.Empty:
                if self.status == msg.QUEUED and self._job.status == msg.RUNNING:
                    self.status = msg.RUNNING
                return events
            events += self._apply(message)
            timeout = 0.0  # then take what is there, no more waiting

    def _apply(self, message) -> list:
        """Mirror one message from the pool; return the events it carried."""
        if isinstance(message, msg.Progress):
            self._take(message.counters, message.weights)
            self.status = msg.RUNNING
            return self._record(message)
        if isinstance(message, msg.Ended):
            self._take(message.counters, message.weights)
            self._state = message.state
            if message.results is not None:
                self._local.test_results = message.results
            if knobs := {name: value for name, value in message.late_controls.items() if name in LIVE_KNOBS}:
                self._local.config = self._local.config.replace(**knobs)
            self.status, self.stop_reason = message.status, message.reason
            if message.reason == msg.UNWATCHED:
                self.message = f"stopped: nobody watched this run for {self.pool.idle_seconds:.0f} s"
            elif message.reason == msg.REPLACED:
                self.message = msg.REPLACED_WORDS
        elif isinstance(message, msg.Failed):
            self.status = msg.FAILED
            self.message = f"{message.words} at step {self._local.step:,}; the weights it sent last are kept"
        return []

    def _record(self, progress: msg.Progress) -> list:
        """Add a chunk's events to the history (a divergence or a knob change also where it shows)."""
        history = self._local.history
        steps, epochs, losses, _ = progress.batches
        history.batch_steps += steps.tolist()
        history.batch_epochs += epochs.tolist()
        history.batch_losses += losses.tolist()
        for event in progress.others:
            history.record(event)
            if isinstance(event, DivergedEvent):
                self._local.divergence = event
            elif isinstance(event, KnobEvent):
                self._local.config = self._local.config.replace(**{event.name: event.value})
        return msg.unpack_batches(progress.batches) + list(progress.others)

    def _take(self, counters: msg.Counters | None, weights: dict | None) -> None:
        if counters is not None:
            if counters.total_steps != self._local.total_steps:  # One step or +1 epoch past the end
                self._local.total_steps = counters.total_steps
                self._local.config = self._local.config.replace(epochs=counters.epochs)
            self._local.step = counters.step
            self._local.train_seconds = counters.train_seconds
            self._local.cpu_seconds = counters.cpu_seconds
            self._local.kept_step = counters.kept_step
        if weights:
            for name, value in weights.items():
                self._local.network.params[name][...] = value
