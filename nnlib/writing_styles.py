"""Writing styles MNIST hardly has, drawn as pen strokes: flagged 1s, crossed (and plain) 7s, open 4s,
straight-stem 9s, looped 2s, European 5s. A digit is a few polylines in a unit box (x right,
y down, height 1); each style's proportions are drawn at random. The "styles" augmentation
(nnlib.augment) redraws a share of a batch's digits from a bank of these."""

from __future__ import annotations

import functools

import numpy as np

from .image import (
    centre_of_mass,
    shift_subpixel,
)

#: Share of a batch's 1s, 2s, 4s, 5s, 7s and 9s the "styles" mix redraws in another style.
STYLE_SHARE = 0.3
STYLE_PEN_WIDTH = (1.3, 3.2)  # px in the 28×28 field, where MNIST's pen is about 2-3 px


def stroke_ink(strokes, height: int, width: int, pen: float) -> np.ndarray:
    """Polylines (each (n, 2) of (x, y) in pixels) drawn with a round pen pen px wide:
    ink (height, width) in [0, 1], with a 1-px soft edge as an anti-aliased pen leaves."""
    lines = [np.asarray(line, dtype=np.float32) for line in strokes]
    lines = [np.repeat(line, 2, axis=0) if len(line) == 1 else line for line in lines]
    start = np.vstack([line[:-1] for line in lines])  # (s, 2): every segment of every stroke
    step = np.vstack([np.diff(line, axis=0) for line in lines])
    rows, cols = np.indices((height, width), dtype=np.float32)
    # x and y apart, (s, p) each: the same float32 sums as over an (s, p, 2) axis, several times faster
    offset_x = cols.ravel()[None] + np.float32(0.5) - start[:, :1]
    offset_y = rows.ravel()[None] + np.float32(0.5) - start[:, 1:]
    step_x, step_y = step[:, :1], step[:, 1:]
    length2 = np.maximum(step_x * step_x + step_y * step_y, 1e-9)
    along = np.clip((offset_x * step_x + offset_y * step_y) / length2, 0, 1)  # the nearest point's place
    gap_x, gap_y = offset_x - along * step_x, offset_y - along * step_y
    distance = np.sqrt((gap_x * gap_x + gap_y * gap_y).min(axis=0))
    return np.clip(pen / 2 + 0.5 - distance, 0, 1).reshape(height, width)


def arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, points: int = 12) -> np.ndarray:
    """(points, 2) along an ellipse from angle start to end (radians, clockwise on screen from +x)."""
    angles = np.linspace(start, end, points)
    return np.stack([cx + rx * np.cos(angles), cy + ry * np.sin(angles)], axis=1)


def _line(*points) -> np.ndarray:
    return np.array(points, dtype=np.float64)


def _flagged_one(rng: np.random.Generator) -> list:
    top, flag = rng.uniform(0.3, 0.5), rng.uniform(0.25, 0.5)
    drop = flag * rng.uniform(0.5, 1.2)
    strokes = [_line((top - flag, drop), (top, 0), (top - rng.uniform(0, 0.1), 1))]
    if rng.random() < 0.5:
        half = rng.uniform(0.15, 0.3)
        strokes.append(_line((top - 0.05 - half, 1), (top - 0.05 + half, 1)))
    return strokes


def _crossed_seven(rng: np.random.Generator) -> list:
    right, foot = rng.uniform(0.5, 0.75), rng.uniform(0.05, 0.35)
    top = _line((0, rng.uniform(-0.05, 0.08)), (right, 0), (foot, 1))
    if rng.random() < 0.4:  # the Z-like 7: a serif down at the bar's start
        top = np.vstack([_line((0.02, rng.uniform(0.1, 0.2))), top])
    height = rng.uniform(0.4, 0.6)
    x_at = right + (foot - right) * height
    half = rng.uniform(0.15, 0.3)
    return [top, _line((x_at - half, height + 0.02), (x_at + half, height - 0.02))]


#: Share of the redrawn 7s drawn plain (no crossbar) by the flagged 1s' pen: the network must tell
#: a flagged 1 from a 7 by its shape, the flag's slope and the stroke's length, not by the crossbar.
PLAIN_SEVEN_SHARE = 0.5


def _seven(rng: np.random.Generator) -> list:
    """A crossed 7 or, PLAIN_SEVEN_SHARE of the time, a plain one (a serif at the bar's start sometimes)."""
    if rng.random() >= PLAIN_SEVEN_SHARE:
        return _crossed_seven(rng)
    right = rng.uniform(0.35, 0.75)
    foot = right - rng.uniform(0.1, 0.5)
    top = _line((0, rng.uniform(-0.05, 0.12)), (right, 0), (foot, 1))
    if rng.random() < 0.3:
        top = np.vstack([_line((0.02, rng.uniform(0.1, 0.2))), top])
    return [top]


def _open_four(rng: np.random.Generator) -> list:
    bar_y, stem_x = rng.uniform(0.55, 0.72), rng.uniform(0.45, 0.6)
    lean = rng.uniform(0, 0.25)  # a long slanted stem leans right at its top
    left = _line((rng.uniform(0.15, 0.35), 0), (0, bar_y), (rng.uniform(0.65, 0.8), bar_y))
    stem_top = rng.uniform(0, 0.3) if rng.random() < 0.5 else rng.uniform(-0.05, 0.05)
    stem = _line((stem_x + lean, stem_top), (stem_x - lean * 0.5, 1))
    return [left, stem]


def _straight_nine(rng: np.random.Generator) -> list:
    radius_x, radius_y = rng.uniform(0.2, 0.3), rng.uniform(0.18, 0.25)
    cx, cy = 0.05 + radius_x, radius_y + 0.02
    loop = arc(cx, cy, radius_x, radius_y, 0.2, 0.2 - 2 * np.pi, 16)
    stem = _line(loop[0], (cx + radius_x - rng.uniform(0.1, 0.45), 1))
    return [loop, stem]


def _looped_two(rng: np.random.Generator) -> list:
    head = arc(0.35, 0.25, 0.3, 0.25, np.pi * 1.05, np.pi * 2.25, 10)
    loop_r = rng.uniform(0.08, 0.14)
    base_y = 1 - loop_r
    loop = arc(0.1 + loop_r, base_y, loop_r, loop_r, -np.pi / 2, np.pi * 1.2, 10)
    body = np.vstack([head, _line((0.1 + loop_r, base_y - loop_r)), loop, _line((rng.uniform(0.6, 0.8), 1))])
    return [body]


def _european_five(rng: np.random.Generator) -> list:
    stem_x = rng.uniform(0.1, 0.2)
    bowl_top = rng.uniform(0.35, 0.5)
    ry = (1 - bowl_top) / 2
    bowl = arc(0.35, bowl_top + ry, 0.3, ry, -np.pi * 0.8, np.pi * 0.75, 14)
    body = np.vstack([_line((stem_x, 0), (stem_x - 0.02, bowl_top + 0.05)), bowl])
    flag = _line((stem_x + 0.03, 0.02), (rng.uniform(0.55, 0.8), rng.uniform(-0.12, 0.03)))
    return [body, flag]


#: digit -> a function drawing one random instance of one of its styles (unit-box polylines).
STYLE_DRAWERS = {
    1: _flagged_one,
    2: _looped_two,
    4: _open_four,
    5: _european_five,
    7: _seven,
    9: _straight_nine,
}


def style_digit(digit: int, rng: np.random.Generator) -> np.ndarray:
    """One digit drawn in a random writing style: an MNIST-like (28, 28) float32 image, ink in
    [0, 1], the digit fitted in 20×20 (aspect kept) and centred by mass, as MNIST was made."""
    strokes = STYLE_DRAWERS[digit](rng)
    points = np.vstack(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    scale = 20 / max(high - low)
    offset = 14 - (low + high) / 2 * scale
    image = stroke_ink([line * scale + offset for line in strokes], 28, 28, rng.uniform(*STYLE_PEN_WIDTH))
    row, col = centre_of_mass(image)
    return shift_subpixel(image, 13.5 - row, 13.5 - col).astype(np.float32)


STYLE_BANK_SIZE = 1000  # styled drawings made once per digit, then varied by the other levers
STYLE_BANK_SEED = 19


@functools.cache
def style_bank(digit: int) -> np.ndarray:
    """STYLE_BANK_SIZE drawings (n, 28, 28) of digit in random writing styles, made once per
    process (a few seconds for all) from their own seed; read-only, shared."""
    rng = np.random.default_rng([STYLE_BANK_SEED, digit])
    bank = np.stack([style_digit(digit, rng) for _ in range(STYLE_BANK_SIZE)])
    bank.flags.writeable = False
    return bank


def with_writing_styles(
    images: np.ndarray, digits: np.ndarray, rng: np.random.Generator, strength: float, share: float = STYLE_SHARE
) -> np.ndarray:
    """Replace a share (× strength) of the images (b, h, w) whose digit (b,) has styles in
    STYLE_DRAWERS by a drawing of that digit from its style_bank; (b, h, w), a copy.
    The rest of the mix (warps, box, scan levers) varies the drawings further."""
    styled = np.isin(digits, list(STYLE_DRAWERS)) & (rng.random(len(images)) < share * strength)
    if images.shape[1:] != (28, 28):
        return images.copy()
    return redrawn_in_styles(images, digits, styled, rng)


def redrawn_in_styles(images: np.ndarray, digits: np.ndarray, chosen: np.ndarray, rng: np.random.Generator):
    """images (b, 28, 28) with each chosen row (b,) bool replaced by a random drawing of its
    digit (b,) from style_bank; a copy."""
    images = images.copy()
    for k in np.flatnonzero(chosen):
        bank = style_bank(int(digits[k]))
        images[k] = bank[rng.integers(len(bank))]
    return images


def chosen_for_styles(digits: np.ndarray, rng: np.random.Generator, shares: dict) -> np.ndarray:
    """Which rows (b,) bool to redraw: each digit (b,) with its own chance, shares[digit]
    (0 for a digit not in shares; only digits in STYLE_DRAWERS may be given)."""
    chance = np.zeros(10)
    for digit, share in shares.items():
        if digit not in STYLE_DRAWERS:
            raise ValueError(f"digit {digit} has no writing styles to redraw it in")
        chance[digit] = share
    return rng.random(len(digits)) < chance[digits]
