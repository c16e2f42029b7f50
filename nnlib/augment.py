"""Random distortions of training images, so a model copes with hand drawings.

A digit drawn with a mouse is slanted, rotated and stroked more thickly or
thinly than MNIST's pen strokes. Showing the network such variants while it
trains (new ones every batch) makes draw-to-predict far more reliable; the
test set is never distorted.
"""

from __future__ import annotations

import numpy as np


def random_affine(images: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """Warp each image (b, h, w) by its own random rotation, slant, scale and shift.

    Bilinear sampling about the image centre; strength 1 means rotations up
    to ±0.2 rad, slants up to ±0.35, scales 0.85-1.1 and shifts up to ±1.5 px.
    """
    b, h, w = images.shape
    angle = rng.uniform(-0.2, 0.2, b) * strength
    slant = rng.uniform(-0.35, 0.35, b) * strength
    scale_y = 1 + rng.uniform(-0.15, 0.1, b) * strength
    scale_x = 1 + rng.uniform(-0.15, 0.1, b) * strength
    shift = rng.uniform(-1.5, 1.5, (2, b)) * strength
    # Output pixel (r, c), relative to the centre -> source position (inverse map).
    r, c = np.indices((h, w), dtype=images.dtype)
    r = r - (h - 1) / 2
    c = c - (w - 1) / 2
    cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    y = (r[None] - shift[0][:, None, None]) / scale_y[:, None, None]
    x = (c[None] - shift[1][:, None, None]) / scale_x[:, None, None]
    x = x - slant[:, None, None] * y
    src_r = cos * y - sin * x + (h - 1) / 2
    src_c = sin * y + cos * x + (w - 1) / 2
    return bilinear(images, src_r, src_c)


def bilinear(images: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """images (b, h, w) sampled at float positions (b, h, w); zero outside."""
    b, h, w = images.shape
    padded = np.zeros((b, h + 2, w + 2), dtype=images.dtype)
    padded[:, 1:-1, 1:-1] = images
    r = np.clip(rows + 1, 0, h + 0.999)
    c = np.clip(cols + 1, 0, w + 0.999)
    r0, c0 = r.astype(np.intp), c.astype(np.intp)
    fr, fc = (r - r0).astype(images.dtype), (c - c0).astype(images.dtype)
    r1, c1 = np.minimum(r0 + 1, h + 1), np.minimum(c0 + 1, w + 1)
    k = np.arange(b)[:, None, None]
    return (1 - fr) * ((1 - fc) * padded[k, r0, c0] + fc * padded[k, r0, c1]) + fr * (
        (1 - fc) * padded[k, r1, c0] + fc * padded[k, r1, c1]
    )


def random_thickness(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Thicken a third of the images, thin a third, leave a third (b, h, w)."""
    choice = rng.integers(0, 3, len(images))
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    neighbours = np.stack(
        [padded[:, 1:-1, 1:-1], padded[:, :-2, 1:-1], padded[:, 2:, 1:-1], padded[:, 1:-1, :-2], padded[:, 1:-1, 2:]]
    )
    thicker = neighbours.max(axis=0)
    thinner = 0.5 * (images + neighbours.min(axis=0))
    out = images.copy()
    out[choice == 1] = thicker[choice == 1]
    out[choice == 2] = thinner[choice == 2]
    return out


def augment_rows(X_rows: np.ndarray, image_shape, rng: np.random.Generator, strength: float) -> np.ndarray:
    """Distort a batch of flattened images (b, pixels) -> (b, pixels)."""
    images = X_rows.reshape(len(X_rows), *image_shape)
    images = random_thickness(random_affine(images, rng, strength), rng)
    return images.reshape(len(X_rows), -1)
