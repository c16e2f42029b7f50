"""What a training run costs in CPU-seconds, before it runs: the work cap counts compute.

Counting images × epochs lets hidden sizes 4096,4096,4096 in float64 through at the
price of the blog's 10 neurons. This model counts multiply-adds instead:

    seconds = epochs × (batches × per-batch overhead
                        + samples × 3 × multiply-adds per sample ÷ rate(dtype, batch)
                        + samples × augmentation cost)
              + evaluations × (train + test images) × multiply-adds ÷ rate(dtype, big batch)

(forward is one multiply-add per weight and sample, backward two). The constants were
measured on this project's machine (2 cores, one BLAS thread per run) with
``python -m nnlib.cost --calibrate`` and checked against the presets' measured CPU time
(digits ≈ 24-40 s, seed ≈ 0.6-0.9 s, class ≈ 4-5 s; the figures scatter by ±30% and more
on a shared machine). On a
faster machine the estimate is pessimistic, which is the safe side for a cap. Pure: no Streamlit, no processes.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from .config import EPOCHS_RANGE, HIDDEN_SIZE_RANGE, TrainConfig

#: Measured with ``python -m nnlib.cost --calibrate`` (seconds, multiply-adds per second).
BATCH_OVERHEAD_S = 30e-6  # Python and NumPy call overhead of one batch, forward + backward + update
LAYER_OVERHEAD_S = 6e-6  # extra per-batch overhead of each layer
MATVEC_RATE = {"float32": 1.3e9, "float64": 0.92e9}  # multiply-adds/s with batch size 1
MATMUL_RATE = {"float32": 50e9, "float64": 25e9}  # multiply-adds/s with big batches
#: distorting one 28×28 image, per nnlib.augment style (handwriting adds elastic wobble, blur, …)
AUGMENT_S_PER_SAMPLE = {"affine": 30e-6, "handwriting": 75e-6}
IMAGE_PIXELS = 784

DEFAULT_MAX_CPU_SECONDS = 60.0  # one run may use at most this much CPU time (NNLIB_MAX_CPU_SECONDS)


def max_cpu_seconds() -> float:
    """The cap on one run's estimated CPU-seconds: NNLIB_MAX_CPU_SECONDS, else 60."""
    text = os.environ.get("NNLIB_MAX_CPU_SECONDS", "")
    try:
        value = float(text) if text else DEFAULT_MAX_CPU_SECONDS
    except ValueError:
        return DEFAULT_MAX_CPU_SECONDS
    return value if value > 0 and math.isfinite(value) else DEFAULT_MAX_CPU_SECONDS


def layer_sizes(config: TrainConfig, pixels: int = IMAGE_PIXELS) -> tuple[int, ...]:
    """(pixels, *hidden, classes): the network's layer widths."""
    return (pixels, *config.hidden, len(config.digits))


def multiply_adds(config: TrainConfig, pixels: int = IMAGE_PIXELS) -> int:
    """Multiply-adds of one forward pass of one image: Σ in × out over the layers."""
    sizes = layer_sizes(config, pixels)
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def _rate(dtype: str, batch_size: int) -> float:
    """Multiply-adds per second: matrix-vector at batch 1, rising to matrix-matrix by batch ~16."""
    matvec, matmul = MATVEC_RATE.get(dtype, MATVEC_RATE["float64"]), MATMUL_RATE.get(dtype, MATMUL_RATE["float64"])
    share = min(max(batch_size - 1, 0) / 15, 1.0)
    return matvec + share * (matmul - matvec)


def _augment_seconds(config: TrainConfig) -> float:
    style = getattr(config, "augment_style", "affine")
    return AUGMENT_S_PER_SAMPLE.get(style, max(AUGMENT_S_PER_SAMPLE.values()))


def estimate_seconds(config: TrainConfig, train_count: int, test_count: int = 10_000) -> float:
    """Estimated CPU-seconds of training config on train_count images (and evaluating on test_count)."""
    batch = max(1, min(config.batch_size, train_count))
    batches = math.ceil(train_count / batch)
    madds = multiply_adds(config)
    layers = len(config.hidden) + 1
    per_epoch = (
        batches * (BATCH_OVERHEAD_S + layers * LAYER_OVERHEAD_S)
        + train_count * 3 * madds / _rate(config.dtype, batch)
        + (train_count * _augment_seconds(config) if config.augment else 0.0)
    )
    evaluations = min(config.evals_per_epoch * config.epochs, batches * config.epochs)
    evaluating = evaluations * (train_count + test_count) * madds / _rate(config.dtype, 8192)
    return config.epochs * per_epoch + evaluating


@dataclass(frozen=True)
class CostCheck:
    """A run's estimate against the cap, and what would fit when it does not.

    estimate_s, cap_s: CPU-seconds. fits_epochs: the most epochs (≥ 1) that fit with these
    settings, else None. fits_hidden: the hidden sizes scaled down (same shape) so that the
    run fits, else None (only offered when no epoch count fits).
    """

    estimate_s: float
    cap_s: float
    fits_epochs: int | None
    fits_hidden: tuple[int, ...] | None

    @property
    def allowed(self) -> bool:
        return self.estimate_s <= self.cap_s


def check_cost(config: TrainConfig, train_count: int, cap_s: float | None = None) -> CostCheck:
    """The estimate, the cap and, when refused, the largest epochs or hidden sizes that fit."""
    cap_s = max_cpu_seconds() if cap_s is None else cap_s
    estimate = estimate_seconds(config, train_count)
    if estimate <= cap_s:
        return CostCheck(estimate, cap_s, config.epochs, config.hidden)
    epochs = _largest(
        lambda e: estimate_seconds(config.replace(epochs=e), train_count) <= cap_s, EPOCHS_RANGE[0], config.epochs
    )
    hidden = None
    if epochs is None:
        widest = max(config.hidden)

        def scaled(width: int) -> tuple[int, ...]:
            return tuple(max(HIDDEN_SIZE_RANGE[0], round(h * width / widest)) for h in config.hidden)

        width = _largest(lambda w: estimate_seconds(config.replace(hidden=scaled(w)), train_count) <= cap_s, 1, widest)
        hidden = scaled(width) if width is not None else None
    return CostCheck(estimate, cap_s, epochs, hidden)


def _largest(fits, low: int, high: int) -> int | None:
    """The largest n in [low, high] with fits(n), for fits monotone (true, then false)."""
    if high < low or not fits(low):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return low


# --- Memory ----------------------------------------------------------------------------------

#: Arrays of batch × width a training step holds at once per layer (Z, A, dZ and a temporary),
#: and copies of the input batch (the rows taken, an augmented copy). Checked against a worker's
#: peak RSS: hidden 1024, batch 10,000, float64 measured 368 MiB (estimated 460); hidden 2048,
#: batch 20,000, float32 704 MiB (estimated 773); class preset, hidden 4096, full batch, float64
#: 8.7 GB (estimated 8.7 GB). Pessimistic, the safe side for a cap.
ACTIVATION_COPIES = 4
INPUT_COPIES = 2
WEIGHT_COPIES = 4  # the weights, their gradients, the momentum velocity, the kept checkpoint
EVALUATION_CHUNK = 8192  # nnlib.trainer.evaluate's chunk of images
DEFAULT_MAX_RUN_MB = 2048  # one run may hold at most this much memory (NNLIB_MAX_RUN_MB)


def max_run_bytes() -> int:
    """The cap on one run's estimated peak memory: NNLIB_MAX_RUN_MB (MB), else 2048 MB."""
    text = os.environ.get("NNLIB_MAX_RUN_MB", "")
    try:
        value = float(text) if text else DEFAULT_MAX_RUN_MB
    except ValueError:
        value = DEFAULT_MAX_RUN_MB
    return int((value if value > 0 and math.isfinite(value) else DEFAULT_MAX_RUN_MB) * 2**20)


def estimate_peak_bytes(config: TrainConfig, train_count: int, pixels: int = IMAGE_PIXELS) -> int:
    """Bytes a run's own arrays reach at their peak, beyond the shared data and the process itself.

    The weights (and gradients, velocity, checkpoint), then the larger of a training step
    (batch × every layer's width, a few times over, and the input batch) and an evaluation
    chunk (EVALUATION_CHUNK images forward).
    """
    itemsize = 4 if config.dtype == "float32" else 8
    sizes = layer_sizes(config, pixels)
    params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    widths = sum(sizes[1:])
    batch = max(1, min(config.batch_size, train_count))
    step = batch * (ACTIVATION_COPIES * widths + INPUT_COPIES * pixels)
    chunk = min(EVALUATION_CHUNK, train_count)
    evaluation = chunk * (2 * widths + pixels)
    return itemsize * (WEIGHT_COPIES * params + max(step, evaluation))


@dataclass(frozen=True)
class MemoryCheck:
    """A run's peak memory against what one run may hold, and what would fit when it does not.

    estimate_bytes, budget_bytes: bytes. fits_batch: the largest batch size that fits with these
    settings, else None. fits_hidden: the hidden sizes scaled down (same shape) so that the run
    fits at batch size 1, only offered when no batch size fits.
    """

    estimate_bytes: int
    budget_bytes: int
    fits_batch: int | None
    fits_hidden: tuple[int, ...] | None

    @property
    def allowed(self) -> bool:
        return self.estimate_bytes <= self.budget_bytes


def check_memory(config: TrainConfig, train_count: int, budget_bytes: int) -> MemoryCheck:
    """The peak-memory estimate against budget_bytes and, when refused, the batch or hidden sizes that fit."""
    estimate = estimate_peak_bytes(config, train_count)
    if estimate <= budget_bytes:
        return MemoryCheck(estimate, budget_bytes, config.batch_size, config.hidden)

    def fits(candidate: TrainConfig) -> bool:
        return estimate_peak_bytes(candidate, train_count) <= budget_bytes

    batch = _largest(lambda b: fits(config.replace(batch_size=b)), 1, min(config.batch_size, train_count))
    hidden = None
    if batch is None:
        widest = max(config.hidden)

        def scaled(width: int) -> tuple[int, ...]:
            return tuple(max(HIDDEN_SIZE_RANGE[0], round(h * width / widest)) for h in config.hidden)

        width = _largest(lambda w: fits(config.replace(hidden=scaled(w), batch_size=1)), 1, widest)
        hidden = scaled(width) if width is not None else None
    return MemoryCheck(estimate, budget_bytes, batch, hidden)


def calibrate() -> dict:
    """Time small runs here and return the constants above (for ``--calibrate``).

    Runs one BLAS thread; takes about half a minute. Each figure is the best of 3.
    """
    import time

    import numpy as np

    from .data import PreparedData
    from .trainer import Trainer

    rng = np.random.default_rng(0)

    def data(count: int, dtype: str) -> PreparedData:
        X = rng.random((count, IMAGE_PIXELS)).astype(dtype)
        y = rng.integers(0, 2, count)
        return PreparedData(X, y, X[:16], y[:16], (0, 1), (28, 28))

    def seconds_per_batch(config: TrainConfig, count: int) -> float:
        best = math.inf
        for _ in range(3):
            trainer = Trainer(config.replace(evals_per_epoch=1, snapshots=0), data(count, config.dtype))
            started = time.process_time()
            trainer.advance(max_batches=trainer.total_steps - 1)  # no final evaluation
            best = min(best, (time.process_time() - started) / max(trainer.step, 1))
        return best

    base = TrainConfig(hidden=(1,), activation="relu", output="softmax", dtype="float32", legacy_rng=False)
    one_layer = seconds_per_batch(base, 4000)
    two_layers = seconds_per_batch(base.replace(hidden=(1, 1)), 4000)
    found = {"LAYER_OVERHEAD_S": two_layers - one_layer, "BATCH_OVERHEAD_S": 2 * one_layer - two_layers}
    for dtype in ("float32", "float64"):
        wide = base.replace(hidden=(1024,), dtype=dtype)
        madds = multiply_adds(wide)
        matvec = seconds_per_batch(wide, 1000) - one_layer
        matmul = seconds_per_batch(wide.replace(batch_size=64), 16_000) - one_layer
        found.setdefault("MATVEC_RATE", {})[dtype] = 3 * madds / matvec
        found.setdefault("MATMUL_RATE", {})[dtype] = 64 * 3 * madds / matmul
    plain = seconds_per_batch(base.replace(batch_size=64), 16_000)
    for style in AUGMENT_S_PER_SAMPLE:
        augmented = seconds_per_batch(base.replace(batch_size=64, augment=1.0, augment_style=style), 16_000)
        found.setdefault("AUGMENT_S_PER_SAMPLE", {})[style] = (augmented - plain) / 64
    return found


def _main() -> None:
    import argparse
    import json

    from .config import PRESETS

    parser = argparse.ArgumentParser(description="CPU-seconds a training run costs, estimated before it runs.")
    parser.add_argument("--calibrate", action="store_true", help="time small runs here and print the constants")
    args = parser.parse_args()
    if args.calibrate:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, user_api="blas"):
            print(json.dumps(calibrate(), indent=2))
        return
    for name, config in PRESETS.items():
        train_count = {2: 12_665}.get(len(config.digits), 60_000)
        print(f"{name}: {estimate_seconds(config, train_count):.1f} CPU-s (cap {max_cpu_seconds():g})")


if __name__ == "__main__":
    _main()


__all__ = [
    "CostCheck",
    "MemoryCheck",
    "check_cost",
    "check_memory",
    "estimate_peak_bytes",
    "max_run_bytes",
    "estimate_seconds",
    "max_cpu_seconds",
    "multiply_adds",
]
