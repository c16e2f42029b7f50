"""Canvas-style drawings made from MNIST test digits, for measuring draw-to-predict.

A real mouse drawing differs from an MNIST image: hard-edged strokes of one
width, any size, anywhere on a 280×280 canvas, slanted as the hand goes. This
turns each test digit into such a drawing: an affine warp (size, slant,
rotation, position) to canvas scale, a threshold that gives hard edges, and a
dilation that sets the stroke width. The model never saw these images.
"""

from __future__ import annotations

import numpy as np

from nnlib.image import bilinear

CANVAS = 280


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """mask (h, w) bool thickened by a disc of radius px: a pen that wide. Ink near an edge stops
    at it (the mask is padded, not wrapped round to the opposite edge)."""
    padded = np.pad(mask, radius)
    out = padded.copy()
    for dr in range(-radius, radius + 1):
        for dc in range(-radius, radius + 1):
            if dr * dr + dc * dc <= radius * radius and (dr or dc):
                out |= np.roll(np.roll(padded, dr, 0), dc, 1)
    return out[radius : radius + mask.shape[0], radius : radius + mask.shape[1]]


def canvas_drawing(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One MNIST digit (28, 28) uint8 -> a (280, 280, 4) RGBA canvas image."""
    height = rng.uniform(90, 240)  # digit height on the canvas, px
    scale = height / 20  # MNIST digits are ~20 px tall
    slant = rng.uniform(-0.35, 0.35)
    angle = rng.uniform(-0.2, 0.2)
    centre = rng.uniform(height / 2 + 10, CANVAS - height / 2 - 10, size=2)
    v, u = np.indices((CANVAS, CANVAS), dtype=np.float64)
    y, x = (v - centre[0]) / scale, (u - centre[1]) / scale
    x = x - slant * y
    cos, sin = np.cos(angle), np.sin(angle)
    src_r = cos * y - sin * x + 13.5
    src_c = sin * y + cos * x + 13.5
    grey = bilinear((digit / 255.0)[None], src_r[None], src_c[None])[0]
    mask = grey > rng.uniform(0.35, 0.75)
    mask = dilate(mask, int(rng.integers(0, 7)))
    rgba = np.zeros((CANVAS, CANVAS, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    rgba[mask, :3] = 255
    return rgba
