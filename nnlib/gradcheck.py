"""Finite-difference gradient checks: is backward's derivation right?

Central differences of the mean loss, entry by entry, compared with the
gradients backward returns. Run in float64: in float32 the round-off of the
loss swamps the differences.
"""

from __future__ import annotations

import numpy as np

from .network import Network

SMALL_GRADIENT = 1e-5  # below this, round-off in the loss dominates a finite difference


def central_differences(array: np.ndarray, loss, eps: float, entries=None) -> np.ndarray:
    """d(loss())/d(array) by central differences, perturbing array in place entry by entry.

    loss: a function of nothing that reads array; entries: flat indices to check
    (all when None); the others stay 0.
    """
    grad = np.zeros_like(array)
    flat_array, flat_grad = array.reshape(-1), grad.reshape(-1)
    for index in range(array.size) if entries is None else entries:
        saved = flat_array[index]
        flat_array[index] = saved + eps
        plus = loss()
        flat_array[index] = saved - eps
        minus = loss()
        flat_array[index] = saved
        flat_grad[index] = (plus - minus) / (2 * eps)
    return grad


def numerical_gradient(network: Network, X, Y, name: str, eps: float = 1e-4, entries=None):
    """d(mean loss)/d(params[name]) by central differences (entries: flat indices, all when None)."""
    return central_differences(network.params[name], lambda: network.loss(network.forward(X)[1], Y), eps, entries)


def numerical_input_gradient(network: Network, X: np.ndarray, Y, eps: float = 1e-5) -> np.ndarray:
    """d(mean loss)/dX by central differences: what backward's dX = W1ᵀ·dZ1 must match.

    X (inputs, m) is a writable float64 array; it is perturbed and put back.
    """
    return central_differences(X, lambda: network.loss(network.forward(X)[1], Y), eps)


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = SMALL_GRADIENT) -> float:
    """Largest difference over the largest magnitude (at least floor)."""
    scale = max(float(np.abs(analytic).max()), float(np.abs(numeric).max()), floor)
    return float(np.abs(analytic - numeric).max() / scale)


def gradient_check(network: Network, X, Y, max_entries: int = 300, rng=None) -> dict[str, float]:
    """Relative error of every dW/dB against finite differences, in float64.

    Checks up to max_entries entries per array (chosen at random with rng),
    so a large network is checked in well under a second. Returns
    {"dW1": error, "dB1": error, ...}.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    exact = Network({k: v.astype(np.float64) for k, v in network.params.items()}, network.activation, network.output)
    X, Y = np.asarray(X, np.float64), np.asarray(Y, np.float64)
    grads = exact.backward(exact.forward(X)[1], Y)
    errors = {}
    for name, param in exact.params.items():
        if param.size <= max_entries:
            entries = np.arange(param.size)
        else:
            entries = rng.choice(param.size, max_entries, replace=False)
        numeric = numerical_gradient(exact, X, Y, name, entries=entries).reshape(-1)[entries]
        errors["d" + name] = relative_error(grads["d" + name].reshape(-1)[entries], numeric)
    return errors
