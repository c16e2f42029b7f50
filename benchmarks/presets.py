"""The class preset against the digits preset, side by side in one run.

    python benchmarks/presets.py [--json]

Both train on all 60,000 MNIST training images in this process, one after the other, one
BLAS thread; each is timed by the trainer (train_seconds: the batches, not the evaluations)
and by the process's CPU clock (everything), and scored on the 10,000 test images. Target
(issue 9): class ≥ 98.0% in at most a quarter of digits' training time.
"""

from __future__ import annotations

import time

from threadpoolctl import threadpool_limits

from devtools import bench
from nnlib import PRESETS, Trainer, load_mnist, prepare_data
from nnlib.cost import estimate_seconds


def measure(name: str, data) -> dict:
    config = PRESETS[name]
    prepared = prepare_data(data, config.digits, config.normalization, config.dtype)
    trainer = Trainer(config, prepared)
    started = time.process_time()
    trainer.run()
    return dict(
        preset=name,
        test_accuracy=trainer.history.evaluations[-1].test_accuracy,
        train_s=trainer.train_seconds,
        cpu_s=time.process_time() - started,
        estimate_s=estimate_seconds(config, len(prepared.y_train), len(prepared.y_test)),
    )


def main() -> None:
    args = bench.parser(__doc__).parse_args()
    report = bench.Report("presets", args)
    data = load_mnist()
    with threadpool_limits(1, user_api="blas"):
        rows = [measure(name, data) for name in ("class", "digits")]
    for row in rows:
        report.line(
            f"{row['preset']:7s} test {row['test_accuracy']:.2%}  train {row['train_s']:5.1f} s  "
            f"CPU {row['cpu_s']:5.1f} s  (estimated {row['estimate_s']:.1f} CPU-s)"
        )
    ratio = rows[0]["train_s"] / rows[1]["train_s"]
    passed = rows[0]["test_accuracy"] >= 0.98 and ratio <= 0.25
    report.line(
        f"class / digits training time: {ratio:.2f} (target ≤ 0.25, and ≥ 98.0%): {'met' if passed else 'MISSED'}"
    )
    for key, value in dict(rows=rows, time_ratio=ratio, met=passed).items():
        report.figure(key, value)
    report.finish()


if __name__ == "__main__":
    main()
