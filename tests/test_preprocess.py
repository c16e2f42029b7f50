"""Drawings to MNIST inputs: crop, fit 20x20, centre by mass, detect empty."""

import os
import tracemalloc

import numpy as np
import pytest
from PIL import Image

from devtools.hostile_models import png_header_bomb
from devtools.styles import style_set
from nnlib.preprocess import (
    MAX_PICTURE_SIDE,
    PictureError,
    centre_of_mass,
    ink_image,
    read_picture_file,
    to_mnist,
)


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


# --- Reading picture files: every depth scaled, every bad file a PictureError -------------


def test_a_16_bit_png_is_scaled_not_clipped(tmp_path, mnist):
    seven = mnist.test.images[0]  # uint8, a 7
    path = tmp_path / "seven16.png"
    Image.fromarray(seven.astype(np.uint16) * 257).save(path)
    assert Image.open(path).mode == "I;16"
    picture = read_picture_file(path)
    np.testing.assert_allclose(picture, seven / 255.0, atol=1e-9)  # grey levels kept, not 0 or 1


@pytest.mark.parametrize("mode", ["L", "RGB", "P", "1", "I", "F", "LA", "CMYK"])
def test_other_modes_read_in_unit_range(tmp_path, mnist, mode):
    seven = mnist.test.images[0]
    if mode == "I":
        picture = Image.fromarray(seven.astype(np.int32) * 1000)
    elif mode == "F":
        picture = Image.fromarray(seven.astype(np.float32) / 255)
    else:
        picture = Image.fromarray(seven).convert(mode)
    path = tmp_path / f"seven-{mode}.{'tif' if mode in ('I', 'F', 'CMYK') else 'png'}"
    picture.save(path)
    array = read_picture_file(path)
    assert array.dtype == np.float64 and 0 <= array.min() and array.max() <= 1
    assert to_mnist(array) is not None and array.max() > 0.9


def test_a_large_picture_is_reduced_while_read(tmp_path):
    path = tmp_path / "big.png"
    Image.fromarray(stroke_canvas(size=3000, points=((500, 900), (2500, 2000)), width=200)).save(path)
    array = read_picture_file(path)
    assert max(array.shape[:2]) <= MAX_PICTURE_SIDE
    assert to_mnist(array) is not None


@pytest.mark.parametrize(
    "size,message",
    [((100_000, 100_000), "decompression bomb"), ((8000, 8000), "8000×8000 pixels; at most 36 million")],
)
def test_pictures_declaring_too_many_pixels_are_refused_undecoded(tmp_path, size, message):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_bomb(*size))
    tracemalloc.start()
    try:
        with pytest.raises(PictureError, match=message):
            read_picture_file(path)
        assert tracemalloc.get_traced_memory()[1] < 10 * 2**20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "array,message",
    [
        (np.array([["1", "2"], ["3", "4"]]), "not plain numbers"),
        (np.full((28, 28), np.nan), "NaN or infinite"),
        (np.full((28, 28), np.inf), "NaN or infinite"),
        (np.zeros((0, 28)), "no pixels"),
        (np.zeros((28, 28, 2)), r"shape \(28, 28, 2\)"),
        (np.zeros((4, 4, 4, 4)), "4 dimensions"),
        (np.zeros((28, 28), dtype=[("a", "<f8")]), "structured"),
        (np.zeros((28, 28), dtype=np.complex64), "complex"),
    ],
    ids=["strings", "nan", "inf", "empty", "2 channels", "4-D", "records", "complex"],
)
def test_bad_npy_pictures_are_messages(tmp_path, array, message):
    path = tmp_path / "bad.npy"
    np.save(path, array)
    with pytest.raises(PictureError, match=message):
        read_picture_file(path)


def test_an_npy_picture_declaring_a_huge_shape_or_header_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.npy"
    np.save(path, np.zeros((28, 28), np.uint8))
    path.write_bytes(path.read_bytes().replace(b"(28, 28)", b"(99,999)", 1))
    with pytest.raises(PictureError, match="promises 98901 bytes of data, but 784 follow it"):
        read_picture_file(path)
    path.write_bytes(b"\x93NUMPY\x02\x00" + (2**32 - 1).to_bytes(4, "little") + b" " * 100_000)
    with pytest.raises(PictureError, match="declares a header of 4294967295 bytes"):
        read_picture_file(path)


def test_npy_pictures_of_any_depth_are_scaled(tmp_path, mnist):
    seven = mnist.test.images[0]
    for array in (seven, seven.astype(np.uint16) * 257, seven / 255.0, seven.astype(np.float32), seven > 128):
        np.save(tmp_path / "p.npy", array)
        picture = read_picture_file(tmp_path / "p.npy")
        assert picture.max() == 1.0 and picture.min() == 0.0, array.dtype


def test_a_truncated_picture_is_a_message(tmp_path, mnist):
    path = tmp_path / "cut.png"
    Image.fromarray(mnist.test.images[0]).save(path)
    path.write_bytes(path.read_bytes()[:60])
    with pytest.raises(PictureError, match="cannot be read as a picture"):
        read_picture_file(path)


def test_an_npy_picture_is_reduced_like_a_png(tmp_path):
    canvas = stroke_canvas(size=3000, points=((500, 900), (2500, 2000)), width=200)[:, :2100]
    Image.fromarray(canvas).save(tmp_path / "big.png")
    np.save(tmp_path / "big.npy", canvas)
    from_png, from_npy = read_picture_file(tmp_path / "big.png"), read_picture_file(tmp_path / "big.npy")
    assert from_npy.shape == from_png.shape[:2] == (1000, 700)
    np.testing.assert_allclose(from_npy, from_png[..., 0], atol=1 / 255)  # Pillow rounds to 8 bits


@pytest.mark.parametrize("shape", [(3, 2_000_000), (2_000_000, 3), (3, 2_000_000, 3)])
def test_a_long_thin_npy_picture_is_read_in_bounded_memory(tmp_path, shape):
    stripe = np.zeros(shape, np.uint8)
    stripe[1] = 255
    np.save(tmp_path / "stripe.npy", stripe)
    tracemalloc.start()
    try:
        picture = read_picture_file(tmp_path / "stripe.npy")
        to_mnist(picture)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert max(picture.shape[:2]) <= MAX_PICTURE_SIDE
    assert peak < stripe.nbytes + 16 * 2**20, peak  # the file's bytes, then little more


@pytest.mark.parametrize("brightness", [1, 3, 1000, 2**23])
def test_a_32_bit_picture_reads_the_same_at_any_brightness(tmp_path, mnist, brightness):
    seven = mnist.test.images[0]
    Image.fromarray(seven.astype(np.int32) * brightness).save(tmp_path / "seven.tif")
    np.testing.assert_allclose(read_picture_file(tmp_path / "seven.tif"), seven / 255.0, atol=1e-6)


def test_only_picture_formats_are_decoded(tmp_path, mnist):
    Image.fromarray(mnist.test.images[0]).save(tmp_path / "seven.pcx")
    Image.fromarray(mnist.test.images[0]).save(tmp_path / "seven.gif")
    with pytest.raises(PictureError, match="cannot be read as a picture"):
        read_picture_file(tmp_path / "seven.pcx")
    assert read_picture_file(tmp_path / "seven.gif").max() == 1.0


def test_a_named_pipe_is_refused_at_once(tmp_path):
    for name in ("pipe.png", "pipe.npy"):
        os.mkfifo(tmp_path / name)
        with pytest.raises(OSError, match="not a regular file"):
            read_picture_file(tmp_path / name)  # a blocking open() would wait here for a writer forever


@pytest.mark.parametrize("paper_rgb", [0, 255], ids=["black", "white"])
def test_black_ink_on_transparent_paper_reads_as_ink(tmp_path, paper_rgb):
    alpha = stroke_canvas()
    rgb = np.where(alpha > 0, 0, paper_rgb).astype(np.uint8)
    Image.fromarray(np.dstack([rgb] * 3 + [alpha])).save(tmp_path / "black-on-clear.png")
    picture = read_picture_file(tmp_path / "black-on-clear.png")
    np.testing.assert_array_equal(to_mnist(picture), to_mnist(alpha))
    np.testing.assert_array_equal(to_mnist(picture, background=0.0), to_mnist(alpha))


def test_the_draw_canvas_reads_as_before():
    """White strokes on a transparent canvas, with anti-aliased edges and black RGB where
    nothing is drawn: the ink is the stroke's alpha."""
    alpha = stroke_canvas(rgba=False).astype(float)
    alpha = np.clip(alpha + 0.5 * (np.roll(alpha, 1, 0) - alpha).clip(0), 0, 255).astype(np.uint8)
    rgba = np.dstack([np.where(alpha > 0, 255, 0).astype(np.uint8)] * 3 + [alpha])
    np.testing.assert_allclose(ink_image(rgba, background=0.0), alpha / 255.0, atol=1e-12)


# --- The paper of a digit that fills its box --------------------------------------------


def box_filled_five(scale=4):
    """A thick 5 filling a 16x16 box, binarised, black on white, enlarged scale x in blocks: its
    bar runs along the top, its stem down the left, its bowl along the bottom and right, so
    more than half of the picture's border is ink."""
    ink = np.zeros((16, 16), bool)
    ink[0:4, 1:15] = True  # the bar
    ink[0:9, 1:5] = True  # the stem
    ink[5:9, 1:13] = True  # the bowl's top
    ink[5:13, 11:16] = True  # its right side
    ink[12:16, 0:14] = True  # its bottom
    return 1.0 - np.kron(ink, np.ones((scale, scale))), np.kron(ink, np.ones((scale, scale)))


def test_a_box_filled_thick_five_keeps_its_polarity():
    picture, ink = box_filled_five()
    assert (_border_of(picture) < 0.5).mean() > 0.5  # most of the border is ink
    np.testing.assert_array_equal(ink_image(picture) > 0.5, ink.astype(bool))
    np.testing.assert_array_equal(ink_image(1 - picture) > 0.5, ink.astype(bool))  # white on black too
    np.testing.assert_array_equal(to_mnist(picture), to_mnist(ink))


def test_every_box_filled_european_five_scan_is_read_as_ink_on_paper():
    """The style set's 17 pictures inked over half their border (one of them exactly half: its
    median mid-grey) read as ink on paper, black on white or white on black."""
    pictures, _ = style_set("european_5/scan", count=300, seed=0)
    inked_border = [picture for picture in pictures if (_border_of(picture) < 0.5).mean() >= 0.5]
    assert len(inked_border) == 17
    for picture in inked_border:
        np.testing.assert_array_equal(ink_image(picture) > 0.5, picture < 0.5)
        np.testing.assert_array_equal(ink_image(1 - picture) > 0.5, picture < 0.5)


def test_a_scan_with_paper_around_it_and_its_inverse_read_as_before():
    """A digit with a margin of paper, or two separate strokes over an inked border: the
    border's median decides, as it always did."""
    stroke = stroke_canvas(size=64, points=((10, 20), (54, 40)), width=8) / 255.0
    for picture in (1 - stroke, stroke):
        np.testing.assert_array_equal(ink_image(picture), stroke)
    two_bars = np.ones((64, 64))
    two_bars[:, :10] = two_bars[:, 54:] = 0.0  # two dark bars, 66 % of the border: the median's dark paper
    np.testing.assert_array_equal(ink_image(two_bars), two_bars)


def _border_of(picture):
    return np.concatenate([picture[0], picture[-1], picture[:, 0], picture[:, -1]])
