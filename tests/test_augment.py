"""Augmentation levers: shapes, value range, determinism with a seed, strength 0 = identity,
and that each lever does what its name says."""

import numpy as np
import pytest

from nnlib import writing_styles
from nnlib.augment import (
    STYLES,
    augment_rows,
    binarise,
    elastic_offsets,
    fill_box,
    gaussian_matrix,
    handwriting_mix,
    ink_contrast,
    random_affine,
    random_blur,
    resolution_loss,
    warp_mix,
)
from nnlib.preprocess import centre_of_mass
from nnlib.writing_styles import STYLE_DRAWERS, STYLE_SHARE, stroke_ink, style_bank, style_digit, with_writing_styles

LEVERS = [random_affine, warp_mix, fill_box, binarise, resolution_loss, random_blur, ink_contrast, handwriting_mix]


@pytest.fixture(scope="module", autouse=True)
def small_style_banks():
    """Style banks of 50 drawings a digit in this module: its tests check how a batch takes its
    drawings from a bank, not the bank's size (the app's 1,000 a digit take about 7 CPU-s to draw).
    The full banks come back for the modules after it."""
    full_size = writing_styles.STYLE_BANK_SIZE
    writing_styles.STYLE_BANK_SIZE = 50
    writing_styles.style_bank.cache_clear()
    yield
    writing_styles.STYLE_BANK_SIZE = full_size
    writing_styles.style_bank.cache_clear()


def bar_digits(count=6) -> np.ndarray:
    """(count, 28, 28) float32 images of a thin upright bar, a "1", ink 1 on 0, 20 px tall."""
    images = np.zeros((count, 28, 28), np.float32)
    images[:, 4:24, 12:15] = 1.0
    images[:, 4:24, 15] = 0.5
    return images


@pytest.mark.parametrize("lever", LEVERS, ids=lambda f: f.__name__)
def test_shape_dtype_and_range(lever):
    images = bar_digits()
    out = lever(images, np.random.default_rng(0), 1.0)
    assert out.shape == images.shape and out.dtype == images.dtype
    assert out.min() >= -1e-6 and out.max() <= 1 + 1e-6
    assert not np.shares_memory(out, images)


@pytest.mark.parametrize("lever", LEVERS, ids=lambda f: f.__name__)
def test_same_seed_same_result_and_another_seed_differs(lever):
    images = bar_digits()
    first = lever(images, np.random.default_rng(3), 1.0)
    np.testing.assert_array_equal(first, lever(images, np.random.default_rng(3), 1.0))
    assert not np.array_equal(first, lever(images, np.random.default_rng(4), 1.0))


@pytest.mark.parametrize("lever", LEVERS, ids=lambda f: f.__name__)
def test_strength_zero_is_the_identity(lever):
    images = bar_digits()
    np.testing.assert_allclose(lever(images, np.random.default_rng(0), 0.0), images, atol=1e-6)


def test_elastic_offsets_move_pixels_by_at_most_their_max_shift_and_neighbours_alike():
    d_row, d_col = elastic_offsets(50, 28, 28, np.random.default_rng(1), max_shift=2.0, sigma=3.0)
    assert d_row.shape == d_col.shape == (50, 28, 28)
    largest = np.maximum(np.abs(d_row).max(axis=(1, 2)), np.abs(d_col).max(axis=(1, 2)))
    assert (largest <= 2.0 + 1e-5).all() and (largest >= 0.3 * 2.0 - 1e-5).all()  # 30-100% of max_shift
    step = np.abs(np.diff(d_row, axis=2)).mean(axis=(1, 2))  # a smooth field: a wobble, not noise
    assert (step < 0.2 * np.abs(d_row).max(axis=(1, 2))).all()  # about 0.1 at sigma 3; noise: over 0.6


def test_warp_mix_moves_ink_and_keeps_it_together():
    images = bar_digits(50)
    out = warp_mix(images, np.random.default_rng(1), 1.0, elastic_share=1.0)
    assert np.abs(out - images).max() > 0.3  # it does move ink
    assert abs(out.sum() / images.sum() - 1) < 0.2


def test_fill_box_widens_a_narrow_digit_towards_a_square():
    out = fill_box(bar_digits(40), np.random.default_rng(2), 1.0)
    widths = (out > 0.2).any(axis=1).sum(axis=1)
    heights = (out > 0.2).any(axis=2).sum(axis=1)
    assert widths.max() >= 14 and (heights >= 19).all() and (widths >= 3).all()
    for image in out:  # the stretched digit is centred
        assert abs(centre_of_mass(image)[1] - 13.5) < 1.5


def test_resolution_loss_at_full_strength_can_look_like_an_8_pixel_scan():
    images = np.zeros((1, 28, 28), np.float32)
    images[0, 4:24, 4:24] = np.indices((20, 20)).sum(axis=0) % 2  # a 1-px checkerboard
    blocky = resolution_loss(np.repeat(images, 60, axis=0), np.random.default_rng(0), 1.0)
    detail = np.abs(np.diff(blocky, axis=2)).mean(axis=(1, 2))
    assert detail.min() < 0.2 * np.abs(np.diff(images, axis=2)).mean()  # the fine pattern is gone


def test_blur_and_binarise_soften_and_harden_edges():
    images = bar_digits(20)
    blurred = random_blur(images, np.random.default_rng(0), 1.0)
    assert (blurred > 0).sum() > (images > 0).sum()
    np.testing.assert_allclose(blurred.sum(axis=(1, 2)), images.sum(axis=(1, 2)), rtol=1e-4)
    hard = binarise(blurred, np.random.default_rng(0), 1.0)
    assert set(np.unique(hard)) <= {0.0, 1.0}


def test_ink_contrast_keeps_paper_and_full_ink():
    images = bar_digits(30)
    out = ink_contrast(images, np.random.default_rng(0), 1.0)
    np.testing.assert_array_equal(out[images == 0], 0)
    np.testing.assert_allclose(out[images == 1], 1)
    assert len(np.unique(out[images == 0.5])) > 20  # grey ink changes, image by image


def test_gaussian_matrix_rows_sum_to_one_and_sigma_zero_is_identity():
    np.testing.assert_allclose(gaussian_matrix(28, 1.3).sum(axis=1), 1)
    np.testing.assert_array_equal(gaussian_matrix(28, 0), np.eye(28))


def test_handwriting_mix_peaks_at_one_and_keeps_most_ink_in_the_field():
    images = bar_digits(64)
    out = handwriting_mix(images, np.random.default_rng(0), 1.0)
    np.testing.assert_allclose(out.max(axis=(1, 2)), 1, atol=1e-6)
    border = np.concatenate([out[:, 0], out[:, -1], out[:, :, 0], out[:, :, -1]], axis=1)
    assert border.sum() < 0.01 * out.sum()  # a warp may touch the edge, rarely


@pytest.mark.parametrize("style", STYLES)
def test_augment_rows_keeps_flat_rows(style):
    rows = bar_digits(8).reshape(8, -1)
    out = augment_rows(rows, (28, 28), np.random.default_rng(0), 1.0, style)
    assert out.shape == rows.shape and out.dtype == rows.dtype


def test_augment_rows_names_an_unknown_style():
    with pytest.raises(ValueError, match="augmentation style must be one of affine, handwriting"):
        augment_rows(bar_digits(2).reshape(2, -1), (28, 28), np.random.default_rng(0), 1.0, "cubist")


def test_affine_style_draws_what_it_always_drew():
    """The digits preset's shipped figures depend on this stream: the numbers are those of
    nnlib/augment.py before the handwriting levers were added (same seed, same images)."""
    out = augment_rows(bar_digits(4).reshape(4, -1), (28, 28), np.random.default_rng(0), 1.0)
    np.testing.assert_allclose(out.sum(axis=1), [73.54263, 113.999, 54.11338, 92.22751], rtol=1e-5)


def test_the_trainer_distorts_in_the_configured_style():
    """A TrainConfig's augment_style reaches augment_rows: the two styles train differently."""
    from nnlib import PRESETS, Trainer
    from nnlib.data import PreparedData

    rng = np.random.default_rng(0)
    X = np.repeat(bar_digits(1).reshape(1, -1), 64, axis=0) * rng.uniform(0.5, 1, (64, 1)).astype(np.float32)
    y = np.arange(64) % 10
    data = PreparedData(X, y, X[:10], y[:10], digits=tuple(range(10)), image_shape=(28, 28))
    config = PRESETS["digits"].replace(hidden=(8,), epochs=1, batch_size=64, snapshots=0)
    weights = {}
    for style in STYLES:
        trainer = Trainer(config.replace(augment_style=style), data)
        trainer.advance(max_batches=1)
        weights[style] = trainer.network.params["W1"].copy()
    assert not np.allclose(weights["affine"], weights["handwriting"])


def test_stroke_ink_draws_a_line_of_the_pen_width_and_nothing_else():
    ink = stroke_ink([np.array([[4.0, 10.5], [24.0, 10.5]])], 28, 28, pen=3.0)
    assert ink.shape == (28, 28) and ink.min() >= 0 and ink.max() <= 1
    assert (ink[9:12, 6:22] == 1).all()  # the 3-px line, away from its round ends
    assert ink[:7].max() == 0 and ink[15:].max() == 0


@pytest.mark.parametrize("digit", sorted(STYLE_DRAWERS))
def test_style_digit_is_an_mnist_like_image_centred_by_mass(digit):
    rng = np.random.default_rng(digit)
    for _ in range(5):
        image = style_digit(digit, rng)
        assert image.shape == (28, 28) and image.dtype == np.float32
        assert 0.75 <= image.max() <= 1 and image.min() >= 0  # a sub-pixel shift softens the peak
        inked_rows = np.flatnonzero(image.max(axis=1) > 0.2)
        assert 18 <= inked_rows[-1] - inked_rows[0] + 1 <= 25  # 20 px of strokes, plus the pen
        row, col = centre_of_mass(image)
        assert abs(row - 13.5) < 0.6 and abs(col - 13.5) < 0.6


def test_with_writing_styles_redraws_only_digits_with_styles_and_about_its_share():
    digits = np.tile(np.arange(10), 100)
    images = np.zeros((len(digits), 28, 28), np.float32)
    out = with_writing_styles(images, digits, np.random.default_rng(0), 1.0)
    redrawn = out.reshape(len(out), -1).max(axis=1) > 0
    assert set(digits[redrawn].tolist()) == set(STYLE_DRAWERS)
    assert abs(redrawn[np.isin(digits, list(STYLE_DRAWERS))].mean() - STYLE_SHARE) < 0.07
    for k in np.flatnonzero(redrawn)[:10]:
        assert any(np.array_equal(out[k], drawing) for drawing in style_bank(int(digits[k])))
    assert not images.any()  # the input is left alone
    np.testing.assert_array_equal(out, with_writing_styles(images, digits, np.random.default_rng(0), 1.0))
    assert not with_writing_styles(images, digits, np.random.default_rng(0), 0.0).any()


def test_the_styles_mix_needs_the_digits_and_is_the_handwriting_mix_without_them():
    X = bar_digits(8).reshape(8, -1)
    styled = augment_rows(X, (28, 28), np.random.default_rng(1), 1.0, "styles")
    plain = augment_rows(X, (28, 28), np.random.default_rng(1), 1.0, "handwriting")
    np.testing.assert_array_equal(styled, plain)
    sevens = augment_rows(X, (28, 28), np.random.default_rng(1), 1.0, "styles", digits=np.full(8, 7))
    assert sevens.shape == X.shape and not np.array_equal(sevens, plain)
