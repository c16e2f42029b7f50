"""The held-out writing-style sets (devtools/styles.py): deterministic by seed, the right labels,
pictures the app can read, and digits that look like their digit to the shipped model."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from devtools.styles import STYLE_BACKGROUND, STYLES, style_accuracy, style_set
from nnlib import prepare_data
from nnlib.cli import FINETUNE_LEARNING_RATE
from nnlib.config import ROBUST_STYLES_STAGE
from nnlib.finetune import STAGE_STYLE_SHARES, _stage_batch
from nnlib.modelio import open_model
from nnlib.network import one_hot
from nnlib.pipeline import read_digit

SHIPPED = Path(__file__).resolve().parent.parent / "assets" / "models" / "digits.npz"


@pytest.mark.parametrize("style", STYLES)
def test_same_seed_same_pictures_and_another_seed_differs(style):
    pictures, labels = style_set(style, count=3, seed=5)
    again, again_labels = style_set(style, count=3, seed=5)
    other, _ = style_set(style, count=3, seed=6)
    assert len(pictures) == 3 and labels.shape == (3,)
    np.testing.assert_array_equal(labels, again_labels)
    for picture, same in zip(pictures, again):
        np.testing.assert_array_equal(picture, same)
        assert picture.min() >= 0 and picture.max() <= 1
    assert not all(np.array_equal(a, b) for a, b in zip(pictures, other))


def test_each_style_set_holds_its_digit_and_the_scan_set_every_digit():
    for style in ("crossed_7", "open_4/scan", "scan"):
        _, labels = style_set(style, count=60)
        if style == "scan":
            assert set(labels.tolist()) == set(range(10))
        else:
            assert len(set(labels.tolist())) == 1


@pytest.mark.parametrize("style", STYLES)
def test_the_shipped_model_sees_each_style_as_its_digit_at_least_somewhat(style):
    """A sanity check of the drawings, not of the model: the right digit is among the shipped
    model's two likeliest answers for most pictures of every style."""
    network, config = open_model(SHIPPED)
    pictures, labels = style_set(style, count=12, seed=1)
    readings = [read_digit(picture, network, config, background=STYLE_BACKGROUND[style]) for picture in pictures]
    assert all(readings)
    top_two = [label in np.argsort(reading.probabilities)[-2:] for reading, label in zip(readings, labels)]
    assert np.mean(top_two) >= 0.6


@pytest.mark.parametrize("style", STYLES)
def test_the_shipped_model_reads_each_style_set(style):
    """The issue's target, 95 % per style, on the sets benchmarks/styles.py measures (300 pictures,
    seed 0); the shipped model's lowest is flag_1/scan at 97.7 %."""
    network, config = open_model(SHIPPED)
    assert style_accuracy(network, config, style, count=300, seed=0) >= 0.95


@pytest.fixture(scope="module")
def start_model(tmp_path_factory, small_data_dir) -> Path:
    """A model saved by the CLI (the robust preset, 16 hidden units, an epoch on 2,000 images): the
    start that the finetune and stage commands train further."""
    start = tmp_path_factory.mktemp("start") / "start.npz"
    train = [sys.executable, "-m", "nnlib", "train", "--preset", "robust", "--hidden", "16", "--epochs", "1"]
    made = subprocess.run(
        [*train, "--data-dir", str(small_data_dir), "--save", str(start)], capture_output=True, text=True, timeout=300
    )
    assert made.returncode == 0, made.stderr
    return start


def test_finetune_trains_a_saved_model_further_under_the_writing_styles(tmp_path, small_data_dir, start_model):
    first, second = start_model, tmp_path / "second.npz"
    data = ["--data-dir", str(small_data_dir)]
    finetune = [sys.executable, "-m", "nnlib", "finetune", "--model", str(first), "--epochs", "1", *data]
    tuned = subprocess.run([*finetune, "--save", str(second), "--json"], capture_output=True, text=True, timeout=300)
    assert tuned.returncode == 0, tuned.stderr
    assert json.loads(tuned.stdout.splitlines()[-1])["status"] == "finished"
    (before, _), (after, config) = open_model(first), open_model(second)
    assert config.augment_style == ROBUST_STYLES_STAGE.augment_style and config.hidden == (16,)
    assert config.learning_rate == FINETUNE_LEARNING_RATE
    assert not np.array_equal(before.params["W1"], after.params["W1"])


def test_finetune_names_a_missing_model_and_writes_nothing(tmp_path):
    saved = tmp_path / "out.npz"
    command = [sys.executable, "-m", "nnlib", "finetune", "--model", str(tmp_path / "none.npz"), "--save", str(saved)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "none.npz" in run.stderr and not saved.exists()


def test_the_stage_teaches_a_redrawn_digit_its_label_and_every_other_image_the_teachers_answer(mnist):
    network, config = open_model(SHIPPED)
    data = prepare_data(mnist, config.digits, config.normalization, config.dtype)
    rows = np.arange(256)
    X, Y = _stage_batch(network, data, rows, 1.0, np.random.default_rng(0))
    labels = one_hot(data.y_train[rows], 10, network.dtype)
    redrawn = np.all(Y == labels, axis=0)
    assert 0 < redrawn.sum() < 60 and set(data.y_train[rows][redrawn]) <= set(STAGE_STYLE_SHARES)
    teacher = network.output_probabilities(network.forward(X)[0])
    np.testing.assert_allclose(Y[:, ~redrawn], teacher[:, ~redrawn], rtol=1e-6)
    assert not np.array_equal(X[:, redrawn].T, data.X_train[rows][redrawn])


def test_the_stage_command_saves_a_model_further_trained_the_same_for_the_same_seed(
    tmp_path, small_data_dir, start_model
):
    data = ["--data-dir", str(small_data_dir)]
    stage = [sys.executable, "-m", "nnlib.finetune", "--model", str(start_model), *data, "--json"]
    for name in ("a.npz", "b.npz"):
        run = subprocess.run([*stage, "--save", str(tmp_path / name)], capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout.splitlines()[-1])["status"] == "finished"
    (before, _), (after, config), (again, _) = (
        open_model(path) for path in (start_model, tmp_path / "a.npz", tmp_path / "b.npz")
    )
    assert config.augment_style == "styles" and config.learning_rate == ROBUST_STYLES_STAGE.learning_rate
    assert not np.array_equal(before.params["W1"], after.params["W1"])
    for name, param in after.params.items():
        np.testing.assert_array_equal(param, again.params[name])


def test_the_stage_command_names_a_missing_model_and_writes_nothing(tmp_path):
    saved = tmp_path / "out.npz"
    command = [sys.executable, "-m", "nnlib.finetune", "--model", str(tmp_path / "none.npz"), "--save", str(saved)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "none.npz" in run.stderr and not saved.exists()
