"""nnlib.finetune: a model taught one crossed 7 reads it (and other drawings of it) as 7, keeps
MNIST, leaves the original as it was, and gives the same weights for the same seed."""

import numpy as np
import pytest

from devtools.teach_drawings import CROSSED_SEVEN, canvas_ink, misreading_model
from nnlib import prepare_data
from nnlib.finetune import finetune, teach
from nnlib.pipeline import read_ink


@pytest.fixture(scope="module")
def model_and_data(mnist):
    network, config = misreading_model()
    data = prepare_data(mnist, config.digits, config.normalization, config.dtype)
    return network, config, data


@pytest.fixture(scope="module")
def crossed_seven(model_and_data):
    """The crossed 7 as the network's input row (1, 784), and how the untaught model reads it."""
    network, config, _ = model_and_data
    reading = read_ink(canvas_ink(CROSSED_SEVEN), network, config)
    return reading.X.T, reading.digit


def test_the_untaught_model_reads_the_crossed_seven_wrong(crossed_seven):
    assert crossed_seven[1] == 2


def test_teaching_one_crossed_seven_reads_it_and_its_redrawings_as_seven_and_keeps_mnist(model_and_data, crossed_seven):
    network, config, data = model_and_data
    result = teach(network, data, crossed_seven[0], np.array([7]), seed=0)
    assert list(result.personal_before) == [2] and list(result.personal_after) == [7]
    assert result.mnist_after >= result.mnist_before - 0.003  # at most 0.3 points lost
    for pen in (12, 24):  # the same 7 drawn with a thinner and a thicker pen
        assert read_ink(canvas_ink(CROSSED_SEVEN, pen), result.network, config).digit == 7


def test_finetune_is_deterministic_with_its_seed_and_leaves_the_original_untouched(model_and_data, crossed_seven):
    network, _, data = model_and_data
    original = {name: value.copy() for name, value in network.params.items()}
    first = finetune(network, data, crossed_seven[0], np.array([7]), seed=3, steps=20)
    second = finetune(network, data, crossed_seven[0], np.array([7]), seed=3, steps=20)
    other = finetune(network, data, crossed_seven[0], np.array([7]), seed=4, steps=20)
    for name, value in network.params.items():
        assert np.array_equal(value, original[name]), name
        assert np.array_equal(first.params[name], second.params[name]), name
        assert first.params[name] is not value
    assert not np.array_equal(first.params["W1"], other.params["W1"])


def test_no_personal_digits_or_mismatched_labels_are_refused(model_and_data, crossed_seven):
    network, _, data = model_and_data
    with pytest.raises(ValueError, match="no personal digits"):
        finetune(network, data, np.zeros((0, 784), np.float32), np.zeros(0, int))
    with pytest.raises(ValueError, match="labels"):
        finetune(network, data, crossed_seven[0], np.array([7, 7]))
