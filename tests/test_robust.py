"""nnlib.robust, the shipped model's recipe: its batches redraw the 1s and 7s it names, and a small
build of the same recipe is a stage-trained model, the same for the same seed; bad settings and
paths are refused before any training."""

import subprocess
import sys

import numpy as np
import pytest

from nnlib import load_mnist, prepare_data
from nnlib.config import ROBUST_PRESET, ROBUST_STYLES_STAGE
from nnlib.robust import ROBUST_STYLE_SHARES, RecipeError, build, styled_inputs


def test_a_batch_redraws_its_1s_and_7s_in_the_shares_the_recipe_names(mnist):
    data = prepare_data(mnist, ROBUST_PRESET.digits, ROBUST_PRESET.normalization, ROBUST_PRESET.dtype)
    rows = np.arange(6000)
    X, Y = styled_inputs(data, rows, 0.0, "handwriting", np.random.default_rng(0), np.float32)
    digits = data.y_train[rows]
    assert X.shape == (784, len(rows)) and Y.shape == (10, len(rows)) and X.dtype == np.float32
    np.testing.assert_array_equal(Y.argmax(axis=0), digits)
    redrawn = np.any(X.T != data.X_train[rows], axis=1)  # strength 0: nothing else changes an image
    for digit in range(10):
        expected = ROBUST_STYLE_SHARES.get(digit, 0.0)
        assert abs(redrawn[digits == digit].mean() - expected) < 0.05, digit


@pytest.fixture(scope="module")
def small_mnist(small_data_dir):
    return load_mnist(small_data_dir)


def test_a_small_build_of_the_recipe_is_stage_trained_and_the_same_for_the_same_seed(small_mnist):
    preset = ROBUST_PRESET.replace(hidden=(16,), epochs=1)
    network, settings, cpu = build(small_mnist, seed=0, preset=preset)
    again, _, _ = build(small_mnist, seed=0, preset=preset)
    other, _, _ = build(small_mnist, seed=1, preset=preset)
    assert network.sizes == (784, 16, 10) and set(cpu) == {"part_1", "stage"}
    assert settings.augment_style == "styles" and settings.learning_rate == ROBUST_STYLES_STAGE.learning_rate
    assert settings.epochs == ROBUST_STYLES_STAGE.epochs and settings.hidden == (16,)
    for name, param in network.params.items():
        np.testing.assert_array_equal(param, again.params[name])
    assert not np.array_equal(network.params["W1"], other.params["W1"])


def test_the_recipe_refuses_digits_it_has_no_styles_for_and_a_run_that_diverged(small_mnist):
    with pytest.raises(RecipeError, match="all ten digits"):
        build(small_mnist, preset=ROBUST_PRESET.replace(digits=(0, 1), hidden=(4,), epochs=1))
    with pytest.raises(RecipeError, match="diverged"):
        build(small_mnist, preset=ROBUST_PRESET.replace(hidden=(16,), epochs=1, learning_rate=50.0, momentum=0.99))


def test_the_command_says_what_is_wrong_before_it_trains(tmp_path):
    command = [sys.executable, "-m", "nnlib.robust"]
    nowhere = subprocess.run([*command, "--save", str(tmp_path / "none" / "m.npz")], capture_output=True, text=True)
    assert nowhere.returncode == 2 and "does not exist" in nowhere.stderr and "Traceback" not in nowhere.stderr
    no_data = [*command, "--save", str(tmp_path / "m.npz"), "--data-dir", str(tmp_path / "no-mnist")]
    missing = subprocess.run(no_data, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "no-mnist" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "m.npz").exists()
