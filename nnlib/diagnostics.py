"""What a run's diagnostics measure in a layer: the share of its units stuck (dead or saturated)
and how its weights spread now against where they started."""

from __future__ import annotations

import numpy as np

#: a sigmoid or tanh output in the outer tenth of its range at either end (sigmoid < 0.1 or > 0.9,
#: tanh beyond ±0.8) has a derivative below this share of its peak: saturated
SATURATED = 0.36
HISTOGRAM_BINS = 40


def stuck_share(A: np.ndarray, activation: str) -> float:
    """Share of a hidden layer's units that barely learn, from its activations A (units, m).

    ReLU: units that are 0 on every image (dead: no gradient ever flows through them).
    sigmoid, tanh: unit-image pairs whose derivative is below SATURATED of its peak (flat tails).
    """
    if activation == "relu":
        return float((A <= 0).all(axis=1).mean())
    if activation == "sigmoid":
        slope = A * (1 - A) / 0.25
    else:
        slope = 1 - A * A
    return float((slope < SATURATED).mean())


def weight_histogram(initial: np.ndarray, now: np.ndarray, bins: int = HISTOGRAM_BINS):
    """(edges (bins+1,), counts of initial (bins,), counts of now (bins,)) on edges spanning both."""
    finite_now = now[np.isfinite(now)]
    low = float(min(initial.min(), finite_now.min() if finite_now.size else 0.0))
    high = float(max(initial.max(), finite_now.max() if finite_now.size else 0.0))
    if high <= low:
        low, high = low - 1e-3, high + 1e-3
    edges = np.linspace(low, high, bins + 1)
    return edges, np.histogram(initial, edges)[0], np.histogram(finite_now, edges)[0]
