"""Hostile model uploads through the Train page, in Chromium, against the real server.

Each bomb is a few kilobytes that a careless reader would inflate to hundreds of megabytes;
the server's peak resident memory (VmHWM, from /proc) must barely move.
"""

import re

import numpy as np
import pytest

from devtools.hostile_models import bzip2_header_bomb, deflate_bomb, zero_width_model
from devtools.live import draw_stroke, go_to, needs_chromium, open_page
from nnlib import Network
from nnlib.modelio import model_to_bytes

pytestmark = needs_chromium

MEMORY_RISE_LIMIT_MB = 50

UPLOADS = {
    "bzip2-bomb.npz": (bzip2_header_bomb, r"W1 is compressed with bzip2; only stored or deflate members are accepted"),
    "deflate-bomb.npz": (deflate_bomb, r"declares arrays larger than 64 MiB"),
    "lying-deflate.npz": (lambda: deflate_bomb(lie=True), r"is corrupt|more data than it declares"),
    "784-0-2.npz": (zero_width_model, r"W1 is \(0, 784\); every layer needs at least one neuron"),
}


def upload_and_wait(page, path) -> None:
    page.locator("input[type='file']").set_input_files(str(path))
    page.get_by_text(re.compile(f"Not loaded: {re.escape(path.name)}")).first.wait_for(timeout=60_000)


def upload_messages(page) -> str:
    return " ".join(
        page.locator("[data-testid='stAlert']").all_inner_texts()
        + page.locator("[data-testid='stFileUploader']").all_inner_texts()
    )


@pytest.mark.parametrize("name", list(UPLOADS))
def test_hostile_model_upload_is_refused_without_the_server_growing(live_server, page, tmp_path, name):
    build, message = UPLOADS[name]
    path = tmp_path / name
    path.write_bytes(build())
    open_page(page, f"{live_server.url}/Train", "Train")
    warm_up = tmp_path / "warm-up.npz"  # the server's first upload loads code: not the bomb's cost
    warm_up.write_bytes(b"not a model")
    upload_and_wait(page, warm_up)
    before = live_server.peak_memory_mb()

    upload_and_wait(page, path)

    rise = live_server.peak_memory_mb() - before
    print(f"{name}: the server's peak memory rose {rise:.1f} MB (from {before:.0f} MB)")
    assert rise < MEMORY_RISE_LIMIT_MB, f"the server's peak memory rose {rise:.0f} MB"
    text = upload_messages(page)
    assert re.search(f"Not loaded: {re.escape(name)}:? .*({message})", text), text
    assert "pickle" not in text and "Traceback" not in text and "/work" not in text
    assert page.locator("[data-testid='stException']").count() == 0
    assert "shipped ten-digit model" in page.locator("[data-testid='stSidebar']").inner_text()
    if name == "784-0-2.npz":  # the pages that showed tracebacks for it still work on the kept model
        for label in ("Weights", "Backprop", "Draw"):
            go_to(page, label)
    assert live_server.healthy()


@pytest.mark.parametrize("sizes", [(784, 2), (784, 1, 2)], ids=["no hidden layer", "1 neuron"])
def test_smallest_models_load_and_every_page_draws_them(live_server, page, tmp_path, sizes):
    network = Network.create(sizes, output="softmax", rng=np.random.default_rng(0))
    path = tmp_path / f"{'-'.join(map(str, sizes))}.npz"
    path.write_bytes(model_to_bytes(network))
    open_page(page, f"{live_server.url}/Train", "Train")
    page.locator("input[type='file']").set_input_files(str(path))
    page.get_by_text(re.compile(f"Loaded {re.escape(path.name)}")).first.wait_for(timeout=60_000)
    for label in ("Weights", "Backprop", "Draw"):
        go_to(page, label)
    draw_stroke(page, [(150, 40), (145, 140), (140, 240)])
    page.locator("[data-testid='stMetric']", has_text="Prediction").wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
