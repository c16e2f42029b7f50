"""The Backprop page's gradient check: right formulas get ✅ or "too small to check", never ❌.

The states walked are the page's own: its models (the blog's preset, the quick ten-digit one, the
shipped model), its images, and its SGD steps (1, 2 and 5, at the page's default and largest rates).
"""

import numpy as np
import pytest

from nnlib import PRESETS, Network, Trainer, one_hot
from nnlib.data import normalize, prepare_data, select_digits
from nnlib.gradcheck import AGREES, DIFFERS, TOO_SMALL, check_gradients
from nnlib.modelio import load_model
from nnlib.network import ACTIVATIONS
from nnlib.sgd import sgd_step
from ui.session import DEFAULT_MODEL_PATH

STEPS_CHECKED = (1, 2, 5)
PAGE_RATES = (0.1, 2.0)  # the page's default step and its largest
ENTRIES = 60  # per array: enough to meet a kink or a saturated unit, quick on a shared machine


@pytest.fixture(scope="module")
def models(mnist):
    """The models the page can show: the blog's preset and the quick ten-digit one, trained (an epoch
    on their first 2,000 images: past the first steps, as a student's model is), and the shipped one;
    each with its page images (page_images, chosen once)."""
    trained = {}
    for key in ("seed", "class"):
        config = PRESETS[key].replace(epochs=1, snapshots=0, evals_per_epoch=1, train_size=2000)
        trainer = Trainer(config, prepare_data(mnist, config.digits, config.normalization, config.dtype))
        trainer.run()
        trained[key] = (trainer.network, config)
    trained["shipped"] = load_model(DEFAULT_MODEL_PATH)
    return {key: (network, config, page_images(network, config, mnist)) for key, (network, config) in trained.items()}


def page_images(network, config, mnist) -> list[int]:
    """Images a student meets: the first three, and, of the first 10,000, the ones the model is most
    and least sure of."""
    images, classes = (part[:10_000] for part in select_digits(mnist.train, config.digits))
    X = normalize(images, config.normalization, dtype=network.dtype).T
    probabilities = network.output_probabilities(network.forward(X)[0])
    sure = probabilities[classes, np.arange(len(classes))]
    return [0, 1, 2, int(sure.argmax()), int(sure.argmin()), int(np.argsort(sure)[len(sure) // 2])]


def page_working_copy(network) -> Network:
    """The page's own float64 copy of the session's model."""
    return Network({k: v.astype(np.float64) for k, v in network.params.items()}, network.activation, network.output)


@pytest.mark.parametrize("model_key", ["seed", "class", "shipped"])
def test_every_check_the_page_can_show_is_right(models, mnist, model_key):
    network, config, chosen = models[model_key]
    images, classes = select_digits(mnist.train, config.digits)
    seen = []
    for index in chosen:
        X = normalize(images[index][None], config.normalization, dtype=np.float64).T
        Y = one_hot(np.array([int(classes[index])]), len(config.digits), np.float64)
        for rate in PAGE_RATES:
            working = page_working_copy(network)
            for step in range(max(STEPS_CHECKED) + 1):
                if step in (0, *STEPS_CHECKED) and (step > 0 or rate == PAGE_RATES[0]):
                    for name, result in check_gradients(working, X, Y, max_entries=ENTRIES).items():
                        seen.append(result.verdict)
                        assert result.verdict != DIFFERS, (model_key, index, rate, step, name, result)
                sgd_step(working, working.backward(working.forward(X)[1], Y), rate)
    assert AGREES in seen  # not everything waved through as too small


def test_a_saturated_answer_is_too_small_to_check_not_wrong(models, mnist):
    network, config, chosen = models["shipped"]
    images, classes = select_digits(mnist.train, config.digits)
    index = chosen[3]  # the image it is surest of
    X = normalize(images[index][None], config.normalization, dtype=np.float64).T
    Y = one_hot(np.array([int(classes[index])]), len(config.digits), np.float64)
    verdicts = {r.verdict for r in check_gradients(network, X, Y, max_entries=ENTRIES).values()}
    assert verdicts <= {AGREES, TOO_SMALL} and TOO_SMALL in verdicts


@pytest.mark.parametrize("wrong", ["tanh", "relu"])
def test_a_wrong_derivative_differs(monkeypatch, mnist, wrong):
    """A derivative off by a little (tanh' = 1 − A instead of 1 − A²; ReLU' = 0.9) is caught."""
    rng = np.random.default_rng(1)
    network = Network.create((784, 16, 10), wrong, "softmax", "glorot-uniform", rng, np.float64)
    function, _ = ACTIVATIONS[wrong]
    broken = (lambda A: 1 - A) if wrong == "tanh" else (lambda A: 0.9 * (A > 0))
    monkeypatch.setitem(ACTIVATIONS, wrong, (function, broken))
    X = normalize(mnist.train.images[:1], "minmax", dtype=np.float64).T
    Y = one_hot(np.array([int(mnist.train.labels[0])]), 10, np.float64)
    checks = check_gradients(network, X, Y, max_entries=ENTRIES)
    assert checks["dW1"].verdict == DIFFERS and checks["dB1"].verdict == DIFFERS
    assert checks["dW2"].verdict == AGREES  # the output layer does not use the hidden derivative
