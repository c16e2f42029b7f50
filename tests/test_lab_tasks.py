"""The task pool: real spawned workers, at a lower priority, results cached per key."""

from __future__ import annotations

import os

import numpy as np

from server.tasks import WORKER_NICENESS, TaskPool


def worker_facts(value):
    """What a worker sees: its niceness, its pid and a computed value."""
    from threadpoolctl import threadpool_info

    threads = max((entry["num_threads"] for entry in threadpool_info() if entry["user_api"] == "blas"), default=1)
    return os.getpriority(os.PRIO_PROCESS, 0), os.getpid(), threads, float(np.sum(value))


def fails():
    raise ValueError("no")


def test_tasks_run_in_niced_single_thread_workers_and_a_key_is_computed_once():
    pool = TaskPool(workers=1)
    try:
        first = pool.submit(("model", "facts"), worker_facts, np.arange(4))
        niceness, pid, threads, total = first.result(timeout=60)
        assert niceness >= WORKER_NICENESS and pid != os.getpid() and threads == 1 and total == 6
        assert pool.submit(("model", "facts"), worker_facts, np.arange(10)) is first
        other = pool.submit(("other", "facts"), worker_facts, np.arange(10))
        assert other is not first and other.result(timeout=60)[3] == 45
    finally:
        pool.shutdown()


def test_a_failed_task_is_tried_again_when_asked_again():
    pool = TaskPool(workers=1)
    try:
        failed = pool.submit(("x",), fails)
        assert isinstance(failed.exception(timeout=60), ValueError)
        assert pool.submit(("x",), worker_facts, np.ones(2)).result(timeout=60)[3] == 2
    finally:
        pool.shutdown()
