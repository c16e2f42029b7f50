"""Turn a drawing into a 28×28 input the way MNIST's digits were made.

MNIST's recipe (LeCun et al.): the digit is cropped to its ink, scaled with
anti-aliasing to fit a 20×20 box keeping its aspect ratio, then placed in a
28×28 field so that its centre of mass is at the centre. A network trained on
MNIST expects exactly that, so a canvas drawing must go through it too.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np

from .image import centre_of_mass, connected_regions, ink_box, pooled, resize, shift_subpixel
from .npyfile import NpyFormatError, open_regular_file, read_npy_file
from .paper import border, border_median, paper_level

INK_THRESHOLD = 0.15  # ink level (0-1) that counts as drawn when cropping
MIN_INK_FRACTION = 2e-4  # less ink than this share of the canvas is "empty"
NOISE_FLOOR_MAX = 0.1  # paper grain (as ink, 0-1) at most this strong is taken out
DOT_EXTENT = 0.08  # ink less than this share of the picture across is a dot (a tap) ...
BLOB_EXTENT, BLOB_FILL = 0.2, 0.6  # ... and so is a solid blob this small (a fat pen's tap)
BOX = 20  # the digit fits in BOX×BOX ...
FIELD = 28  # ... centred by mass in FIELD×FIELD

MAX_PICTURE_PIXELS = 36_000_000  # a picture file larger than 6000×6000 is refused unread (a phone photo: 12 MP)
MAX_PICTURE_SIDE = 1024  # a larger picture is reduced (box average) as it is read: a digit needs no more
MAX_PICTURE_FILE_BYTES = 64 * 1024 * 1024  # an .npy picture
REDUCE_CHUNK_VALUES = 1 << 18  # block_mean converts about this many values to float at a time (2 MiB)
PICTURE_FORMATS = ("PNG", "JPEG", "TIFF", "BMP", "GIF", "WEBP")  # Pillow's decoders a picture may use
WIDE_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")  # Pillow's modes of more than 8 bits per pixel


class PictureError(ValueError):
    """A picture file that cannot be read, with a message for people."""


def read_picture_file(path: str | Path) -> np.ndarray:
    """A picture file (PNG, JPEG, ... or .npy) -> float64 (h, w) or (h, w, 3|4) in [0, 1].

    Every depth is scaled, never clipped: a 16-bit PNG's 65535 is 1.0. A picture larger
    than MAX_PICTURE_SIDE is reduced while it is read; one over MAX_PICTURE_PIXELS (or
    over Pillow's decompression-bomb limit) is refused before it is decoded. Raises
    PictureError for anything unreadable (OSError when the file cannot be opened).
    """
    path = Path(path)
    if path.suffix.lower() == ".npy":
        return _npy_picture(path)
    return _decoded_picture(path)


def _npy_picture(path: Path) -> np.ndarray:
    try:
        array = read_npy_file(path, path.name, MAX_PICTURE_FILE_BYTES, max_dimensions=3)
    except NpyFormatError as error:
        raise PictureError(str(error)) from None
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (1, 3, 4)):
        raise PictureError(f"{path.name} is an array of shape {array.shape}; expected (h, w) or (h, w, 1|3|4)")
    _check_picture_size(array.shape[:2], path.name)
    if array.dtype.kind == "c":
        raise PictureError(f"{path.name} holds complex numbers, not pixels")
    return in_unit_range(array.squeeze(axis=2) if array.ndim == 3 and array.shape[2] == 1 else array, path.name)


def _check_picture_size(shape: tuple[int, ...], name: str) -> None:
    """Refuse a picture of (h, w) with no pixel, or more than MAX_PICTURE_PIXELS."""
    pixels = math.prod(shape)
    if pixels == 0:
        raise PictureError(f"{name} has no pixels (shape {shape})")
    if pixels > MAX_PICTURE_PIXELS:
        raise PictureError(
            f"{name} is {shape[1]}×{shape[0]} pixels; at most {MAX_PICTURE_PIXELS / 1e6:.0f} million are read"
        )


def _decoded_picture(path: Path) -> np.ndarray:
    """A picture decoded by Pillow (only the formats of PICTURE_FORMATS): its size checked
    before decoding, reduced while decoded, scaled to [0, 1] by the white of its mode
    (_decoded)."""
    with open_regular_file(path) as handle:
        array, white = _decoded(handle, path.name)
    return in_unit_range(array, path.name, white)


def _decoded(handle, name: str) -> tuple[np.ndarray, float | None]:
    """The pixels Pillow decodes from an open picture file, and the white of their mode:
    255 for 8-bit modes, 65535 for 16-bit ones, the picture's own maximum for 32-bit
    integers (mode I: no white is agreed on, and 2**31 - 1 would leave any real picture
    black, so the same digit reads the same at any brightness); None for float pictures
    (mode F: 1.0 when the values are within [0, 1], see in_unit_range)."""
    from PIL import Image  # only needed for picture files

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle, formats=PICTURE_FORMATS) as picture:
                _check_picture_size(picture.size[::-1], name)
                picture.draft(picture.mode, (MAX_PICTURE_SIDE, MAX_PICTURE_SIDE))  # JPEG: decode at a reduced scale
                mode = picture.mode
                picture = picture.convert("F" if mode in WIDE_MODES else "RGBA")
                factor = math.ceil(max(picture.size) / MAX_PICTURE_SIDE)
                if factor > 1:
                    picture = picture.reduce(factor)
                array = np.asarray(picture, dtype=np.float64)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureError(f"{name} declares more pixels than a picture may have (a decompression bomb)") from None
    except (PictureError, MemoryError):
        raise
    except Exception as error:  # Pillow's decoders fail in many ways (OSError, SyntaxError, struct.error, ...)
        raise PictureError(f"{name} cannot be read as a picture ({type(error).__name__}: {error})") from None
    if mode == "I":
        return array, max(float(array.max(initial=0)), 1.0)
    return array, 65535.0 if mode.startswith("I;16") else None if mode == "F" else 255.0


def in_unit_range(array: np.ndarray, name: str, top: float | None = None) -> np.ndarray:
    """Pixels (h, w[, c]) as float64 in [0, 1], reduced to a side of at most MAX_PICTURE_SIDE
    (block_mean) and scaled by top (the depth's white) when known; otherwise by what the
    values suggest: 1, 255, the integer type's largest value, or the largest value."""
    if array.dtype.kind in "fc" and not np.isfinite(array).all():
        raise PictureError(f"{name} holds NaN or infinite values")
    if top is None:
        top = _white_of(array)
    factor = math.ceil(max(array.shape[:2]) / MAX_PICTURE_SIDE)
    values = block_mean(array, factor) if factor > 1 else array.astype(np.float64)
    return np.clip(values / top, 0.0, 1.0)


def _white_of(array: np.ndarray) -> float:
    """The value that stands for white in pixels of unknown depth (see in_unit_range)."""
    largest = float(array.max(initial=0))
    if largest <= 1 and array.dtype.kind in "fb":
        return 1.0
    if largest <= 255:
        return 255.0
    if array.dtype.kind in "iu":
        return float(np.iinfo(array.dtype).max)
    return largest


def block_mean(array: np.ndarray, factor: int) -> np.ndarray:
    """(h, w[, c]) -> (ceil(h / factor), ceil(w / factor)[, c]) float64: each output pixel the
    mean of a factor×factor block (fewer pixels at the right and bottom edges), as Pillow's
    reduce does. Converted to float a chunk of about REDUCE_CHUNK_VALUES at a time, so a
    picture of any shape costs little more than its reduced size."""
    height, width = array.shape[:2]
    out = np.empty((-(-height // factor), -(-width // factor), *array.shape[2:]))
    values_per_column = min(factor, height) * math.prod(array.shape[2:])
    step = factor * max(1, REDUCE_CHUNK_VALUES // (values_per_column * factor))
    for top in range(0, height, factor):
        for left in range(0, width, step):
            chunk = array[top : top + factor, left : left + step].astype(np.float64)
            starts = np.arange(0, chunk.shape[1], factor)
            sums = np.add.reduceat(chunk.sum(axis=0), starts, axis=0)
            counts = chunk.shape[0] * np.diff(np.append(starts, chunk.shape[1]))
            out[top // factor, left // factor : left // factor + len(starts)] = (sums.T / counts).T
    return out


def ink_image(image: np.ndarray, background: float | None = None) -> np.ndarray:
    """Ink level in [0, 1] per pixel, whatever the input's kind.

    image: (h, w) grey, (h, w, 3) RGB or (h, w, 4) RGBA; uint8 or float in
    [0, 1]; white ink on black or black ink on white. background is the
    grey level (0-1) of the paper when known (0 for the app's black canvas);
    otherwise it is taken to be the colour of the border. A transparent
    background counts as empty, whatever its RGB values, and the ink is where the
    alpha is, light or dark (see _over_contrasting_paper).
    """
    array = np.asarray(image)
    if array.ndim not in (2, 3) or array.size == 0:
        raise ValueError(f"expected an image of shape (h, w) or (h, w, 3|4), got {array.shape}")
    scale = 255.0 if array.dtype == np.uint8 or array.max(initial=0) > 1 else 1.0
    array = array.astype(np.float64) / scale
    alpha = None
    if array.ndim == 3:
        if array.shape[2] == 4:
            alpha = array[..., 3]
            array = array[..., :3]
        if array.shape[2] != 3:
            raise ValueError(f"expected 1, 3 or 4 channels, got {array.shape[2]}")
        array = array @ np.array([0.299, 0.587, 0.114])
    if alpha is not None and alpha.min() < 1:
        grey, background = _over_contrasting_paper(array, alpha)
    else:
        grey = array
    if background is None:
        background = paper_level(grey)
    ink = np.clip(np.abs(grey - background) / max(background, 1 - background), 0, 1)
    return without_paper_noise(ink)


def _over_contrasting_paper(grey: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, float]:
    """A picture (h, w) with transparent paper, laid over paper its ink stands out on, and
    that paper's grey level. Light ink (the Draw canvas's white strokes) goes over the
    border's colour, black on a transparent border; dark ink (black on a transparent PNG,
    as drawing apps export it) over white. Either way the ink is where the alpha is."""
    drawn = alpha >= 0.5
    if drawn.any() and float(grey[drawn].mean()) < 0.5:
        return grey * alpha + (1 - alpha), 1.0
    background = border_median(grey * alpha)
    return grey * alpha + background * (1 - alpha), background


def without_paper_noise(ink: np.ndarray) -> np.ndarray:
    """Take the paper's own grain out of an ink map (h, w) in [0, 1].

    A scan or photo of paper is never one even grey: its noise shows as faint
    ink everywhere, which to_mnist would scale up with the digit. The noise's
    level is read from the border's paper (its pixels under INK_THRESHOLD; their
    99th percentile, at most NOISE_FLOOR_MAX) and taken off every pixel, the
    rest stretched back to [0, 1]. A clean canvas has a floor of 0: unchanged.
    """
    edge = border(ink)
    paper = edge[edge < INK_THRESHOLD]
    if paper.size < 4:  # the border is mostly ink: nothing to learn the paper from
        return ink
    floor = min(float(np.quantile(paper, 0.99)), NOISE_FLOOR_MAX)
    if floor <= 0:
        return ink
    return np.clip((ink - floor) / (1 - floor), 0, 1)


def is_empty(ink: np.ndarray) -> bool:
    """True when there is too little ink to call it a drawing."""
    return float(ink.sum()) < MIN_INK_FRACTION * ink.size or ink.max() < INK_THRESHOLD


def is_dot(ink: np.ndarray) -> bool:
    """True when the ink is a single tap-sized dot, not a digit.

    A tap on a touch screen leaves a round blob one pen-width across; scaled up
    to 20×20 it would be read, confidently, as a "0", so a drawing surface (the
    Draw page) checks this before reading; to_mnist itself still makes an image
    of a dot (a 28×28 picture may well be one). A dot is ink whose extent
    (the larger side of its bounding box) is under DOT_EXTENT of the picture's
    larger side, or under BLOB_EXTENT while filling more than BLOB_FILL of its
    box (a solid blob: no strokes). A short stroke, a small "1", passes.
    """
    drawn = ink >= INK_THRESHOLD
    box = ink_box(drawn)
    if box is None:
        return False
    extent = max(drawn[box].shape) / max(ink.shape)
    fill = drawn[box].mean()
    return bool(extent < DOT_EXTENT or (extent < BLOB_EXTENT and fill > BLOB_FILL))


def to_mnist(image: np.ndarray, background: float | None = None) -> np.ndarray | None:
    """A drawing -> a (28, 28) uint8 image, white digit on black, MNIST-style.

    background: the paper's grey level when known (see ink_image). Returns
    None when the drawing is empty (nothing to predict).
    """
    return from_ink(ink_image(image, background))


def from_ink(ink: np.ndarray) -> np.ndarray | None:
    """An ink map (h, w) in [0, 1] -> the (28, 28) uint8 MNIST-style image, or None if empty."""
    if is_empty(ink):
        return None
    crop = ink[ink_box(ink >= INK_THRESHOLD)]
    height, width = crop.shape
    scale = BOX / max(height, width)
    new_h, new_w = max(1, round(height * scale)), max(1, round(width * scale))
    digit = resize(crop, new_h, new_w)
    field = np.zeros((FIELD, FIELD))
    top, left = (FIELD - new_h) // 2, (FIELD - new_w) // 2
    field[top : top + new_h, left : left + new_w] = digit
    row, col = centre_of_mass(field)
    centre = (FIELD - 1) / 2
    field = shift_subpixel(field, centre - row, centre - col)
    field *= 1 / max(field.max(), 1e-12)
    return np.clip(np.round(field * 255), 0, 255).astype(np.uint8)


PART_GRID = 56  # connected parts are found on the ink pooled to at most this many cells a side
PART_SHARE = 0.15  # a part with less of the ink than this (a dot, a stray touch) does not count
SIDE_BY_SIDE_OVERLAP = 0.25  # two parts overlapping less than this share of the narrower one's width


def ink_parts(ink: np.ndarray) -> list[tuple[slice, slice, float]]:
    """The drawing's separate marks: connected parts of the ink (8-neighbours), largest first.

    ink (h, w) in [0, 1] is pooled (max) to at most PART_GRID cells a side, so a stroke's
    anti-aliased edge does not split it. Each part: (rows, cols) of its bounding box in
    pooled cells, and its share of the ink.
    """
    strongest, mass = pooled(ink, PART_GRID, np.max), pooled(ink, PART_GRID, np.sum)
    labels, count = connected_regions(strongest >= INK_THRESHOLD)
    parts = []
    for label in range(1, count + 1):
        rows, cols = np.nonzero(labels == label)
        parts.append((slice(rows.min(), rows.max() + 1), slice(cols.min(), cols.max() + 1), mass[rows, cols].sum()))
    total = sum(part[2] for part in parts) or 1.0
    return sorted(((rows, cols, float(share / total)) for rows, cols, share in parts), key=lambda p: -p[2])


def side_by_side(ink: np.ndarray) -> bool:
    """True when the ink is two or more marks next to each other, like "17": not one digit.

    Counts only parts with at least PART_SHARE of the ink; two of them are side by side
    when their columns overlap by less than SIDE_BY_SIDE_OVERLAP of the narrower one's width.
    A digit drawn in two touching or stacked strokes (a 4, a 5's bar) is not.
    """
    parts = [part for part in ink_parts(ink) if part[2] >= PART_SHARE]
    for index, (_, cols_a, _) in enumerate(parts):
        for _, cols_b, _ in parts[index + 1 :]:
            overlap = min(cols_a.stop, cols_b.stop) - max(cols_a.start, cols_b.start)
            narrower = min(cols_a.stop - cols_a.start, cols_b.stop - cols_b.start)
            if overlap < SIDE_BY_SIDE_OVERLAP * narrower:
                return True
    return False
