"""Test images damaged on purpose, to see how much a network can take (the Lab's Stress part).

Every kind takes images (b, h, w) with ink in [0, 1] (0 = paper), a strength in the kind's own
unit and a seed; strength 0 gives the images back unchanged, and the same seed gives the same
damage every time (a class sees the same images).

    damaged = damage(images, "rotation", 30, seed=0)      # each image turned ±30°
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import image
from .image import bilinear, centred_grid


@dataclass(frozen=True)
class DamageKind:
    """A damage's unit (for the slider and the chart's axis) and its strengths: the slider's
    range and the robustness curve's points (strengths[0] is always 0, no damage)."""

    unit: str
    strengths: tuple[float, ...]


KINDS: dict[str, DamageKind] = {
    "noise": DamageKind("σ", (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7)),
    "rotation": DamageKind("°", (0.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0)),
    "thin": DamageKind("px", (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)),
    "bold": DamageKind("px", (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)),
    "blur": DamageKind("σ px", (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)),
    "shift": DamageKind("px", (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0)),
}


def damage(images: np.ndarray, kind: str, strength: float, seed: int = 0) -> np.ndarray:
    """images (b, h, w) in [0, 1] damaged by kind at strength; a new array of the same dtype."""
    if kind not in KINDS:
        raise ValueError(f"unknown damage {kind!r}; choose from {sorted(KINDS)}")
    images = np.asarray(images, dtype=np.float32)
    if strength <= 0:
        return images.copy()
    rng = np.random.default_rng(seed)
    return np.clip(DAMAGES[kind](images, float(strength), rng), 0, 1).astype(images.dtype)


def noise(images: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise of standard deviation sigma on every pixel (paper included)."""
    return images + rng.normal(0.0, sigma, images.shape).astype(images.dtype)


def rotation(images: np.ndarray, degrees: float, rng: np.random.Generator) -> np.ndarray:
    """Each image turned about its centre by degrees, left or right at random."""
    b, h, w = images.shape
    angle = np.radians(degrees) * rng.choice([-1.0, 1.0], b)
    r, c = centred_grid(h, w, np.float32)
    cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    return bilinear(images, cos * r - sin * c + (h - 1) / 2, sin * r + cos * c + (w - 1) / 2)


def shift(images: np.ndarray, pixels: float, rng: np.random.Generator) -> np.ndarray:
    """Each image moved by pixels in a random direction (off-centre, as MNIST's digits never are)."""
    b, h, w = images.shape
    direction = rng.uniform(0, 2 * np.pi, b)
    dr, dc = (pixels * np.sin(direction))[:, None, None], (pixels * np.cos(direction))[:, None, None]
    r, c = np.indices((h, w), dtype=np.float32)
    return bilinear(images, r[None] - dr, c[None] - dc)


def blur(images: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian blur of sigma pixels (the same for every image)."""
    return image.blur(images, sigma)


def _neighbourhood(images: np.ndarray, reduce) -> np.ndarray:
    """Each pixel and its four neighbours reduced by np.maximum (bolder) or np.minimum (thinner)."""
    h, w = images.shape[1:]
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    out = images.copy()
    for dr, dc in ((0, 1), (2, 1), (1, 0), (1, 2)):
        out = reduce(out, padded[:, dr : dr + h, dc : dc + w])
    return out


def _morph(images: np.ndarray, pixels: float, reduce) -> np.ndarray:
    """pixels steps of _neighbourhood; a fractional step blends the last two."""
    whole = int(np.floor(pixels))
    out = images
    for _ in range(whole):
        out = _neighbourhood(out, reduce)
    part = pixels - whole
    if part > 0:
        out = (1 - part) * out + part * _neighbourhood(out, reduce)
    return out


def bold(images: np.ndarray, pixels: float, rng: np.random.Generator) -> np.ndarray:
    """Strokes thickened by about pixels on each side (a grey dilation)."""
    return _morph(images, pixels, np.maximum)


def thin(images: np.ndarray, pixels: float, rng: np.random.Generator) -> np.ndarray:
    """Strokes thinned by about pixels on each side (a grey erosion); MNIST's pen strokes are
    only 2-3 px wide, so 1.5 px leaves little."""
    return _morph(images, pixels, np.minimum)


DAMAGES = {"noise": noise, "rotation": rotation, "thin": thin, "bold": bold, "blur": blur, "shift": shift}


def to_rows(images: np.ndarray, normalization: str, dtype) -> np.ndarray:
    """Damaged images (b, h, w) in [0, 1] as the network's input rows (b, pixels), normalised as
    the model was trained (nnlib.data's min-max or ÷255, here on ink already in [0, 1])."""
    from .data import normalize

    return normalize(images * (255 if normalization == "scale255" else 1), normalization, dtype=np.dtype(dtype).type)


def robustness(network, images: np.ndarray, classes: np.ndarray, normalization: str, seed: int = 0) -> dict:
    """Accuracy at each strength of each kind: {kind: [accuracy, …]} in KINDS' strengths' order."""
    curves = {}
    for kind, spec in KINDS.items():
        accuracies = []
        for strength in spec.strengths:
            X = to_rows(damage(images, kind, strength, seed), normalization, network.dtype)
            accuracies.append(float((network.predict(X.T) == classes).mean()))
        curves[kind] = accuracies
    return curves
