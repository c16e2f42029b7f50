"""The session's finished runs in one typed place: Compare's table, Train's last run, what Class posts.

A run is a CompareRun (its config, measured numbers and curves), built once from its trainer when
the run ends. Compare keeps its runs in the session (compare_runs()); train_run() is Train's last
run; Class turns both into posts. Column titles are English templates, translated only when shown.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import streamlit as st

from nnlib import TrainConfig
from nnlib.measure import distinct_filters, parameter_bytes
from ui import charts
from ui.i18n import t
from ui.train_run import current_run

COMPARE_RUNS = "compare_runs"  # the session key of Compare's runs, oldest first
TRAIN_RUN = "train_run_result"  # Train's last run: ((trainer id, step), CompareRun)
CURVE_POINTS = 200  # points kept of a run's loss curve


@dataclasses.dataclass(frozen=True)
class CompareRun:
    """One finished run as the session keeps it.

    cpu_seconds: the worker's CPU time for the run (the network's cost, the same on a busy server);
    wall_seconds: its training time on the clock. peak_memory_bytes: the most the run's own arrays
    held at once beyond the shared data, or None when not measured (a Train run). loss_curve:
    (epochs, smoothed batch loss), at most CURVE_POINTS points; accuracy_curve: (epochs, test
    accuracy 0–1) at each evaluation.
    """

    name: str
    config: TrainConfig
    test_accuracy: float
    cpu_seconds: float
    wall_seconds: float
    parameters: int
    parameter_bytes: int
    distinct_filters: int
    status: str
    peak_memory_bytes: int | None = None
    loss_curve: tuple[list[float], list[float]] = ((), ())
    accuracy_curve: tuple[list[float], list[float]] = ((), ())

    @classmethod
    def from_trainer(cls, name: str, trainer, peak_memory_bytes: int | None = None) -> CompareRun:
        """The run a Trainer (or RemoteTrainer) holds now, with its curves from trainer.history."""
        network, history = trainer.network, trainer.history
        epochs = np.asarray(history.batch_epochs, dtype=float)
        smoothed = charts.smooth(np.asarray(history.batch_losses), charts.smoothing_span(len(epochs)))
        x, y = charts.thin(epochs, smoothed, limit=CURVE_POINTS)
        evaluations = history.evaluations
        return cls(
            name=name,
            config=trainer.config,
            test_accuracy=trainer.results().accuracy,
            cpu_seconds=float(getattr(trainer, "cpu_seconds", 0.0) or trainer.train_seconds),
            wall_seconds=float(trainer.train_seconds),
            parameters=int(network.parameter_count),
            parameter_bytes=int(parameter_bytes(network)),
            distinct_filters=distinct_filters(network.params["W1"]),
            status=trainer.status,
            peak_memory_bytes=peak_memory_bytes,
            loss_curve=(x.tolist(), y.tolist()),
            accuracy_curve=([e.epoch for e in evaluations], [e.test_accuracy for e in evaluations]),
        )


def runs_table(runs: list[CompareRun]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Compare's table in the session's language: one row per run, and {column title: format}."""
    columns = (
        (t("run"), [run.name for run in runs], None),
        (t("test accuracy"), [run.test_accuracy for run in runs], "{:.2%}"),
        (t("train s"), [run.cpu_seconds for run in runs], "{:.2f}"),
        (t("wall s"), [run.wall_seconds for run in runs], "{:.2f}"),
        (t("parameters"), [run.parameters for run in runs], None),
        (t("parameter memory (KB)"), [run.parameter_bytes / 1024 for run in runs], "{:.1f}"),
        (t("peak training memory (MB)"), [_megabytes(run.peak_memory_bytes) for run in runs], "{:.2f}"),
        (t("distinct W1 filters"), [run.distinct_filters for run in runs], None),
        (t("status"), [run.status for run in runs], None),
    )
    table = pd.DataFrame({title: values for title, values, _ in columns})
    return table, {title: style for title, _, style in columns if style}


def _megabytes(count: int | None) -> float:
    return math.nan if count is None else count / 2**20


def compare_runs() -> list[CompareRun]:
    """This session's Compare runs, oldest first (the list itself: append to keep one)."""
    return st.session_state.setdefault(COMPARE_RUNS, [])


def clear_compare_runs() -> None:
    st.session_state[COMPARE_RUNS] = []


def train_run() -> CompareRun | None:
    """The Train page's last run as a CompareRun once it has trained and stopped or ended (built
    once per run and step), or None while it waits, trains, or never started."""
    view = current_run()
    trainer = view.trainer
    if view.training or trainer is None or trainer.status in ("queued", "ready") or trainer.step == 0:
        return None
    key = (id(trainer), trainer.step)
    kept = st.session_state.get(TRAIN_RUN)
    if kept is None or kept[0] != key:
        kept = key, CompareRun.from_trainer("Train", trainer)
        st.session_state[TRAIN_RUN] = kept
    return kept[1]
