"""Shared fixtures: the embedded MNIST (loaded once) and a tiny IDX folder."""

from __future__ import annotations

import os

import pytest

from devtools.live import BROWSER_ARGS, CHROMIUM, start_server, stop_server
from nnlib.data import load_mnist, write_idx

try:  # CI replays the same fuzz cases every run (a red CI must mean a change broke something);
    from hypothesis import settings  # local runs explore new ones

    settings.register_profile("ci", derandomize=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")
except ImportError:  # hypothesis comes with requirements-dev.txt
    pass


@pytest.fixture(scope="session")
def mnist():
    return load_mnist()


@pytest.fixture(scope="session")
def small_data_dir(tmp_path_factory, mnist):
    """A folder of real IDX files holding the first 2,000 train and 500 test images."""
    folder = tmp_path_factory.mktemp("small-mnist")
    write_idx(folder / "train-images-idx3-ubyte.gz", mnist.train.images[:2000])
    write_idx(folder / "train-labels-idx1-ubyte.gz", mnist.train.labels[:2000])
    write_idx(folder / "t10k-images-idx3-ubyte", mnist.test.images[:500], compress=False)
    write_idx(folder / "t10k-labels-idx1-ubyte", mnist.test.labels[:500], compress=False)
    return folder


# --- The real server and real Chromium, for the end-to-end tests -----------------------


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A freshly started server per test module; its first visitor is that module's first test."""
    server = start_server(tmp_path_factory.mktemp("server") / "streamlit.log")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def server(live_server):
    return live_server.url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()
