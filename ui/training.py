"""Where a page gets a trainer: the one seam between the pages and how training runs.

Training runs in the server's pool of worker processes (server.jobs), never in the page's
interpreter: a RemoteTrainer behaves like nnlib.Trainer (advance, history, network, status)
and adds queue_position, estimated_start_s, stop() and resume(). One pool per server
process, shared by every session; each session may have one run running or queued.
"""

from __future__ import annotations

import atexit
import uuid

import streamlit as st

from nnlib import TrainConfig
from nnlib.data import PreparedData
from server.jobs import JobPool, PoolFull, RemoteTrainer, TooCostly, TooLarge
from ui.i18n import t

__all__ = [
    "PoolFull",
    "RemoteTrainer",
    "TooCostly",
    "TooLarge",
    "job_pool",
    "limits_words",
    "live_refresh_seconds",
    "memory_refusal",
    "new_trainer",
    "session_owner",
]


@st.cache_resource(show_spinner=False)
def job_pool() -> JobPool:
    """The server's worker pool (NNLIB_WORKERS processes, default one per core)."""
    pool = JobPool()
    atexit.register(pool.close)  # frees the shared memory when the server stops
    return pool


def session_owner() -> str:
    """This browser session's id: the pool allows one running-or-queued run per owner."""
    if "job_owner" not in st.session_state:
        st.session_state["job_owner"] = uuid.uuid4().hex
    return st.session_state["job_owner"]


def new_trainer(config: TrainConfig, data: PreparedData, controls: dict | None = None) -> RemoteTrainer:
    """A trainer for this config and data, queued in the worker pool at once.

    Raises TooCostly (.check: estimate, cap, what fits) when the work cap refuses it — the
    page checks ui.settings.cost_check first and says so —, TooLarge (.check: memory
    estimate, budget, what fits) when its memory could never fit here, and PoolFull (with a plain
    message) when the queue is at its limit; neither takes a place. A Train click
    while this session's earlier run is still going replaces that run (it is stopped,
    keeping its weights). A teacher's run (this session holds a board's secret) is queued
    ahead of the students'. controls: server.jobs.apply_controls' settings from the first batch
    (slow motion).
    """
    teacher = bool(st.session_state.get("board_secret"))  # the teacher's demo goes ahead of the queue
    return RemoteTrainer(job_pool(), session_owner(), config, data, priority=teacher, controls=controls)


def live_refresh_seconds(pool: JobPool) -> float:
    """How often a live panel redraws: every second on a quiet server, 1.5 s more per run per
    worker (8 students on 2 cores: every 6 s), at most every 6 s. A look costs the server about
    50 ms of CPU, so a watching student costs under 1 % of a core however many share it."""
    counts = pool.counts()
    runs_per_worker = (counts["running"] + counts["queued"]) / max(counts["workers"], 1)
    return min(max(1.0, 1.5 * runs_per_worker), 6.0, pool.idle_seconds / 3)  # a watched run is never "unwatched"


def limits_words(pool: JobPool) -> str:
    """What the server found it may use (CPU quota, memory limit, where from) and its workers."""
    limits = pool.limits
    cpu = t("{cpus:g} CPU of quota", cpus=limits.cpu_quota) if limits.cpu_quota else t("no CPU quota")
    if pool.memory_limit:
        memory = t("a memory limit of {megabytes} MB", megabytes=f"{pool.memory_limit / 2**20:,.0f}")
    else:
        memory = t("no memory limit")
    source = limits.source if limits.source != "none" else t("no cgroup")
    return t(
        "This server: {cpu}, {memory} ({source}); {workers} training worker(s).",
        cpu=cpu,
        memory=memory,
        source=source,
        workers=pool.size,
    )


def memory_refusal(check) -> str:
    """Why a run's memory could never fit on this server, and what would (a nnlib.cost.MemoryCheck)."""
    text = t(
        "This run would hold about {estimate} MB of memory; one run may hold at most {budget} MB on this server.",
        estimate=f"{check.estimate_bytes / 2**20:,.0f}",
        budget=f"{check.budget_bytes / 2**20:,.0f}",
    )
    if check.fits_batch:
        text += " " + t("Batch size {batch} would fit.", batch=f"{check.fits_batch:,}")
    elif check.fits_hidden:
        text += " " + t("Hidden layer sizes {hidden} would fit.", hidden=", ".join(map(str, check.fits_hidden)))
    return text
