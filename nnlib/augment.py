"""Random distortions of training images, so a model copes with hand drawings and scans.

A digit drawn with a mouse is slanted, rotated and stroked more thickly or
thinly than MNIST's pen strokes. Showing the network such variants while it
trains (new ones every batch) makes draw-to-predict far more reliable; the
test set is never distorted.

Other people's handwriting, scanned, differs in more ways: the hand wobbles
(elastic distortions, Simard et al. 2003), pens and scanners thicken, thin and
blur strokes, and many collections were size-normalised to fill their box
(a "1" stretched wide) and stored at low resolution (8×8, 16×16), so that
after preprocess.to_mnist's enlarging they look soft and poor in detail. The levers below
imitate each of these; ``STYLES`` names the mixes a TrainConfig can ask for.

Every lever takes images (b, h, w) with ink in [0, 1] (0 = paper), a
np.random.Generator and a strength in [0, 1]; strength 0 returns the images
unchanged, and the same seed gives the same result.
"""

from __future__ import annotations

import numpy as np

from .image import (
    area_resize_matrix,
    bilinear,
    centred_grid,
    gaussian_matrix,
    ink_boxes,
    resize_matrix,
)
from .writing_styles import with_writing_styles

#: augment_rows's mixes: "affine" (slant, rotation, scale, shift, thickness: mouse
#: drawings), "handwriting" (affine plus elastic wobble, upright box-filling stretch,
#: binarisation, resolution loss, blur and ink contrast: scans of other people's digits) and
#: "styles" (handwriting, with some digits redrawn in writing styles MNIST hardly has:
#: flagged 1s, crossed 7s, open 4s, straight-stem 9s, looped 2s, European 5s).
STYLES = ("affine", "handwriting", "styles")

# The "handwriting" mix (handwriting_mix): the share of each batch each lever touches, and the
# elastic warp's size. Chosen by training the robust preset and reading benchmarks/handwriting.py
# next to MNIST's test set and the canvas drawings (box 0.35, resolution 0.4, shift 2 px read
# the scans as well but took 24 epochs, not 20, to keep MNIST at 99.1%).
UPRIGHT_BOX_SHARE = 0.5
ELASTIC_SHARE = 0.5
ELASTIC_MAX_SHIFT = 3.0  # px, at strength 1
ELASTIC_SIGMA = 3.0  # px
BINARISE_SHARE = 0.2
RESOLUTION_SHARE = 0.5
BLUR_SHARE = 0.3
INK_SHARE = 0.3


def random_affine(images: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """Warp each image (b, h, w) by its own random rotation, slant, scale and shift.

    Bilinear sampling about the image centre; strength 1 means rotations up
    to ±0.2 rad, slants up to ±0.35, scales 0.85-1.1 and shifts up to ±1.5 px.
    """
    b, h, w = images.shape
    r, c = centred_grid(h, w, images.dtype)
    src_r, src_c = affine_source(r[None], c[None], rng, strength, b)
    return bilinear(images, src_r + (h - 1) / 2, src_c + (w - 1) / 2)


def affine_source(r: np.ndarray, c: np.ndarray, rng: np.random.Generator, strength: float, b: int):
    """Where each output pixel (centred coordinates r, c broadcastable to (b, h, w)) takes its
    ink from under random_affine's warp: source coordinates, centred, (b, h, w) each."""
    angle = rng.uniform(-0.2, 0.2, b) * strength
    slant = rng.uniform(-0.35, 0.35, b) * strength
    scale_y = 1 + rng.uniform(-0.15, 0.1, b) * strength
    scale_x = 1 + rng.uniform(-0.15, 0.1, b) * strength
    shift = rng.uniform(-1.5, 1.5, (2, b)) * strength
    cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    y = (r - shift[0][:, None, None]) / scale_y[:, None, None]
    x = (c - shift[1][:, None, None]) / scale_x[:, None, None]
    x = x - slant[:, None, None] * y
    return cos * y - sin * x, sin * y + cos * x


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


def _apply_matrices(images: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Per image rows[k] @ images[k] @ cols[k].T: (b, h, w) with (b, h, h), (b, w, w)."""
    return (rows.astype(images.dtype) @ images @ np.swapaxes(cols, 1, 2).astype(images.dtype)).astype(images.dtype)


def elastic_offsets(b: int, h: int, w: int, rng: np.random.Generator, max_shift: float, sigma: float):
    """Smooth random displacement fields (b, h, w) for rows and columns; each image's
    largest move is a random 30-100% of max_shift px."""
    smooth_rows, smooth_cols = gaussian_matrix(h, sigma), gaussian_matrix(w, sigma)
    noise = rng.uniform(-1, 1, (2, b, h, w)).astype(np.float32)
    fields = smooth_rows.astype(np.float32) @ noise @ smooth_cols.T.astype(np.float32)
    fields /= np.abs(fields).max(axis=(2, 3), keepdims=True) + 1e-12
    fields *= max_shift * rng.uniform(0.3, 1.0, (1, b, 1, 1)).astype(np.float32)
    return fields[0], fields[1]


def random_blur(images: np.ndarray, rng: np.random.Generator, strength: float, max_sigma: float = 1.0) -> np.ndarray:
    """Blur each image (b, h, w) by a Gaussian of its own sigma, up to max_sigma × strength px."""
    if strength <= 0:
        return images.copy()
    b, h, w = images.shape
    sigmas = np.round(rng.uniform(0, max_sigma * strength, b), 2)  # rounded: a few matrices serve the batch

    def blurs(size: int) -> np.ndarray:
        by_sigma = {sigma: gaussian_matrix(size, sigma) for sigma in set(sigmas.tolist())}
        return np.stack([by_sigma[sigma] for sigma in sigmas])

    rows = blurs(h)
    cols = rows if h == w else blurs(w)
    return _apply_matrices(images, rows, cols)


def resolution_loss(images: np.ndarray, rng: np.random.Generator, strength: float, smallest: int = 8) -> np.ndarray:
    """Scan each image (b, h, w) at a lower resolution and bring it back, as to_mnist does.

    The digit (about 20 px tall in a 28 field) is area-averaged down to its own
    height between `smallest` px (strength 1) and full size (strength 0), then enlarged
    again as preprocess.to_mnist enlarges a small scan: the soft, detail-poor look an
    8×8 or 16×16 scan has after to_mnist.
    """
    if strength <= 0:
        return images.copy()
    b, h, w = images.shape
    # the digit's height in the scan, most often low: 8-10 px (optdigits) is as likely as 14-20 px
    digit_px = smallest + (20 - smallest) * (1 - strength * rng.uniform(0, 1, b)) ** 2

    def down_and_up(size: int) -> np.ndarray:  # (b, size, size): resize to the scan's pixels and back
        scanned = np.maximum(1, np.round(size * digit_px / 20).astype(int))
        by_size = {n: resize_matrix(n, size) @ area_resize_matrix(size, n) for n in set(scanned.tolist())}
        return np.stack([by_size[n] for n in scanned])

    rows = down_and_up(h)
    cols = rows if h == w else down_and_up(w)
    return _apply_matrices(images, rows, cols)


def deskew(images: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """Shear each image (b, h, w) upright by a random 50-100% (× strength) of its own slant.

    The slant is the ink's second moments' ratio cov(row, col) / var(row), as in
    deskewing for OCR; many writers (and collections) hold their digits upright,
    where MNIST's lean: an upright "1" with a flag and a foot is a different shape.
    """
    if strength <= 0:
        return images.copy()
    b, h, w = images.shape
    rows, cols = np.indices((h, w), dtype=np.float64)
    mass = images.sum(axis=(1, 2)) + 1e-12
    centre_r = (images * rows).sum(axis=(1, 2)) / mass
    centre_c = (images * cols).sum(axis=(1, 2)) / mass
    dr, dc = rows[None] - centre_r[:, None, None], cols[None] - centre_c[:, None, None]
    slant = (images * dr * dc).sum(axis=(1, 2)) / ((images * dr * dr).sum(axis=(1, 2)) + 1e-12)
    shear = (slant * rng.uniform(0.5, 1.0, b) * strength).astype(images.dtype)
    return bilinear(images, rows[None] + 0 * dr, cols[None] + shear[:, None, None] * dr)


def fill_box(images: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """Stretch each digit (b, h, w) towards filling a square box, as many scanned sets did.

    USPS and UCI's optdigits normalised each digit to fill its box without
    keeping the aspect ratio, so a "1" arrives as a wide bar. The digit's
    narrow side is stretched by a random share (30-100% × strength) of the way
    to its long side, about its ink's bounding-box centre, which moves to the
    image centre.
    """
    if strength <= 0:
        return images.copy()
    b, h, w = images.shape
    r, c = centred_grid(h, w, images.dtype)
    src_r, src_c = fill_box_source(images, r[None], c[None], rng, strength)
    return bilinear(images, src_r, src_c)


def fill_box_source(images: np.ndarray, r: np.ndarray, c: np.ndarray, rng: np.random.Generator, strength: float):
    """Where each output pixel (centred coordinates r, c broadcastable to (b, h, w)) takes its
    ink from under fill_box's stretch of images (b, h, w): source coordinates, absolute."""
    b = len(images)
    top, bottom, left, right = ink_boxes(images > 0.2 * images.max(axis=(1, 2), keepdims=True))
    height, width = bottom - top + 1.0, right - left + 1.0
    share = rng.uniform(0.3, 1.0, b) * strength
    side = np.maximum(height, width)
    scale_y = (1 + share * (side / height - 1)).astype(images.dtype)
    scale_x = (1 + share * (side / width - 1)).astype(images.dtype)
    centre_y, centre_x = ((top + bottom) / 2).astype(images.dtype), ((left + right) / 2).astype(images.dtype)
    return r / scale_y[:, None, None] + centre_y[:, None, None], c / scale_x[:, None, None] + centre_x[:, None, None]


def binarise(images: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """Threshold each image (b, h, w) at its own level, as binary scans were stored.

    strength blends the grey image (0) into the hard-edged one (1).
    """
    if strength <= 0:
        return images.copy()
    levels = rng.uniform(0.25, 0.6, (len(images), 1, 1)) * images.max(axis=(1, 2), keepdims=True)
    hard = (images > levels).astype(images.dtype)
    return ((1 - strength) * images + strength * hard).astype(images.dtype)


def ink_contrast(images: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """Raise each image's ink (b, h, w, in [0, 1]) to a random power: faint or heavy pens.

    The power lies in [2^-strength, 2^strength]; to_mnist rescales the darkest
    ink to full, so only the ink's grey levels change, not its peak.
    """
    if strength <= 0:
        return images.copy()
    power = 2.0 ** rng.uniform(-strength, strength, (len(images), 1, 1))
    return (np.clip(images, 0, 1) ** power).astype(images.dtype)


def _on_some(images: np.ndarray, rng: np.random.Generator, share: float, lever, *args) -> np.ndarray:
    """Apply lever(images[chosen], rng, *args) to a random share of the images."""
    chosen = rng.random(len(images)) < share
    if chosen.any():
        images = images.copy()
        images[chosen] = lever(images[chosen], rng, *args)
    return images


def handwriting_mix(images: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """The "handwriting" style: every lever, each on its own share of the batch (b, h, w).

    About half the images keep MNIST's own look apart from the affine warp, so
    the model still reads MNIST itself; the rest are set upright and stretched
    to their box, wobbled, binarised, scanned at low resolution, blurred or
    re-inked. The affine and elastic warps are composed into one sampling.
    The result is scaled so each image's darkest ink is 1 again, as to_mnist does.
    """
    if strength <= 0:
        return images.copy()
    images = _on_some(images, rng, UPRIGHT_BOX_SHARE, upright_box, strength)
    images = warp_mix(images, rng, strength)
    images = random_thickness(images, rng)
    images = _on_some(images, rng, BINARISE_SHARE, binarise, strength)
    images = _on_some(images, rng, RESOLUTION_SHARE, resolution_loss, strength)
    images = _on_some(images, rng, BLUR_SHARE, random_blur, strength)
    images = _on_some(images, rng, INK_SHARE, ink_contrast, strength)
    peak = images.max(axis=(1, 2), keepdims=True)
    return (images / np.where(peak > 0, peak, 1)).astype(images.dtype)


def upright_box(images: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """deskew, then fill_box: a digit as box-normalised collections (optdigits, USPS) hold it."""
    return fill_box(deskew(images, rng, strength), rng, strength)


def warp_mix(
    images: np.ndarray, rng: np.random.Generator, strength: float, elastic_share: float = ELASTIC_SHARE
) -> np.ndarray:
    """random_affine on all the images and elastic on elastic_share of them, composed:
    each output pixel's source is found once, then sampled once (b, h, w)."""
    b, h, w = images.shape
    r, c = centred_grid(h, w, images.dtype)
    r, c = np.repeat(r[None], b, axis=0), np.repeat(c[None], b, axis=0)
    wobbly = rng.random(b) < elastic_share
    if wobbly.any():
        d_row, d_col = elastic_offsets(int(wobbly.sum()), h, w, rng, ELASTIC_MAX_SHIFT * strength, ELASTIC_SIGMA)
        r[wobbly] += d_row
        c[wobbly] += d_col
    src_r, src_c = affine_source(r, c, rng, strength, b)
    return bilinear(images, src_r + (h - 1) / 2, src_c + (w - 1) / 2)


def augment_rows(
    X_rows: np.ndarray,
    image_shape,
    rng: np.random.Generator,
    strength: float,
    style: str = "affine",
    digits: np.ndarray | None = None,
) -> np.ndarray:
    """Distort a batch of flattened images (b, pixels) -> (b, pixels) in one of STYLES.

    digits (b,): each row's digit, which the "styles" mix needs to redraw some of them.
    """
    if style not in STYLES:
        raise ValueError(f"augmentation style must be one of {', '.join(STYLES)}; got {style!r}")
    images = X_rows.reshape(len(X_rows), *image_shape)
    if style == "styles" and digits is not None:
        images = handwriting_mix(with_writing_styles(images, digits, rng, strength), rng, strength)
    elif style in ("handwriting", "styles"):
        images = handwriting_mix(images, rng, strength)
    else:
        images = random_thickness(random_affine(images, rng, strength), rng)
    return images.reshape(len(X_rows), -1)
