"""The held-out writing-style sets (devtools/styles.py): deterministic by seed, the right labels,
pictures the app can read, and digits that look like their digit to the shipped model."""

from pathlib import Path

import numpy as np
import pytest

from devtools.styles import STYLE_BACKGROUND, STYLES, style_set
from nnlib.modelio import open_model
from nnlib.pipeline import read_digit

SHIPPED = Path(__file__).resolve().parent.parent / "assets" / "models" / "digits.npz"


@pytest.mark.parametrize("style", STYLES)
def test_same_seed_same_pictures_and_another_seed_differs(style):
    pictures, labels = style_set(style, count=3, seed=5)
    again, again_labels = style_set(style, count=3, seed=5)
    other, _ = style_set(style, count=3, seed=6)
    assert len(pictures) == 3 and labels.shape == (3,)
    np.testing.assert_array_equal(labels, again_labels)
    for picture, same in zip(pictures, again):
        np.testing.assert_array_equal(picture, same)
        assert picture.min() >= 0 and picture.max() <= 1
    assert not all(np.array_equal(a, b) for a, b in zip(pictures, other))


def test_each_style_set_holds_its_digit_and_the_scan_set_every_digit():
    for style in ("crossed_7", "open_4/scan", "scan"):
        _, labels = style_set(style, count=60)
        if style == "scan":
            assert set(labels.tolist()) == set(range(10))
        else:
            assert len(set(labels.tolist())) == 1


@pytest.mark.parametrize("style", STYLES)
def test_the_shipped_model_sees_each_style_as_its_digit_at_least_somewhat(style):
    """A sanity check of the drawings, not of the model: the right digit is among the shipped
    model's two likeliest answers for most pictures of every style."""
    network, config = open_model(SHIPPED)
    pictures, labels = style_set(style, count=12, seed=1)
    readings = [read_digit(picture, network, config, background=STYLE_BACKGROUND[style]) for picture in pictures]
    assert all(readings)
    top_two = [label in np.argsort(reading.probabilities)[-2:] for reading, label in zip(readings, labels)]
    assert np.mean(top_two) >= 0.6
