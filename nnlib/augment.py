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

import functools

import numpy as np

from .image import (
    area_resize_matrix,
    bilinear,
    centre_of_mass,
    centred_grid,
    gaussian_matrix,
    ink_boxes,
    resize_matrix,
    shift_subpixel,
)

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


# --- Writing styles MNIST hardly has, drawn as pen strokes. A digit is a few polylines in a
# unit box (x right, y down, height 1); each style's proportions are drawn at random.

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
    pixels = np.stack([cols.ravel() + 0.5, rows.ravel() + 0.5], axis=1)  # (p, 2) pixel centres
    offset = pixels[None] - start[:, None]  # (s, p, 2)
    along = np.clip((offset * step[:, None]).sum(axis=2) / np.maximum((step * step).sum(axis=1), 1e-9)[:, None], 0, 1)
    gap = offset - along[..., None] * step[:, None]
    distance = np.sqrt((gap * gap).sum(axis=2).min(axis=0))
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
    7: _crossed_seven,
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
    images = images.copy()
    if images.shape[1:] != (28, 28):
        return images
    for k in np.flatnonzero(styled):
        bank = style_bank(int(digits[k]))
        images[k] = bank[rng.integers(len(bank))]
    return images
