"""Inside the network: the blog's backprop taken one step further, to the pixels.

The blog stops at dW1 = dZ1·Xᵀ. One more product gives the gradient of the loss
with respect to the input itself,

    dX = W1ᵀ·dZ1          (784, n_1)·(n_1, m) = (784, m)

(``Network.backward(..., input_gradient=True)``), and with it

- ``saliency``: which pixels move the answer towards a chosen class;
- ``fool``: the smallest iterative signed-gradient change that flips the answer;
- ``dream``: gradient ascent from a blank or noisy image towards one digit;

and, forwards, the numbers a picture of the network is drawn from:

- ``neuron_sum``: one neuron's weighted sum taken apart into terms that add up to Z;
- ``diagram``: per layer the activations (a wide layer's most active neurons) and
  every shown connection's contribution, activation × weight.

Inputs are the network's own columns X (pixels, 1), normalised to [0, 1] (both
of nnlib's normalisations give that range), so "valid pixels" means 0 ≤ X ≤ 1.
NumPy only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .image import blur as gaussian_blur
from .network import ACTIVATIONS, OUTPUTS, Network, one_hot

PIXEL_MIN, PIXEL_MAX = 0.0, 1.0  # the range of a normalised input pixel
DIAGRAM_NEURONS = 10  # a layer wider than this shows only its most active neurons


def _column(network: Network, X: np.ndarray) -> np.ndarray:
    """X as one input column (pixels, 1) in the network's dtype, with a clear error otherwise."""
    X = np.asarray(X)
    pixels = network.sizes[0]
    if X.size != pixels:
        raise ValueError(f"the input has {X.size} values; this network takes {pixels} (one image)")
    return X.reshape(pixels, 1).astype(network.dtype, copy=False)


def _check_class(network: Network, class_index: int) -> int:
    classes = network.sizes[-1]
    if not 0 <= int(class_index) < classes:
        raise ValueError(
            f"class index {class_index} is out of range; this network has {classes} outputs (0-{classes - 1})"
        )
    return int(class_index)


def probabilities(network: Network, X: np.ndarray) -> np.ndarray:
    """The answer's probabilities (classes,) for one input column X (pixels, 1)."""
    A_out, _ = network.forward(_column(network, X))
    return network.output_probabilities(A_out)[:, 0]


def input_gradient(network: Network, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """dX: the gradient of the mean loss with respect to the input, (pixels, m).

    X (pixels, m) and Y (classes, m) as for training; one forward and one backward
    pass, the backward one step longer than the blog's: dX = W1ᵀ·dZ1.
    """
    _, cache = network.forward(X)
    return network.backward(cache, Y, input_gradient=True)["dX"]


def _loss_gradient(network: Network, X: np.ndarray, class_index: int) -> tuple[np.ndarray, np.ndarray]:
    """(dX (pixels, 1) of the loss when the answer should be class_index, probabilities (classes,))."""
    A_out, cache = network.forward(X)
    Y = one_hot(np.array([class_index]), network.sizes[-1], network.dtype)
    dX = network.backward(cache, Y, input_gradient=True)["dX"]
    return dX, network.output_probabilities(A_out)[:, 0]


def saliency(network: Network, X: np.ndarray, class_index: int) -> np.ndarray:
    """Which pixels move the answer towards class_index: −dX of that class's loss, (pixels,).

    Positive where more ink would make the network surer of the class, negative
    where ink speaks against it; its size is how much a pixel matters. Reshape to
    (28, 28) to show it next to the drawing.
    """
    X = _column(network, X)
    dX, _ = _loss_gradient(network, X, _check_class(network, class_index))
    return -dX[:, 0]


@dataclass(frozen=True)
class FoolResult:
    """The smallest change found that flips the answer.

    X: the fooled input (pixels, 1); change: X − the original, (pixels, 1);
    size: its L∞ norm (the largest change of any pixel, in normalised units);
    class_index and probabilities (classes,): the new answer; original_class;
    steps: signed-gradient steps taken; fooled: False when no step within
    max_steps changed the answer (X is then the last try).
    """

    X: np.ndarray
    change: np.ndarray
    size: float
    class_index: int
    probabilities: np.ndarray
    original_class: int
    steps: int
    fooled: bool


def fool(network: Network, X: np.ndarray, step: float = 1 / 255, max_steps: int = 400) -> FoolResult:
    """The smallest iterative signed-gradient change that changes the prediction.

    Each step moves every pixel by ±step along the sign of the loss gradient for
    the current answer (raising that loss), clipped to valid pixels [0, 1], until
    the answer changes (the basic iterative method of Kurakin et al., 2016). The
    change found is then scaled down by bisection to the smallest fraction that
    still fools the network, so size is as small as this direction allows.
    """
    if step <= 0:
        raise ValueError(f"step must be positive, not {step}")
    original = _column(network, X)
    original_class = int(probabilities(network, original).argmax())
    current = original.copy()
    for steps in range(1, max_steps + 1):
        dX, _ = _loss_gradient(network, current, original_class)
        current = np.clip(current + step * np.sign(dX), PIXEL_MIN, PIXEL_MAX).astype(network.dtype)
        answer = probabilities(network, current)
        if int(answer.argmax()) != original_class:
            return _smallest_flip(network, original, current - original, original_class, steps)
    return _fool_result(network, original, current - original, original_class, max_steps, fooled=False)


def _smallest_flip(network, original, change, original_class, steps, rounds: int = 20) -> FoolResult:
    """Bisect the fraction t of change (t in (0, 1]) that still flips the answer; keep the smallest."""
    low, high = 0.0, 1.0  # low never fools, high always does
    for _ in range(rounds):
        middle = (low + high) / 2
        candidate = (original + middle * change).astype(network.dtype)
        if int(probabilities(network, candidate).argmax()) != original_class:
            high = middle
        else:
            low = middle
    return _fool_result(network, original, high * change, original_class, steps, fooled=True)


def _fool_result(network, original, change, original_class, steps, fooled) -> FoolResult:
    fooled_X = (original + change).astype(network.dtype)
    answer = probabilities(network, fooled_X)
    actual_change = fooled_X - original
    return FoolResult(
        fooled_X,
        actual_change,
        float(np.abs(actual_change).max()),
        int(answer.argmax()),
        answer,
        original_class,
        steps,
        fooled,
    )


@dataclass(frozen=True)
class DreamStep:
    """One moment of a dream: step number, the image so far X (pixels, 1), its probabilities (classes,)."""

    step: int
    X: np.ndarray
    probabilities: np.ndarray


def total_variation_gradient(image: np.ndarray) -> np.ndarray:
    """Gradient of Σ (neighbour differences)² over an image (h, w): smooths, keeps strokes together."""
    gradient = np.zeros_like(image)
    down = image[1:, :] - image[:-1, :]
    right = image[:, 1:] - image[:, :-1]
    gradient[1:, :] += 2 * down
    gradient[:-1, :] -= 2 * down
    gradient[:, 1:] += 2 * right
    gradient[:, :-1] -= 2 * right
    return gradient


def dream(
    network: Network,
    class_index: int,
    steps: int = 200,
    rate: float = 0.1,
    start: str = "blank",
    smoothness: float = 0.02,
    sparsity: float = 0.001,
    blur: float = 0.6,
    every: int = 10,
    rng: np.random.Generator | None = None,
) -> Iterator[DreamStep]:
    """What the network thinks class_index looks like: gradient ascent on the input.

    From a blank (all 0) or noisy image, each step lowers the loss for
    class_index (raises its probability) plus a regulariser that keeps the result
    image-like: smoothness × total variation (neighbouring pixels alike) and
    sparsity × Σ X² (ink only where it helps); the step is normalised (the largest
    pixel move is rate), the image blurred by a Gaussian of `blur` pixels (strokes,
    not speckle) and clipped to valid pixels [0, 1]. Yields a DreamStep every
    `every` steps and at the end, so a page can show the image forming. The
    network's input must be a square image (784 = 28×28).
    """
    class_index = _check_class(network, class_index)
    side = _image_side(network)
    if start not in ("blank", "noise"):
        raise ValueError(f"start must be 'blank' or 'noise', not {start!r}")
    if steps < 1 or every < 1:
        raise ValueError("steps and every must be at least 1")
    rng = np.random.default_rng(0) if rng is None else rng
    X = np.zeros((side * side, 1)) if start == "blank" else rng.uniform(0, 0.2, (side * side, 1))
    X = X.astype(network.dtype)
    for step in range(1, steps + 1):
        dX, _ = _loss_gradient(network, X, class_index)
        image = X[:, 0].reshape(side, side).astype(np.float64)
        gradient = dX[:, 0].reshape(side, side) + smoothness * total_variation_gradient(image) + sparsity * 2 * image
        largest = float(np.abs(gradient).max())
        if largest > 0:
            image = image - (rate / largest) * gradient
        image = gaussian_blur(image, blur, edges="zero")  # keeps it smooth: strokes, not speckle
        X = np.clip(image, PIXEL_MIN, PIXEL_MAX).reshape(-1, 1).astype(network.dtype)
        if step % every == 0 or step == steps:
            yield DreamStep(step, X.copy(), probabilities(network, X))


def dream_result(network: Network, class_index: int, **options) -> DreamStep:
    """The last step of ``dream`` (all of its options apply)."""
    (last,) = deque(dream(network, class_index, **options), maxlen=1)
    return last


def _image_side(network: Network) -> int:
    side = int(round(np.sqrt(network.sizes[0])))
    if side * side != network.sizes[0]:
        raise ValueError(f"the network's {network.sizes[0]} inputs are not a square image")
    return side


@dataclass(frozen=True)
class NeuronSum:
    """One neuron's weighted sum taken apart: Z = Σ terms + bias.

    layer l (1 = first hidden layer) and neuron j; terms (n_l-1,): W_l[j, i]·A_l-1[i]
    (for layer 1, W1[j] ⊙ X: reshape to (28, 28) for a map); total = Σ terms;
    bias = B_l[j]; Z = total + bias; A: the activation of Z (of a softmax output:
    the network's own, as it depends on every output). All float64, so the
    numbers shown add up exactly; Z equals the network's own Z_l[j] to its dtype's
    rounding (float64: ~1e-15; float32: ~1e-6).
    """

    layer: int
    neuron: int
    terms: np.ndarray
    total: float
    bias: float
    Z: float
    A: float


def neuron_sum(network: Network, cache: dict, layer: int, neuron: int) -> NeuronSum:
    """Neuron j of layer l for the image of cache (``network.forward(X)[1]`` of one column)."""
    if not 1 <= layer <= network.layer_count:
        raise ValueError(f"layer {layer} does not exist; this network has layers 1-{network.layer_count}")
    size = network.sizes[layer]
    if not 0 <= neuron < size:
        raise ValueError(f"neuron {neuron} does not exist; layer {layer} has neurons 0-{size - 1}")
    W = network.params[f"W{layer}"][neuron].astype(np.float64)  # (n_l-1,)
    A_prev = cache[f"A{layer - 1}"][:, 0].astype(np.float64)  # (n_l-1,)
    terms = W * A_prev  # W_l[j] ⊙ A_l-1: (n_l-1,)
    total = float(terms.sum())
    bias = float(network.params[f"B{layer}"][neuron, 0])
    Z = total + bias
    if layer < network.layer_count or network.output != "softmax":  # A from this Z, in float64
        function = ACTIVATIONS[network.activation][0] if layer < network.layer_count else OUTPUTS[network.output][0]
        A = float(function(np.float64(Z)))
    else:  # a softmax output depends on every output's Z: the network's own
        A = float(cache[f"A{layer}"][neuron, 0])
    return NeuronSum(layer, neuron, terms, total, bias, Z, A)


@dataclass(frozen=True)
class DiagramLayer:
    """One column of the diagram: layer l (0 = the input), its size, the neurons shown
    (indices, (k,)), their activations A (k,) and (for l ≥ 1) pre-activations Z (k,);
    partial: True when only the k most active of a wide layer are shown."""

    layer: int
    size: int
    shown: np.ndarray
    A: np.ndarray
    Z: np.ndarray
    partial: bool


@dataclass(frozen=True)
class DiagramEdges:
    """Connections into layer l between the shown neurons: contribution (k_l, k_l-1)
    = W_l[j, i]·A_l-1[i], what flows along each. Into layer 1 the input is one
    picture, so each neuron has one edge: Σ_i W1[j, i]·X[i] = Z1[j] − B1[j], (k_1, 1)."""

    layer: int
    contribution: np.ndarray


@dataclass(frozen=True)
class Diagram:
    """The data a network diagram is drawn from; image: the input as (side, side)."""

    image: np.ndarray
    layers: list[DiagramLayer]
    edges: list[DiagramEdges]


def _most_active(A: np.ndarray, keep: int) -> np.ndarray:
    """Indices of the `keep` largest |A|, in index order (stable for a diagram)."""
    if len(A) <= keep:
        return np.arange(len(A))
    return np.sort(np.argsort(-np.abs(A), kind="stable")[:keep])


def diagram(network: Network, X: np.ndarray, cache: dict | None = None, max_neurons: int = DIAGRAM_NEURONS) -> Diagram:
    """Everything a diagram of the network for one input needs, from one forward pass.

    X: one input (pixels, 1) or (pixels,); cache: its forward pass when already
    done (the Draw page has it). Hidden layers wider than max_neurons show their
    max_neurons most active (by |A|); the output layer is always shown whole.
    """
    X = _column(network, X)
    if cache is None:
        _, cache = network.forward(X)
    side = _image_side(network)
    layers = [DiagramLayer(0, network.sizes[0], np.zeros(0, int), np.zeros(0), np.zeros(0), False)]
    edges = []
    for l in range(1, network.layer_count + 1):
        A = cache[f"A{l}"][:, 0].astype(np.float64)
        keep = len(A) if l == network.layer_count else max_neurons
        shown = _most_active(A, keep)
        Z = cache[f"Z{l}"][shown, 0].astype(np.float64)
        layers.append(DiagramLayer(l, len(A), shown, A[shown], Z, len(shown) < len(A)))
        W = network.params[f"W{l}"].astype(np.float64)
        if l == 1:
            flow = W[shown] @ X.astype(np.float64)  # Σ_i W1[j, i]·X[i]: (k_1, 1)
        else:
            previous = layers[l - 1]
            flow = W[np.ix_(shown, previous.shown)] * previous.A[None, :]  # (k_l, k_l-1)
        edges.append(DiagramEdges(l, flow))
    return Diagram(X[:, 0].reshape(side, side).astype(np.float64), layers, edges)
