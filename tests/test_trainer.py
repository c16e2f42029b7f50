"""TrainConfig validation and the trainer's events, chunks, stops and divergence."""

import numpy as np
import pytest

from nnlib import (
    PRESETS,
    BatchEvent,
    ConfigError,
    DivergedEvent,
    EvalEvent,
    FinishedEvent,
    SnapshotEvent,
    TrainConfig,
    Trainer,
    prepare_data,
)
from nnlib.data import load_mnist


@pytest.fixture(scope="module")
def small(small_data_dir):
    return load_mnist(small_data_dir)


def test_presets_are_valid():
    for config in PRESETS.values():
        config.validate()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"digits": ()}, "at least two digits"),
        ({"digits": (3,)}, "only 3"),
        ({"digits": (1, 1)}, "repeat"),
        ({"digits": (0, 12)}, "0-9"),
        ({"hidden": ()}, "at least one hidden"),
        ({"hidden": (0,)}, "1-4096"),
        ({"learning_rate": 0}, "learning rate"),
        ({"learning_rate": -1}, "learning rate"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch size"),
        ({"momentum": 1.0}, "momentum"),
        ({"activation": "gelu"}, "activation must be one of"),
        ({"init": "ones"}, "init must be one of"),
    ],
)
def test_config_problems_are_named(changes, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**changes).validate()


def test_all_problems_at_once():
    problems = TrainConfig(digits=(), epochs=0, learning_rate=0).problems()
    assert len(problems) == 3


def test_config_json_round_trip():
    config = PRESETS["digits"]
    import json

    assert TrainConfig.from_dict(json.loads(config.to_json())) == config


def test_chunked_training_equals_one_run(small):
    config = TrainConfig(
        digits=(3, 8),
        hidden=(16,),
        batch_size=16,
        epochs=2,
        shuffle=True,
        momentum=0.9,
        l2=1e-3,
        schedule="cosine",
        legacy_rng=False,
        learning_rate=0.05,
        dtype="float64",
        evals_per_epoch=2,
    )
    data = prepare_data(small, config.digits, config.normalization, config.dtype)
    whole = Trainer(config, data)
    whole.run()
    chunked = Trainer(config, data)
    events = []
    while not chunked.done:
        events += chunked.advance(max_batches=7)
    for name in whole.network.params:
        np.testing.assert_allclose(chunked.network.params[name], whole.network.params[name])
    kinds = [type(e) for e in events]
    assert kinds.count(BatchEvent) == chunked.total_steps
    assert kinds.count(EvalEvent) == 4
    assert kinds[-1] is FinishedEvent
    assert len(chunked.history.batch_losses) == chunked.total_steps
    snapshots = chunked.history.snapshots
    assert snapshots[0].step == 0 and snapshots[-1].step == chunked.total_steps
    assert snapshots[0].W1.dtype == np.float16


def test_advance_by_time_returns_promptly(small):
    config = TrainConfig(digits=tuple(range(10)), hidden=(32,), batch_size=1, epochs=5)
    trainer = Trainer(config, prepare_data(small, config.digits, config.normalization, config.dtype))
    events = trainer.advance(max_seconds=0.05)
    assert 0 < trainer.step < trainer.total_steps and not trainer.done
    assert all(isinstance(e, (BatchEvent, EvalEvent, SnapshotEvent)) for e in events)


def test_a_trained_model_beats_chance_on_all_digits(small):
    config = PRESETS["digits"].replace(hidden=(64,), epochs=3, augment=0.0)
    trainer = Trainer(config, prepare_data(small, config.digits, config.normalization, config.dtype))
    trainer.run()
    assert trainer.history.evaluations[-1].test_accuracy > 0.85


@pytest.mark.parametrize("preset,hidden", [("seed", (10,)), ("digits", (64,))])
def test_divergence_stops_with_a_message_and_keeps_good_weights(small, preset, hidden):
    config = PRESETS[preset].replace(learning_rate=10.0, hidden=hidden, augment=0.0)
    trainer = Trainer(config, prepare_data(small, config.digits, config.normalization, config.dtype))
    initial = trainer.network.copy()
    events = trainer.run()
    assert trainer.status == "diverged" and isinstance(events[-1], DivergedEvent)
    event = trainer.divergence
    assert event is events[-1] and event.learning_rate == 10.0 and event.kept_step == 0
    # the event names the steps really done, and the chart keeps the exploding batch
    assert event.step == trainer.step
    finite = [e for e in events if isinstance(e, BatchEvent)]
    if np.isfinite(event.loss):
        assert finite[-1].step == event.step and finite[-1].loss == event.loss
        assert event.smoothed_loss > 10 * max(event.initial_loss, 0.1) * 0.99
    for value in trainer.network.params.values():
        assert np.isfinite(value).all()
    for name, value in initial.params.items():  # it diverged before the first checkpoint
        np.testing.assert_array_equal(trainer.network.params[name], value)
    assert trainer.advance() == []


def test_batch_larger_than_data_is_one_full_batch(small):
    config = TrainConfig(batch_size=10**6, epochs=3, learning_rate=0.5)
    trainer = Trainer(config, prepare_data(small, config.digits, config.normalization, config.dtype))
    trainer.run()
    assert trainer.total_steps == 3 and trainer.status == "finished"


def test_one_hidden_neuron_trains(small):
    config = TrainConfig(hidden=(1,))
    trainer = Trainer(config, prepare_data(small, config.digits, config.normalization, config.dtype))
    trainer.run()
    assert trainer.history.evaluations[-1].test_accuracy > 0.9


@pytest.mark.parametrize(
    "text,sizes", [("10", (10,)), ("10 20", (10, 20)), ("10, 20", (10, 20)), ("256;128", (256, 128)), (" 7 ,", (7,))]
)
def test_hidden_sizes_are_read_as_people_type_them(text, sizes):
    from nnlib.config import parse_hidden

    assert parse_hidden(text) == sizes


@pytest.mark.parametrize(
    "text,message",
    [("abc", "whole numbers"), ("10,,10", "empty place"), ("", "at least one"), ("1.5", "whole numbers")],
)
def test_bad_hidden_sizes_are_named(text, message):
    from nnlib.config import parse_hidden

    with pytest.raises(ConfigError, match=message):
        parse_hidden(text)
