"""python -m nnlib, end to end in a subprocess, on a small IDX folder."""

import json
import subprocess
import sys

import numpy as np
from PIL import Image

from devtools.live import ROOT


def nnlib(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "nnlib", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_train_evaluate_predict(tmp_path, small_data_dir, mnist):
    model = tmp_path / "m.npz"
    run = nnlib(
        "train",
        "--preset",
        "digits",
        "--hidden",
        "32",
        "--epochs",
        "2",
        "--augment",
        "0",
        "--data-dir",
        small_data_dir,
        "--save",
        model,
        "--json",
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert {"train_s", "test_accuracy", "test_correct", "test_total", "final_loss", "epochs"} <= set(result)
    assert result["test_total"] == 500 and result["epochs"] == 2
    assert result["test_correct"] == round(result["test_accuracy"] * 500)
    assert "epoch" in run.stderr and "test" in run.stderr

    evaluated = nnlib("evaluate", "--model", model, "--data-dir", small_data_dir, "--json")
    assert json.loads(evaluated.stdout.splitlines()[-1])["test_correct"] == result["test_correct"]

    Image.fromarray(mnist.test.images[0]).resize((280, 280)).save(tmp_path / "seven.png")
    np.save(tmp_path / "blank.npy", np.zeros((28, 28), np.uint8))
    predicted = nnlib("predict", "--model", model, tmp_path / "seven.png", tmp_path / "blank.npy", "--json")
    lines = [json.loads(line) for line in predicted.stdout.splitlines()]
    assert lines[0]["image"].endswith("seven.png") and lines[0]["digit"] == mnist.test.labels[0]
    assert abs(sum(lines[0]["probabilities"].values()) - 1) < 1e-3
    assert "empty" in lines[1]["error"]


def test_bad_input_gives_a_message_not_a_traceback(tmp_path, small_data_dir):
    bad = nnlib("train", "--digits", "3", "--data-dir", small_data_dir)
    assert bad.returncode == 2 and "at least two digits" in bad.stderr and "Traceback" not in bad.stderr
    missing = nnlib("train", "--data-dir", tmp_path)
    assert missing.returncode == 2 and "no train-images" in missing.stderr
    (tmp_path / "junk.npz").write_bytes(b"junk")
    junk = nnlib("evaluate", "--model", tmp_path / "junk.npz")
    assert junk.returncode == 2 and "not an .npz" in junk.stderr


def test_diverging_run_exits_nonzero_with_message(small_data_dir):
    run = nnlib("train", "--lr", "10", "--data-dir", small_data_dir, "--json")
    assert run.returncode == 1 and "diverged" in run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["status"] == "diverged"
    # the diverging batch's loss, not a made-up 0 (null only when it overflowed)
    assert result["final_loss"] is None or result["final_loss"] > 1
    assert f"by step {result['steps']} " in run.stderr  # the steps really done


def test_predict_exits_nonzero_when_an_image_fails(tmp_path):
    (tmp_path / "broken.png").write_bytes(b"not a picture")
    run = nnlib("predict", "--model", ROOT / "assets" / "models" / "digits.npz", tmp_path / "broken.png")
    assert run.returncode == 1 and "cannot read" in run.stdout and "1 of 1" in run.stderr


def test_nnlib_never_imports_streamlit():
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, nnlib, nnlib.cli, nnlib.gradcheck, nnlib.explain, "
            "nnlib.preprocess, nnlib.augment; print('streamlit' in sys.modules)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout.strip() == "False", probe.stderr
