"""From a picture to everything a page or the command line shows about it, in one place.

    reading = read_digit(drawing, network, config)      # None when nothing is drawn
    reading.digit, reading.probabilities, reading.image, reading.contributions

One forward pass serves the answer, the hidden activations and the explanation.
The Draw page, ``python -m nnlib predict`` and the benchmarks all call this.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import TrainConfig
from .data import normalize
from .explain import first_layer_contributions
from .network import Network
from .preprocess import from_ink, ink_image

MOSTLY_INK = 0.5  # share of the picture inked above which it is probably not one digit


@dataclass(frozen=True)
class Reading:
    """What the network makes of one picture.

    image: the (28, 28) uint8 MNIST-style input; X: it as the network's column
    (pixels, 1) in the network's dtype; probabilities (classes,); class_index and
    digit: the answer; cache: Z1, A1, ... of the forward pass; contributions
    (hidden,): each first-layer neuron's push on the answer's score; ink_share:
    share of the original picture inked (a warning sign above MOSTLY_INK).
    """

    image: np.ndarray
    X: np.ndarray
    probabilities: np.ndarray
    class_index: int
    digit: int
    cache: dict
    contributions: np.ndarray
    ink_share: float

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.class_index])

    @property
    def mostly_ink(self) -> bool:
        return self.ink_share > MOSTLY_INK


def prepare_input(image: np.ndarray, network: Network, normalization: str) -> np.ndarray:
    """A (28, 28) uint8 image -> the network's input column X (pixels, 1), cast once."""
    return normalize(image[None], normalization, dtype=network.dtype.type).T


def read_digit(
    picture: np.ndarray, network: Network, config: TrainConfig, background: float | None = None
) -> Reading | None:
    """Read one picture (a canvas RGBA, a photo, a grey array; see preprocess.ink_image).

    background: the paper's grey level when known (0 for the app's black canvas).
    Returns None when there is too little ink to call it a drawing.
    """
    return read_ink(ink_image(picture, background), network, config)


def read_ink(ink: np.ndarray, network: Network, config: TrainConfig) -> Reading | None:
    """read_digit from an ink map (h, w) in [0, 1] already made (the Draw page checks it for a
    tap-sized dot first); None when there is too little ink."""
    image = from_ink(ink)
    if image is None:
        return None
    X = prepare_input(image, network, config.normalization)
    A_out, cache = network.forward(X)
    probabilities = network.output_probabilities(A_out)[:, 0]
    class_index = int(probabilities.argmax())
    contributions = first_layer_contributions(network, cache, class_index) if network.layer_count > 1 else np.zeros(0)
    return Reading(
        image,
        X,
        probabilities,
        class_index,
        int(config.digits[class_index]),
        cache,
        contributions,
        float((ink > 0.5).mean()),
    )
