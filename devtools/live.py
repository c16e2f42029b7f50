"""The real server and real Chromium, for the end-to-end tests, the benchmarks and scripts.

    from devtools.live import start_server, stop_server, open_page, draw_stroke

``start_server`` runs ``streamlit run streamlit_app.py`` on a free loopback port; the
page helpers drive it in headless Chromium (Debian's, with Playwright).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# BROWSER_ARGS and descendants are imported from here by tests and scripts too.
from devtools.bench import BROWSER_ARGS, CHROMIUM, cpu_seconds, descendants, status_mb, tree_cpu_seconds  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path | None = None

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the server printed (its log), for a failed test's report."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    @property
    def pid(self) -> int:
        return self.process.pid

    def peak_memory_mb(self) -> float:
        """The server's peak resident memory so far (VmHWM)."""
        return status_mb(self.pid, "VmHWM")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server has used so far."""
        return cpu_seconds(self.pid)

    def tree_cpu_seconds(self) -> float:
        """CPU time of the server and every process under it (its training workers)."""
        return tree_cpu_seconds(self.pid)

    def healthy(self) -> bool:
        try:
            return urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=5).status == 200
        except OSError:
            return False


def start_server(
    log_path: Path, extra_env: dict | None = None, app_dir: Path | None = None, prefix: list[str] | None = None
) -> Server:
    """streamlit run streamlit_app.py on a free loopback port; waits until it answers.

    app_dir: another checkout of the app (a benchmark's "before"); default this one.
    prefix: a command that execs the server (devtools.container.small_shm_prefix): same pid.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(log_path, "w")
    process = subprocess.Popen(
        [
            *(prefix or []),
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            # a test server never reloads modules: a reloaded server.jobs could not unpickle its own jobs
            "--server.fileWatcherType",
            "none",
        ],
        cwd=app_dir or ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})},  # log_tail has every line
    )
    server = Server(f"http://127.0.0.1:{port}", process, Path(log_path))
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


# --- Replicas behind nginx (deploy/replicas.sh) -----------------------------------------

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Replicas:
    url: str  # nginx
    base: int  # replica k listens on base + k
    script: subprocess.Popen


def free_port_block(size: int) -> int:
    """A port p with p..p+size-1 free on loopback (checked, not reserved)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            start = probe.getsockname()[1]
        if start + size >= 65535:
            continue
        try:
            sockets = []
            for port in range(start, start + size):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return start
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no block of free ports")


def answers(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=3).status == 200
    except OSError:
        return False


def start_replicas(count: int, log_path: Path, extra_env: dict | None = None) -> Replicas:
    """deploy/replicas.sh count PORT on free loopback ports; waits until nginx answers for a replica."""
    port = free_port_block(count + 1)
    # a test's replicas never reload modules: edits of the working tree during a run must not reach them
    env = {"REPLICA_BASE_PORT": str(port + 1), "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none", **(extra_env or {})}
    with open(log_path, "w") as log:
        script = subprocess.Popen(
            ["bash", str(ROOT / "deploy" / "replicas.sh"), str(count), str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while not answers(f"{url}/_stcore/health"):
        if script.poll() is not None or time.time() > deadline:
            stop_replicas(Replicas(url, port + 1, script))
            raise RuntimeError(f"replicas did not start; see {log_path}")
        time.sleep(0.5)
    return Replicas(url, port + 1, script)


def stop_replicas(replicas: Replicas) -> None:
    """SIGTERM to the script, which stops nginx and every replica it started."""
    if replicas.script.poll() is None:
        replicas.script.terminate()
        try:
            replicas.script.wait(timeout=30)
        except subprocess.TimeoutExpired:
            replicas.script.kill()


@dataclass
class PrefixProxy:
    url: str  # http://127.0.0.1:PORT/<prefix>
    process: subprocess.Popen


PREFIX_PROXY_CONF = """worker_processes 1;
pid {folder}/nginx.pid;
error_log stderr warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    server {{
        listen 127.0.0.1:{port};
        location /{prefix}/ {{
            proxy_pass {server}/;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 1h;
            proxy_buffering off;
        }}
    }}
}}
"""


def start_prefix_proxy(server_url: str, prefix: str, folder: Path) -> PrefixProxy:
    """nginx serving server_url under /prefix/, the prefix stripped (a school's shared host, say)."""
    port = free_port_block(1)
    conf = folder / "nginx.conf"
    conf.write_text(PREFIX_PROXY_CONF.format(folder=folder, port=port, prefix=prefix, server=server_url))
    with open(folder / "nginx.log", "w") as log:
        process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)], stdout=log, stderr=subprocess.STDOUT)
    proxy = PrefixProxy(f"http://127.0.0.1:{port}/{prefix}", process)
    deadline = time.time() + 30
    while not answers(f"{proxy.url}/_stcore/health"):
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            raise RuntimeError(f"nginx did not start; see {folder / 'nginx.log'}")
        time.sleep(0.3)
    return proxy


def pinned_page(browser, url: str, replica: str):
    """A new browser session that nginx sends to replica ("r0", "r1", …) by its nnlib_replica cookie."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": "nnlib_replica", "value": replica, "url": url}])
    return context.new_page()


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
    draw_strokes(page, [points])


def draw_strokes(page, strokes, gap_ms: int = 0):
    """Mouse strokes on the Draw canvas, in canvas pixels, gap_ms between the pen's lift and its next touch."""
    canvas = page.locator("canvas.upper-canvas").first
    canvas.wait_for(timeout=30_000)
    box = canvas.bounding_box()
    for index, points in enumerate(strokes):
        if index and gap_ms:
            page.wait_for_timeout(gap_ms)
        page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=8)
        page.mouse.up()


def metric_value(page, scope: str, label: str, timeout_ms: int = 60_000) -> str:
    """The value of the metric whose label starts with label, inside the container scope (a CSS selector)."""
    metric = page.locator(f"{scope} [data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=re.compile("^" + re.escape(label)))
    )
    metric.first.wait_for(timeout=timeout_ms)
    return metric.first.locator("[data-testid='stMetricValue']").inner_text().strip()


def wait_until(page, read, condition, timeout_ms: int = 60_000):
    """read() again every 250 ms until condition(value) holds; the last value read (a test asserts on it)."""
    for _ in range(timeout_ms // 250):
        value = read()
        if condition(value):
            return value
        page.wait_for_timeout(250)
    return read()


def prediction(page) -> str:
    """Draw's answer, the Prediction metric's value."""
    answer = page.locator(PREDICTION).first
    answer.wait_for(timeout=60_000)
    return answer.inner_text().strip()


def wait_for_prediction(page, wanted: str, timeout_ms: int = 60_000) -> str:
    """Draw's answer once it is wanted, or the last one read at timeout_ms."""
    return wait_until(page, lambda: prediction(page), lambda answer: answer == wanted, timeout_ms)


def batch_progress(page) -> tuple[int, int]:
    """(batches done, batches in the run) from Train's progress line ("12,666 of 25,330 batches, …")."""
    text = page.get_by_text(re.compile(r"[\d,]+ of [\d,]+ batches")).first.inner_text()
    done, total = re.search(r"([\d,]+) of ([\d,]+) batches", text).groups()
    return int(done.replace(",", "")), int(total.replace(",", ""))


def batches_done(page) -> int:
    """The step count from Train's progress line."""
    return batch_progress(page)[0]


def train_button(page):
    """The Train page's ▶️ Train button, by its whole name: a name merely holding "Train" also
    matches the help button of "Training-set size" (its label: "Help for Training-set size"),
    which a click on a busy page once hit instead, so that session never started its run."""
    return page.get_by_role("button", name="▶️ Train", exact=True)


def draw_page_with_model(page, url: str, model_file: Path, phone: bool = False) -> None:
    """Load model_file on Train (its uploader), then go to Draw by the sidebar, so that Draw reads
    with it (the same session); the canvas scrolled into view. phone: open the folded sidebar first."""
    open_page(page, f"{url}/Train", "Train")
    page.locator("input[type='file']").set_input_files(str(model_file))
    page.get_by_text(re.compile(f"Loaded {re.escape(Path(model_file).name)}")).first.wait_for(timeout=60_000)
    if phone:
        page.locator("[data-testid='stExpandSidebarButton']").first.tap()
    go_to(page, "Draw")
    page.locator("canvas.upper-canvas").first.scroll_into_view_if_needed()


def slider_to_end(page, label: str, back: int = 0) -> None:
    """The slider labelled label to its largest value, then back that many steps (keyboard)."""
    slider = page.locator("[data-testid='stSlider']").filter(has_text=label).first
    thumb = slider.locator("input[type='range']").first
    thumb.focus()
    page.keyboard.press("End")
    for _ in range(back):
        page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(2000)


def thumb_value(page, label: str) -> str:
    """The value the slider labelled label shows above its thumb (as the page writes it: "0.99")."""
    slider = page.locator("[data-testid='stSlider']").filter(has_text=label).first
    return slider.locator("[data-testid='stSliderThumbValue']").inner_text().strip()


def teach_first_drawing(page, digit: int) -> None:
    """On Draw, teach the drawing on the canvas as digit: pick it in Teach it, add the drawing (the
    first of the session's digits) and press Retrain; returns once the retraining has begun."""
    teach = page.locator(".st-key-teach")
    teach.scroll_into_view_if_needed()
    teach.locator(".st-key-teach-label").get_by_text(str(digit), exact=True).click()
    page.wait_for_timeout(800)
    teach.get_by_role("button", name=re.compile("Add to my digits")).click()
    teach.get_by_text(f"Added as a {digit}: 1 of 50 digits.").wait_for(timeout=60_000)
    teach.get_by_role("button", name=re.compile("Retrain on my digits")).click()


def train_and_wait(page, finished_text: str, timeout_ms: int = 120_000) -> None:
    """Press Train and wait for the alert saying finished_text (the run's end); press again, up to
    three times, if a busy server lost the click."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        train_button(page).click()
        try:
            page.locator("[data-testid='stAlert']", has_text=finished_text).first.wait_for(timeout=timeout_ms)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"no {finished_text!r} after three Train clicks")


def start_ten_digit_training(page, url: str) -> None:
    """Open Train, choose the ten-digit preset, press Train and wait for the first progress."""
    open_page(page, f"{url}/Train", "Train")
    page.get_by_role("combobox", name="Preset").click()
    page.get_by_role("option", name=re.compile(r"All ten digits, 784-256")).click()
    page.wait_for_timeout(1500)
    train_button(page).click()
    page.get_by_text(re.compile(r"Epoch \d")).first.wait_for(timeout=60_000)


# --- A class at once ---------------------------------------------------------------------

ACCURACY = "[data-testid='stMetric']:has-text('Test accuracy') [data-testid='stMetricValue']"
PREDICTION = "[data-testid='stMetric']:has-text('Prediction') [data-testid='stMetricValue']"


def new_page(browser, url: str, heading: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    page.get_by_role("heading", name=re.compile(heading)).first.wait_for(timeout=120_000)
    return page


def train_together(server_url: str, browser, sessions: int, timeout_s: float = 300, path: str = "/Train") -> dict:
    """sessions pages press Train together (the blog preset, or path's: "/Train?preset=class");
    each one's seconds to its Test accuracy."""
    pages = [new_page(browser, f"{server_url}{path}", "Train") for _ in range(sessions)]
    for page in pages:
        page.wait_for_timeout(300)
    started = {}
    for index, page in enumerate(pages):
        train_button(page).click(timeout=120_000)  # a busy 1-CPU server
        started[index] = time.perf_counter()
    finished, accuracies = {}, {}
    deadline = time.perf_counter() + timeout_s
    while len(finished) < sessions and time.perf_counter() < deadline:
        for index, page in enumerate(pages):
            if index not in finished and page.locator(ACCURACY).count():
                finished[index] = time.perf_counter()
                accuracies[index] = page.locator(ACCURACY).inner_text()
        time.sleep(0.05)
    exceptions = [text for page in pages for text in page.locator("[data-testid='stException']").all_inner_texts()]
    stuck = [what_the_page_says(page) for index, page in enumerate(pages) if index not in finished]
    for page in pages:
        page.context.close()
    return {
        "stuck": stuck,
        "seconds": [finished[i] - started[i] for i in sorted(finished)],
        "accuracies": [accuracies[i] for i in sorted(accuracies)],
        "exceptions": exceptions,
        "unfinished": sessions - len(finished),
    }


def what_the_page_says(page, characters: int = 1500) -> str:
    """The main area's text, to tell in a failed test's message why a session never finished."""
    try:
        return page.locator("[data-testid='stMain']").inner_text(timeout=5_000)[-characters:]
    except Exception as error:  # a dead page says why it is dead
        return f"<unreadable: {error}>"


try:  # pytest is a development dependency; benchmarks and scripts run without it
    import pytest

    #: Skips a test (or, as pytestmark, a module) where Debian's chromium is not installed.
    needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
    #: Skips where Debian's nginx is not installed.
    needs_nginx = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (apt-get install nginx)")
except ImportError:  # pragma: no cover
    needs_chromium = needs_nginx = None
