"""nnlib.insight: input gradients against finite differences, saliency, fool, dream, sums, diagrams."""

import itertools

import numpy as np
import pytest

from nnlib.data import normalize
from nnlib.gradcheck import numerical_input_gradient, relative_error
from nnlib.image import blur
from nnlib.insight import (
    diagram,
    dream,
    dream_result,
    fool,
    input_gradient,
    neuron_sum,
    probabilities,
    saliency,
    total_variation_gradient,
)
from nnlib.modelio import load_model
from nnlib.network import ACTIVATIONS, OUTPUTS, Network, one_hot, sigmoid
from nnlib.pipeline import prepare_input
from nnlib.preprocess import ink_image, is_dot
from tests.test_preprocess import stroke_canvas

SHIPPED = "assets/models/digits.npz"


@pytest.fixture(scope="module")
def shipped():
    network, config = load_model(SHIPPED)
    return network, config


@pytest.fixture(scope="module")
def test_images(mnist, shipped):
    """The first 20 test images as the shipped model's input columns (784, 20), and their labels."""
    _, config = shipped
    return normalize(mnist.test.images[:20], config.normalization).T, mnist.test.labels[:20]


@pytest.mark.parametrize("activation,output", list(itertools.product(ACTIVATIONS, OUTPUTS)))
@pytest.mark.parametrize("sizes", [(6, 5, 3), (6, 5, 4, 3)])
def test_input_gradient_matches_finite_differences(activation, output, sizes):
    rng = np.random.default_rng(3)
    network = Network.create(sizes, activation, output, "glorot-uniform", rng, np.float64)
    for name, value in network.params.items():  # off ReLU's kink, nonzero gradients
        if name.startswith("B"):
            value += rng.choice([-1, 1], value.shape) * rng.uniform(0.2, 0.5, value.shape)
    X = rng.normal(0, 1, (sizes[0], 40))
    if activation == "relu":
        cache = network.forward(X)[1]
        clear = np.all([np.abs(cache[f"Z{l}"]).min(axis=0) > 0.02 for l in range(1, len(sizes) - 1)], axis=0)
        X = X[:, clear]
    X = X[:, :5].copy()
    assert X.shape[1] >= 3
    Y = one_hot(rng.integers(0, sizes[-1], X.shape[1]), sizes[-1], np.float64)
    dX = input_gradient(network, X, Y)
    assert dX.shape == X.shape
    assert relative_error(dX, numerical_input_gradient(network, X, Y)) < 1e-6


def test_input_gradient_leaves_backward_as_it_was():
    rng = np.random.default_rng(0)
    network = Network.create((6, 5, 3), dtype=np.float64, rng=rng)
    X, Y = rng.normal(0, 1, (6, 4)), one_hot(np.array([0, 1, 2, 1]), 3, np.float64)
    cache = network.forward(X)[1]
    plain = network.backward(cache, Y)
    extended = network.backward(cache, Y, input_gradient=True)
    assert set(extended) == set(plain) | {"dX"}
    for name in plain:
        np.testing.assert_array_equal(plain[name], extended[name])


def test_a_wrong_input_gradient_would_be_caught():
    """dX computed with W1 instead of W1ᵀ's partner (dZ2 instead of dZ1) is far from the finite differences."""
    rng = np.random.default_rng(1)
    network = Network.create((4, 4, 4), "tanh", "sigmoid", rng=rng, dtype=np.float64)
    X, Y = rng.normal(0, 1, (4, 3)), one_hot(np.array([0, 1, 2]), 4, np.float64)
    cache = network.forward(X)[1]
    wrong = network.params["W1"].T @ ((cache["A2"] - Y) / 3)
    assert relative_error(wrong, numerical_input_gradient(network, X.copy(), Y)) > 1e-2


def test_saliency_points_towards_the_class(shipped, test_images):
    """A small step along the saliency map raises the class's probability; against it lowers it."""
    network, _ = shipped
    X, labels = test_images
    for k in range(5):
        column, label = X[:, k : k + 1], int(labels[k])
        target = (label + 1) % 10  # a class it is not yet sure of
        before = probabilities(network, column)[target]
        towards = saliency(network, column, target)
        assert towards.shape == (784,)
        step = 0.02 * np.sign(towards)[:, None]
        assert probabilities(network, column + step)[target] > before
        assert probabilities(network, column - step)[target] < before


def test_saliency_refuses_a_bad_class_and_a_bad_input(shipped, test_images):
    network, _ = shipped
    X, _ = test_images
    with pytest.raises(ValueError, match="out of range"):
        saliency(network, X[:, :1], 10)
    with pytest.raises(ValueError, match="784"):
        saliency(network, np.zeros(100), 0)


def test_fool_changes_the_answer_with_a_small_valid_change(shipped, test_images):
    network, _ = shipped
    X, _ = test_images
    for k in range(8):
        column = X[:, k : k + 1]
        original = int(probabilities(network, column).argmax())
        result = fool(network, column)
        assert result.fooled and result.original_class == original
        assert result.class_index != original
        assert int(probabilities(network, result.X).argmax()) == result.class_index
        np.testing.assert_allclose(result.probabilities, probabilities(network, result.X))
        assert result.X.min() >= 0 and result.X.max() <= 1  # valid pixels
        np.testing.assert_allclose(result.X, column + result.change, atol=1e-6)
        assert result.size == pytest.approx(float(np.abs(result.change).max()))
        assert 0 < result.size < 0.5


def test_fool_finds_the_smallest_scale_of_its_change(shipped, test_images):
    """Nine tenths of the change found no longer fools the network (it was bisected to the edge)."""
    network, _ = shipped
    X, _ = test_images
    column = X[:, :1]
    result = fool(network, column)
    almost = (column + 0.9 * result.change).astype(network.dtype)
    assert int(probabilities(network, almost).argmax()) == result.original_class


def test_fool_reports_failure_instead_of_pretending():
    network = Network.create((4, 3, 2), rng=np.random.default_rng(0), dtype=np.float64)
    network.params["W1"][:] = 0  # the input cannot change anything
    result = fool(network, np.full((4, 1), 0.5), max_steps=5)
    assert not result.fooled and result.class_index == result.original_class and result.steps == 5


@pytest.mark.parametrize("digit", range(10))
def test_dream_is_read_as_its_digit(shipped, digit):
    """The shipped model reads each dream as its digit with p > 0.9, also after the round trip
    through a uint8 image and the model's own normalisation (as a page shows and re-reads it)."""
    network, config = shipped
    result = dream_result(network, digit)
    assert result.X.min() >= 0 and result.X.max() <= 1
    assert result.probabilities[digit] > 0.9
    image = np.clip(np.round(result.X[:, 0].reshape(28, 28) * 255), 0, 255).astype(np.uint8)
    assert probabilities(network, prepare_input(image, network, config.normalization))[digit] > 0.9


def test_dream_shows_its_progress_and_can_start_from_noise(shipped):
    network, _ = shipped
    steps = list(dream(network, 3, steps=40, every=10, start="noise"))
    assert [s.step for s in steps] == [10, 20, 30, 40]
    assert steps[-1].probabilities[3] > steps[0].probabilities[3] or steps[0].probabilities[3] > 0.9
    with pytest.raises(ValueError, match="blank"):
        next(dream(network, 3, start="paper"))


def test_regularisers():
    image = np.zeros((9, 9))
    image[4, 4] = 1
    blurred = blur(image, 1.0, edges="zero")  # as dream blurs
    assert blurred.sum() == pytest.approx(1.0) and blurred[4, 4] < 0.5 and blurred[4, 3] > 0
    assert blur(image, 0) is image
    tv = total_variation_gradient(image)  # a lone bright pixel is pulled down, its neighbours up
    assert tv[4, 4] > 0 and tv[4, 3] < 0 and tv.sum() == pytest.approx(0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sizes", [(784, 10, 2), (784, 16, 8, 10)])
def test_a_neuron_sum_adds_up_to_its_Z(mnist, dtype, sizes):
    network = Network.create(sizes, "tanh", "sigmoid", rng=np.random.default_rng(5), dtype=dtype)
    for name, value in network.params.items():
        if name.startswith("B"):
            value += np.random.default_rng(6).uniform(-0.5, 0.5, value.shape).astype(dtype)
    X = normalize(mnist.test.images[:1], "minmax", dtype).T
    _, cache = network.forward(X)
    for layer in range(1, len(sizes)):
        for neuron in range(sizes[layer]):
            parts = neuron_sum(network, cache, layer, neuron)
            assert parts.terms.shape == (sizes[layer - 1],)
            assert parts.total + parts.bias == pytest.approx(parts.Z, abs=1e-12)  # what is shown adds up
            assert parts.terms.sum() == pytest.approx(parts.total, abs=1e-12)
            assert abs(parts.Z - float(cache[f"Z{layer}"][neuron, 0])) < 1e-6  # the network's own Z
            activation = sigmoid if layer == len(sizes) - 1 else np.tanh
            assert parts.A == pytest.approx(float(activation(parts.Z)), abs=1e-6)
    first = neuron_sum(network, cache, 1, 3)
    np.testing.assert_allclose(first.terms, network.params["W1"][3].astype(float) * X[:, 0].astype(float))


def test_neuron_sum_names_what_does_not_exist(shipped):
    network, _ = shipped
    _, cache = network.forward(np.zeros((784, 1), network.dtype))
    with pytest.raises(ValueError, match="layer 9"):
        neuron_sum(network, cache, 9, 0)
    with pytest.raises(ValueError, match="neuron 5000"):
        neuron_sum(network, cache, 1, 5000)


def test_the_blog_network_diagram_shows_every_hidden_neuron(mnist):
    network = Network.create((784, 10, 2), rng=np.random.RandomState(2), dtype=np.float64)
    X = normalize(mnist.test.images[:1], "minmax", np.float64).T
    picture = diagram(network, X)
    assert picture.image.shape == (28, 28)
    assert [layer.size for layer in picture.layers] == [784, 10, 2]
    hidden, out = picture.layers[1], picture.layers[2]
    assert not hidden.partial and list(hidden.shown) == list(range(10))
    _, cache = network.forward(X)
    np.testing.assert_allclose(hidden.A, cache["A1"][:, 0])
    np.testing.assert_allclose(out.Z, cache["Z2"][:, 0])
    into_hidden, into_out = picture.edges
    np.testing.assert_allclose(into_hidden.contribution[:, 0], cache["Z1"][:, 0] - network.params["B1"][:, 0])
    np.testing.assert_allclose(into_out.contribution, network.params["W2"] * cache["A1"][:, 0][None, :])
    # each output's edges plus its bias are its Z
    np.testing.assert_allclose(into_out.contribution.sum(axis=1) + network.params["B2"][:, 0], out.Z)


def test_a_wide_layer_shows_its_most_active_neurons(shipped, test_images):
    network, _ = shipped
    X, _ = test_images
    picture = diagram(network, X[:, :1], max_neurons=6)
    _, cache = network.forward(X[:, :1])
    for layer in picture.layers[1:-1]:
        assert layer.partial and len(layer.shown) == 6
        A = np.abs(cache[f"A{layer.layer}"][:, 0])
        assert np.abs(layer.A).min() >= np.sort(A)[-6] - 1e-12  # none left out is more active
    assert not picture.layers[-1].partial and len(picture.layers[-1].shown) == 10
    for edges, layer, previous in zip(picture.edges[1:], picture.layers[2:], picture.layers[1:]):
        assert edges.contribution.shape == (len(layer.shown), len(previous.shown))


def test_a_tap_is_a_dot_and_a_digit_is_not():
    tap = ink_image(stroke_canvas(points=((140, 140), (140, 141)), width=18), 0.0)
    fat_tap = ink_image(stroke_canvas(points=((140, 140), (141, 141)), width=40), 0.0)
    one = ink_image(stroke_canvas(points=((60, 140), (220, 140)), width=18), 0.0)
    short_one = ink_image(stroke_canvas(points=((110, 140), (170, 140)), width=18), 0.0)
    assert is_dot(tap) and is_dot(fat_tap)
    assert not is_dot(one) and not is_dot(short_one)
    assert not is_dot(np.zeros((280, 280)))
