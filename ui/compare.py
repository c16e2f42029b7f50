"""A comparison's life: its runs planned from the chosen values, each trained as a job in the
worker pool (ui.training.new_trainer) and kept as a ui.state.CompareRun.

Each run's peak training memory is probed in the task pool (server.tasks.peak_memory_task), in a
process of its own while the job trains: tracemalloc there traces the probe alone, never the
server's interpreter with every session's threads. A probe is kept per (data, config), so the
same comparison again costs no probe.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import Future

import streamlit as st

from nnlib import PRESETS, ConfigError, TrainConfig
from nnlib.registry import setting, with_settings
from server.tasks import peak_memory_task, shared_pool
from ui.data import prepared
from ui.i18n import t
from ui.settings import work_cap, work_of
from ui.state import CompareRun, compare_runs
from ui.train_run import refusal
from ui.training import PoolFull, TooCostly, TooLarge, job_pool, memory_refusal, new_trainer

RUNNING = "compare_trainer"  # the session key of the run training now (for Stop)
PROBE_WAIT_SECONDS = 120  # how long a finished run waits for its memory probe before showing none
ADVANCE_SECONDS = 0.3  # how long each look waits for the worker's news


def plan_runs(preset: str, epochs: int, first: str, first_values, second: str | None, second_values):
    """(name, config) for every combination of the chosen values over the preset, e.g.
    ("hidden=10, init=zeros", config); second None: first's values alone."""
    base = PRESETS[preset].replace(epochs=epochs, snapshots=0, evals_per_epoch=4)
    plan = []
    for a, b in itertools.product(first_values, second_values if second else [None]):
        changes, name = {first: a}, f"{first}={setting(first).plain(a)}"
        if b is not None:
            changes[second] = b
            name += f", {second}={setting(second).plain(b)}"
        plan.append((name, with_settings(base, changes)))
    return plan


def plan_refusal(plan: list[tuple[str, TrainConfig]]) -> str | None:
    """Why this plan cannot run, in the session's language (no values, bad settings, over the
    work cap), or None."""
    if not plan:
        return t("Choose at least one value.")
    try:
        for _, config in plan:
            config.validate()
    except ConfigError as error:
        return t("These settings cannot be trained: {error}.", error=error)
    total = sum(work_of(config, prepared(config)) for _, config in plan)
    if total > work_cap():
        return t(
            "This comparison would take about {work} CPU-seconds (all runs); at most {cap} are allowed per "
            "click on this server. Use fewer values or epochs.",
            work=f"{total:,.0f}",
            cap=f"{work_cap():,.0f}",
        )
    return None


def probe_memory(config: TrainConfig) -> Future:
    """The run's peak-memory probe, started in the task pool (or the one already known)."""
    spec = job_pool().share(prepared(config))
    return shared_pool().submit(("peak-memory", spec.key, config), peak_memory_task, config, spec)


def probed_bytes(probe: Future) -> int | None:
    """The probe's bytes, or None when it failed or took too long (the table shows no value)."""
    try:
        return int(probe.result(timeout=PROBE_WAIT_SECONDS))
    except Exception:  # noqa: BLE001 - a lost probe costs one cell, never the comparison
        return None


def run_plan(plan: list[tuple[str, TrainConfig]], show: Callable[[float, str], None]) -> str | None:
    """Train the plan's runs one after another, each kept in compare_runs() when it ends; show(share
    of the work done, words) after each look. None, or why a run could not start (the runs
    before it are kept)."""
    works = [work_of(config, prepared(config)) for _, config in plan]
    for number, (name, config) in enumerate(plan, start=1):
        try:
            trainer = new_trainer(config, prepared(config))
        except TooCostly as error:
            return refusal(error.check)
        except TooLarge as error:
            return memory_refusal(error.check)
        except PoolFull:
            return t("The server's queue is full: every place is taken. Try again in a minute.")
        probe = probe_memory(config)
        st.session_state[RUNNING] = trainer
        while not trainer.done:
            trainer.advance(max_seconds=ADVANCE_SECONDS)
            done = sum(works[: number - 1]) + works[number - 1] * trainer.step / trainer.total_steps
            words = t(
                "Run {number} of {count}: {name} — epoch {epoch:.2f}",
                number=number,
                count=len(plan),
                name=name,
                epoch=trainer.epoch,
            )
            show(min(done / sum(works), 1.0), words)
        compare_runs().append(CompareRun.from_trainer(name, trainer, probed_bytes(probe)))
        st.session_state.pop(RUNNING, None)
    return None


def stop_running() -> None:
    """Stop the run training now (the runs finished before it are kept)."""
    running = st.session_state.pop(RUNNING, None)
    if running is not None:
        running.stop()  # the worker stops now, not when it notices nobody watches
