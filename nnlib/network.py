"""The blog's network, generalised: Z = W·A + B, samples as columns.

Notation follows the blog so both can be read side by side:

    Z1 = W1·X  + B1      A1 = tanh(Z1)          W1 (hidden, 784), B1 (hidden, 1)
    Z2 = W2·A1 + B2      A2 = sigmoid(Z2)       W2 (2, hidden),   B2 (2, 1)

With more hidden layers the numbering simply continues (W3, B3, ...). X is
(784, m): one column per image, m images at once (m = 1 is the blog's
per-sample SGD).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def sigmoid(Z):
    # exp(-Z) of a large negative Z overflows to inf, and 1/(1+inf) = 0, which
    # is the right limit; silence only that warning.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-Z))


def relu(Z):
    return np.maximum(Z, 0)


def softmax(Z):
    """Column-wise softmax of Z (classes, m)."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


# Hidden activations as (function, derivative) pairs, in the manner of
# scikit-learn's _base.py. Each derivative is written with the activation's
# output A, as the blog writes tanh's: dA/dZ = 1 - A².
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "tanh": (np.tanh, lambda A: 1 - A * A),
    "sigmoid": (sigmoid, lambda A: A * (1 - A)),
    "relu": (relu, lambda A: (A > 0).astype(A.dtype)),
}

# Output layers: the function, and the loss per column computed from the
# logits Z (stable: no log(0), where the blog adds t = 0.000001).
OUTPUTS: dict[str, tuple[Callable, Callable]] = {
    # binary cross-entropy on every output unit: softplus(Z) - Y·Z
    "sigmoid": (
        sigmoid,
        lambda Z, Y: (np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z))) - Y * Z).sum(axis=0),
    ),
    # categorical cross-entropy: logsumexp(Z) - Σ Y·Z
    "softmax": (
        softmax,
        lambda Z, Y: Z.max(axis=0) + np.log(np.exp(Z - Z.max(axis=0, keepdims=True)).sum(axis=0)) - (Y * Z).sum(axis=0),
    ),
}


def init_weights(name: str, fan_out: int, fan_in: int, rng, dtype) -> np.ndarray:
    """One weight matrix (fan_out, fan_in).

    rng is a np.random.Generator, or a np.random.RandomState for the blog
    preset, whose np.random.seed(2) stream it reproduces (both have the same
    uniform and normal calls).
    """
    shape = (fan_out, fan_in)
    if name == "glorot-uniform":  # the blog's initialize_array
        limit = np.sqrt(6) / np.sqrt(fan_in + fan_out)
        W = rng.uniform(-limit, limit, size=shape)
    elif name == "he-normal":
        W = rng.normal(0.0, np.sqrt(2 / fan_in), size=shape)
    elif name == "normal":
        W = rng.normal(0.0, 0.01, size=shape)
    elif name == "zeros":  # every neuron the same: symmetry is never broken
        W = np.zeros(shape)
    else:
        raise ValueError(f"unknown initialisation {name!r}; choose from {INITS}")
    return W.astype(dtype)


INITS = ("glorot-uniform", "he-normal", "normal", "zeros")


class Network:
    """A fully connected network with the blog's parameter names.

    params holds W1, B1, W2, B2, ... ; sizes is (inputs, hidden..., outputs).
    """

    def __init__(self, params: dict[str, np.ndarray], activation: str = "tanh", output: str = "sigmoid"):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose from {sorted(ACTIVATIONS)}")
        if output not in OUTPUTS:
            raise ValueError(f"unknown output {output!r}; choose from {sorted(OUTPUTS)}")
        self.params = params
        self.activation = activation
        self.output = output

    @classmethod
    def create(
        cls,
        sizes,
        activation="tanh",
        output="sigmoid",
        init="glorot-uniform",
        rng=None,
        dtype=np.float32,
        init_scale: float = 1.0,
    ) -> Network:
        """A new network; W1 is drawn before W2, as in the blog.

        init_scale multiplies every initial weight (×0.1 makes signals vanish layer by layer,
        ×5 saturates sigmoid and tanh units); 1 leaves the drawn weights untouched.
        """
        rng = np.random.default_rng() if rng is None else rng
        params = {}
        for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            params[f"W{layer}"] = init_weights(init, fan_out, fan_in, rng, dtype)
            if init_scale != 1.0:
                params[f"W{layer}"] *= params[f"W{layer}"].dtype.type(init_scale)
            params[f"B{layer}"] = np.zeros((fan_out, 1), dtype=dtype)
        return cls(params, activation, output)

    @property
    def layer_count(self) -> int:
        return len(self.params) // 2

    @property
    def sizes(self) -> tuple[int, ...]:
        first = self.params["W1"].shape[1]
        return (first,) + tuple(self.params[f"W{l}"].shape[0] for l in range(1, self.layer_count + 1))

    @property
    def layers_name(self) -> str:
        """The layer sizes as people write them: "784-10-2"."""
        return "-".join(map(str, self.sizes))

    @property
    def dtype(self):
        return self.params["W1"].dtype

    @property
    def parameter_count(self) -> int:
        return sum(p.size for p in self.params.values())

    def copy(self) -> Network:
        return Network({k: v.copy() for k, v in self.params.items()}, self.activation, self.output)

    def forward(self, X: np.ndarray, dropout: float = 0.0, rng=None):
        """Forward pass, the blog's forward_calculation.

        X (inputs, m) -> A_L (outputs, m), and a cache holding X as A0 and
        every Zl and Al that backward needs.

        dropout: while training, the share of each hidden layer's units switched off per image
        (inverted dropout: the kept ones are divided by the keep share, so evaluation, which
        passes 0, needs no rescaling). The masks are drawn from rng (a np.random.Generator);
        the cache then also holds Ul, the activation before dropout, and Dl, the mask divided
        by the keep share (n_l, m), which backward multiplies in.
        """
        act, _ = ACTIVATIONS[self.activation]
        out, _ = OUTPUTS[self.output]
        cache = {"A0": X}
        A = X
        L = self.layer_count
        for l in range(1, L + 1):
            W, B = self.params[f"W{l}"], self.params[f"B{l}"]
            Z = W @ A + B  # (n_l, n_l-1)·(n_l-1, m) + (n_l, 1) = (n_l, m)
            A = out(Z) if l == L else act(Z)  # (n_l, m)
            if dropout and l < L:
                keep = 1.0 - dropout
                D = (rng.random(A.shape) < keep).astype(A.dtype) / A.dtype.type(keep)  # (n_l, m)
                cache[f"U{l}"], cache[f"D{l}"] = A, D
                A = A * D
            cache[f"Z{l}"], cache[f"A{l}"] = Z, A
        return A, cache

    def loss(self, cache, Y: np.ndarray) -> float:
        """Mean cross-entropy over the m columns: the blog's get_cost with the right m.

        Y is one-hot (outputs, m); computed from the logits Z_L for stability.
        """
        _, per_column = OUTPUTS[self.output]
        Z = cache[f"Z{self.layer_count}"]
        return float(per_column(Z, Y).mean())

    def backward(self, cache, Y: np.ndarray, input_gradient: bool = False) -> dict[str, np.ndarray]:
        """Gradients of the mean loss, the blog's back_propagation.

        Returns dW1, dB1, ... shaped like W1, B1, ... For both output choices
        (sigmoid + binary cross-entropy, softmax + cross-entropy) the loss
        gradient at Z_L is the blog's A2 - Y, divided by m for the mean.

        input_gradient: also return dX (inputs, m), the gradient with respect to
        the input itself, one step further than the blog goes: which pixels move
        the loss (saliency, fooling and dreaming in nnlib.insight).
        """
        _, act_derivative = ACTIVATIONS[self.activation]
        L = self.layer_count
        m = Y.shape[1]
        grads = {}
        dZ = (cache[f"A{L}"] - Y) / m  # dZ2 = A2 - Y: (n_L, m)
        for l in range(L, 0, -1):
            A_prev = cache[f"A{l - 1}"]
            grads[f"dW{l}"] = dZ @ A_prev.T  # dW2 = dZ2·A1ᵀ: (n_l, m)·(m, n_l-1)
            grads[f"dB{l}"] = dZ.sum(axis=1, keepdims=True)  # dB2 = dZ2·1: (n_l, 1)
            if l > 1:
                W = self.params[f"W{l}"]
                if f"D{l - 1}" in cache:  # dropout: only the kept units pass the gradient back, scaled
                    dA = (W.T @ dZ) * cache[f"D{l - 1}"]  # (n_l-1, m)
                    dZ = dA * act_derivative(cache[f"U{l - 1}"])
                else:
                    dZ = (W.T @ dZ) * act_derivative(A_prev)  # dZ1 = W2ᵀ·dZ2 ⊙ (1 - A1²): (n_l-1, m)
        if input_gradient:
            grads["dX"] = self.params["W1"].T @ dZ  # dX = W1ᵀ·dZ1: (784, n_1)·(n_1, m) = (784, m)
        return grads

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities (outputs, m) of inputs X (inputs, m)."""
        A, _ = self.forward(np.asarray(X, dtype=self.dtype))
        return self.output_probabilities(A)

    def output_probabilities(self, A: np.ndarray) -> np.ndarray:
        """Output activations (outputs, m) as probabilities: softmax's as they are, the
        sigmoid outputs scaled to sum to 1 per column."""
        if self.output == "sigmoid":
            return A / np.maximum(A.sum(axis=0, keepdims=True), np.finfo(A.dtype).tiny)
        return A

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class index per column (m,): the blog's 'softmax' (an argmax)."""
        A, _ = self.forward(np.asarray(X, dtype=self.dtype))
        return A.argmax(axis=0)


def one_hot(classes: np.ndarray, class_count: int, dtype=np.float32) -> np.ndarray:
    """Class indices (m,) -> one-hot Y (class_count, m), as the blog's label_train."""
    Y = np.zeros((class_count, len(classes)), dtype=dtype)
    Y[classes, np.arange(len(classes))] = 1
    return Y
