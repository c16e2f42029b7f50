"""A run's link carries the knob changes made mid-run (knobs=STEP:KEY=VALUE;…), and a run started
from it makes them at the same batches."""

import numpy as np
import pytest

from nnlib import TrainConfig, Trainer, prepare_data
from nnlib.data import load_mnist
from nnlib.events import KnobEvent
from ui.links import MAX_KNOB_CHANGES, MAX_KNOBS_TEXT, knobs_text, parse_knobs

CONFIG = TrainConfig(digits=(3, 8), hidden=(16,), epochs=2, batch_size=8, seed=3, learning_rate=0.1)


@pytest.fixture(scope="module")
def data(small_data_dir):
    return prepare_data(load_mnist(small_data_dir), CONFIG.digits, CONFIG.normalization, CONFIG.dtype)


def steered_run(data) -> Trainer:
    """The original run: a teacher raises the learning rate after 30 batches and adds momentum later."""
    trainer = Trainer(CONFIG, data)
    trainer.advance(max_batches=30)
    trainer.set_knobs(learning_rate=0.5)
    trainer.advance(max_batches=25)
    trainer.set_knobs(momentum=0.9, dropout=0.2)
    trainer.run()
    return trainer


def test_a_run_from_the_link_makes_the_same_changes_at_the_same_batches(data):
    original = steered_run(data)
    text = knobs_text(original.history.knobs)
    assert text == "31:lr=0.5;56:momentum=0.9;56:dropout=0.2"
    plan, ignored, changed = parse_knobs(text)
    assert (ignored, changed) == ([], [])
    again = Trainer(CONFIG, data)
    again.plan_knobs(plan)
    again.run()
    assert [(k.step, k.name, k.value) for k in again.history.knobs] == [
        (k.step, k.name, k.value) for k in original.history.knobs
    ]
    for name, value in original.network.params.items():
        assert np.array_equal(again.network.params[name], value), name
    plain = Trainer(CONFIG, data)
    plain.run()
    assert not np.array_equal(plain.network.params["W1"], original.network.params["W1"])  # the changes mattered


def test_the_change_records_what_it_replaced(data):
    original = steered_run(data)
    assert [(k.name, k.before) for k in original.history.knobs] == [
        ("learning_rate", 0.1),
        ("momentum", 0.0),
        ("dropout", 0.0),
    ]


@pytest.mark.parametrize(
    "text,ignored",
    [
        ("0:lr=0.5", ["knobs=0:lr=0.5"]),  # batches count from 1
        ("-3:lr=0.5", ["knobs=-3:lr=0.5"]),
        ("99999999999:lr=0.5", ["knobs=99999999999:lr=0.5"]),
        ("5:hidden=4096", ["knobs=5:hidden=4096"]),  # only live settings change mid-run
        ("5:lr=nan", ["knobs=5:lr=nan"]),
        ("5:lr=1e999", ["knobs=5:lr=1e999"]),
        ("5:lr=<script>", ["knobs=5:lr=<script>"]),
        ("five:lr=0.5;7:l2=0", ["knobs=five:lr=0.5"]),
        ("5:momentum", ["knobs=5:momentum"]),
    ],
)
def test_hostile_entries_are_left_out_and_named(text, ignored):
    plan, left_out, _ = parse_knobs(text)
    assert left_out == ignored
    assert all(step >= 1 for step, _, _ in plan)


def test_values_move_to_the_nearest_allowed_one_and_say_so():
    plan, ignored, changed = parse_knobs("5:lr=0.47;9:momentum=2")
    assert plan == [(5, "learning_rate", 0.5), (9, "momentum", 0.99)]
    assert ignored == [] and changed == ["knobs=5:lr=0.47 → 5:lr=0.5", "knobs=9:momentum=2 → 9:momentum=0.99"]


def test_the_field_is_bounded():
    plan, ignored, _ = parse_knobs("5:lr=0.5;" * 200)
    assert plan == [] and ignored[0].startswith("knobs=") and f"> {MAX_KNOBS_TEXT}" in ignored[0]
    plan, ignored, _ = parse_knobs(";".join(f"{i}:lr=0.5" for i in range(1, MAX_KNOB_CHANGES + 4)))
    assert len(plan) == MAX_KNOB_CHANGES and len(ignored) == 3
    many = [KnobEvent(i, 0.0, "l2", 0.001) for i in range(1, 100)]
    assert len(knobs_text(many).split(";")) == MAX_KNOB_CHANGES


def test_a_plan_with_a_wrong_setting_is_refused(data):
    trainer = Trainer(CONFIG, data)
    with pytest.raises(ValueError, match="can change during a run"):
        trainer.plan_knobs([(5, "hidden", 3.0)])
    with pytest.raises(ValueError):
        trainer.plan_knobs([(0, "learning_rate", 0.5)])


def test_the_train_page_takes_the_knobs_from_the_link_and_its_run_makes_them():
    """The real Train page under AppTest: a link with knobs, the Train click, the change at its batch;
    the run's link then carries the changes again, and a bad entry is named in the warning."""
    from tests.test_app import app

    at = app("app_pages/2_Train.py")
    at.query_params.update({"preset": "seed", "size": "1000", "knobs": "40:lr=0.01;50:momentum=bogus"})
    at.run()
    assert not at.exception, at.exception
    assert any("knobs=50:momentum=bogus" in w.value for w in at.warning)
    assert any("changes settings while it learns: from batch 40, Learning rate 0.01" in i.value for i in at.info)
    next(b for b in at.button if "Train" in b.label).click().run()
    assert not at.exception, at.exception
    trainer = at.session_state["trainer"]
    assert [(k.step, k.name, k.value) for k in trainer.history.knobs] == [(40, "learning_rate", 0.01)]
    link = next(c.value for c in at.code if "knobs=" in c.value)
    assert "knobs=40%3Alr%3D0.01" in link and "lr=0.001" in link  # the start value, then the change
    assert any("from batch 40, Learning rate 0.01" in c.value for c in at.caption)


def test_a_link_with_knobs_in_the_browser(server, page):
    """Chromium: a link with a change at batch 300 marks it on the loss chart, and the run's link carries it."""
    import re

    from devtools.live import open_page, screenshot, train_and_wait

    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, f"{server}/Train?preset=seed&size=1000&knobs=300:lr=0.01;9:lr=%3Cb%3E", "Train")
    page.locator("[data-testid='stAlert']", has_text="knobs=9:lr=<b>").wait_for(timeout=30_000)
    page.get_by_text(re.compile("This link's run changes settings while it learns: from batch 300")).wait_for()
    train_and_wait(page, "Finished")
    page.locator(".js-plotly-plot", has_text="Learning rate 0.01").first.wait_for(timeout=60_000)
    page.get_by_text(re.compile("Link to these settings")).click()
    page.get_by_text(re.compile("The link also makes .* from batch 300, Learning rate 0.01")).wait_for(timeout=30_000)
    assert "knobs=300%3Alr%3D0.01" in page.locator("[data-testid='stCode']").first.inner_text()
    page.wait_for_timeout(1000)  # the expander opens with an animation
    screenshot(page, "coach-link-knobs")
    assert page.locator("[data-testid='stException']").count() == 0


def test_one_more_epoch_is_refused_past_the_epochs_range_and_the_work_cap(monkeypatch, mnist):
    """+1 epoch grows a run like a new one is judged: at most 50 epochs and within the work cap."""
    from nnlib import PRESETS, Trainer, prepare_data
    from ui.settings import extension_refusal

    config = PRESETS["seed"].replace(snapshots=0, train_size=1000)
    trainer = Trainer(config, prepare_data(mnist, config.digits, config.normalization, config.dtype))
    assert extension_refusal(trainer, trainer.batches_per_epoch) == ""
    trainer.total_steps = 50 * trainer.batches_per_epoch
    assert "50 epochs" in extension_refusal(trainer, 1)
    trainer.total_steps = trainer.batches_per_epoch
    monkeypatch.setenv("NNLIB_MAX_CPU_SECONDS", "0.001")
    assert "cap" in extension_refusal(trainer, trainer.batches_per_epoch)
