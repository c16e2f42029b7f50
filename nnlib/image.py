"""Image helpers shared by the picture pipeline, the training distortions, the Lab's damage and the
dev tools: Gaussian blur, resampling (bilinear sampling, area and linear resizing, sub-pixel
shifts) and the ink's bounding box.

Images are float arrays (h, w), or stacks (b, h, w) where a function says so, with ink in [0, 1]
(0 = paper). Each helper is written once here, so a drawing, a training image and a damaged test
image are blurred, resized and cropped alike.
"""

from __future__ import annotations

import numpy as np

EDGES = ("keep", "zero")


# --- Gaussian blur ----------------------------------------------------------------------------


def gaussian_matrix(size: int, sigma: float, edges: str = "keep") -> np.ndarray:
    """(size, size) rows of a Gaussian kernel of sigma px: M @ image @ M.T blurs an image.

    edges "keep": every row is renormalised, so ink near an edge is spread inside the image only
    and stays where it is; "zero": the kernel, cut at 3 sigma, is normalised once, as if the image
    were surrounded by paper, so ink blurred past an edge is lost. sigma 0 gives the identity.
    """
    if edges not in EDGES:
        raise ValueError(f"edges must be one of {EDGES}, not {edges!r}")
    if sigma <= 0:
        return np.eye(size)
    offsets = np.arange(size)[:, None] - np.arange(size)[None, :]
    if edges == "keep":
        weights = np.exp(-0.5 * (offsets / sigma) ** 2)
        return weights / weights.sum(axis=1, keepdims=True)
    radius = max(1, int(np.ceil(3 * sigma)))
    kernel = np.exp(-(np.arange(-radius, radius + 1) ** 2) / (2 * sigma**2))
    weights = np.where(np.abs(offsets) <= radius, np.exp(-(offsets**2) / (2 * sigma**2)), 0.0)
    return weights / kernel.sum()


def blur(images: np.ndarray, sigma: float, edges: str = "keep") -> np.ndarray:
    """images (h, w) or (b, h, w) blurred by a Gaussian of sigma px (see gaussian_matrix for edges),
    in the images' dtype; sigma 0 returns the images themselves."""
    if sigma <= 0:
        return images
    h, w = images.shape[-2:]
    rows = gaussian_matrix(h, sigma, edges).astype(images.dtype)
    cols = gaussian_matrix(w, sigma, edges).astype(images.dtype)
    return rows @ images @ cols.T


# --- Resampling --------------------------------------------------------------------------------


def centred_grid(h: int, w: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates (h, w) relative to the image centre: rows and columns."""
    r, c = np.indices((h, w), dtype=dtype)
    return r - (h - 1) / 2, c - (w - 1) / 2


def bilinear(images: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """images (b, h, w) sampled at float positions rows, cols (b, h, w); zero outside."""
    b, h, w = images.shape
    padded = np.zeros((b, h + 2, w + 2), dtype=images.dtype)
    padded[:, 1:-1, 1:-1] = images
    flat = padded.reshape(-1)
    r = np.clip(rows + 1, 0, h + 0.999)
    c = np.clip(cols + 1, 0, w + 0.999)
    r0, c0 = r.astype(np.intp), c.astype(np.intp)
    fr, fc = (r - r0).astype(images.dtype), (c - c0).astype(images.dtype)
    # One flat index per corner (a single gather each): image k, row, column of the padded stack.
    top_left = np.arange(b)[:, None, None] * ((h + 2) * (w + 2)) + r0 * (w + 2) + c0
    down = np.where(r0 < h + 1, w + 2, 0)  # the row below, or the same at the last row
    right = np.where(c0 < w + 1, 1, 0)
    top_right, bottom_left = top_left + right, top_left + down
    return (1 - fr) * ((1 - fc) * flat[top_left] + fc * flat[top_right]) + fr * (
        (1 - fc) * flat[bottom_left] + fc * flat[bottom_left + right]
    )


def area_resize_matrix(size_in: int, size_out: int) -> np.ndarray:
    """(size_out, size_in) weights: each output pixel averages the input it covers."""
    edges = np.arange(size_out + 1) * (size_in / size_out)
    left, right = edges[:-1, None], edges[1:, None]
    pixel = np.arange(size_in)[None, :]
    overlap = np.clip(np.minimum(right, pixel + 1) - np.maximum(left, pixel), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def resize_area(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Anti-aliased resize by area averaging: (h, w) -> (height, width)."""
    rows = area_resize_matrix(image.shape[0], height)
    cols = area_resize_matrix(image.shape[1], width)
    return rows @ image @ cols.T


def linear_resize_matrix(size_in: int, size_out: int) -> np.ndarray:
    """(size_out, size_in) weights of linear interpolation between pixel centres (edges held)."""
    position = np.clip((np.arange(size_out) + 0.5) * (size_in / size_out) - 0.5, 0, size_in - 1)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, size_in - 1)
    weights = np.zeros((size_out, size_in))
    np.add.at(weights, (np.arange(size_out), low), 1 - (position - low))
    np.add.at(weights, (np.arange(size_out), high), position - low)
    return weights


def resize_matrix(size_in: int, size_out: int) -> np.ndarray:
    """The resize to_mnist applies along one axis, (size_out, size_in): area averaging to
    shrink (MNIST's anti-aliasing), linear interpolation to enlarge, so an 8×8 or 16×16
    scan becomes smooth strokes like MNIST's rather than blocks."""
    if size_out <= size_in:
        return area_resize_matrix(size_in, size_out)
    return linear_resize_matrix(size_in, size_out)


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """(h, w) -> (height, width) with resize_matrix along each axis."""
    return resize_matrix(image.shape[0], height) @ image @ resize_matrix(image.shape[1], width).T


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, col) centre of mass in pixel-centre coordinates (0 = first pixel)."""
    total = image.sum()
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def shift_subpixel(image: np.ndarray, d_row: float, d_col: float) -> np.ndarray:
    """Translate (h, w) by a fractional amount with bilinear weights (moves the centre
    of mass by exactly that amount while nothing falls off the edge)."""
    out = image
    for axis, shift in ((0, d_row), (1, d_col)):
        whole = int(np.floor(shift))
        part = shift - whole
        out = (1 - part) * _shift_whole(out, whole, axis) + part * _shift_whole(out, whole + 1, axis)
    return out


def _shift_whole(image: np.ndarray, shift: int, axis: int) -> np.ndarray:
    out = np.zeros_like(image)
    n = image.shape[axis]
    if abs(shift) >= n:
        return out
    src = [slice(None)] * 2
    dst = [slice(None)] * 2
    src[axis] = slice(max(0, -shift), n - max(0, shift))
    dst[axis] = slice(max(0, shift), n - max(0, -shift))
    out[tuple(dst)] = image[tuple(src)]
    return out


# --- The ink's bounding box ------------------------------------------------------------------------


def ink_boxes(drawn: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per image of drawn (b, h, w) bool: the first and last drawn row and column (top, bottom,
    left, right), each (b,), inclusive; an image with nothing drawn gets the whole image."""
    return (*_first_last(drawn.any(axis=2)), *_first_last(drawn.any(axis=1)))


def ink_box(drawn: np.ndarray) -> tuple[slice, slice] | None:
    """The bounding box of drawn (h, w) bool as (rows, cols) slices, so image[box] crops it; None
    when nothing is drawn."""
    if not drawn.any():
        return None
    top, bottom, left, right = (int(edge[0]) for edge in ink_boxes(drawn[None]))
    return slice(top, bottom + 1), slice(left, right + 1)


def _first_last(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last True per row of mask (b, n); an empty row gives the whole range."""
    n = mask.shape[1]
    empty = ~mask.any(axis=1)
    first = np.where(empty, 0, mask.argmax(axis=1))
    last = np.where(empty, n - 1, n - 1 - mask[:, ::-1].argmax(axis=1))
    return first, last


def pooled(array: np.ndarray, grid: int, reduce) -> np.ndarray:
    """array (h, w) pooled by reduce (np.max, np.sum, np.any) over square cells, to at most grid
    cells a side (h and w padded with zeros), so a thin stroke stays whole: (ceil(h/cell), ceil(w/cell))."""
    cell = max(1, -(-max(array.shape) // grid))
    height, width = -(-array.shape[0] // cell), -(-array.shape[1] // cell)
    padded = np.zeros((height * cell, width * cell), array.dtype)
    padded[: array.shape[0], : array.shape[1]] = array
    return reduce(padded.reshape(height, cell, width, cell), axis=(1, 3))


def connected_regions(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """Label the connected regions of mask (h, w), cells touching by an edge or a corner:
    (labels (h, w) int, 0 outside the mask and 1..count in it, count)."""
    height, width = mask.shape
    labels = np.zeros(mask.shape, int)
    count = 0
    for start in zip(*np.nonzero(mask)):
        if labels[start]:
            continue
        count += 1
        labels[start] = count
        stack = [start]
        while stack:
            r, c = stack.pop()
            for nr in range(max(r - 1, 0), min(r + 2, height)):
                for nc in range(max(c - 1, 0), min(c + 2, width)):
                    if mask[nr, nc] and not labels[nr, nc]:
                        labels[nr, nc] = count
                        stack.append((nr, nc))
    return labels, count
