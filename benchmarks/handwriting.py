"""Robustness to other people's handwriting: per-source accuracy next to MNIST's.

    python benchmarks/handwriting.py [--model assets/models/digits.npz ...] [--sources sklearn_digits,...]

Every picture (devtools/handwriting_sources.py: real scans from scikit-learn, box-filled
low-resolution scans, font digits, degraded MNIST; all dark ink on white paper) goes
through the app's own path, nnlib.pipeline.read_digit, with the paper estimated from
the picture, exactly as an upload would. Several --model files are compared side by side.
"""

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from devtools import bench  # noqa: E402
from devtools.handwriting_sources import SOURCES, load_source  # noqa: E402
from nnlib import load_mnist  # noqa: E402
from nnlib.data import prepare_data  # noqa: E402
from nnlib.modelio import open_model  # noqa: E402
from nnlib.pipeline import read_digit  # noqa: E402
from nnlib.trainer import evaluate  # noqa: E402


def source_accuracy(network, config, pictures, labels) -> float:
    """Share of pictures read as their label through read_digit (an empty reading counts as wrong)."""
    readings = [read_digit(picture, network, config) for picture in pictures]
    predicted = np.array([reading.digit if reading else -1 for reading in readings])
    return float((predicted == labels).mean())


def mnist_test_accuracy(network, config, data) -> float:
    prepared = prepare_data(data, config.digits, config.normalization, config.dtype)
    return evaluate(network, prepared.X_test, prepared.y_test)[1]


def main():
    parser = bench.parser(__doc__)
    parser.add_argument("--model", nargs="+", default=[str(ROOT / "assets" / "models" / "digits.npz")])
    parser.add_argument("--sources", default=",".join(SOURCES), help=f"comma-separated, of {', '.join(SOURCES)}")
    args = parser.parse_args()
    report = bench.Report("handwriting", args)
    sources = {name: load_source(name) for name in args.sources.split(",")}
    data = load_mnist()
    columns = ["MNIST test (10,000)"] + [f"{name} ({len(labels):,})" for name, (_, labels) in sources.items()]
    add_row = report.start_table(["model", *columns])
    for path in args.model:
        network, config = open_model(path)
        figures = [mnist_test_accuracy(network, config, data)]
        figures += [source_accuracy(network, config, *source) for source in sources.values()]
        add_row([Path(path).name, *(f"{figure:.2%}" for figure in figures)])
        report.figure(Path(path).name, dict(zip(columns, figures)))
    report.finish()


if __name__ == "__main__":
    main()
