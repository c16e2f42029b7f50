"""One run as the pool sees it."""

from __future__ import annotations

import dataclasses
import queue
import time
from typing import TYPE_CHECKING

from server.jobs.messages import CLICKED, QUEUED
from server.shared_files import SharedDataSpec

if TYPE_CHECKING:
    from server.jobs.workers import WorkerProcess


@dataclasses.dataclass
class Job:
    """One run as the pool sees it. Fields change under the pool's lock."""

    id: int
    owner: str
    state: bytes  # the trainer without data, as last handed back
    spec: SharedDataSpec
    estimate_s: float  # CPU-seconds of the whole run
    inbox: queue.SimpleQueue  # Progress, Ended and Failed for the run's RemoteTrainer
    memory_bytes: int = 0  # its arrays' estimated peak (nnlib.cost.estimate_peak_bytes)
    priority: bool = False  # a teacher's run: queued ahead of the students'
    total_steps: int = 1
    status: str = QUEUED  # queued | running | then an end status (messages)
    progress: float = 0.0  # share of the run done, for the queue's estimate
    first_progress: float = 0.0  # the share done when it was queued (0 unless resumed)
    progress_at: float | None = None  # when progress was last reported
    started_at: float | None = None
    stop_reason: str = CLICKED  # a stop reason (messages)
    last_poll: float = dataclasses.field(default_factory=time.monotonic)
    worker: WorkerProcess | None = None
    controls_sent: list = dataclasses.field(default_factory=list)  # to its worker in this stint, in order
