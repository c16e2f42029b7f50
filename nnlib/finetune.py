"""Teach a trained network a few digits of one person's: fine-tuning on MNIST plus them.

    taught = finetune(network, data, personal_X, personal_y, seed=0)      # a new Network
    result = teach(network, data, personal_X, personal_y, seed=0)         # and before/after

A student's handful of digits would be drowned in 60,000 MNIST images, and trained on alone they
would make the network forget MNIST. So every batch mixes both: MNIST rows drawn at random keep
what the network knew, and PERSONAL_PER_BATCH rows drawn from the personal digits (repeated, a
little distorted each time, so that the next drawing of the same kind is read too) teach the new
ones. A small learning rate and a few hundred steps: a few seconds on one core for the shipped
784-512-256-10 model. The network given is never changed; the same seed gives the same weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .augment import augment_rows
from .data import PreparedData
from .network import Network, one_hot
from .trainer import evaluate

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
