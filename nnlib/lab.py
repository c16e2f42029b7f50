"""The lab: take a trained network apart and see what it costs.

An edited network is never changed in place: ``apply_edits(original, edits)`` rebuilds it from
the original and the list of edits every time, so every slider is reversible and no edits at all
give back the original's own arrays, bit for bit.

    edits = Edits(off=((1, 7), (1, 42)), prune=0.5, temperature=2.0)
    edited = apply_edits(network, edits)
    losses = knockout_losses(network, X_rows, classes)   # accuracy lost per first-layer neuron

Samples are columns inside (X is (pixels, m)), rows at the edges (X_rows is (m, pixels)), as in
nnlib.trainer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from .network import ACTIVATIONS, OUTPUTS, Network

NOISE_SEED = 1234  # the weight noise is the same every time, so a class sees the same damage


@dataclass(frozen=True)
class NeuronTweak:
    """One hidden neuron's incoming weights W_l[j, :] scaled and its bias B_l[j] shifted."""

    layer: int
    neuron: int
    bias_shift: float = 0.0
    weight_scale: float = 1.0


@dataclass(frozen=True)
class Edits:
    """Everything a student changed, applied in this order by apply_edits.

    noise: Gaussian noise on every weight matrix, as a fraction of that matrix's own standard
    deviation (seeded); prune: the fraction (0-1) of each weight matrix's smallest |weights| set
    to 0; tweaks: per-neuron bias shifts and weight scales; off: (layer, neuron) of hidden neurons
    switched off (their output A_l[j] is 0 for every input, so their outgoing weights are 0);
    temperature: the output's logits Z_L divided by it (answers stay, confidences change).
    """

    off: tuple[tuple[int, int], ...] = ()
    tweaks: tuple[NeuronTweak, ...] = ()
    prune: float = 0.0
    noise: float = 0.0
    temperature: float = 1.0
    seed: int = field(default=NOISE_SEED)

    @property
    def active(self) -> bool:
        return self != Edits(seed=self.seed)

    @property
    def changes_first_layer(self) -> bool:
        """Whether W1 or B1 change beyond single rows (then Z1 must be computed again)."""
        return self.prune > 0 or self.noise > 0


def check_edits(network: Network, edits: Edits) -> None:
    """Raise ValueError for an edit that does not fit this network (a clear message, nothing changed)."""
    hidden_layers = network.layer_count - 1
    for layer, neuron in list(edits.off) + [(t.layer, t.neuron) for t in edits.tweaks]:
        if not 1 <= layer <= hidden_layers or not 0 <= neuron < network.sizes[layer]:
            raise ValueError(f"layer {layer}, neuron {neuron} is not a hidden neuron of this network")
    if not 0 <= edits.prune <= 1:
        raise ValueError(f"prune must be between 0 and 1, not {edits.prune}")
    if edits.noise < 0 or edits.temperature <= 0:
        raise ValueError("noise must be ≥ 0 and the temperature > 0")


def apply_edits(original: Network, edits: Edits) -> Network:
    """A new network: original with edits applied; the original itself when there are none."""
    check_edits(original, edits)
    if not edits.active:
        return original
    params = {name: value.copy() for name, value in original.params.items()}
    rng = np.random.default_rng(edits.seed)
    L = original.layer_count
    for l in range(1, L + 1):
        W = params[f"W{l}"]
        if edits.noise > 0:  # drawn for every layer in order, so a layer's noise never depends on the others
            W += (rng.standard_normal(W.shape) * (edits.noise * float(W.std()))).astype(W.dtype)
        if edits.prune > 0:
            W[np.abs(W) < prune_threshold(W, edits.prune)] = 0
            if edits.prune >= 1:
                W[:] = 0
    for tweak in edits.tweaks:
        params[f"W{tweak.layer}"][tweak.neuron] *= params[f"W{tweak.layer}"].dtype.type(tweak.weight_scale)
        params[f"B{tweak.layer}"][tweak.neuron] += params[f"B{tweak.layer}"].dtype.type(tweak.bias_shift)
    for layer, neuron in edits.off:
        params[f"W{layer + 1}"][:, neuron] = 0
    if edits.temperature != 1:  # Z_L / T = (W_L / T)·A + B_L / T: the temperature travels with the file
        for name in (f"W{L}", f"B{L}"):
            params[name] /= params[name].dtype.type(edits.temperature)
    return Network(params, original.activation, original.output)


def prune_threshold(W: np.ndarray, fraction: float) -> float:
    """The |weight| below which the smallest fraction of W's weights lie."""
    if fraction <= 0:
        return 0.0
    magnitudes = np.abs(W).ravel()
    k = min(int(round(fraction * magnitudes.size)), magnitudes.size - 1)
    return float(np.partition(magnitudes, k)[k])  # a partial sort: a third of np.quantile's time


def model_hash(network: Network) -> str:
    """A short fingerprint of a network's weights and functions: results cached per model use it."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{network.activation}/{network.output}".encode())
    for name in sorted(network.params):
        value = np.ascontiguousarray(network.params[name])
        digest.update(f"{name}{value.shape}{value.dtype}".encode())
        digest.update(value.data)
    return digest.hexdigest()


# --- Evaluating edits quickly ---------------------------------------------------------------


def first_layer_sums(network: Network, X_rows: np.ndarray) -> np.ndarray:
    """Z1 = W1·X + B1 (hidden, m) of the original network: the costly part, computed once."""
    return network.params["W1"] @ X_rows.T + network.params["B1"]


def forward_from(network: Network, Z: np.ndarray, layer: int) -> np.ndarray:
    """The output logits Z_L (outputs, m), carrying on from layer's sums Z (n_layer, m)."""
    act, _ = ACTIVATIONS[network.activation]
    for l in range(layer + 1, network.layer_count + 1):
        Z = network.params[f"W{l}"] @ act(Z) + network.params[f"B{l}"]
    return Z


def second_layer_sums(network: Network, Z1: np.ndarray) -> np.ndarray:
    """Z2 = W2·act(Z1) + B2 (n2, m) of the original network, from its first_layer_sums."""
    act, _ = ACTIVATIONS[network.activation]
    return network.params["W2"] @ act(Z1) + network.params["B2"]  # forward_from's own first step


def edited_logits(
    original: Network,
    edited: Network,
    edits: Edits,
    X_rows: np.ndarray,
    Z1: np.ndarray | None,
    Z2: np.ndarray | None = None,
) -> np.ndarray:
    """The edited network's output logits Z_L (outputs, m) on rows X_rows (m, pixels).

    Z1, Z2: the original's first_layer_sums and second_layer_sums on the same rows. When edits
    leave W1 alone but for a few tweaked rows, only those rows are computed again; with Z2 too,
    neurons switched off or tweaked change Z2 by a low-rank term (W2e[:, S]·A1e[S] − W2[:, S]·A1[S]
    over the few columns S they touch), so an edit costs little more than the last layer.
    """
    if Z1 is None or edits.changes_first_layer:
        return forward_from(edited, first_layer_sums(edited, X_rows), 1)
    rows = sorted({t.neuron for t in edits.tweaks if t.layer == 1})
    Z1_edited = Z1
    if rows:
        Z1_edited = Z1.copy()
        Z1_edited[rows] = edited.params["W1"][rows] @ X_rows.T + edited.params["B1"][rows]
    Z2_edited = None if Z2 is None else updated_second_sums(original, edited, edits, Z1, Z1_edited, Z2)
    if Z2_edited is None:
        return forward_from(edited, Z1_edited, 1)
    return forward_from(edited, Z2_edited, 2)


def updated_second_sums(original, edited, edits: Edits, Z1, Z1_edited, Z2) -> np.ndarray | None:
    """The edited network's Z2 (n2, m) as the original's Z2 plus low-rank corrections, for edits
    that leave W1 alone but for tweaked rows; None when so much changed that computing it whole
    is as quick (then the caller does that).

    Columns of W2 change for first-layer neurons switched off, and A1 changes for tweaked ones:
    Z2 += W2e[:, S]·act(Z1e[S]) − W2[:, S]·act(Z1[S]) over those columns S. Rows of W2 and B2
    change for second-layer tweaks (and all of them for the temperature when layer 2 is the
    output): those rows are computed again.
    """
    act, _ = ACTIVATIONS[original.activation]
    W2, W2e, B2e = original.params["W2"], edited.params["W2"], edited.params["B2"]
    rows = sorted({t.neuron for t in edits.tweaks if t.layer == 2})
    if original.layer_count == 2 and edits.temperature != 1:
        rows = list(range(W2.shape[0]))
    columns = sorted(
        {neuron for layer, neuron in edits.off if layer == 1} | {t.neuron for t in edits.tweaks if t.layer == 1}
    )
    if 4 * (len(rows) * W2.shape[1] + len(columns) * W2.shape[0]) > W2.size:
        return None
    Z2_edited = Z2.copy()
    if columns:
        Z2_edited += W2e[:, columns] @ act(Z1_edited[columns]) - W2[:, columns] @ act(Z1[columns])
    if rows:
        Z2_edited[rows] = W2e[rows] @ act(Z1_edited) + B2e[rows]
    return Z2_edited


def probabilities_from_logits(network: Network, Z: np.ndarray) -> np.ndarray:
    """Class probabilities (outputs, m) from output logits, as Network.probabilities gives them."""
    out, _ = OUTPUTS[network.output]
    return network.output_probabilities(out(Z))


def per_digit_accuracy(predictions: np.ndarray, classes: np.ndarray, class_count: int) -> np.ndarray:
    """Accuracy (class_count,) on the images of each class (NaN for a class with none)."""
    right = np.bincount(classes, weights=(predictions == classes), minlength=class_count)
    total = np.bincount(classes, minlength=class_count)
    with np.errstate(invalid="ignore", divide="ignore"):
        return right / total


def confusion(predictions: np.ndarray, classes: np.ndarray, class_count: int) -> np.ndarray:
    """Counts (true class, predicted class)."""
    return np.bincount(classes * class_count + predictions, minlength=class_count**2).reshape(class_count, class_count)


# --- Which neurons matter ----------------------------------------------------------------------


def knockout_losses(network: Network, X_rows: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Accuracy lost (n1,) when each first-layer hidden neuron is switched off alone.

    Switching neuron j off takes W2[:, j]·A1[j] out of Z2 (a rank-1 change), so Z2 is computed
    once and each neuron only updates it, and only for the images on which A1[j] ≠ 0 (about
    half of them with ReLU): no forward pass of the whole network per neuron. Images are rows
    here (Z2ᵀ is (m, n2)), so taking the touched images is one contiguous gather.
    """
    act, _ = ACTIVATIONS[network.activation]
    A1T = np.ascontiguousarray(act(first_layer_sums(network, X_rows)).T)  # (m, n1)
    W2 = network.params["W2"]
    Z2T = A1T @ W2.T + network.params["B2"].T  # (m, n2)
    right = forward_from(network, Z2T.T, 2).argmax(axis=0) == classes
    losses = np.zeros(A1T.shape[1])
    for j in range(A1T.shape[1]):
        touched = np.flatnonzero(A1T[:, j])
        if len(touched):
            Z2T_without = Z2T[touched]
            Z2T_without -= np.outer(A1T[touched, j], W2[:, j])
            now_right = forward_from(network, Z2T_without.T, 2).argmax(axis=0) == classes[touched]
            losses[j] = (right[touched].sum() - now_right.sum()) / len(classes)
    return losses


def knockout_losses_slow(network: Network, X_rows: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """knockout_losses the plain way: one whole edited network per neuron (for tests)."""
    base = (forward_from(network, first_layer_sums(network, X_rows), 1).argmax(axis=0) == classes).mean()
    losses = []
    for j in range(network.sizes[1]):
        edited = apply_edits(network, Edits(off=((1, j),)))
        losses.append(
            base - (forward_from(edited, first_layer_sums(edited, X_rows), 1).argmax(axis=0) == classes).mean()
        )
    return np.array(losses)
