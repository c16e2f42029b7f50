"""The coach's hint rules, one by one, on made-up run states (no Streamlit, no training)."""

import math

import numpy as np
import pytest

from nnlib import PRESETS, TrainConfig
from nnlib.events import DiagnosticsEvent, EvalEvent
from ui import hints as coach
from ui.hints import RULES, RunState, hints, lower_rate

BLOG = PRESETS["seed"]
DIGITS = PRESETS["class"]


def evaluation(epoch, train_acc, test_acc, train_loss=0.1, test_loss=0.1, val_acc=math.nan, val_loss=math.nan):
    return EvalEvent(0, epoch, train_loss, train_acc, test_loss, test_acc, val_loss, val_acc)


def diagnostics(norms=(1.0, 1.0), stuck=(0.0,), activation="tanh"):
    edges = np.linspace(-1, 1, 3)
    return DiagnosticsEvent(0, 1.0, tuple(norms), tuple(stuck), activation, ((edges, np.ones(2), np.ones(2)),))


def state(config=BLOG, status="finished", evaluations=None, **fields):
    evaluations = (evaluation(1.0, 0.99, 0.99),) if evaluations is None else evaluations
    values = dict(initial_loss=1.4, trained_count=12_665) | fields
    return RunState(config, status, evaluations=tuple(evaluations), **values)


def keys(run_state) -> list[str]:
    return [hint.key for hint in hints(run_state)]


def test_a_good_run_gets_no_hint():
    assert keys(state()) == []


def test_there_are_at_least_twelve_rules_each_with_why_and_where():
    assert len(RULES) >= 12
    assert len({rule.__name__ for rule in RULES}) == len(RULES)


def test_exploded_lowers_the_rate_well_below():
    found = hints(state(BLOG.replace(learning_rate=10.0), status="diverged"))
    assert found[0].key == "exploded"
    assert found[0].changes == {"learning_rate": 0.5}
    assert "10" in found[0].text and found[0].why.count(".") >= 2 and found[0].where


def test_diverged_before_warns_about_a_rate_that_exploded_earlier():
    planned = BLOG.replace(learning_rate=5.0)
    found = hints(state(diverged_rates=(2.0,), planned=planned))
    assert [h.key for h in found] == ["diverged-before"]
    assert found[0].changes == {"learning_rate": 0.1}
    assert keys(state(diverged_rates=(2.0,), planned=BLOG.replace(learning_rate=1.0))) == []


def test_not_learning_raises_a_tiny_rate_and_lowers_a_huge_one():
    flat = [evaluation(1.0, 0.5, 0.5, train_loss=1.39)]
    assert hints(state(BLOG.replace(learning_rate=0.0001), evaluations=flat))[0].changes == {"learning_rate": 0.001}
    assert hints(state(BLOG.replace(learning_rate=5.0), evaluations=flat))[0].changes == {"learning_rate": 0.5}


STRUGGLING = [evaluation(1.0, 0.9, 0.9, train_loss=0.4)]


def test_dead_relus_above_half_lower_the_rate():
    run = state(DIGITS, evaluations=STRUGGLING, diagnostics=(diagnostics(stuck=(0.7,), activation="relu"),))
    found = hints(run)
    assert [h.key for h in found] == ["dead-relus"] and "70%" in found[0].text
    assert found[0].changes == {"learning_rate": 0.02}
    assert (
        keys(state(DIGITS, evaluations=STRUGGLING, diagnostics=(diagnostics(stuck=(0.3,), activation="relu"),))) == []
    )
    assert keys(state(DIGITS, diagnostics=(diagnostics(stuck=(0.7,), activation="relu"),))) == []  # 99%: no matter


def test_saturated_units_reset_a_large_initial_scale():
    run = state(BLOG.replace(init_scale=5.0), evaluations=STRUGGLING, diagnostics=(diagnostics(stuck=(0.8,)),))
    found = hints(run)
    assert found[0].key == "saturated" and found[0].changes == {"init_scale": 1.0}


def test_vanishing_gradients_in_a_deep_network():
    deep = BLOG.replace(hidden=(10, 10), init_scale=0.1)
    found = hints(state(deep, evaluations=STRUGGLING, diagnostics=(diagnostics(norms=(1e-5, 1e-3, 1.0)),)))
    assert [h.key for h in found] == ["vanishing"] and found[0].changes == {"init_scale": 1.0}
    assert keys(state(deep, evaluations=STRUGGLING, diagnostics=(diagnostics(norms=(0.1, 0.3, 1.0)),))) == []


def test_zero_initialisation():
    found = hints(state(BLOG.replace(init="zeros")))
    assert found[0].key == "zeros" and found[0].changes == {"init": "glorot-uniform"}


def test_overfitting_uses_validation_when_held_out_and_test_otherwise():
    test_gap = [evaluation(30.0, 1.0, 0.68)]
    assert hints(state(DIGITS.replace(dropout=0.0), evaluations=test_gap))[0].key == "overfitting"
    assert hints(state(DIGITS, evaluations=test_gap))[0].changes == {"dropout": 0.2}
    assert hints(state(DIGITS.replace(dropout=0.2, l2=1e-4), evaluations=test_gap))[0].changes == {"l2": 1e-3}
    held_out = [evaluation(30.0, 1.0, 0.68, val_acc=0.99, val_loss=0.05)]
    assert "overfitting" not in keys(state(DIGITS, evaluations=held_out))


def test_validation_turning_up_suggests_stopping_at_its_lowest_point():
    losses = [0.5, 0.3, 0.2, 0.25, 0.3, 0.35]
    evals = [
        evaluation(e + 1, 0.95, 0.94, train_loss=0.4 - 0.05 * e, val_loss=v, val_acc=0.94) for e, v in enumerate(losses)
    ]
    found = hints(state(DIGITS.replace(epochs=6, validation=0.1), evaluations=evals))
    assert [h.key for h in found] == ["turned-up"] and found[0].changes == {"epochs": 3}


def test_a_tiny_training_set_asks_for_all_images():
    found = hints(state(DIGITS.replace(train_size=100), trained_count=100))
    assert [h.key for h in found] == ["tiny-set"] and found[0].changes["train_size"] == 0


def test_learning_slowly_at_a_tiny_rate():
    slow = [evaluation(1.0, 0.8, 0.8, train_loss=0.9)]
    found = hints(state(BLOG.replace(learning_rate=0.0005), evaluations=slow))
    assert [h.key for h in found] == ["slow"] and found[0].changes == {"learning_rate": 0.005}


def test_underfitting_asks_for_more_epochs():
    low = [evaluation(2.0, 0.8, 0.8, train_loss=0.6)]
    found = hints(state(DIGITS.replace(epochs=2), evaluations=low))
    assert [h.key for h in found] == ["underfitting"] and found[0].changes == {"epochs": 6}


def test_a_layer_narrower_than_the_classes():
    low = [evaluation(5.0, 0.7, 0.7, train_loss=0.8)]
    found = hints(state(DIGITS.replace(hidden=(2,), epochs=50), evaluations=low))
    assert [h.key for h in found] == ["narrow"] and found[0].changes == {"hidden": (32,)}


def test_momentum_with_a_large_rate_that_diverged():
    found = keys(state(DIGITS.replace(learning_rate=1.0, momentum=0.9), status="diverged"))
    assert found == ["exploded", "momentum"]


def test_strong_l2_and_strong_dropout():
    low = [evaluation(5.0, 0.6, 0.6, train_loss=1.0)]
    assert keys(state(DIGITS.replace(l2=1e-2, epochs=50), evaluations=low)) == ["strong-l2"]
    assert keys(state(DIGITS.replace(dropout=0.6, epochs=50), evaluations=low)) == ["strong-dropout"]


@pytest.mark.parametrize("rate, factor, expected", [(10.0, 20, 0.5), (0.0001, 10, 0.0001), (0.05, 3, 0.01)])
def test_lower_rate_picks_an_option_of_the_slider(rate, factor, expected):
    assert lower_rate(rate, factor) == expected


def test_every_fix_is_a_valid_config():
    runs = [
        state(BLOG.replace(learning_rate=10.0), status="diverged"),
        state(DIGITS.replace(train_size=100), trained_count=100, evaluations=[evaluation(30.0, 1.0, 0.6)]),
        state(DIGITS.replace(hidden=(2,), epochs=50), evaluations=[evaluation(5.0, 0.7, 0.7, train_loss=0.8)]),
    ]
    for run in runs:
        for hint in hints(run):
            assert isinstance(run.config.replace(**hint.changes).validate(), TrainConfig), hint.key


def test_run_state_reads_a_real_trainer(small_data_dir):
    from nnlib import Trainer, prepare_data
    from nnlib.data import load_mnist

    config = TrainConfig(digits=(3, 8), hidden=(4,), train_size=100, epochs=3, batch_size=10, learning_rate=0.1)
    data = prepare_data(load_mnist(small_data_dir), config.digits, config.normalization, config.dtype)
    trainer = Trainer(config, data)
    trainer.run()
    run = coach.run_state(trainer, diverged_rates=(10.0,))
    assert run.trained_count == 100 and run.status == "finished" and run.diagnostics
    assert "tiny-set" in keys(run)
