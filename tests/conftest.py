"""Shared fixtures: the embedded MNIST (loaded once) and a tiny IDX folder."""
from __future__ import annotations

import gzip
import re
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnlib.data import load_mnist  # noqa: E402


def write_idx(path: Path, array: np.ndarray, compress: bool = True) -> None:
    """Write a uint8 array as an IDX file (gzipped when compress)."""
    magic = 0x0800 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    raw = header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw, compresslevel=1) if compress else raw)


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

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


@dataclass
class Server:
    url: str
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid

    def peak_memory_mb(self) -> float:
        """The server's peak resident memory so far (VmHWM)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def healthy(self) -> bool:
        try:
            return urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=5).status == 200
        except OSError:
            return False


def start_server(log_path: Path, extra_env: dict | None = None) -> Server:
    """streamlit run streamlit_app.py on a free loopback port; waits until it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(extra_env or {})})
    server = Server(f"http://127.0.0.1:{port}", process)
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.healthy():
            return server
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"the server did not start; see {log_path}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


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


# --- Helpers for driving pages ---------------------------------------------------------

ARTIFACTS = ROOT / "test-artifacts"


def open_page(page, url: str, heading: str):
    page.goto(url)
    page.get_by_role("heading", name=re.compile(heading)).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stException']").count() == 0


def go_to(page, label: str):
    """Follow a sidebar link: the same session, unlike page.goto, which starts a new one."""
    page.locator("[data-testid='stSidebar']").get_by_role("link", name=re.compile(label)).click()
    page.get_by_role("heading", name=re.compile(label)).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stException']").count() == 0


def screenshot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def draw_stroke(page, points):
    canvas = page.locator("canvas.upper-canvas").first
    canvas.wait_for(timeout=30_000)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=8)
    page.mouse.up()
