"""Compare's runs as ui.state.CompareRun: trained as jobs in the worker pool, their peak memory
probed in the task pool (the server's interpreter never traced), the table translated only when
shown, and each run what the Class page posts."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from streamlit.testing.v1 import AppTest

from devtools.live import ROOT
from nnlib import PRESETS, Trainer, evaluate
from nnlib.data import load_mnist, prepare_data
from nnlib.measure import peak_training_memory
from server.shared_files import SharedSets
from server.tasks import TaskPool, peak_memory_task
from ui.class_board import summary_of
from ui.i18n import catalogue
from ui.state import CompareRun

ENGLISH_COLUMNS = [
    "run",
    "test accuracy",
    "train s",
    "wall s",
    "parameters",
    "parameter memory (KB)",
    "peak training memory (MB)",
    "distinct W1 filters",
    "status",
]


def no_tracing_here():
    raise AssertionError("tracemalloc started in the server's interpreter")


def test_a_comparison_keeps_typed_runs_measured_off_the_server(monkeypatch):
    monkeypatch.setattr(tracemalloc, "start", no_tracing_here)  # the spawned probe is not patched
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.switch_page("app_pages/6_Compare.py").run()
    at.selectbox(key="cmp_first").set_value("init").run()
    at.multiselect(key="cmp_values_init").set_value(["glorot-uniform", "zeros"]).run()
    next(b for b in at.button if "Run the comparison" in b.label).click().run()
    assert not at.exception, at.exception
    runs = at.session_state["compare_runs"]
    assert all(isinstance(run, CompareRun) for run in runs)
    assert [(run.name, run.config.init) for run in runs] == [
        ("init=glorot-uniform", "glorot-uniform"),
        ("init=zeros", "zeros"),
    ]
    assert all(run.peak_memory_bytes > 0 and run.cpu_seconds > 0 and run.status == "finished" for run in runs)
    table = at.dataframe[0].value
    assert list(table.columns) == ENGLISH_COLUMNS
    assert list(table["distinct W1 filters"]) == [10, 1]  # zeros: every hidden neuron the same
    assert table["test accuracy"].iloc[0] > 0.99 > table["test accuracy"].iloc[1]
    titles = [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]
    assert titles == ["Loss of every run", "Test accuracy of every run"]

    at.session_state["lang"] = "zh"  # the same runs, their titles translated when shown
    at.run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value.columns) == [catalogue("zh")[title] for title in ENGLISH_COLUMNS]
    assert at.session_state["compare_runs"] == runs


@pytest.fixture(scope="module")
def trained(small_data_dir):
    config = PRESETS["seed"].replace(epochs=1, evals_per_epoch=2)
    data = prepare_data(load_mnist(small_data_dir), config.digits, config.normalization, config.dtype)
    trainer = Trainer(config, data)
    while not trainer.done:
        trainer.advance(max_seconds=5)
    return trainer


def test_a_run_is_what_the_class_posts(trained):
    run = CompareRun.from_trainer("hidden=10", trained, peak_memory_bytes=1234)
    _, accuracy, _ = evaluate(trained.network, trained.data.X_test, trained.data.y_test)
    assert run.test_accuracy == pytest.approx(accuracy)  # the run's last evaluation, not a new one
    summary = summary_of(run)
    assert summary.settings["digits"] == [0, 1] and summary.settings["hidden"] == [10]
    assert summary.hidden_sizes == (10,) and summary.accuracy == run.test_accuracy
    assert summary.train_seconds == run.cpu_seconds > 0
    assert summary.parameters == run.parameters == 784 * 10 + 10 + 10 * 2 + 2
    assert len(run.loss_curve[0]) == len(run.loss_curve[1]) <= 200
    assert run.accuracy_curve[1][-1] == run.test_accuracy


def test_the_memory_probe_runs_in_a_task_worker_on_the_shared_data(trained):
    shared, tasks = SharedSets(), TaskPool(workers=1)
    try:
        spec = shared.share(trained.data, set)
        in_worker = tasks.submit(("peak", 1), peak_memory_task, trained.config, spec).result(timeout=120)
    finally:
        tasks.shutdown()
        shared.close()
    here = peak_training_memory(trained.config, trained.data)
    assert in_worker == pytest.approx(here, rel=0.1)  # the same run's arrays, over mapped data
