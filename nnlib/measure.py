"""What a trained network costs and how varied it is: numbers for the Compare table."""

from __future__ import annotations

import tracemalloc

import numpy as np

from .config import TrainConfig
from .data import PreparedData
from .network import Network
from .trainer import Trainer


def parameter_bytes(network: Network) -> int:
    return sum(p.nbytes for p in network.params.values())


def distinct_filters(W1: np.ndarray, decimals: int = 6) -> int:
    """How many rows of W1 (hidden, pixels) really differ: 1 after a zeros init."""
    return len(np.unique(np.round(W1.astype(np.float64), decimals), axis=0))


def peak_training_memory(config: TrainConfig, data: PreparedData, batches: int = 20) -> int:
    """Peak bytes a run's own arrays hold, beyond the shared data: a short traced probe.

    tracemalloc slows NumPy several times, so a timed run is never traced; this probe
    covers set-up, some batches and one evaluation, where the peak is reached.
    """
    tracing_here = not tracemalloc.is_tracing()
    if tracing_here:
        tracemalloc.start()
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    try:
        probe = Trainer(config, data)
        probe.advance(max_batches=batches)
        probe.evaluate_now()
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        if tracing_here:
            tracemalloc.stop()
