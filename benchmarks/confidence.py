"""How far to trust an answer: accuracy and coverage of the answers at or above each confidence.

    python benchmarks/confidence.py [--model assets/models/digits.npz] [--sources sklearn_digits,...]

Held-out pictures only (devtools/handwriting_sources.py: none was used to train the shipped
model), each read through nnlib.pipeline.read_digit as `nnlib predict` reads a file. For each
threshold: the share of answers at or above it ("sure"), how many of those are right, and how
many of the wrong answers it leaves flagged "not sure". nnlib.cli.SURE_CONFIDENCE was chosen here.
"""

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from devtools import bench  # noqa: E402
from devtools.handwriting_sources import SOURCES, load_source  # noqa: E402
from nnlib.modelio import open_model  # noqa: E402
from nnlib.pipeline import read_digit  # noqa: E402

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)


def confidences_and_right(network, config, pictures, labels) -> tuple[np.ndarray, np.ndarray]:
    readings = [read_digit(picture, network, config) for picture in pictures]
    confidence = np.array([reading.confidence if reading else 0.0 for reading in readings])
    right = np.array([bool(reading) and reading.digit == label for reading, label in zip(readings, labels)])
    return confidence, right


def main():
    parser = bench.parser(__doc__)
    parser.add_argument("--model", default=str(ROOT / "assets" / "models" / "digits.npz"))
    parser.add_argument("--sources", default=",".join(SOURCES), help=f"comma-separated, of {', '.join(SOURCES)}")
    args = parser.parse_args()
    report = bench.Report("confidence", args)
    network, config = open_model(args.model)
    confidence, right = [], []
    for name in args.sources.split(","):
        found = confidences_and_right(network, config, *load_source(name))
        confidence.append(found[0])
        right.append(found[1])
    confidence, right = np.concatenate(confidence), np.concatenate(right)
    report.line(f"{len(right)} pictures, {right.mean():.2%} read right, {(~right).sum()} wrong")
    rows = []
    for threshold in THRESHOLDS:
        sure = confidence >= threshold
        flagged = (~right & ~sure).sum() / max((~right).sum(), 1)
        rows.append([f"{threshold:.2f}", f"{sure.mean():.1%}", f"{right[sure].mean():.2%}", f"{flagged:.0%}"])
    report.table(["threshold", "sure", "right among sure", "wrong answers flagged not sure"], rows)
    report.figure("pictures", len(right))
    report.figure("right", float(right.mean()))
    report.finish()


if __name__ == "__main__":
    main()
