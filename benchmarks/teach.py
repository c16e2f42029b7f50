"""Draw's "Retrain on my digits": its cost, and what one student's 10 digits teach.

    python -m benchmarks.teach [--count 200] [--json [PATH]]

One student writes 10 digits in the pen styles MNIST hardly has (devtools/styles.py: two each of
a flagged 1, a crossed 7, an open 4, a straight-stem 9 and a looped 2, from their own random
stream) and retrains on them, as the Draw page does (nnlib.finetune.teach, seed 0). For the
shipped model and for devtools.teach_drawings.misreading_model() (a quickly trained one that
reads crossed 7s as 2): the retrain's CPU and wall seconds here (one BLAS thread, as in the
task pool's workers), the MNIST test accuracy, and each style's held-out set (count pictures,
seed 0, other drawings than the student's) before and after.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from devtools import bench  # noqa: E402
from devtools.styles import STYLE_BACKGROUND, style_accuracy, style_set  # noqa: E402
from devtools.teach_drawings import misreading_model  # noqa: E402
from nnlib import load_mnist, prepare_data  # noqa: E402
from nnlib.finetune import teach  # noqa: E402
from nnlib.modelio import load_model  # noqa: E402
from nnlib.pipeline import read_digit  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STUDENT_STYLES = ("flag_1", "crossed_7", "open_4", "straight_9", "looped_2")
STUDENT_SEED = 2026  # the student's drawings: another stream than the held-out sets' seed 0


def student_digits(network, config) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """The student's 10 drawings as the network's rows (10, 784), their class indices, and
    the digits the network reads before teaching."""
    rows, classes, read = [], [], []
    for style in STUDENT_STYLES:
        pictures, labels = style_set(style, count=2, seed=STUDENT_SEED)
        for picture, label in zip(pictures, labels):
            reading = read_digit(picture, network, config, background=STYLE_BACKGROUND[style])
            rows.append(reading.X[:, 0])
            classes.append(config.digits.index(int(label)))
            read.append(reading.digit)
    return np.stack(rows), np.array(classes), read


def retrain_figures(network, config, data, count: int) -> dict:
    """The student's 10 digits taught to network: the retrain's CPU and wall seconds, what it reads
    before and after, MNIST test accuracy and each style's held-out accuracy (count pictures) before
    and after."""
    rows, classes, read = student_digits(network, config)
    with bench.Stopwatch() as watch:
        result = teach(network, data, rows, classes, seed=0)
    return dict(
        sizes=list(network.sizes),
        retrain_cpu_s=round(watch.cpu_s, 3),
        retrain_wall_s=round(watch.wall_s, 3),
        student_digits=[config.digits[c] for c in classes],
        read_before=read,
        read_after=list(map(int, result.personal_after)),
        mnist_before=result.mnist_before,
        mnist_after=result.mnist_after,
        styles={
            style: dict(
                before=style_accuracy(network, config, style, count),
                after=style_accuracy(result.network, config, style, count),
            )
            for style in STUDENT_STYLES
        },
    )


def report_model(report: bench.Report, name: str, figures: dict) -> None:
    report.figure(name, figures)
    report.line(f"\n## {name} model {'-'.join(map(str, figures['sizes']))}")
    report.line(
        f"retrain (with its two MNIST test evaluations): {figures['retrain_cpu_s']:.2f} CPU-s, "
        f"{figures['retrain_wall_s']:.2f} s wall"
    )
    report.line(
        f"the student's digits {figures['student_digits']}: read before {figures['read_before']}, "
        f"after {figures['read_after']}"
    )
    report.line(f"MNIST test: {figures['mnist_before']:.2%} -> {figures['mnist_after']:.2%}")
    rows = [[style, f"{seen['before']:.1%}", f"{seen['after']:.1%}"] for style, seen in figures["styles"].items()]
    report.table(["style (held out)", "before", "after"], rows)


def main():
    parser = bench.parser(__doc__)
    parser.add_argument("--count", type=int, default=200, help="held-out pictures per style")
    args = parser.parse_args()
    report = bench.Report("teach", args)
    mnist = load_mnist()
    models = {"shipped": load_model(ROOT / "assets" / "models" / "digits.npz"), "misreading": misreading_model()}
    for name, (network, config) in models.items():
        data = prepare_data(mnist, config.digits, config.normalization, config.dtype)
        report_model(report, name, retrain_figures(network, config, data, args.count))
    report.finish()


if __name__ == "__main__":
    main()
