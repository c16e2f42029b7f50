"""The pool's queue: first come first served (a teacher's runs ahead), and how long each run will wait.

Not thread-safe on its own: the pool calls it under its lock.
"""

from __future__ import annotations

import collections
import heapq
import time

from server.jobs.job import Job
from server.jobs.messages import FINISHED, QUEUED

STILL_RUNNING_S = 0.5  # seconds a run past its estimate is still expected to take


class WaitingLine:
    """Queued jobs in the order they start, and pace: wall seconds per estimated CPU-second,
    learnt from finished runs so that the estimates follow this machine and its load."""

    def __init__(self):
        self.jobs: collections.deque[Job] = collections.deque()
        self.pace = 1.0

    def __len__(self) -> int:
        return len(self.jobs)

    def add(self, job: Job) -> None:
        """At the end, or a priority job behind the other priority jobs, ahead of the rest."""
        if job.priority:
            self.jobs.insert(sum(1 for waiting in self.jobs if waiting.priority), job)
        else:
            self.jobs.append(job)

    def position(self, job: Job) -> int | None:
        """Runs ahead of this one (0: next), or None when it is not queued."""
        return self.jobs.index(job) if job.status == QUEUED else None

    def estimated_start_s(self, job: Job, running: list[Job | None]) -> float:
        """Seconds until this queued run starts: the running jobs' remaining work (one per worker,
        None for an idle one), then the queue ahead."""
        if job.status != QUEUED:
            return 0.0
        free_at = [self.remaining_s(other) for other in running]
        heapq.heapify(free_at)
        for ahead in self.jobs:
            if ahead is job:
                break
            left = ahead.estimate_s * (1 - ahead.progress) * self.pace
            heapq.heappush(free_at, heapq.heappop(free_at) + left)
        return free_at[0]

    def remaining_s(self, job: Job | None) -> float:
        """Seconds until job's worker is free: from its measured speed once a tenth is done. A run
        past its estimate still holds its worker: at least STILL_RUNNING_S more."""
        if job is None:
            return 0.0
        now, started = time.monotonic(), job.started_at or time.monotonic()
        done = job.progress - job.first_progress
        if done > 0.1 and job.progress_at is not None:
            seconds_per_share = (job.progress_at - started) / done
            left = seconds_per_share * (1 - job.progress) - (now - job.progress_at)
        else:
            left = job.estimate_s * (1 - job.first_progress) * self.pace - (now - started)
        return max(left, STILL_RUNNING_S)

    def learn_pace(self, job: Job, status: str) -> None:
        """Fold a whole finished run's wall time ÷ its estimate into pace (a moving average)."""
        if status == FINISHED and job.started_at is not None and job.first_progress == 0.0:
            observed = (time.monotonic() - job.started_at) / max(job.estimate_s, 1e-3)
            self.pace += 0.3 * (min(max(observed, 0.1), 20.0) - self.pace)
