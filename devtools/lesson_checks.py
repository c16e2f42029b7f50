"""What the Home lesson plan promises, measured: used by the tests that follow the plan."""

from __future__ import annotations

import numpy as np

TILE, GAP = 28, 1  # ui.charts.filters_grid: 28×28 filters, one NaN cell between them


def grid_tiles(grid: np.ndarray) -> list[np.ndarray]:
    """The 28×28 filters of a filters_grid (NaN gaps and empty places dropped)."""
    step = TILE + GAP
    tiles = []
    for top in range(0, grid.shape[0] - TILE + 1, step):
        for left in range(0, grid.shape[1] - TILE + 1, step):
            tile = grid[top : top + TILE, left : left + TILE]
            if np.isfinite(tile).all() and tile.std() > 0:
                tiles.append(tile)
    return tiles


def zero_one_pattern(mnist) -> np.ndarray:
    """The mean training 0 minus the mean training 1 (28, 28): what a 0-versus-1 detector looks like."""
    images, labels = mnist.train.images.astype(np.float64) / 255.0, mnist.train.labels
    return images[labels == 0].mean(axis=0) - images[labels == 1].mean(axis=0)


def detector_likeness(grid: np.ndarray, mnist) -> float:
    """Median |correlation| of the grid's filters with zero_one_pattern.

    The blog's run after one epoch: W1 itself about 0.3 (mostly its random start), what
    training changed about 0.9 (the 0 and 1 detectors).
    """
    pattern = zero_one_pattern(mnist).reshape(-1)
    found = [abs(np.corrcoef(tile.reshape(-1), pattern)[0, 1]) for tile in grid_tiles(grid)]
    return float(np.median(found)) if found else 0.0
