"""Draw's "not one digit" hints and its numbers: what the diagram, the Prediction and the bars say agree."""

import numpy as np

from devtools.canvas_like import canvas_drawing
from nnlib import Network
from nnlib.preprocess import ink_image, ink_parts, side_by_side
from ui.network_figures import network_diagram, output_shares


def two_digits(first: np.ndarray, second: np.ndarray, gap: int = 10) -> np.ndarray:
    """Two MNIST digits drawn next to each other on a 280×280 ink map, like "17"."""
    ink = np.zeros((280, 280))
    for slot, digit in enumerate((first, second)):
        big = np.kron(digit / 255.0, np.ones((4, 4)))  # 112×112
        left = 20 + slot * (112 + gap)
        ink[80:192, left : left + 112] = np.maximum(ink[80:192, left : left + 112], big)
    return ink


def test_single_canvas_digits_are_not_taken_for_two(mnist):
    rng = np.random.default_rng(0)
    flagged = [i for i in range(300) if side_by_side(ink_image(canvas_drawing(mnist.test.images[i], rng), 0.0))]
    assert flagged == []


def test_two_digits_side_by_side_are_seen(mnist):
    images = mnist.test.images
    assert all(side_by_side(two_digits(images[2 * i], images[2 * i + 1])) for i in range(100))


def test_a_digit_in_two_stacked_strokes_is_one_digit():
    ink = np.zeros((280, 280))
    ink[40:60, 80:200] = 1  # a 5's bar ...
    ink[80:240, 100:120] = 1  # ... above its body, not touching
    assert len(ink_parts(ink)) == 2
    assert not side_by_side(ink)


def test_the_diagram_labels_the_blogs_sigmoid_outputs_as_the_prediction_does():
    rng = np.random.default_rng(3)
    network = Network.create((784, 10, 2), "tanh", "sigmoid", "glorot-uniform", rng, np.float64)
    X = rng.uniform(0, 1, (784, 1))
    A = network.forward(X)[0]
    shares = network.output_probabilities(A)[:, 0]
    assert not np.isclose(A.sum(), 1)  # two sigmoids do not add up to 1 ...
    assert np.allclose(output_shares(A[:, 0]), shares)  # ... their shares do
    figure = network_diagram(network, X, class_names=(0, 1))
    labels = [text for trace in figure.data if trace.text is not None for text in trace.text if "%" in str(text)]
    assert labels == [f"{d}  {share:.0%}" for d, share in zip((0, 1), shares)]
