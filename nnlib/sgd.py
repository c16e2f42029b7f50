"""One step of gradient descent, the blog's update_params: W = W - learning_rate·dW."""

from __future__ import annotations

from .network import Network


def sgd_step(network: Network, grads: dict, learning_rate: float) -> None:
    """Move every W and B of network against its gradient dW, dB (in place)."""
    for name, param in network.params.items():
        param -= learning_rate * grads["d" + name]  # W1 = W1 - learning_rate·dW1
