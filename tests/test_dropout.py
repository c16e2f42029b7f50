"""The coach's settings: dropout, a validation split, a training-set size, an initial-weight scale,
and the diagnostics the trainer reports while it trains."""

import numpy as np
import pytest

from nnlib import PRESETS, ConfigError, Network, TrainConfig, Trainer, one_hot, prepare_data
from nnlib.data import load_mnist
from nnlib.events import DiagnosticsEvent
from nnlib.gradcheck import gradient_check
from tests.helpers import blog_images


@pytest.fixture(scope="module")
def small(small_data_dir):
    return load_mnist(small_data_dir)


def quick(**changes) -> TrainConfig:
    base = TrainConfig(
        digits=(3, 8),
        hidden=(16, 12),
        batch_size=16,
        epochs=2,
        shuffle=True,
        momentum=0.9,
        legacy_rng=False,
        learning_rate=0.05,
        dtype="float64",
        evals_per_epoch=2,
    )
    return base.replace(**changes)


def trained(config, mnist_data) -> Trainer:
    trainer = Trainer(config, prepare_data(mnist_data, config.digits, config.normalization, config.dtype))
    trainer.run()
    return trainer


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_dropout_gradients_match_finite_differences(activation, output):
    rng = np.random.default_rng(5)
    network = Network.create((20, 9, 7, 4), activation, output, "he-normal", rng, np.float64)
    X = rng.random((20, 6))
    Y = one_hot(rng.integers(0, 4, 6), 4, np.float64)
    errors = gradient_check(network, X, Y, dropout=0.4)
    assert max(errors.values()) < 1e-6, errors


def test_dropout_masks_units_and_rescales_the_kept_ones():
    rng = np.random.default_rng(1)
    network = Network.create((30, 200, 3), "sigmoid", "softmax", "he-normal", rng, np.float64)
    X = rng.random((30, 50))
    plain, _ = network.forward(X)
    _, cache = network.forward(X, 0.5, np.random.default_rng(0))
    kept = cache["D1"] > 0
    assert 0.4 < kept.mean() < 0.6
    np.testing.assert_allclose(cache["A1"][kept], 2 * cache["U1"][kept])
    assert (cache["A1"][~kept] == 0).all()
    assert "D2" not in cache  # never on the output layer
    again, _ = network.forward(X)  # evaluation: no dropout, no rescaling
    np.testing.assert_array_equal(plain, again)


def test_dropout_zero_is_the_run_without_the_setting_bit_for_bit(small):
    config = quick()
    assert config.dropout == 0.0
    without = trained(config, small)
    with_zero = trained(config.replace(dropout=0.0, validation=0.0, train_size=0, init_scale=1.0), small)
    for name, value in without.network.params.items():
        np.testing.assert_array_equal(with_zero.network.params[name], value)
    assert without.history.batch_losses == with_zero.history.batch_losses


def test_dropout_changes_training_and_still_learns(small):
    plain = trained(quick(), small)
    dropped = trained(quick(dropout=0.3), small)
    assert not np.array_equal(plain.network.params["W1"], dropped.network.params["W1"])
    assert dropped.history.evaluations[-1].test_accuracy > 0.9


def test_training_set_size_and_validation_split(small):
    data = prepare_data(small, (3, 8), "minmax", "float64")
    config = quick(train_size=200, validation=0.25, epochs=1, batch_size=10)
    trainer = Trainer(config, data)
    assert config.split_counts(len(data.y_train)) == (150, 50)
    assert trainer.total_steps == 15  # 150 images trained on, 10 a batch
    trainer.run()
    last = trainer.history.evaluations[-1]
    assert np.isfinite(last.validation_loss) and 0 <= last.validation_accuracy <= 1
    assert np.isnan(trained(quick(epochs=1), small).history.evaluations[-1].validation_loss)


def test_initial_weight_scale_multiplies_the_drawn_weights():
    base = Network.create((10, 5, 2), "tanh", "sigmoid", "glorot-uniform", np.random.default_rng(0), np.float64)
    scaled = Network.create(
        (10, 5, 2), "tanh", "sigmoid", "glorot-uniform", np.random.default_rng(0), np.float64, init_scale=5.0
    )
    np.testing.assert_allclose(scaled.params["W1"], 5 * base.params["W1"])
    np.testing.assert_array_equal(scaled.params["B1"], base.params["B1"])


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"dropout": 0.9}, "dropout must be 0 to 0.8"),
        ({"validation": 0.7}, "validation share must be 0 to 0.5"),
        ({"train_size": 50}, "training-set size must be 100"),
        ({"init_scale": 10.0}, "initial-weight scale must be 0.1 to 5"),
    ],
)
def test_new_settings_are_checked(changes, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**changes).validate()


def test_diagnostics_are_events_with_one_entry_per_layer(small):
    trainer = trained(quick(activation="relu"), small)
    diagnostics = trainer.history.diagnostics
    assert len(diagnostics) == len(trainer.history.evaluations) == 4
    last = diagnostics[-1]
    assert isinstance(last, DiagnosticsEvent)
    assert len(last.gradient_norms) == 3 and all(n > 0 for n in last.gradient_norms)
    assert len(last.stuck_shares) == 2 and all(0 <= s <= 1 for s in last.stuck_shares)
    edges, initial, now = last.histograms[0]
    assert len(edges) == len(initial) + 1 == len(now) + 1
    assert initial.sum() == now.sum() == trainer.network.params["W1"].size


def test_a_sigmoid_network_at_initial_scale_5_is_mostly_saturated(mnist):
    config = PRESETS["class"].replace(
        hidden=(100,), activation="sigmoid", train_size=5000, epochs=1, snapshots=0, init_scale=5.0
    )
    saturated = trained(config, mnist).history.diagnostics[-1].stuck_shares[0]
    assert saturated > 0.5
    normal = trained(config.replace(init_scale=1.0), mnist).history.diagnostics[-1].stuck_shares[0]
    assert normal < saturated / 2


def test_a_knob_changed_mid_run_acts_at_the_next_batch_exactly(small):
    from nnlib.events import BatchEvent, KnobEvent

    config = quick(epochs=1, momentum=0.0)
    trainer = Trainer(config, prepare_data(small, config.digits, config.normalization, config.dtype))
    trainer.advance(max_batches=5)
    trainer.set_knobs(learning_rate=0.5, momentum=0.9, dropout=0.2)
    events = trainer.advance(max_batches=2)
    knobs = [e for e in events if isinstance(e, KnobEvent)]
    assert {(e.step, e.name, e.value) for e in knobs} == {
        (6, "learning_rate", 0.5),
        (6, "momentum", 0.9),
        (6, "dropout", 0.2),
    }
    rates = {e.step: e.learning_rate for e in events if isinstance(e, BatchEvent)}
    assert rates == {6: 0.5, 7: 0.5}
    assert trainer.history.knobs == knobs and trainer.config.learning_rate == 0.5
    with pytest.raises(ValueError, match="only learning_rate"):
        trainer.set_knobs(hidden=(3,))


def test_one_step_and_one_more_epoch_stop_exactly_there(small):
    config = quick(epochs=1)
    trainer = Trainer(config, prepare_data(small, config.digits, config.normalization, config.dtype))
    trainer.add_steps(1)
    trainer.advance()
    assert trainer.step == 1 and not trainer.done
    trainer.run()
    assert trainer.status == "finished"
    end = trainer.step
    trainer.add_steps(trainer.batches_per_epoch)  # "+1 epoch" after the end
    assert not trainer.done
    trainer.advance()
    assert trainer.step == end + trainer.batches_per_epoch and trainer.status == "finished"
    assert trainer.history.evaluations[-1].step == trainer.step


# --- The same controls on a run in the server's worker processes -------------------------------


@pytest.fixture(scope="module")
def blog_slice(mnist):
    """The blog's 0s and 1s, 500 of each set: an epoch of 500 single-image batches."""
    return blog_images(mnist, 500, 500)


@pytest.fixture(scope="module")
def pool():
    """One worker for the module's runs (each run ends before the next test starts)."""
    from server.jobs import JobPool

    pool = JobPool(workers=1, idle_seconds=30)
    yield pool
    pool.close()


def wait_for(trainer, condition, limit_s: float = 60) -> list:
    """Poll like the Train page until condition() holds; the events seen on the way."""
    import time

    events, deadline = [], time.monotonic() + limit_s
    while not condition() and time.monotonic() < deadline:
        events += trainer.advance(max_seconds=0.02)
    assert condition(), (trainer.status, trainer.step)
    return events


def test_a_worker_applies_a_knob_at_its_next_batch_and_records_it(pool, blog_slice):
    import time

    from nnlib.events import BatchEvent
    from server.jobs import RemoteTrainer

    remote = RemoteTrainer(pool, "teacher", PRESETS["seed"].replace(epochs=50), blog_slice)
    remote.control(delay_s=0.002)  # slow motion: the run is still going when the knob is turned
    events = wait_for(remote, lambda: remote.step > 20)
    remote.control(learning_rate=0.01)
    events += wait_for(remote, lambda: remote.history.knobs and remote.step > remote.history.knobs[0].step)
    knob = remote.history.knobs[0]
    assert (knob.name, knob.value) == ("learning_rate", 0.01)
    rates = {e.step: e.learning_rate for e in events if isinstance(e, BatchEvent)}
    assert rates[knob.step - 1] == 0.001 and rates[knob.step] == 0.01  # from the next batch, exactly
    assert remote.config.learning_rate == 0.01
    remote.pause()
    assert remote.paused
    held = remote.step
    time.sleep(1)  # a running worker would report several chunks in this time
    remote.advance(max_seconds=0.1)
    assert remote.step == held and remote.paused  # Pause holds the step still; a look does not resume it
    remote.control(add_steps=1)  # One step
    wait_for(remote, lambda: remote.paused and remote.step == held + 1)
    remote.control(add_steps=remote.batches_per_epoch)  # +1 epoch
    wait_for(remote, lambda: remote.paused and remote.step == held + 1 + remote.batches_per_epoch)
    remote.stop()


def test_one_more_epoch_after_a_finished_run_in_a_worker(pool, blog_slice):
    from server.jobs import RemoteTrainer

    remote = RemoteTrainer(pool, "student", PRESETS["seed"], blog_slice)
    wait_for(remote, lambda: remote.done)
    end = remote.step
    remote.control(add_steps=remote.batches_per_epoch)
    wait_for(remote, lambda: remote.step == end + remote.batches_per_epoch and remote.status in ("finished", "stopped"))
    assert remote.total_steps == 2 * end and remote.config.epochs == 2
    assert remote.history.evaluations[-1].step == remote.step


def test_the_charts_show_validation_and_leave_the_test_set_out_when_asked(small):
    from ui import charts

    history = trained(quick(validation=0.2, epochs=1), small).history
    names = [trace.name for trace in charts.loss_figure(history, show_test=False).data]
    assert "validation loss" in names and "test loss" not in names
    names = [trace.name for trace in charts.accuracy_figure(history).data]
    assert {"train accuracy", "validation accuracy", "test accuracy"} <= set(names)
    plain = trained(quick(epochs=1), small).history
    assert "validation loss" not in [trace.name for trace in charts.loss_figure(plain).data]
