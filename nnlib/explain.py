"""Why the network said what it said: each first-layer neuron's share of a decision."""

from __future__ import annotations

import numpy as np

from .network import ACTIVATIONS, Network


def first_layer_contributions(network: Network, cache: dict, class_index: int) -> np.ndarray:
    """How much each first-hidden-layer neuron pushed the score Z_L[class_index] of one image.

    cache is what ``network.forward`` returned for that image, X (pixels, 1), so the
    explanation reuses the prediction's forward pass. Returns (hidden,). With one
    hidden layer the score is Σ_j W2[c, j]·A1[j] + B2[c], so neuron j's contribution
    is exactly W2[c, j]·A1[j]; with more layers it is A1[j]·∂Z_L[c]/∂A1[j] (gradient
    times activation), the same formula's first-order generalisation.
    """
    _, act_derivative = ACTIVATIONS[network.activation]
    L = network.layer_count
    if L < 2:
        raise ValueError("the network has no hidden layer")
    dZ = np.zeros((network.sizes[-1], 1), dtype=network.dtype)
    dZ[class_index] = 1  # ∂Z_L[c]/∂Z_L: (outputs, 1)
    for l in range(L, 1, -1):
        dA = network.params[f"W{l}"].T @ dZ  # ∂Z_L[c]/∂A_l-1: (n_l-1, 1)
        if l == 2:
            return (cache["A1"] * dA)[:, 0]
        dZ = dA * act_derivative(cache[f"A{l - 1}"])
    raise AssertionError("unreachable")
