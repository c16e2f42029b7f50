"""Writing styles MNIST hardly has: per-style accuracy, next to MNIST test and canvas drawings.

    python -m benchmarks.styles [--model assets/models/digits.npz ...] [--count 300] [--canvas 2000]

Style sets: devtools/styles.py (held out: drawn by other templates and another random stream
than nnlib.augment's training styles), each picture read through nnlib.pipeline.read_digit as
the Draw page reads a drawing. Canvas drawings: devtools/canvas_like.py, as
benchmarks/draw_accuracy.py makes them (same seed). Several --model files side by side.
"""

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from benchmarks.handwriting import mnist_test_accuracy  # noqa: E402
from devtools import bench  # noqa: E402
from devtools.canvas_like import canvas_drawing  # noqa: E402
from devtools.styles import STYLES, style_accuracy  # noqa: E402
from nnlib import load_mnist  # noqa: E402
from nnlib.modelio import open_model  # noqa: E402
from nnlib.pipeline import read_digit  # noqa: E402


def canvas_accuracy(network, config, data, count: int, seed: int = 123) -> float:
    """benchmarks/draw_accuracy.py's figure: count canvas-style drawings of MNIST test digits."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(data.test), count, replace=False)
    readings = [read_digit(canvas_drawing(data.test.images[i], rng), network, config, background=0.0) for i in chosen]
    predicted = np.array([reading.digit if reading else -1 for reading in readings])
    return float((predicted == data.test.labels[chosen]).mean())


def main():
    parser = bench.parser(__doc__)
    parser.add_argument("--model", nargs="+", default=[str(ROOT / "assets" / "models" / "digits.npz")])
    parser.add_argument("--count", type=int, default=300, help="pictures per style")
    parser.add_argument("--canvas", type=int, default=2000, help="canvas-style drawings (0: skip)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report = bench.Report("styles", args)
    data = load_mnist()
    columns = ["MNIST test"] + (["canvas"] if args.canvas else []) + list(STYLES)
    add_row = report.start_table(["model", *columns])
    for path in args.model:
        network, config = open_model(path)
        figures = [mnist_test_accuracy(network, config, data)]
        figures += [canvas_accuracy(network, config, data, args.canvas)] if args.canvas else []
        figures += [style_accuracy(network, config, style, args.count, args.seed) for style in STYLES]
        add_row([Path(path).name, *(f"{figure:.1%}" for figure in figures)])
        report.figure(Path(path).name, dict(zip(columns, figures)))
    report.finish()


if __name__ == "__main__":
    main()
