"""Which grey level is the paper in a picture whose paper is not known: usually the border's,
except for a digit that fills its box, told apart by its shape."""

from __future__ import annotations

import numpy as np

from .image import connected_regions, pooled

DIVIDED_BORDER = (0.3, 0.7)  # the border's share on the picture's dark side where it cannot tell the paper
REGION_SHARE = 0.01  # a region of one side smaller than this share of the picture is a speck, not a shape
PAPER_PIECES = 3  # a digit filling its box cuts its paper into at least this many regions
MIN_CONTRAST = 0.1  # a picture whose grey levels span less than this has no two sides to tell apart
SHAPE_GRID = 56  # shapes are told on the picture pooled to at most this many cells a side


def border(image: np.ndarray) -> np.ndarray:
    """The picture's outer rows and columns, (2h + 2w,)."""
    return np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])


def border_median(grey: np.ndarray) -> float:
    """The median grey level of the picture's outer rows and columns."""
    return float(np.median(border(grey)))


def paper_level(grey: np.ndarray) -> float:
    """The paper's grey level (0-1) in a picture (h, w) of unknown paper.

    Usually the border's median: paper surrounds the digit. A digit that fills its box
    (a thick, binarised scan) covers much of the border itself, and then the median may
    land on the ink and read the picture inverted. So when the border is split between
    the picture's dark and light sides (DIVIDED_BORDER), the side that is ink is told
    apart by its shape (_dark_side_is_ink); where the median is not nearer that side's
    paper than its ink, the paper level is the median of the border's paper pixels. A
    border exactly half ink (its median halfway, which would read every pixel as ink)
    takes a weaker sign of the shape: the paper in two pieces is enough.
    """
    level = border_median(grey)
    if np.ptp(grey) < MIN_CONTRAST:
        return level
    dark = grey < _two_level_threshold(grey)
    dark_share = float(border(dark).mean())
    if not DIVIDED_BORDER[0] <= dark_share <= DIVIDED_BORDER[1]:
        return level
    edge, edge_dark = border(grey), border(dark)
    dark_level, light_level = float(np.median(edge[edge_dark])), float(np.median(edge[~edge_dark]))
    torn = abs(level - dark_level) == abs(level - light_level)  # an even border, half each side: mid-grey
    dark_is_ink = _dark_side_is_ink(dark, 2 if torn else PAPER_PIECES)
    if dark_is_ink is None:
        return level
    paper, ink = (light_level, dark_level) if dark_is_ink else (dark_level, light_level)
    return level if abs(level - paper) < abs(level - ink) else paper


def _two_level_threshold(grey: np.ndarray) -> float:
    """The grey level that best splits the picture (h, w) into a dark and a light side
    (Otsu's: the largest variance between the two sides), on a 64-bin histogram."""
    counts, edges = np.histogram(grey, bins=64)
    levels = (edges[:-1] + edges[1:]) / 2
    below = np.cumsum(counts)[:-1]
    above = grey.size - below
    sums = np.cumsum(counts * levels)[:-1]
    mean_below = sums / np.maximum(below, 1)
    mean_above = (float((counts * levels).sum()) - sums) / np.maximum(above, 1)
    between = below * above * (mean_below - mean_above) ** 2
    return float(edges[1 + int(between.argmax())])


def _dark_side_is_ink(dark: np.ndarray, paper_pieces: int = PAPER_PIECES) -> bool | None:
    """Whether the dark side of a two-level picture (h, w) is the ink: True, False, or None
    when its shape cannot tell.

    A digit that fills its box is one connected stroke that cuts the paper into several
    pieces (the corners, the openings of a 2, 3, 5 or 7, the holes of 0, 6, 8, 9). So a
    side that is one region (8 neighbours, regions of at least REGION_SHARE of the
    picture) while the other is at least paper_pieces is the ink. Anything else (a digit
    in two strokes, a smudge on the border) is left to the border's median.
    """
    dark_regions = _region_count(pooled(dark, SHAPE_GRID, np.any))
    light_regions = _region_count(pooled(~dark, SHAPE_GRID, np.any))
    if dark_regions == 1 and light_regions >= paper_pieces:
        return True
    if light_regions == 1 and dark_regions >= paper_pieces:
        return False
    return None


def _region_count(mask: np.ndarray) -> int:
    """How many connected regions of mask (h, w) hold at least REGION_SHARE of its cells."""
    labels, count = connected_regions(mask)
    sizes = np.bincount(labels.ravel(), minlength=count + 1)[1:]
    return int((sizes >= REGION_SHARE * mask.size).sum())
