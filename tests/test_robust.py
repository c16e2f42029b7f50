"""nnlib.robust, the shipped model's recipe: its batches mix writing styles and canvas drawings in
the shares it names, its canvas bank leaves the choosing rows out, and a small build of the same
recipe is a stage-trained model, the same for the same seed."""

import numpy as np
import pytest

from nnlib import prepare_data
from nnlib.config import ROBUST_PRESET, ROBUST_STYLES_STAGE
from nnlib.robust import CANVAS_LOOK_SHARES, ROBUST_STYLE_SHARES, RobustInputs, build, canvas_bank, choosing_rows

BANK_VALUE = 0.25  # every pixel of a fake bank picture of digit d: (d + 1) × BANK_VALUE / 10


@pytest.fixture(scope="module")
def robust_data(mnist):
    return prepare_data(mnist, ROBUST_PRESET.digits, ROBUST_PRESET.normalization, ROBUST_PRESET.dtype)


def fake_bank(per_digit: int = 5) -> tuple[np.ndarray, np.ndarray]:
    labels = np.repeat(np.arange(10), per_digit)
    images = np.stack([np.full((28, 28), (d + 1) * BANK_VALUE / 10 * 255) for d in labels])
    return images, labels


def test_a_batch_takes_canvas_drawings_of_its_own_digit_in_the_shares_the_recipe_names(robust_data):
    rows = np.arange(6000)
    X, Y = RobustInputs(*fake_bank())(robust_data, rows, 1.0, "handwriting", np.random.default_rng(0), np.float32)
    digits = robust_data.y_train[rows]
    assert X.shape == (784, len(rows)) and Y.shape == (10, len(rows))
    np.testing.assert_array_equal(Y.argmax(axis=0), digits)
    constant = np.ptp(X, axis=0) == 0
    np.testing.assert_allclose(X[0, constant], (digits[constant] + 1) * BANK_VALUE / 10, rtol=1e-6)
    for d in range(10):  # of the images not redrawn in a writing style, CANVAS_LOOK_SHARES
        expected = (1 - ROBUST_STYLE_SHARES.get(d, 0.0)) * CANVAS_LOOK_SHARES[d]
        assert abs(constant[digits == d].mean() - expected) < 0.04, d


def test_the_canvas_bank_is_drawn_from_training_digits_outside_the_choosing_rows(mnist):
    images, labels = canvas_bank(mnist, seed=0, size=12)
    again, _ = canvas_bank(mnist, seed=0, size=12)
    other, _ = canvas_bank(mnist, seed=1, size=12)
    assert images.shape == (12, 28, 28) and images.dtype == np.uint8 and labels.shape == (12,)
    np.testing.assert_array_equal(images, again)
    assert not np.array_equal(images, other)
    assert all(image.max() > 0 for image in images)
    chosen = choosing_rows(len(mnist.train))
    assert len(chosen) == 2000 and len(set(chosen.tolist())) == 2000


def test_a_small_build_of_the_recipe_is_stage_trained_and_the_same_for_the_same_seed(small_data_dir):
    from nnlib import load_mnist

    small = load_mnist(small_data_dir)
    preset = ROBUST_PRESET.replace(hidden=(16,), epochs=1)
    network, settings, cpu = build(small, seed=0, preset=preset, bank_size=40)
    again, _, _ = build(small, seed=0, preset=preset, bank_size=40)
    assert network.sizes == (784, 16, 10) and set(cpu) == {"canvas_bank", "part_1", "stage"}
    assert settings.augment_style == "styles" and settings.learning_rate == ROBUST_STYLES_STAGE.learning_rate
    assert settings.epochs == ROBUST_STYLES_STAGE.epochs and settings.hidden == (16,)
    for name, param in network.params.items():
        np.testing.assert_array_equal(param, again.params[name])
