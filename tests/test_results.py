"""A run's results on the test set (loss, accuracy, each image's answer) are measured where it
trains, once per step, and travel with it: a page shows them without measuring them again."""

from __future__ import annotations

import numpy as np
import pytest

import nnlib.trainer
from nnlib import PRESETS, Trainer, evaluate
from nnlib.data import PreparedData
from server.jobs import JobPool, RemoteTrainer
from tests.helpers import blog_images
from ui.state import CompareRun

BLOG = PRESETS["seed"]


@pytest.fixture(scope="module")
def data(mnist) -> PreparedData:
    return blog_images(mnist, 1000, 400)


def measured_here_fails(monkeypatch) -> None:
    def no_evaluation(*args, **kwargs):
        raise AssertionError("the test set was measured again in this process")

    monkeypatch.setattr(nnlib.trainer, "evaluate", no_evaluation)


def test_a_finished_run_keeps_its_last_evaluations_answers(data, monkeypatch):
    trainer = Trainer(BLOG.replace(epochs=1), data)
    trainer.run()
    loss, accuracy, predictions = evaluate(trainer.network, data.X_test, data.y_test)
    measured_here_fails(monkeypatch)
    results = trainer.results()
    assert results.step == trainer.step == trainer.total_steps
    assert (results.loss, results.accuracy) == (pytest.approx(loss), accuracy)
    np.testing.assert_array_equal(results.predictions, predictions)
    assert CompareRun.from_trainer("blog", trainer).test_accuracy == accuracy


def test_a_run_stopped_between_evaluations_is_measured_once_at_its_step(data):
    trainer = Trainer(BLOG.replace(epochs=1, evals_per_epoch=1), data)
    trainer.advance(max_batches=100)
    assert trainer.test_results is None  # no evaluation yet
    first = trainer.results()
    _, accuracy, predictions = evaluate(trainer.network, data.X_test, data.y_test)
    assert first.step == 100 and first.accuracy == accuracy
    np.testing.assert_array_equal(first.predictions, predictions)
    assert trainer.results() is first  # kept, not measured again
    trainer.advance(max_batches=1)
    assert trainer.results().step == 101


def test_a_worker_sends_the_results_and_the_server_never_measures_them(data, monkeypatch):
    pool = JobPool(workers=1, idle_seconds=30)
    try:
        finished = RemoteTrainer(pool, "ann", BLOG.replace(epochs=1), data)
        stopped = RemoteTrainer(pool, "bob", BLOG.replace(epochs=30, evals_per_epoch=1), data)
        measured_here_fails(monkeypatch)  # in the server's process; the worker is spawned fresh
        while not finished.done:
            finished.advance(max_seconds=0.05)
        while stopped.step < 50:
            stopped.advance(max_seconds=0.05)
        stopped.stop()
        for remote in (finished, stopped):
            results = remote.results()
            assert results.step == remote.step and len(results.predictions) == len(data.y_test)
        assert stopped.status == "stopped" and stopped.results().step < stopped.total_steps
    finally:
        pool.close()
    monkeypatch.undo()
    for remote in (finished, stopped):
        _, accuracy, predictions = evaluate(remote.network, data.X_test, data.y_test)
        assert remote.results().accuracy == accuracy
        np.testing.assert_array_equal(remote.results().predictions, predictions)
