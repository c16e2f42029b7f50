"""python -m nnlib, end to end in a subprocess, on a small IDX folder."""

import contextlib
import json
import os
import pty
import re
import subprocess
import sys
import threading

import numpy as np
from PIL import Image

from devtools.hostile_models import png_header_bomb
from devtools.live import ROOT
from nnlib import cli
from nnlib.cli import SURE_CONFIDENCE
from nnlib.modelio import open_model
from nnlib.preprocess import read_picture_file


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


SHIPPED_MODEL = ROOT / "assets" / "models" / "digits.npz"


def test_predict_reads_every_image_after_a_bad_one(tmp_path, mnist):
    """A decompression bomb, bad .npy files and a missing file are each a message; the good images
    are still read, each with how sure the answer is."""
    seven, two = mnist.test.images[0], mnist.test.images[1]
    assert (mnist.test.labels[0], mnist.test.labels[1]) == (7, 2)
    (tmp_path / "bomb.png").write_bytes(png_header_bomb(100_000, 100_000))
    Image.fromarray(seven.astype(np.uint16) * 257).save(tmp_path / "seven16.png")
    np.save(tmp_path / "strings.npy", np.array([["a"] * 28] * 28))
    np.save(tmp_path / "nan.npy", np.full((28, 28), np.nan))
    np.save(tmp_path / "huge.npy", np.zeros((28, 28), np.uint8))
    (tmp_path / "huge.npy").write_bytes((tmp_path / "huge.npy").read_bytes().replace(b"(28, 28)", b"(99,999)"))
    Image.fromarray(two).save(tmp_path / "two.png")
    four, nine = (mnist.test.images[mnist.test.labels == digit][2].astype(float) for digit in (4, 9))
    np.save(tmp_path / "four-or-nine.npy", ((four + nine) / 2).astype(np.uint8))
    names = [
        "bomb.png",
        "seven16.png",
        "strings.npy",
        "nan.npy",
        "huge.npy",
        "missing.png",
        "two.png",
        "four-or-nine.npy",
    ]

    run = nnlib("predict", "--model", SHIPPED_MODEL, *(tmp_path / name for name in names))

    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "5 of 8 images could not be read" in run.stderr
    records = {record["image"].rsplit("/", 1)[-1]: record for record in map(json.loads, run.stdout.splitlines())}
    assert list(records) == names
    assert "decompression bomb" in records["bomb.png"]["error"]
    assert records["seven16.png"]["digit"] == 7  # scaled, not clipped (which read it as 8)
    assert "not plain numbers" in records["strings.npy"]["error"]
    assert "NaN" in records["nan.npy"]["error"]
    assert "promises 98901 bytes" in records["huge.npy"]["error"]
    assert "error" in records["missing.png"]
    assert records["two.png"]["digit"] == 2
    assert records["two.png"]["sure"] is True and records["two.png"]["confidence"] >= SURE_CONFIDENCE
    blend = records["four-or-nine.npy"]  # half a 4, half a 9: an answer, flagged not sure
    assert blend["sure"] is False and blend["confidence"] < SURE_CONFIDENCE and sorted(blend["likeliest"]) == [4, 9]
    assert blend["confidence"] == max(blend["probabilities"].values())


@contextlib.contextmanager
def killed_after(process, seconds: float):
    """Kill the process when the block ends, or after seconds if the block hangs reading it."""
    watchdog = threading.Timer(seconds, process.kill)
    watchdog.start()
    try:
        yield
    finally:
        watchdog.cancel()
        process.kill()
        process.wait(timeout=30)


def test_train_prints_each_evaluation_as_it_is_made():
    """The digits preset's 12 epochs, on 5,000 images: its first evaluation shows long before the end."""
    process = subprocess.Popen(
        [sys.executable, "-m", "nnlib", "train", "--preset", "digits", "--train-size", "5000", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with killed_after(process, 300):
        lines = []
        for line in process.stderr:  # line by line, as the process writes them
            lines.append(line)
            if line.startswith("epoch"):
                break
        still_training = process.poll() is None
    assert lines and lines[-1].startswith("epoch   1.00"), lines  # the first of 12 epochs
    assert still_training
    assert "\r" not in "".join(lines)  # piped: no progress bar


def test_train_draws_a_progress_bar_on_a_terminal(small_data_dir):
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "nnlib", "train", "--data-dir", str(small_data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    shown = bytearray()
    with killed_after(process, 300):
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the process ended
                break
            if not chunk:
                break
            shown += chunk
        os.close(controller)
        assert process.wait(timeout=300) == 0
    text = shown.decode()
    assert re.search(r"\r\[#+\.*\] +\d+%  epoch", text), text[:500]
    assert "\r\x1b[Kepoch   1.00" in text  # an evaluation line clears the bar, which is drawn again under it
    assert "test accuracy" in process.stdout.read().decode()


def test_predict_reads_the_next_image_when_one_runs_out_of_memory(tmp_path, mnist, monkeypatch):
    Image.fromarray(mnist.test.images[1]).save(tmp_path / "two.png")

    def out_of_memory_for_big(path):
        if "big" in str(path):
            raise MemoryError
        return read_picture_file(path)

    monkeypatch.setattr(cli, "read_picture_file", out_of_memory_for_big)
    network, config = open_model(SHIPPED_MODEL, input_size=28 * 28)
    assert "not enough memory" in cli.predict_one(str(tmp_path / "big.npy"), network, config)["error"]
    assert cli.predict_one(str(tmp_path / "two.png"), network, config)["digit"] == 2


def test_predict_refuses_named_pipes_at_once(tmp_path, mnist):
    """open() on a named pipe waits for a writer forever: a pipe is a message, the rest is read."""
    os.mkfifo(tmp_path / "pipe.png")
    os.mkfifo(tmp_path / "pipe.npz")
    Image.fromarray(mnist.test.images[1]).save(tmp_path / "two.png")

    run = nnlib("predict", "--model", SHIPPED_MODEL, tmp_path / "pipe.png", tmp_path / "two.png")
    model_run = nnlib("predict", "--model", tmp_path / "pipe.npz", tmp_path / "two.png")

    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.returncode == 1 and "not a regular file" in records[0]["error"] and records[1]["digit"] == 2
    assert model_run.returncode == 2 and "not a regular file" in model_run.stderr, model_run.stderr
