"""The Lab's maths: edits rebuilt from the original (reversible bit for bit), the knock-out's fast
path equal to the plain one, damage repeatable with its seed, PCA as numpy.linalg.svd gives it,
and the task pool's cache."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib import Network
from nnlib.damage import KINDS, damage, robustness, to_rows
from nnlib.lab import (
    Edits,
    NeuronTweak,
    apply_edits,
    confusion,
    edited_logits,
    first_layer_sums,
    forward_from,
    knockout_losses,
    knockout_losses_slow,
    model_hash,
    per_digit_accuracy,
    second_layer_sums,
    updated_second_sums,
)
from nnlib.modelio import model_from_bytes, model_to_bytes
from nnlib.projection import activations, pca_2d


def small_network(activation="relu", dtype=np.float64, seed=0) -> Network:
    return Network.create((20, 12, 8, 4), activation, "softmax", "he-normal", np.random.default_rng(seed), dtype)


def toy_data(seed=1, m=300):
    rng = np.random.default_rng(seed)
    X = rng.random((m, 20))
    classes = small_network().predict(X.T)  # labels the network mostly gets right
    flip = rng.random(m) < 0.2
    classes[flip] = rng.integers(0, 4, flip.sum())
    return X, classes


EVERY_EDIT = Edits(
    off=((1, 2), (2, 5)),
    tweaks=(NeuronTweak(1, 3, 0.7, 1.5), NeuronTweak(2, 1, -0.2, 0.0)),
    prune=0.4,
    noise=0.3,
    temperature=2.5,
)


def test_edits_never_touch_the_original_and_reset_gives_it_back_bit_for_bit():
    network = small_network()
    before = {name: value.copy() for name, value in network.params.items()}
    edited = apply_edits(network, EVERY_EDIT)
    assert any(not np.array_equal(edited.params[n], before[n]) for n in before)
    reset = apply_edits(network, Edits())
    for name, value in before.items():
        assert network.params[name].tobytes() == value.tobytes()
        assert reset.params[name].tobytes() == value.tobytes()


def test_the_same_edits_give_the_same_network_every_time():
    network = small_network()
    first, second = apply_edits(network, EVERY_EDIT), apply_edits(network, EVERY_EDIT)
    assert model_hash(first) == model_hash(second) != model_hash(network)


def test_a_switched_off_neuron_sends_nothing_on():
    network = small_network(activation="sigmoid")  # sigmoid(0) = 0.5: off must not mean Z = 0
    X, _ = toy_data()
    edited = apply_edits(network, Edits(off=((1, 4),)))
    A1 = activations(network, X)[1].copy()
    A1[:, 4] = 0
    expected = forward_from(network, network.params["W2"] @ A1.T + network.params["B2"], 2)
    assert np.allclose(forward_from(edited, first_layer_sums(edited, X), 1), expected)


def test_temperature_changes_the_confidence_but_not_the_answer():
    network = small_network()
    X, _ = toy_data()
    hot = apply_edits(network, Edits(temperature=4.0))
    assert np.array_equal(hot.predict(X.T), network.predict(X.T))
    assert hot.probabilities(X.T).max(axis=0).mean() < network.probabilities(X.T).max(axis=0).mean()


def test_prune_all_and_nothing():
    network = small_network()
    assert all(not apply_edits(network, Edits(prune=1.0)).params[f"W{l}"].any() for l in (1, 2, 3))
    half = apply_edits(network, Edits(prune=0.5)).params["W1"]
    assert abs((half == 0).mean() - 0.5) < 0.02


def test_an_edit_that_does_not_fit_is_refused_with_a_message():
    with pytest.raises(ValueError, match="not a hidden neuron"):
        apply_edits(small_network(), Edits(off=((3, 0),)))


def test_the_quick_edited_logits_equal_a_whole_forward_pass():
    network = small_network()
    X, _ = toy_data()
    Z1 = first_layer_sums(network, X)
    for edits in (Edits(off=((1, 1), (2, 3))), Edits(tweaks=(NeuronTweak(1, 0, 1.0, 2.0),)), EVERY_EDIT):
        edited = apply_edits(network, edits)
        whole = forward_from(edited, first_layer_sums(edited, X), 1)
        assert np.allclose(edited_logits(network, edited, edits, X, Z1), whole, atol=1e-12)


@pytest.mark.parametrize("sizes", [(20, 12, 8, 4), (20, 12, 4)])
def test_the_low_rank_second_layer_gives_the_whole_forward_pass(sizes):
    network = Network.create(sizes, "relu", "softmax", "he-normal", np.random.default_rng(0), np.float64)
    X, _ = toy_data()
    Z1 = first_layer_sums(network, X)
    Z2 = second_layer_sums(network, Z1)
    last_hidden = len(sizes) - 2
    assert np.array_equal(edited_logits(network, network, Edits(), X, Z1, Z2), forward_from(network, Z1, 1))
    for edits in (
        Edits(off=((1, 1), (1, 7))),
        Edits(off=((1, 1), (last_hidden, 3)), temperature=3.0),
        Edits(tweaks=(NeuronTweak(1, 0, 1.0, 2.0), NeuronTweak(last_hidden, 2, -0.5, 0.5))),
        EVERY_EDIT if len(sizes) == 4 else Edits(prune=0.4, temperature=0.5),
    ):
        edited = apply_edits(network, edits)
        whole = forward_from(edited, first_layer_sums(edited, X), 1)
        assert np.allclose(edited_logits(network, edited, edits, X, Z1, Z2), whole, atol=1e-12), edits


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_knockout_fast_path_equals_the_slow_path(activation):
    network = small_network(activation)
    X, classes = toy_data()
    fast = knockout_losses(network, X, classes)
    assert np.allclose(fast, knockout_losses_slow(network, X, classes), atol=1e-12)
    assert fast.shape == (12,) and np.abs(fast).max() > 0


def test_per_digit_accuracy_and_confusion_count_the_same_images():
    predictions, classes = np.array([0, 1, 1, 2, 2, 2]), np.array([0, 1, 2, 2, 2, 0])
    assert np.allclose(per_digit_accuracy(predictions, classes, 3), [0.5, 1.0, 2 / 3])
    matrix = confusion(predictions, classes, 3)
    assert matrix.sum() == 6 and np.trace(matrix) == 4 and matrix[2, 1] == 1


def test_an_edited_model_saves_and_loads():
    edited = apply_edits(small_network(dtype=np.float32), EVERY_EDIT)
    loaded, _ = model_from_bytes(model_to_bytes(edited))
    assert model_hash(loaded) == model_hash(edited)


# --- damage -----------------------------------------------------------------------------------


def digits_images(mnist, count=16):
    return mnist.test.images[:count] / np.float32(255), mnist.test.labels[:count].astype(int)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_damage_is_repeatable_with_its_seed_and_zero_changes_nothing(mnist, kind):
    images, _ = digits_images(mnist)
    strength = KINDS[kind].strengths[3]
    first, again = damage(images, kind, strength, seed=5), damage(images, kind, strength, seed=5)
    assert first.tobytes() == again.tobytes()
    assert first.shape == images.shape and 0 <= first.min() and first.max() <= 1
    assert not np.array_equal(first, images)
    assert np.array_equal(damage(images, kind, 0, seed=5), images)


@pytest.mark.parametrize("kind", ["noise", "rotation", "shift"])
def test_random_damage_differs_with_another_seed(mnist, kind):
    images, _ = digits_images(mnist)
    strength = KINDS[kind].strengths[3]
    assert not np.array_equal(damage(images, kind, strength, seed=1), damage(images, kind, strength, seed=2))


def test_bold_adds_ink_and_thin_takes_it_away(mnist):
    images, _ = digits_images(mnist)
    assert damage(images, "bold", 1, 0).sum() > images.sum() > damage(images, "thin", 1, 0).sum()


def test_robustness_curves_fall_as_damage_grows(mnist):
    from nnlib.modelio import load_model
    from ui.session import DEFAULT_MODEL_PATH

    network, config = load_model(DEFAULT_MODEL_PATH)
    images, classes = digits_images(mnist, 300)
    curves = robustness(network, images, classes, config.normalization)
    assert set(curves) == set(KINDS) and all(len(curve) >= 6 for curve in curves.values())
    plain = (network.predict(to_rows(images, config.normalization, network.dtype).T) == classes).mean()
    assert all(curve[0] == plain for curve in curves.values())
    assert curves["rotation"][-1] < plain - 0.3 and curves["noise"][-1] < plain - 0.2


# --- projection -------------------------------------------------------------------------------


def test_pca_matches_numpy_svd_on_a_toy_set():
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(50, 6)) @ np.diag([5, 3, 1, 0.5, 0.2, 0.1])
    points = pca_2d(rows)
    centred = rows - rows.mean(axis=0)
    U, S, _ = np.linalg.svd(centred, full_matrices=False)
    expected = U[:, :2] * S[:2]
    for axis in range(2):  # the same up to each axis's sign
        assert np.allclose(np.abs(points[:, axis]), np.abs(expected[:, axis]))
        assert np.isclose(abs(points[:, axis] @ expected[:, axis]), S[axis] ** 2)


def test_activations_are_every_layer_as_rows():
    network = small_network()
    X, _ = toy_data()
    layers = activations(network, X)
    assert [layer.shape for layer in layers] == [(300, 20), (300, 12), (300, 8), (300, 4)]
    assert np.allclose(layers[-1].T, network.forward(X.T)[0])


def test_tsne_gives_points_for_every_row():
    from nnlib.projection import tsne_2d

    rows = np.random.default_rng(0).normal(size=(60, 8))
    assert tsne_2d(rows).shape == (60, 2)


def test_neurons_switched_off_take_the_low_rank_path():
    network = Network.create((20, 40, 30, 4), "relu", "softmax", "he-normal", np.random.default_rng(0), np.float64)
    X, _ = toy_data()
    Z1 = first_layer_sums(network, X)
    Z2 = second_layer_sums(network, Z1)
    edits = Edits(off=((1, 3), (1, 9), (2, 4)), tweaks=(NeuronTweak(2, 1, 0.5, 2.0),), temperature=2.0)
    edited = apply_edits(network, edits)
    quick = updated_second_sums(network, edited, edits, Z1, Z1, Z2)
    assert quick is not None
    act_Z1 = np.maximum(Z1, 0)
    assert np.allclose(quick, edited.params["W2"] @ act_Z1 + edited.params["B2"], atol=1e-12)
