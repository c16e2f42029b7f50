"""How fast the app feels: live-chart overhead, prediction latency, first paint.

    python benchmarks/app_speed.py            # needs Chromium for the first-paint part

1. Training with and without the live charts, in one run: the Train page's
   loop (advance 0.3 s, then build and serialise both Plotly figures) against
   the bare trainer, same config.
2. A prediction after a stroke: canvas RGBA -> MNIST-style 28x28 -> network ->
   contributions, as the Draw page does it, on the shipped model.
3. First paint of every page in headless Chromium, from navigation to the page's heading
   with no script running: as the first visit to a freshly started server, and warm.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent

import numpy as np  # noqa: E402

from devtools import bench  # noqa: E402
from devtools.live import start_server, stop_server  # noqa: E402
from nnlib import PRESETS, Trainer, load_mnist, prepare_data  # noqa: E402
from nnlib.modelio import open_model  # noqa: E402
from nnlib.pipeline import read_digit  # noqa: E402


def live_chart_overhead(config, data, refresh=0.3) -> tuple[float, float, float]:
    """Wall seconds of the bare run and of the live one, and the CPU-ms each refresh's two figures
    cost (built and serialised: what a watching session's server pays, whatever the load)."""
    from ui import charts

    bare = Trainer(config, data)
    started = time.perf_counter()
    bare.run()
    bare_s = time.perf_counter() - started
    live = Trainer(config, data)
    started, chart_cpu, refreshes = time.perf_counter(), 0.0, 0
    while not live.done:
        live.advance(max_seconds=refresh)
        cpu = time.process_time()
        charts.loss_figure(live.history).to_json()
        charts.accuracy_figure(live.history).to_json()
        chart_cpu, refreshes = chart_cpu + time.process_time() - cpu, refreshes + 1
    return bare_s, time.perf_counter() - started, 1000 * chart_cpu / refreshes


def prediction_latency(repeats=50) -> float:
    from devtools.canvas_like import canvas_drawing

    network, config = open_model(ROOT / "assets" / "models" / "digits.npz")
    data = load_mnist()
    rng = np.random.default_rng(0)
    drawings = [canvas_drawing(data.test.images[i], rng) for i in range(repeats)]
    started = time.perf_counter()
    for drawing in drawings:
        read_digit(drawing, network, config, background=0.0)  # what the Draw page does per stroke
    return (time.perf_counter() - started) / repeats


PAGES = (
    ("", "nnlib"),
    ("Dataset", "Dataset"),
    ("Train", "Train"),
    ("Weights", "Weights"),
    ("Draw", "Draw"),
    ("Backprop", "Backprop"),
    ("Compare", "Compare"),
)


def paint_seconds(page, url: str, heading: str) -> float:
    """From navigation to the page's heading with no script running."""
    started = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name=re.compile(heading)).first.wait_for(timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    return time.perf_counter() - started


def first_paint() -> dict[str, tuple[float, float]]:
    """Per page: (cold: the first visit to a freshly started server, warm: a visit once every
    page has been shown)."""
    results = {}
    with bench.chromium() as browser:
        page = browser.new_page()
        for path, heading in PAGES:  # a fresh server for each cold visit
            server = start_server(Path(tempfile.mkdtemp()) / "streamlit.log")
            try:
                results[path or "Home"] = [paint_seconds(page, f"{server.url}/{path}", heading)]
            finally:
                stop_server(server)
        server = start_server(Path(tempfile.mkdtemp()) / "streamlit.log")
        try:
            for warm_up in (True, False):
                for path, heading in PAGES:
                    seconds = paint_seconds(page, f"{server.url}/{path}", heading)
                    if not warm_up:
                        results[path or "Home"].append(seconds)
        finally:
            stop_server(server)
    return {name: tuple(times) for name, times in results.items()}


def main() -> None:
    args = bench.parser(__doc__).parse_args()
    report = bench.Report("app_speed", args)
    data = load_mnist()
    rows = []
    for name, config in (
        ("blog preset (0/1, per-sample SGD)", PRESETS["seed"]),
        ("digits preset, 2 epochs, no augmentation", PRESETS["digits"].replace(epochs=2, augment=0.0)),
    ):
        prepared = prepare_data(data, config.digits, config.normalization, config.dtype)
        bare_s, live_s, chart_ms = live_chart_overhead(config, prepared)
        overhead = f"{100 * (live_s / bare_s - 1):+.0f}%"
        rows.append([name, f"{bare_s:.2f} s", f"{live_s:.2f} s", overhead, f"{chart_ms:.1f} ms"])
        report.figure(f"live_chart_overhead {name}", {"bare_s": bare_s, "live_s": live_s, "chart_cpu_ms": chart_ms})
    report.table(["run", "bare trainer", "with live charts", "overhead", "charts' CPU per refresh"], rows)
    latency_ms = 1000 * prediction_latency()
    report.figure("prediction_ms", latency_ms)
    report.line(f"\nprediction after a stroke (preprocess + predict + explain): {latency_ms:.1f} ms\n")
    if Path(bench.CHROMIUM).exists():
        paints = first_paint()
        report.table(
            ["page", "first paint: first visit after the server started", "warm server"],
            [[page, f"{cold:.2f} s", f"{warm:.2f} s"] for page, (cold, warm) in paints.items()],
        )
        report.figure("first_paint_s", paints)
    report.finish()


if __name__ == "__main__":
    main()
