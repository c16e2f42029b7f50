"""The maths: gradients against finite differences, and the loss falls."""

import itertools

import numpy as np
import pytest

from nnlib.gradcheck import gradient_check, numerical_gradient, relative_error
from nnlib.network import ACTIVATIONS, INITS, OUTPUTS, Network, one_hot


@pytest.mark.parametrize("activation,output,init", list(itertools.product(ACTIVATIONS, OUTPUTS, INITS)))
@pytest.mark.parametrize("sizes", [(6, 5, 3), (6, 5, 4, 3)])
def test_backward_matches_finite_differences(activation, output, init, sizes):
    rng = np.random.default_rng(7)
    network = Network.create(sizes, activation, output, init, rng, np.float64)
    # Nonzero biases: with zeros init they make the gradients nonzero, and for
    # ReLU they keep pre-activations away from the kink at 0, where a finite
    # difference is meaningless.
    for name, value in network.params.items():
        if name.startswith("B"):
            value += rng.choice([-1, 1], value.shape) * rng.uniform(0.2, 0.5, value.shape)
    X = rng.normal(0, 1, (sizes[0], 30))
    if activation == "relu":  # keep the columns whose pre-activations are all off the kink
        cache = network.forward(X)[1]
        clear = np.all([np.abs(cache[f"Z{l}"]).min(axis=0) > 0.02 for l in range(1, len(sizes) - 1)], axis=0)
        X = X[:, clear]
    X = X[:, :7]
    assert X.shape[1] >= 3
    Y = one_hot(rng.integers(0, sizes[-1], X.shape[1]), sizes[-1], np.float64)
    _, cache = network.forward(X)
    grads = network.backward(cache, Y)
    assert set(grads) == {"d" + name for name in network.params}
    for name in network.params:
        numeric = numerical_gradient(network, X, Y, name)
        assert grads["d" + name].shape == network.params[name].shape
        assert relative_error(grads["d" + name], numeric) < 1e-6, name


def test_sampled_gradient_check_on_the_blog_network(mnist):
    """The check the Backprop page shows: one MNIST image, the blog's 784-10-2."""
    network = Network.create((784, 10, 2), rng=np.random.RandomState(2), dtype=np.float64)
    X = mnist.train.images[1].reshape(784, 1) / 255.0
    errors = gradient_check(network, X, one_hot(np.array([0]), 2, np.float64), max_entries=200)
    assert set(errors) == {"dW1", "dB1", "dW2", "dB2"}
    assert max(errors.values()) < 1e-6


def test_gradient_check_can_fail():
    """A deliberately wrong derivative (tanh' = 1 - A) is caught."""
    rng = np.random.default_rng(1)
    network = Network.create((4, 3, 2), "tanh", "sigmoid", "glorot-uniform", rng, np.float64)
    X, Y = rng.normal(0, 1, (4, 5)), one_hot(np.array([0, 1, 1, 0, 1]), 2, np.float64)
    original = ACTIVATIONS["tanh"]
    try:
        ACTIVATIONS["tanh"] = (np.tanh, lambda A: 1 - A)
        grads = network.backward(network.forward(X)[1], Y)
    finally:
        ACTIVATIONS["tanh"] = original
    assert relative_error(grads["dW1"], numerical_gradient(network, X, Y, "W1")) > 1e-3


def test_shapes_follow_the_blog():
    network = Network.create((784, 10, 2), rng=np.random.RandomState(2), dtype=np.float64)
    assert network.params["W1"].shape == (10, 784)
    assert network.params["B1"].shape == (10, 1)
    assert network.params["W2"].shape == (2, 10)
    assert network.params["B2"].shape == (2, 1)
    A2, cache = network.forward(np.zeros((784, 3)))
    assert A2.shape == (2, 3) and cache["A1"].shape == (10, 3)


def test_blog_initialisation_is_np_random_seed_2():
    np.random.seed(2)
    W1 = np.random.uniform(-np.sqrt(6) / np.sqrt(794), np.sqrt(6) / np.sqrt(794), size=(10, 784))
    W2 = np.random.uniform(-np.sqrt(6) / np.sqrt(12), np.sqrt(6) / np.sqrt(12), size=(2, 10))
    network = Network.create((784, 10, 2), rng=np.random.RandomState(2), dtype=np.float64)
    np.testing.assert_array_equal(network.params["W1"], W1)
    np.testing.assert_array_equal(network.params["W2"], W2)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_loss_falls_on_a_tiny_problem(activation, output):
    """Three Gaussian blobs in 2-D: 200 full-batch steps cut the loss by half or more."""
    rng = np.random.default_rng(0)
    centres = np.array([[2, 0], [-1, 2], [-1, -2]])
    classes = rng.integers(0, 3, 300)
    X = (centres[classes] + rng.normal(0, 0.5, (300, 2))).T
    Y = one_hot(classes, 3, np.float64)
    network = Network.create((2, 8, 3), activation, output, "glorot-uniform", rng, np.float64)
    first = network.loss(network.forward(X)[1], Y)
    for _ in range(200):
        _, cache = network.forward(X)
        grads = network.backward(cache, Y)
        for name in network.params:
            network.params[name] -= 0.5 * grads["d" + name]
    last = network.loss(network.forward(X)[1], Y)
    assert last < 0.5 * first
    assert (network.predict(X) == classes).mean() > 0.9


def test_zero_init_never_breaks_symmetry():
    """With zeros every hidden neuron stays identical: the classroom's cautionary tale."""
    rng = np.random.default_rng(0)
    network = Network.create((4, 5, 2), "tanh", "softmax", "zeros", rng, np.float64)
    X, Y = rng.normal(0, 1, (4, 20)), one_hot(rng.integers(0, 2, 20), 2, np.float64)
    for _ in range(50):
        grads = network.backward(network.forward(X)[1], Y)
        for name in network.params:
            network.params[name] -= 0.5 * grads["d" + name]
    W1 = network.params["W1"]
    assert np.allclose(W1, W1[0])


def test_loss_is_stable_for_huge_logits():
    network = Network.create((2, 2, 2), "tanh", "sigmoid", "glorot-uniform", np.random.default_rng(0), np.float64)
    network.params["B2"][:] = [[800.0], [-800.0]]
    loss = network.loss(network.forward(np.zeros((2, 1)))[1], np.array([[0.0], [1.0]]))
    assert np.isfinite(loss) and loss == pytest.approx(1600.0)
