"""What the server, the workers and a page's RemoteTrainer tell each other, and the words for a run's status.

Statuses: Trainer's own (ready, running, finished, diverged) plus the pool's (queued, stopped,
failed). A stopped run says why in a stop reason (stopped by a click, paused, unwatched,
replaced by a newer run of its session, or the pool closed).

Server → worker: Train, Stop, Control. Worker → server: Ready once, then per job Progress every
chunk and Ended last. The pool forwards Progress and Ended (with its stop reason) to the run's
inbox, or Failed when the worker died.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from nnlib.events import BatchEvent, TestResults
from server.shared_files import SharedDataSpec

READY, RUNNING, FINISHED, DIVERGED = "ready", "running", "finished", "diverged"  # Trainer.status
QUEUED, STOPPED, FAILED = "queued", "stopped", "failed"
ACTIVE = (QUEUED, RUNNING)  # in the pool: waiting or training
DONE = (FINISHED, DIVERGED, FAILED)  # nothing more happens without a click

CLICKED, PAUSED, UNWATCHED, REPLACED, CLOSED = "stopped", "paused", "unwatched", "replaced", "closed"  # stop reasons
REPLACED_WORDS = "stopped: a newer run of this session replaced it"


@dataclasses.dataclass(frozen=True)
class Train:
    """Train this job: its trainer's state (trainer_state) over the data the spec maps."""

    job_id: int
    state: bytes
    spec: SharedDataSpec


@dataclasses.dataclass(frozen=True)
class Stop:
    """Hand this job back between chunks."""

    job_id: int


@dataclasses.dataclass(frozen=True)
class Control:
    """A teacher's hand on a running job (server.jobs.state.apply_controls)."""

    job_id: int
    controls: dict


@dataclasses.dataclass(frozen=True)
class Ready:
    """The worker has imported NumPy and nnlib and waits for work."""


@dataclasses.dataclass(frozen=True)
class Counters:
    """Where a run stands, sent with every message about it."""

    total_steps: int
    epochs: int
    step: int
    train_seconds: float
    cpu_seconds: float
    kept_step: int
    status: str


@dataclasses.dataclass(frozen=True)
class Progress:
    """A chunk's events: batch events as columns (pack_events), the rest as they are; weights about
    once a second (W1, B1, …), else None."""

    job_id: int
    batches: tuple[np.ndarray, ...]
    others: list
    counters: Counters
    weights: dict | None


@dataclasses.dataclass(frozen=True)
class Ended:
    """A job's end: its status, last weights and state (what Resume queues again) and, when stopped,
    the stop reason (the worker says paused; the pool, which asked for any other stop, says why).
    Counters and weights are None for a run stopped in the queue.

    results: the test set as the last weights read it (Trainer.results), made in the worker; None
    for a run stopped in the queue.

    controls_applied: the Control messages the worker applied in this stint. The pool applies
    the ones it sent after them to the state and names them in late_controls (merged), so a
    knob moved just as the run ended is kept for the run's next stint."""

    job_id: int
    status: str
    counters: Counters | None
    weights: dict | None
    state: bytes
    reason: str = ""
    controls_applied: int = 0
    results: TestResults | None = None
    late_controls: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Failed:
    """The worker died during the job; words say how."""

    words: str


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
    """The BatchEvents pack_events put into columns."""
    return [BatchEvent(*row) for row in zip(*(column.tolist() for column in columns))]
