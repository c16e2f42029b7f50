"""Draw-to-predict accuracy on canvas-style drawings made from MNIST test digits.

    python benchmarks/draw_accuracy.py [--model assets/models/digits.npz] [--count 2000]

Each drawing (see devtools/canvas_like.py) goes through the Draw page's path,
nnlib.pipeline.read_digit.
"""

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from devtools import bench  # noqa: E402
from devtools.canvas_like import canvas_drawing  # noqa: E402
from nnlib import load_mnist  # noqa: E402
from nnlib.modelio import open_model  # noqa: E402
from nnlib.pipeline import read_digit  # noqa: E402


def main():
    parser = bench.parser(__doc__)
    parser.add_argument("--model", default=str(ROOT / "assets" / "models" / "digits.npz"))
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=123)
    args = parser.parse_args()
    report = bench.Report("draw_accuracy", args)
    network, config = open_model(args.model)
    data = load_mnist()
    rng = np.random.default_rng(args.seed)
    chosen = rng.choice(len(data.test), args.count, replace=False)
    readings = [read_digit(canvas_drawing(data.test.images[i], rng), network, config, background=0.0) for i in chosen]
    predicted = np.array([reading.digit if reading else -1 for reading in readings])
    accuracy = float((predicted == data.test.labels[chosen]).mean())
    report.line(f"{args.count} canvas-style drawings: {accuracy:.2%} right ({args.model})")
    report.figure("accuracy", accuracy)
    report.finish()


if __name__ == "__main__":
    main()
