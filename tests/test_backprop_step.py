""" "One step" on Train, then Backprop: the step the trainer took, computed again exactly."""

import numpy as np
import pytest

from nnlib import TrainConfig, Trainer, prepare_data
from nnlib.data import load_mnist
from nnlib.events import StepTaken
from nnlib.sgd import replay_step


@pytest.fixture(scope="module")
def small(small_data_dir):
    return load_mnist(small_data_dir)


def one_step(small, steps_before: int, **settings) -> tuple[Trainer, StepTaken]:
    """A run trained steps_before batches, then "One step": the trainer and its recorded step."""
    config = TrainConfig(digits=(3, 8), hidden=(16,), epochs=2, batch_size=8, seed=5, **settings)
    data = prepare_data(small, config.digits, config.normalization, config.dtype)
    trainer = Trainer(config, data)
    trainer.advance(max_batches=steps_before)
    assert trainer.history.last_step is None  # plain batches keep no copies
    trainer.add_steps(1)
    events = trainer.advance()
    taken = [event for event in events if isinstance(event, StepTaken)]
    assert len(taken) == 1 and trainer.step == steps_before + 1
    return trainer, taken[0]


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"momentum": 0.9, "l2": 0.001, "dropout": 0.3, "augment": 0.5, "dtype": "float64"},
        {"activation": "relu", "output": "softmax", "schedule": "cosine", "shuffle": True},
    ],
)
def test_the_replayed_step_ends_at_the_trainers_weights_bit_for_bit(small, settings):
    trainer, record = one_step(small, 7, **settings)
    replay = replay_step(record, trainer.data, trainer.network.activation, trainer.network.output)
    assert record.step == 8 and len(record.rows) == 8
    assert np.isclose(replay.loss, record.loss, rtol=0, atol=0)
    for name, value in trainer.network.params.items():
        assert np.array_equal(replay.after[name], value), name
        assert not np.array_equal(record.params[name], value), name  # the step moved every array


def test_the_replay_shows_that_batchs_images_and_gradients(small):
    trainer, record = one_step(small, 3)
    replay = replay_step(record, trainer.data, trainer.network.activation, trainer.network.output)
    rows = trainer.data.X_train[record.rows]  # (8, pixels): no augmentation
    assert np.array_equal(replay.X, rows.T)
    assert replay.Y.shape == (2, 8) and np.array_equal(replay.Y.argmax(axis=0), trainer.data.y_train[record.rows])
    assert replay.grads["dW1"].shape == trainer.network.params["W1"].shape
    changed = {name: replay.after[name] - record.params[name] for name in record.params}
    np.testing.assert_allclose(changed["W1"], -record.learning_rate * replay.grads["dW1"], atol=1e-7)


def test_a_wrong_record_does_not_end_at_the_trainers_weights(small):
    trainer, record = one_step(small, 2)
    other_rows = record.rows[::-1].copy() + 1
    wrong = StepTaken(**{**record.__dict__, "rows": other_rows})
    replay = replay_step(wrong, trainer.data, trainer.network.activation, trainer.network.output)
    assert not np.array_equal(replay.after["W1"], trainer.network.params["W1"])


def test_one_step_in_a_worker_sends_the_step_to_the_page(small):
    """Through the real pool: the page's trainer receives the record, and its replay ends at the
    weights the worker sent back."""
    from server.jobs import JobPool, RemoteTrainer
    from tests.test_dropout import wait_for

    config = TrainConfig(digits=(3, 8), hidden=(16,), epochs=1, batch_size=8, seed=5, momentum=0.9)
    data = prepare_data(small, config.digits, config.normalization, config.dtype)
    pool = JobPool(workers=1, idle_seconds=30)
    try:
        remote = RemoteTrainer(pool, "student", config, data)
        wait_for(remote, lambda: remote.done)
        end = remote.step
        remote.control(add_steps=1)  # One step after the end
        wait_for(remote, lambda: remote.step == end + 1 and remote.status not in ("queued", "running"))
        record = remote.history.last_step
        assert record is not None and record.step == end + 1
        replay = replay_step(record, remote.data, remote.network.activation, remote.network.output)
        for name, value in remote.network.params.items():
            assert np.array_equal(replay.after[name], value), name
    finally:
        pool.close()


def test_after_one_step_on_train_the_backprop_page_shows_that_batch():
    """The real pages under AppTest: Train, One step, then Backprop shows the step, checked exactly."""
    from tests.test_app import app

    at = app("app_pages/2_Train.py").run()
    at.select_slider(key="cfg_train_size").set_value(1000).run()
    next(b for b in at.button if "Train" in b.label).click().run()
    assert not at.exception, at.exception
    trainer = at.session_state["trainer"]
    end = trainer.step
    next(b for b in at.button if b.label == "One step").click().run()
    assert not at.exception, at.exception
    assert trainer.step == end + 1 and trainer.history.last_step.step == end + 1
    at.switch_page("app_pages/5_Backprop.py").run()
    assert not at.exception, at.exception
    assert any(h.value.startswith(f"The step just taken on the Train page: batch {end + 1:,}") for h in at.header)
    assert any("bit for bit" in s.value for s in at.success)


def test_one_step_then_backprop_in_the_browser(server, page):
    """Chromium: Train a short run, One step, then the Backprop page (by the sidebar: same session)."""
    import re

    from devtools.live import go_to, open_page, screenshot, train_and_wait
    from tests.test_e2e_coach import click

    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, f"{server}/Train?preset=seed&size=1000", "Train")
    train_and_wait(page, "Finished")
    click(page, "One step")
    page.get_by_text(re.compile("Paused at step 1,001 ")).wait_for(timeout=60_000)
    go_to(page, "Backprop")
    section = page.locator(".st-key-train-step")
    section.get_by_text(re.compile("The step just taken on the Train page: batch 1,001")).wait_for(timeout=60_000)
    section.get_by_text(re.compile("bit for bit")).wait_for(timeout=30_000)
    assert section.locator(".js-plotly-plot").count() >= 2  # the batch's image(s) and W1's change
    section.scroll_into_view_if_needed()
    screenshot(page, "backprop-train-step-projector")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(1500)
    screenshot(page, "backprop-train-step-phone")
    assert page.locator("[data-testid='stException']").count() == 0
