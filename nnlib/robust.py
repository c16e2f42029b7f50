"""The shipped model's recipe: it reads MNIST, drawings, scans and writing styles MNIST hardly has.

    python -m nnlib.robust --save assets/models/digits.npz       # about 4 CPU-minutes, one core

Two parts, both seeded, so the same command on the same machine gives the same weights:

1. The ``robust`` preset (784-512-256-10, 20 epochs of the "handwriting" mix, nnlib.config)
   from scratch, where each batch also has a share of its 1s and 7s redrawn in writing styles
   (ROBUST_STYLE_SHARES: flagged 1s, crossed and plain 7s, nnlib.writing_styles), so that the
   1/7 boundary is carved with the whole training and not bent afterwards;
2. the writing-styles stage (nnlib.finetune.styles_stage): two epochs more in which redrawn 1s
   and 7s learn their label and every other image the first part's own answer.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from . import finetune
from .config import ROBUST_PRESET, TrainConfig
from .data import DataError, MnistData, PreparedData, load_mnist, prepare_data
from .modelio import save_model
from .network import Network, one_hot
from .trainer import Trainer, evaluate

#: Share of each digit's training images redrawn in a writing style, in every batch of part 1:
#: the same 1s and 7s as the stage's.
ROBUST_STYLE_SHARES = finetune.STAGE_STYLE_SHARES
#: The seed of the shipped model (assets/models/digits.npz).
SHIPPED_SEED = 0


class RecipeError(ValueError):
    """The recipe cannot run on these data or settings, or its first part diverged."""


def styled_inputs(data: PreparedData, rows, augment: float, augment_style: str, rng, dtype):
    """Part 1's batches (Trainer's ``inputs``, with sgd.batch_inputs' arguments): the stage's
    batches (finetune.styled_batch), each image learning its label. X (784, m), Y (10, m)."""
    X, digits, _ = finetune.styled_batch(data, rows, augment, rng, dtype)
    return X, one_hot(digits, 10, dtype)


def build(
    mnist: MnistData, seed: int = 0, preset: TrainConfig = ROBUST_PRESET, say=None
) -> tuple[Network, TrainConfig, dict]:
    """The shipped model from scratch: (network, the settings saved with it, CPU-seconds per part).
    A smaller preset makes a quick one of the same recipe (the tests); say(text) hears each part begin."""
    say = say or (lambda text: None)
    config = preset.replace(seed=seed)
    data = prepare_data(mnist, config.digits, config.normalization, config.dtype)
    if refusal := finetune.stage_refusal(data):  # before part 1's minutes, not after them
        raise RecipeError(f"the robust recipe cannot run: {refusal}")
    started = time.process_time()
    say(f"part 1: {config.epochs} epochs of the robust preset with 1s and 7s redrawn in writing styles")
    trainer = Trainer(config, data, inputs=styled_inputs)
    for _ in trainer.events(5.0):
        pass
    if trainer.status != "finished":
        raise RecipeError(f"part 1 ended {trainer.status}, not finished: no stage on top of it")
    trained = time.process_time()
    say("part 2: the writing-styles stage")
    stage = finetune.stage_settings(config)
    network, stage_cpu = finetune.styles_stage(trainer.network, data, stage, seed)
    return network, stage, {"part_1": trained - started, "stage": stage_cpu}


def _writable_folder_problem(path: str) -> str | None:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} cannot be written to"
    return None


def main(argv=None) -> int:
    """python -m nnlib.robust --save OUT.npz [--seed N] [--data-dir D] [--json]"""
    parser = argparse.ArgumentParser(prog="python -m nnlib.robust", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--save", required=True, help="write the model here (the shipped one: assets/models/digits.npz)"
    )
    parser.add_argument(
        "--seed", type=int, default=SHIPPED_SEED, help=f"the recipe's seed ({SHIPPED_SEED}: the shipped model)"
    )
    parser.add_argument("--data-dir", help="folder of MNIST's IDX files (default: $MNIST_DIR or assets/mnist)")
    parser.add_argument("--json", action="store_true", help="end stdout with one JSON line of results")
    args = parser.parse_args(argv)
    problem = _writable_folder_problem(args.save)
    if problem:
        print(f"error: cannot save {args.save}: {problem}", file=sys.stderr)
        return 2
    from threadpoolctl import threadpool_limits

    try:
        mnist = load_mnist(args.data_dir)
        with threadpool_limits(1, user_api="blas"):  # one thread: the same sums in the same order, the same weights
            network, settings, cpu = build(mnist, args.seed, say=lambda text: print(text, file=sys.stderr))
        save_model(args.save, network, settings)
    except (DataError, RecipeError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    data = prepare_data(mnist, settings.digits, settings.normalization, settings.dtype)
    _, accuracy, _ = evaluate(network, data.X_test, data.y_test)
    total = sum(cpu.values())
    print(f"saved {args.save}: test accuracy {accuracy:.2%}, {total:.0f} CPU-s", file=sys.stderr)
    if args.json:
        cpu_s = {part: round(seconds, 1) for part, seconds in cpu.items()}
        print(json.dumps({"status": "finished", "test_accuracy": accuracy, "cpu_s": cpu_s}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
