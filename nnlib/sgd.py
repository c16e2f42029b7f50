"""One step of gradient descent: the blog's update_params (W = W - learning_rate·dW), the
trainer's update with L2 and momentum, and a recorded step of a run computed again (the Backprop
page's replay of "One step")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .augment import augment_rows
from .data import PreparedData
from .events import StepTaken
from .network import Network, one_hot


def sgd_step(network: Network, grads: dict, learning_rate: float) -> None:
    """Move every W and B of network against its gradient dW, dB (in place)."""
    for name, param in network.params.items():
        param -= learning_rate * grads["d" + name]  # W1 = W1 - learning_rate·dW1


def batch_inputs(data: PreparedData, rows: np.ndarray, augment: float, augment_style: str, rng, dtype):
    """A batch's X (pixels, m) and one-hot Y (classes, m, of dtype) from its rows of data.X_train;
    augmented (drawing from rng) when augment > 0."""
    X_rows = data.X_train[rows]  # (m, pixels)
    if augment:
        digits = np.asarray(data.digits)[data.y_train[rows]]
        X_rows = augment_rows(X_rows, data.image_shape, rng, augment, augment_style, digits=digits)
    return X_rows.T, one_hot(data.y_train[rows], data.class_count, dtype)


def sgd_update(params: dict, grads: dict, lr: float, l2: float, momentum: float, velocity: dict | None) -> None:
    """The blog's update_params, with optional L2 weight decay and momentum, in place.

    grads (dW1, dB1, …, shaped like params) are changed too: they end as the steps taken / lr."""
    for name, param in params.items():
        grad = grads["d" + name]
        if l2 and name.startswith("W"):
            grad += l2 * param
        if momentum:
            step = velocity[name]
            step *= momentum
            step += grad
            grad = step
        param -= lr * grad  # W1 = W1 - learning_rate·dW1


@dataclass
class StepReplay:
    """A recorded step computed again: X (pixels, m), Y (classes, m), the network before it,
    the forward cache (Z1, A1, …), the loss, the gradients (dW1, dB1, …) and the weights after."""

    X: np.ndarray
    Y: np.ndarray
    before: Network
    cache: dict
    loss: float
    grads: dict
    after: dict


def replay_step(record: StepTaken, data: PreparedData, activation: str, output: str) -> StepReplay:
    """Compute a recorded step again from the weights before it, exactly as the trainer did."""
    before = Network({k: v.copy() for k, v in record.params.items()}, activation, output)
    augment_rng, dropout_rng = np.random.default_rng(), np.random.default_rng()
    augment_rng.bit_generator.state = record.augment_rng
    dropout_rng.bit_generator.state = record.dropout_rng
    X, Y = batch_inputs(data, record.rows, record.augment, record.augment_style, augment_rng, before.dtype)
    _, cache = before.forward(X, record.dropout, dropout_rng)
    loss = before.loss(cache, Y)
    grads = before.backward(cache, Y)
    after = {k: v.copy() for k, v in record.params.items()}
    velocity = None if record.velocity is None else {k: v.copy() for k, v in record.velocity.items()}
    sgd_update(
        after, {k: v.copy() for k, v in grads.items()}, record.learning_rate, record.l2, record.momentum, velocity
    )
    return StepReplay(X, Y, before, cache, loss, grads, after)
