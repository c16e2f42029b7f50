"""The shipped model's recipe: it reads MNIST, mouse drawings, scans and writing styles MNIST hardly has.

    python -m nnlib.robust --save assets/models/digits.npz       # about 5 CPU-minutes, one core

Two parts, both seeded, so the same command on the same machine gives the same weights:

1. The ``robust`` preset (784-512-256-10, 20 epochs of the "handwriting" mix, nnlib.config)
   from scratch, where each batch also has
   - a share of its 1s and 7s redrawn in writing styles (ROBUST_STYLE_SHARES: flagged 1s,
     crossed and plain 7s, nnlib.writing_styles), so that the 1/7 boundary is carved with the
     whole training and not bent afterwards, and
   - a share of its images replaced by canvas-look drawings of MNIST training digits
     (CANVAS_LOOK_SHARES, more of the 7s: the Draw page's short-barred upright 7s are what a
     flagged 1 takes from), drawn once before training (canvas_bank) and read through the Draw
     page's own preprocessing.
2. The writing-styles stage (nnlib.finetune.styles_stage): two epochs more in which redrawn 1s
   and 7s learn their label and every other image the first part's own answer.

The canvas bank leaves out CHOOSING_ROWS: 2,000 training digits kept to choose between recipes
(drawn as canvas drawings they are a held-out set no training batch holds).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from . import finetune
from .augment import handwriting_mix
from .canvas_look import canvas_drawing
from .config import ROBUST_PRESET, ROBUST_STYLES_STAGE, TrainConfig
from .data import MnistData, PreparedData, load_mnist, prepare_data
from .modelio import save_model
from .network import Network, one_hot
from .preprocess import from_ink, ink_image
from .trainer import Trainer, evaluate
from .writing_styles import chosen_for_styles, redrawn_in_styles

#: Share of each digit's training images redrawn in a writing style, in every batch of part 1.
ROBUST_STYLE_SHARES = {1: 0.3, 7: 0.5}
#: Share of each digit's other training images replaced by a canvas-look drawing of its digit.
CANVAS_LOOK_SHARES = np.array([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.1, 0.1])
CANVAS_BANK_SIZE = 2000
CANVAS_BANK_SEED = 1000  # + the recipe's seed
CHOOSING_SEED, CHOOSING_ROWS = 7, 2000


def choosing_rows(train_count: int) -> np.ndarray:
    """The training rows kept out of the canvas bank, for choosing between recipes: (CHOOSING_ROWS,),
    or a tenth of a smaller training set."""
    count = min(CHOOSING_ROWS, train_count // 10)
    return np.random.default_rng(CHOOSING_SEED).choice(train_count, count, replace=False)


def canvas_bank(mnist: MnistData, seed: int = 0, size: int = CANVAS_BANK_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """size training digits drawn as canvas drawings, then preprocessed as the Draw page reads a
    drawing: images (size, 28, 28) uint8, labels (size,). About 25 CPU-seconds for 2,000."""
    rng = np.random.default_rng(CANVAS_BANK_SEED + seed)
    pool = np.setdiff1d(np.arange(len(mnist.train)), choosing_rows(len(mnist.train)))
    rows = rng.choice(pool, min(size, len(pool)), replace=False)
    images = []
    for row in rows:
        image = from_ink(ink_image(canvas_drawing(mnist.train.images[row], rng), 0.0))
        images.append(image if image is not None else np.zeros((28, 28), np.uint8))
    return np.stack(images), mnist.train.labels[rows].astype(int)


class RobustInputs:
    """Part 1's batches: Trainer's ``inputs``, with sgd.batch_inputs' arguments.

    Per batch: the chosen 1s and 7s redrawn in writing styles, then the "handwriting" mix over all,
    then a share of the rest replaced by canvas-look drawings (not distorted further: they already
    are what the Draw page gives the network)."""

    def __init__(self, bank_images: np.ndarray, bank_labels: np.ndarray):
        self.bank = (bank_images / 255.0).astype(np.float32)  # scale255, as the robust preset
        self.by_digit = [np.flatnonzero(bank_labels == digit) for digit in range(10)]
        self.shares = np.where([len(rows) for rows in self.by_digit], CANVAS_LOOK_SHARES, 0.0)

    def __call__(self, data: PreparedData, rows, augment: float, augment_style: str, rng, dtype):
        digits = data.y_train[rows]
        images = data.X_train[rows].reshape(len(rows), 28, 28)
        redrawn = chosen_for_styles(digits, rng, ROBUST_STYLE_SHARES)
        images = handwriting_mix(redrawn_in_styles(images, digits, redrawn, rng), rng, augment)
        drawn = ~redrawn & (rng.random(len(rows)) < self.shares[digits])
        if drawn.any():
            images[drawn] = self.bank[[rng.choice(self.by_digit[digit]) for digit in digits[drawn]]]
        return images.reshape(len(rows), -1).T.astype(dtype), one_hot(digits, 10, dtype)


def build(
    mnist: MnistData, seed: int = 0, preset: TrainConfig = ROBUST_PRESET, bank_size: int = CANVAS_BANK_SIZE
) -> tuple[Network, TrainConfig, dict]:
    """The shipped model from scratch: (network, the settings saved with it, CPU-seconds per part).
    A smaller preset and bank make a quick one of the same recipe (the tests)."""
    started = time.process_time()
    config = preset.replace(seed=seed)
    data = prepare_data(mnist, config.digits, config.normalization, config.dtype)
    inputs = RobustInputs(*canvas_bank(mnist, seed, bank_size))
    banked = time.process_time()
    trainer = Trainer(config, data, inputs=inputs)
    for _ in trainer.events(5.0):
        pass
    trained = time.process_time()
    stage = config.replace(**{name: getattr(ROBUST_STYLES_STAGE, name) for name in finetune.STAGE_RECIPE})
    network, stage_cpu = finetune.styles_stage(trainer.network, data, stage, seed)
    cpu = {"canvas_bank": banked - started, "part_1": trained - banked, "stage": stage_cpu}
    return network, stage, cpu


def main(argv=None) -> int:
    """python -m nnlib.robust --save OUT.npz [--seed N] [--data-dir D] [--json]"""
    parser = argparse.ArgumentParser(prog="python -m nnlib.robust", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--save", required=True, help="write the model here (the shipped one: assets/models/digits.npz)"
    )
    parser.add_argument("--seed", type=int, default=ROBUST_PRESET.seed)
    parser.add_argument("--data-dir", help="folder of MNIST's IDX files (default: $MNIST_DIR or assets/mnist)")
    parser.add_argument("--json", action="store_true", help="end stdout with one JSON line of results")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    mnist = load_mnist(args.data_dir)
    with threadpool_limits(1, user_api="blas"):  # one thread: the same sums in the same order, the same weights
        network, settings, cpu = build(mnist, args.seed)
    save_model(args.save, network, settings)
    data = prepare_data(mnist, settings.digits, settings.normalization, settings.dtype)
    _, accuracy, _ = evaluate(network, data.X_test, data.y_test)
    total = sum(cpu.values())
    print(f"saved {args.save}: test accuracy {accuracy:.2%}, {total:.0f} CPU-s", file=sys.stderr)
    if args.json:
        print(
            json.dumps(
                {"status": "finished", "test_accuracy": accuracy, "cpu_s": {k: round(v, 1) for k, v in cpu.items()}}
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
