"""Handwriting the model never trained on, as pictures a user would upload: dark ink on white paper.

Each source returns (pictures, labels): a list of 2-D uint8 grey arrays (any size,
paper light, ink dark) and an int array of digits. benchmarks/handwriting.py
reads every picture through the app's own path (nnlib.pipeline.read_digit, which
estimates the paper from the picture's border), so preprocessing is measured
too. Nothing here is used for training; MNIST-derived sources use the test set.

- sklearn_digits: scikit-learn's bundled copy of UCI optdigits' test part:
  1,797 real digits by 43 writers, size-normalised to fill a 32×32 box and
  stored as 8×8 counts of ink (0-16), inverted to dark on white.
- box_scans: MNIST test digits made the way USPS and optdigits were: thresholded,
  stretched to fill a square box (no aspect kept), stored at 8-16 px on
  slightly grey, noisy paper.
- font_digits: the digits of the installed fonts (fc-list), rendered with varied
  size, stroke, slant, rotation, blur, noise and resolution loss.
- degraded_mnist: MNIST test digits printed small on grey, noisy paper: blurred,
  faint or heavy ink, low resolution.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from nnlib.image import blur, ink_box, resize_area

SOURCES = ("sklearn_digits", "box_scans", "font_digits", "degraded_mnist")


def sklearn_digits() -> tuple[list[np.ndarray], np.ndarray]:
    """scikit-learn's load_digits (1,797 images, 8×8) as dark-on-white uint8 pictures."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("sklearn_digits needs scikit-learn: pip install scikit-learn") from error
    digits = load_digits()
    pictures = np.round(255 - digits.images * (255 / 16)).astype(np.uint8)
    return list(pictures), digits.target.astype(int)


def on_paper(ink: np.ndarray, rng: np.random.Generator, margin: int = 2) -> np.ndarray:
    """Ink (h, w) in [0, 1] -> an uint8 scan: a margin of paper, paper grey 0.8-1,
    ink as dark as 0-0.45, Gaussian noise of 0-0.04."""
    ink = np.pad(np.clip(ink, 0, 1), margin)
    paper = rng.uniform(0.8, 1.0)
    darkest = rng.uniform(0.0, 0.45)
    grey = paper - ink * (paper - darkest) + rng.normal(0, rng.uniform(0, 0.04), ink.shape)
    return np.clip(np.round(grey * 255), 0, 255).astype(np.uint8)


def _ink_box(ink: np.ndarray, level: float = 0.2) -> np.ndarray:
    """The ink's bounding box cut out of ink (h, w)."""
    return ink[ink_box(ink > level)]


def box_scan(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One MNIST digit (28, 28) uint8 -> a USPS/optdigits-style scan: binary at 4× resolution,
    stretched to fill a square box of 8-16 px, dark on grey paper."""
    big = resize_area(digit / 255.0, 112, 112)  # smooth enough to threshold at a finer grid
    big = blur(big, 1.5)
    binary = (big > rng.uniform(0.3, 0.6) * big.max()).astype(float)
    side = int(rng.integers(8, 17))
    return on_paper(resize_area(_ink_box(binary, 0.5), side, side), rng, margin=int(rng.integers(0, 3)))


def box_scans(count: int = 1000, seed: int = 7) -> tuple[list[np.ndarray], np.ndarray]:
    """box_scan of `count` MNIST test digits chosen with seed."""
    from nnlib import load_mnist

    test = load_mnist().test
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(test), count, replace=False)
    return [box_scan(test.images[i], rng) for i in chosen], test.labels[chosen].astype(int)


def degraded(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One MNIST digit (28, 28) uint8 -> printed at 10-28 px tall, blurred, faint or heavy, on noisy paper."""
    ink = blur(digit / 255.0, rng.uniform(0, 1.2))
    ink = np.clip(ink / max(ink.max(), 1e-9), 0, 1) ** (2.0 ** rng.uniform(-1, 1))
    size = int(rng.integers(10, 29))
    return on_paper(resize_area(ink, size, size), rng, margin=int(rng.integers(1, 6)))


def degraded_mnist(count: int = 1000, seed: int = 11) -> tuple[list[np.ndarray], np.ndarray]:
    """degraded() of `count` MNIST test digits chosen with seed."""
    from nnlib import load_mnist

    test = load_mnist().test
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(test), count, replace=False)
    return [degraded(test.images[i], rng) for i in chosen], test.labels[chosen].astype(int)


def installed_fonts() -> list[Path]:
    """Latin text fonts from fc-list (TrueType/OpenType files), sorted; [] without fontconfig."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}\\n"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return []
    files = {Path(line) for line in listing.stdout.splitlines() if line.endswith((".ttf", ".otf"))}
    text_fonts = (f for f in files if f.exists() and not any(w in f.name for w in ("Symbol", "Math", "Emoji")))
    return sorted(text_fonts)


def font_digit(digit: int, font_file: Path, rng: np.random.Generator) -> np.ndarray:
    """The digit in that font: random size, stroke, slant, rotation, blur, noise and resolution."""
    from PIL import Image, ImageDraw, ImageFont

    size = 64
    font = ImageFont.truetype(str(font_file), size)
    canvas = Image.new("L", (2 * size, 2 * size), 0)
    ImageDraw.Draw(canvas).text(
        (size, size),
        str(digit),
        fill=255,
        font=font,
        anchor="mm",
        stroke_width=int(rng.integers(0, 4)),
        stroke_fill=255,
    )
    slant, angle = rng.uniform(-0.3, 0.3), rng.uniform(-12, 12)
    canvas = canvas.transform(canvas.size, Image.AFFINE, (1, slant, -slant * size, 0, 1, 0), Image.BILINEAR)
    canvas = canvas.rotate(angle, Image.BILINEAR)
    ink = blur(np.asarray(canvas, dtype=float) / 255.0, rng.uniform(0, 2.5))
    ink = _ink_box(ink / max(ink.max(), 1e-9))
    height = int(rng.integers(12, 41))
    width = max(1, round(ink.shape[1] * height / ink.shape[0]))
    return on_paper(resize_area(ink, height, width), rng, margin=int(rng.integers(1, 6)))


def font_digits(per_digit_and_font: int = 2, seed: int = 5) -> tuple[list[np.ndarray], np.ndarray]:
    """Every digit in every installed font, per_digit_and_font times each."""
    rng = np.random.default_rng(seed)
    pictures, labels = [], []
    for font_file in installed_fonts():
        for digit in range(10):
            for _ in range(per_digit_and_font):
                pictures.append(font_digit(digit, font_file, rng))
                labels.append(digit)
    return pictures, np.array(labels, dtype=int)


def load_source(name: str) -> tuple[list[np.ndarray], np.ndarray]:
    """One of SOURCES by name."""
    if name not in SOURCES:
        raise ValueError(f"unknown source {name!r}; choose from {', '.join(SOURCES)}")
    return globals()[name]()
