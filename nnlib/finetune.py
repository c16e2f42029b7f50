"""Teach a trained network a few digits of one person's: fine-tuning on MNIST plus them.

    taught = finetune(network, data, personal_X, personal_y, seed=0)      # a new Network
    result = teach(network, data, personal_X, personal_y, seed=0)         # and before/after
    styled = styles_stage(network, data, ROBUST_STYLES_STAGE)             # writing styles, kept near it

and from the command line, the writing-styles stage for a saved model (README, the model section):

    python -m nnlib.finetune --model robust.npz --save styled.npz

A student's handful of digits would be drowned in 60,000 MNIST images, and trained on alone they
would make the network forget MNIST. So every batch mixes both: MNIST rows drawn at random keep
what the network knew, and PERSONAL_PER_BATCH rows drawn from the personal digits (repeated, a
little distorted each time, so that the next drawing of the same kind is read too) teach the new
ones. A small learning rate and a few hundred steps: a few seconds on one core for the shipped
784-512-256-10 model. The network given is never changed; the same seed gives the same weights.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass

import numpy as np

from .augment import augment_rows, handwriting_mix
from .config import ROBUST_STYLES_STAGE, TrainConfig
from .data import DataError, PreparedData, load_mnist, prepare_data
from .modelio import ModelFileError, open_model, save_model
from .network import Network, one_hot
from .sgd import sgd_update
from .trainer import evaluate, learning_rate_at
from .writing_styles import chosen_for_styles, redrawn_in_styles

STEPS = 200
MNIST_PER_BATCH = 48  # random MNIST training rows per batch: what the network knew
PERSONAL_PER_BATCH = 16  # personal rows per batch, drawn with repeats: what it is taught
LEARNING_RATE = 0.01
MOMENTUM = 0.9
PERSONAL_DISTORTION = 0.5  # strength of the random slant, rotation, scale and thickness of each repeat


@dataclass(frozen=True)
class TeachResult:
    """A taught network and how it reads before and after.

    network: the fine-tuned copy; personal_before / personal_after (k,): the digit read for
    each personal image; mnist_before / mnist_after: accuracy on the MNIST test set (0..1).
    """

    network: Network
    personal_before: np.ndarray
    personal_after: np.ndarray
    mnist_before: float
    mnist_after: float


def finetune(
    network: Network,
    data: PreparedData,
    personal_X: np.ndarray,
    personal_y: np.ndarray,
    seed: int = 0,
    steps: int = STEPS,
    learning_rate: float = LEARNING_RATE,
) -> Network:
    """A copy of network trained further on batches of MNIST rows and personal rows.

    personal_X (k, pixels): normalised like data.X_train; personal_y (k,): class indices.
    SGD with momentum on the mean cross-entropy of each mixed batch (MNIST_PER_BATCH +
    PERSONAL_PER_BATCH columns); the personal rows are distorted afresh in every batch.
    """
    if len(personal_X) == 0:
        raise ValueError("no personal digits to learn")
    if len(personal_X) != len(personal_y):
        raise ValueError(f"{len(personal_X)} personal images but {len(personal_y)} labels")
    rng = np.random.default_rng(seed)
    taught = network.copy()
    velocity = {name: np.zeros_like(param) for name, param in taught.params.items()}
    personal_X = np.asarray(personal_X, dtype=taught.dtype)
    class_count = data.class_count
    for _ in range(steps):
        X_rows, classes = _mixed_batch(data, personal_X, np.asarray(personal_y), rng)
        Y = one_hot(classes, class_count, taught.dtype)
        _, cache = taught.forward(X_rows.T)
        grads = taught.backward(cache, Y)
        for name, param in taught.params.items():
            velocity[name] *= MOMENTUM
            velocity[name] += grads["d" + name]
            param -= learning_rate * velocity[name]
    return taught


def _mixed_batch(data: PreparedData, personal_X, personal_y, rng) -> tuple[np.ndarray, np.ndarray]:
    """Rows (MNIST_PER_BATCH + PERSONAL_PER_BATCH, pixels) and their class indices."""
    mnist_rows = rng.integers(0, len(data.y_train), MNIST_PER_BATCH)
    personal_rows = rng.integers(0, len(personal_y), PERSONAL_PER_BATCH)
    distorted = augment_rows(personal_X[personal_rows], data.image_shape, rng, PERSONAL_DISTORTION)
    X_rows = np.concatenate([data.X_train[mnist_rows], distorted.astype(personal_X.dtype)])
    return X_rows, np.concatenate([data.y_train[mnist_rows], personal_y[personal_rows]])


def teach(
    network: Network, data: PreparedData, personal_X: np.ndarray, personal_y: np.ndarray, seed: int = 0
) -> TeachResult:
    """finetune, and the personal digits' answers and the MNIST test accuracy before and after."""
    taught = finetune(network, data, personal_X, personal_y, seed)
    X = np.asarray(personal_X, dtype=network.dtype).T
    return TeachResult(
        taught,
        network.predict(X),
        taught.predict(X),
        evaluate(network, data.X_test, data.y_test)[1],
        evaluate(taught, data.X_test, data.y_test)[1],
    )


#: Share of each digit's training images styles_stage redraws in a writing style: the 1s and 7s,
#: whose boundary the styles move (the other styles are read at 99-100 % without a stage).
STAGE_STYLE_SHARES = {1: 0.3, 7: 0.5}
#: Weight of the start model's own answer in the target of an image not redrawn (the rest: its label).
TEACHER_WEIGHT = 1.0


def styles_stage(network: Network, data: PreparedData, stage: TrainConfig = ROBUST_STYLES_STAGE, seed: int = 0):
    """A copy of network trained further to read writing styles MNIST hardly has, kept near what it
    read before: (the new Network, CPU-seconds taken).

    stage's epochs, batch size, learning rate and schedule, momentum and L2 drive SGD over
    data's training set under the "handwriting" mix (strength stage.augment). In each batch,
    STAGE_STYLE_SHARES of some digits are first redrawn in a writing style; they learn their
    label. Every other image learns what network itself (the teacher, never changed) answers
    for it, as probabilities (distillation, Hinton et al. 2015; "learning without forgetting",
    Li and Hoiem 2016): training further on labels alone moves every answer a little and cost
    about 0.6 points of real scans even without any style, while the teacher's answers keep
    the network where it was on everything but the new styles.
    """
    if refusal := stage_refusal(data):
        raise ValueError(refusal)
    rng = np.random.default_rng(seed)
    student = network.copy()
    velocity = {name: np.zeros_like(param) for name, param in student.params.items()}
    batches_per_epoch = len(data.y_train) // stage.batch_size
    total = stage.epochs * batches_per_epoch
    started = time.process_time()
    for step in range(total):
        if step % batches_per_epoch == 0:
            order = rng.permutation(len(data.y_train))
        at = step % batches_per_epoch * stage.batch_size
        X, Y = _stage_batch(network, data, order[at : at + stage.batch_size], stage.augment, rng)
        _, cache = student.forward(X)
        grads = student.backward(cache, Y)
        sgd_update(student.params, grads, learning_rate_at(stage, step / total), stage.l2, stage.momentum, velocity)
    return student, time.process_time() - started


def stage_refusal(data: PreparedData) -> str | None:
    """Why a styles stage (or a batch of styled_batch) cannot run on data, or None: the writing
    styles are drawn as 28×28 1s and 7s, among all ten digits."""
    if data.image_shape != (28, 28) or tuple(data.digits) != tuple(range(10)):
        return "the writing-styles stage needs a model of all ten digits on 28×28 images"
    return None


def styled_batch(data: PreparedData, rows: np.ndarray, strength: float, rng, dtype):
    """The training rows with STAGE_STYLE_SHARES of their 1s and 7s redrawn in writing styles, then
    the "handwriting" mix (strength) over all: (X (pixels, m) of dtype, digits (m,), redrawn (m,) bool).
    Both parts of the shipped model's recipe train on such batches (nnlib.robust's part 1 too)."""
    digits = data.y_train[rows]
    images = data.X_train[rows].reshape(len(rows), *data.image_shape)
    redrawn = chosen_for_styles(digits, rng, STAGE_STYLE_SHARES)
    images = handwriting_mix(redrawn_in_styles(images, digits, redrawn, rng), rng, strength)
    return images.reshape(len(rows), -1).T.astype(dtype), digits, redrawn


def _stage_batch(teacher: Network, data: PreparedData, rows: np.ndarray, strength: float, rng):
    """One styles_stage batch: inputs X (pixels, m) and targets Y (10, m), each column the
    label's one-hot for a redrawn image and the teacher's probabilities for the others."""
    X, digits, redrawn = styled_batch(data, rows, strength, rng, teacher.dtype)
    taught = teacher.output_probabilities(teacher.forward(X)[0])
    weight = np.where(redrawn, 0.0, TEACHER_WEIGHT).astype(teacher.dtype)
    return X, weight * taught + (1 - weight) * one_hot(digits, data.class_count, teacher.dtype)


def main(argv=None) -> int:
    """python -m nnlib.finetune --model IN.npz --save OUT.npz [--seed N] [--data-dir D] [--json]"""
    parser = argparse.ArgumentParser(prog="python -m nnlib.finetune", description=main.__doc__)
    parser.add_argument("--model", required=True, help="the model to start from (made by train --preset robust)")
    parser.add_argument("--save", required=True, help="write the model that reads the writing styles here")
    parser.add_argument("--seed", type=int, default=ROBUST_STYLES_STAGE.seed)
    parser.add_argument("--data-dir", help="folder of MNIST's IDX files (default: $MNIST_DIR or assets/mnist)")
    parser.add_argument("--json", action="store_true", help="end stdout with one JSON line of results")
    args = parser.parse_args(argv)
    try:
        network, saved = open_model(args.model, input_size=784)
    except (OSError, ModelFileError) as error:
        print(f"cannot open the model {args.model}: {error}", file=sys.stderr)
        return 2
    stage = stage_settings(saved)
    try:
        data = prepare_data(load_mnist(args.data_dir), stage.digits, stage.normalization, stage.dtype)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    styled, cpu_seconds = styles_stage(network, data, stage, args.seed)
    save_model(args.save, styled, stage)
    _, accuracy, _ = evaluate(styled, data.X_test, data.y_test)
    print(f"saved {args.save}: test accuracy {accuracy:.2%}, {cpu_seconds:.1f} CPU-s", file=sys.stderr)
    if args.json:
        print(json.dumps({"status": "finished", "test_accuracy": accuracy, "cpu_s": round(cpu_seconds, 2)}))
    return 0


#: The settings the stage takes from ROBUST_STYLES_STAGE; the rest (layers, digits, input) are the model's own.
STAGE_RECIPE = ("epochs", "learning_rate", "batch_size", "momentum", "l2", "schedule", "augment", "augment_style")


def stage_settings(saved: TrainConfig) -> TrainConfig:
    """The settings of a styles_stage on a model saved with saved: its own, with STAGE_RECIPE's
    taken from ROBUST_STYLES_STAGE (what the staged model is saved with)."""
    return saved.replace(**{name: getattr(ROBUST_STYLES_STAGE, name) for name in STAGE_RECIPE}).validate()


if __name__ == "__main__":
    sys.exit(main())
