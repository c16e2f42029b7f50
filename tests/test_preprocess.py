"""Drawings to MNIST inputs: crop, fit 20x20, centre by mass, detect empty."""

import numpy as np
import pytest

from nnlib.preprocess import centre_of_mass, ink_image, to_mnist


def stroke_canvas(size=280, points=((60, 100), (220, 180)), width=18, ink=255, background=0, rgba=False):
    """A canvas with one thick straight stroke from one (row, col) to another."""
    rows, cols = np.indices((size, size))
    (r0, c0), (r1, c1) = points
    direction = np.array([r1 - r0, c1 - c0], float)
    length = np.hypot(*direction)
    t = np.clip(((rows - r0) * direction[0] + (cols - c0) * direction[1]) / length**2, 0, 1)
    distance = np.hypot(rows - (r0 + t * direction[0]), cols - (c0 + t * direction[1]))
    grey = np.where(distance <= width / 2, ink, background).astype(np.uint8)
    if rgba:
        return np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    return grey


@pytest.mark.parametrize("points", [((30, 30), (100, 60)), ((200, 40), (260, 250)), ((140, 10), (150, 270))])
@pytest.mark.parametrize("width", [4, 15, 30])
def test_strokes_are_centred_by_mass_in_28x28(points, width):
    image = to_mnist(stroke_canvas(points=points, width=width))
    assert image.shape == (28, 28) and image.dtype == np.uint8
    row, col = centre_of_mass(image.astype(float))
    assert abs(row - 13.5) < 0.5 and abs(col - 13.5) < 0.5
    drawn = np.argwhere(image > 30)
    extent = drawn.max(axis=0) - drawn.min(axis=0) + 1
    assert 18 <= extent.max() <= 22  # fits the 20x20 box, MNIST-style
    assert image.max() == 255


def test_polarity_and_format_do_not_matter():
    white_on_black = to_mnist(stroke_canvas())
    black_on_white = to_mnist(stroke_canvas(ink=0, background=255))
    rgba = to_mnist(stroke_canvas(rgba=True))
    small_float = to_mnist(stroke_canvas(size=100, points=((20, 30), (80, 65)), width=7) / 255.0)
    np.testing.assert_array_equal(white_on_black, black_on_white)
    np.testing.assert_array_equal(white_on_black, rgba)
    assert np.abs(small_float.astype(int) - white_on_black.astype(int)).mean() < 12


def test_transparent_canvas_with_white_strokes():
    grey = stroke_canvas()
    rgba = np.dstack([np.full_like(grey, 255)] * 3 + [grey])  # white RGB everywhere, ink in alpha
    np.testing.assert_array_equal(to_mnist(rgba), to_mnist(grey))


def test_empty_and_near_empty_drawings_are_detected():
    assert to_mnist(np.zeros((280, 280), np.uint8)) is None
    assert to_mnist(np.full((280, 280, 4), 255, np.uint8)) is None  # all white, opaque
    speck = np.zeros((280, 280), np.uint8)
    speck[100, 100] = 255
    assert to_mnist(speck) is None


def test_a_dot_and_a_filled_canvas_still_give_an_image():
    dot = stroke_canvas(points=((140, 140), (140, 141)), width=20)
    assert to_mnist(dot) is not None
    full = np.full((280, 280), 255, np.uint8)
    full[0, :] = 0  # a filled canvas whose border is mostly ink
    assert ink_image(full).shape == (280, 280)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError):
        to_mnist(np.zeros((5, 5, 2)))


def test_known_black_paper_reads_a_filled_canvas_as_ink():
    full = np.full((280, 280, 4), 255, np.uint8)
    assert to_mnist(full) is None  # unknown paper: an even white sheet is taken to be empty paper
    filled = to_mnist(full, background=0.0)  # the app's black canvas, painted over
    assert filled is not None and filled.mean() > 100
    assert to_mnist(np.zeros((280, 280, 4), np.uint8) + np.array([0, 0, 0, 255], np.uint8), background=0.0) is None
