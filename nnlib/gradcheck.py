"""Finite-difference gradient checks: is backward's derivation right?

Central differences of the mean loss, entry by entry, compared with the
gradients backward returns. Run in float64: in float32 the round-off of the
loss swamps the differences.

``check_gradients`` gives a verdict that is right for right formulas in every
state: each difference is taken with two steps, h and h/2, and their
disagreement measures the finite difference's own error (round-off, which
grows as h shrinks, and curvature or a ReLU kink, which grow with h). A
gradient agrees when backward is within that error; a gradient no larger than
the round-off of the loss (a saturated, nearly certain output) is too small to
check, never a failure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import ACTIVATIONS, OUTPUTS, Network

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


def numerical_gradient(
    network: Network, X, Y, name: str, eps: float = 1e-4, entries=None, dropout: float = 0.0, mask_seed: int = 0
):
    """d(mean loss)/d(params[name]) by central differences (entries: flat indices, all when None).

    dropout: every loss is taken with the same dropout masks, drawn from mask_seed, so the
    differences see one fixed thinned network, as one training step does.
    """

    def loss():
        return network.loss(network.forward(X, dropout, np.random.default_rng(mask_seed))[1], Y)

    return central_differences(network.params[name], loss, eps, entries)


def numerical_input_gradient(network: Network, X: np.ndarray, Y, eps: float = 1e-5) -> np.ndarray:
    """d(mean loss)/dX by central differences: what backward's dX = W1ᵀ·dZ1 must match.

    X (inputs, m) is a writable float64 array; it is perturbed and put back.
    """
    return central_differences(X, lambda: network.loss(network.forward(X)[1], Y), eps)


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = SMALL_GRADIENT) -> float:
    """Largest difference over the largest magnitude (at least floor)."""
    scale = max(float(np.abs(analytic).max()), float(np.abs(numeric).max()), floor)
    return float(np.abs(analytic - numeric).max() / scale)


def gradient_check(network: Network, X, Y, max_entries: int = 300, rng=None, dropout: float = 0.0) -> dict[str, float]:
    """Relative error of every dW/dB against finite differences, in float64.

    Checks up to max_entries entries per array (chosen at random with rng),
    so a large network is checked in well under a second. Returns
    {"dW1": error, "dB1": error, ...}. dropout: checked with one fixed set of dropout masks.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    exact = Network({k: v.astype(np.float64) for k, v in network.params.items()}, network.activation, network.output)
    X, Y = np.asarray(X, np.float64), np.asarray(Y, np.float64)
    grads = exact.backward(exact.forward(X, dropout, np.random.default_rng(0))[1], Y)
    errors = {}
    for name, param in exact.params.items():
        if param.size <= max_entries:
            entries = np.arange(param.size)
        else:
            entries = rng.choice(param.size, max_entries, replace=False)
        numeric = numerical_gradient(exact, X, Y, name, entries=entries, dropout=dropout).reshape(-1)[entries]
        errors["d" + name] = relative_error(grads["d" + name].reshape(-1)[entries], numeric)
    return errors


AGREES, DIFFERS, TOO_SMALL = "agrees", "differs", "too small"
STEP = 1e-3  # the larger of the two finite-difference steps; the other is STEP / 2
RELATIVE_TOLERANCE = 1e-6  # what right formulas reach when the finite differences are exact
SAFETY = 10  # the finite differences' error estimates, times this, are what is allowed
RESOLVABLE = 1e-2  # a gradient whose finite differences are noisier than this share of it is too small
ROUND_OFF_OPERATIONS = 2  # unit round-offs in one loss value, per unit of the largest logit


@dataclass(frozen=True)
class ArrayCheck:
    """One gradient array (dW1, dB1, …) against finite differences.

    error: the largest |backward − finite difference| over the largest gradient;
    allowed: the relative error the finite differences' own error allows;
    verdict: AGREES, DIFFERS, or TOO_SMALL (the gradient is within the loss's round-off).
    """

    error: float
    allowed: float
    verdict: str


def check_gradients(network: Network, X, Y, max_entries: int = 300, rng=None) -> dict[str, ArrayCheck]:
    """Every dW/dB of network on images X (784, m), labels Y (classes, m), against finite differences.

    In float64 on a copy; up to max_entries entries per array, chosen at random with rng.
    Entries whose nudges switch a ReLU on or off (a kink, where no finite difference is the
    derivative) are left out. Returns {"dW1": ArrayCheck, "dB1": …}.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    exact = Network({k: v.astype(np.float64) for k, v in network.params.items()}, network.activation, network.output)
    X, Y = np.asarray(X, np.float64), np.asarray(Y, np.float64)
    cache = exact.forward(X)[1]
    grads = exact.backward(cache, Y)
    round_off = loss_round_off(cache[f"Z{exact.layer_count}"])
    checks = {}
    for name, param in exact.params.items():
        entries = np.arange(param.size) if param.size <= max_entries else rng.choice(param.size, max_entries, False)
        coarse, fine, smooth = two_step_differences(exact, X, Y, name, entries)
        analytic = grads["d" + name].reshape(-1)[entries]
        checks["d" + name] = judge(analytic[smooth], fine[smooth], np.abs(coarse - fine)[smooth], round_off)
    return checks


def two_step_differences(network: Network, X, Y, name: str, entries):
    """Central differences of the mean loss for the given flat entries of params[name].

    Returns (with step STEP, with step STEP / 2, smooth): smooth is False where a nudge
    switched some unit's ReLU on or off.

    A nudge of W_l[i, j] by s moves only Z_l[i] (by s · A_{l-1}[j]; B_l[i]: by s), so every
    nudge starts from the one forward pass's Z_l and the layers above run for many nudges at
    once: entries × 4 nudges × m images as the columns of a batch, at most NUDGED_COLUMNS wide.
    """
    cache = network.forward(X)[1]
    per_batch = max(1, NUDGED_COLUMNS // (len(NUDGES) * X.shape[1]))
    parts = [nudged(network, cache, Y, name, entries[i : i + per_batch]) for i in range(0, len(entries), per_batch)]
    return tuple(np.concatenate(part) for part in zip(*parts))


NUDGES = np.array([STEP, -STEP, STEP / 2, -STEP / 2])
NUDGED_COLUMNS = 1024  # a batch of nudged copies: memory bounded whatever the width and the number of images


def nudged(network: Network, cache, Y, name: str, entries):
    """two_step_differences for some entries, in one batch; cache: the forward pass without nudges."""
    layer, m, k = int(name[1:]), Y.shape[1], len(entries)
    rows, columns = np.unravel_index(entries, network.params[name].shape)
    moved = cache[f"A{layer - 1}"][columns] if name[0] == "W" else np.ones((k, m))  # (k, m)
    Z = np.repeat(cache[f"Z{layer}"][:, None, None, :], k, axis=1).repeat(len(NUDGES), axis=2)
    Z[rows, np.arange(k)] += NUDGES[None, :, None] * moved[:, None, :]  # (n_l, k, 4, m)
    sums = forward_from(network, layer, Z.reshape(len(Z), -1))
    _, per_column = OUTPUTS[network.output]
    losses = per_column(sums[-1], np.tile(Y, k * len(NUDGES))).reshape(k, len(NUDGES), m).mean(axis=2)
    coarse = (losses[:, 0] - losses[:, 1]) / (2 * STEP)
    fine = (losses[:, 2] - losses[:, 3]) / STEP
    smooth = np.ones(k, bool)
    if network.activation == "relu":
        for above, Z_above in enumerate(sums[:-1], start=layer):
            on = (Z_above > 0).reshape(len(Z_above), k, len(NUDGES), m)
            smooth &= ~(on != (cache[f"Z{above}"] > 0)[:, None, None]).any(axis=(0, 2, 3))
    return coarse, fine, smooth


def forward_from(network: Network, layer: int, Z: np.ndarray) -> list[np.ndarray]:
    """The sums Z_layer … Z_L (n_l, columns) of the forward pass resumed from layer's sums Z."""
    act, _ = ACTIVATIONS[network.activation]
    sums = [Z]
    for l in range(layer + 1, network.layer_count + 1):
        sums.append(network.params[f"W{l}"] @ act(sums[-1]) + network.params[f"B{l}"])
    return sums


def loss_round_off(Z_out: np.ndarray) -> float:
    """How far round-off can move one value of the mean loss computed from the output logits Z_out.

    The loss is a sum of terms as large as the logits (logsumexp(Z) − Z_y, or log(1 + e^−Z)),
    so its round-off scales with their size, not with the loss: a loss of 1e-9 from logits of 20
    is known only to about 20 × 1e-16.
    """
    size = float(np.abs(Z_out).max(axis=0).mean()) + 1.0
    return ROUND_OFF_OPERATIONS * float(np.finfo(np.float64).eps) * size


def judge(analytic: np.ndarray, numeric: np.ndarray, disagreement: np.ndarray, round_off: float) -> ArrayCheck:
    """The verdict on one array's entries, from its worst entry (largest difference per allowance).

    numeric: central differences with step STEP / 2; disagreement: |those with step STEP − numeric|,
    the finite differences' own error per entry (large at a kink or a strong curve); round_off: of
    one loss value, which moves a difference with step STEP / 2 by up to 2 · round_off / STEP.
    """
    if analytic.size == 0:  # every entry sat on a kink
        return ArrayCheck(float("nan"), float("nan"), TOO_SMALL)
    noise = max(2 * round_off / STEP, float(np.median(disagreement)))
    scale = max(float(np.abs(analytic).max()), float(np.abs(numeric).max()), np.finfo(np.float64).tiny)
    difference = np.abs(analytic - numeric)
    allowed = SAFETY * (disagreement + noise) + RELATIVE_TOLERANCE * scale
    worst = int(np.argmax(difference / allowed))
    error, allowed_relative = float(difference[worst] / scale), float(allowed[worst] / scale)
    if SAFETY * noise > RESOLVABLE * scale:
        verdict = TOO_SMALL
    elif error <= allowed_relative:
        verdict = AGREES
    else:
        verdict = DIFFERS
    return ArrayCheck(error, allowed_relative, verdict)
