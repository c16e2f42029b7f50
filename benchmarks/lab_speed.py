"""The Lab's speed on the shipped 784-512-256-10 model over the 10,000 test images.

    python -m benchmarks.lab_speed [--repeats 8] [--skip-tasks] [--browser 10]

1. The server's time per edit: the Lab page's whole run (streamlit.testing's AppTest, in this
   process) after an edit, against a bare rerun of the same page with nothing changed; medians
   and their ratio (the issue asks for at most 2×).
2. The edit's own arithmetic (apply_edits + edited_logits + accuracy), in CPU-seconds.
3. The task pool's work, in CPU-seconds of one process: the knock-out (512 neurons), the
   robustness curves of one model (6 kinds × 7 strengths × 2,000 images), a t-SNE of 2,000 points.

4. With --browser N: in headless Chromium against the real server, an edit (the prune slider
   to 100 % and back, by keyboard) until the new "Edited accuracy" is on screen, against
   draw_latency.py's bare button app's round trip, N samples alternating.

CPU-seconds and ratios, not wall time: the machine may be shared.
"""

from __future__ import annotations

import argparse
import statistics
import time

EDITS = [  # widget key and value: one edit each, undone by the next
    ("lab-temperature", 2.0),
    ("lab-temperature", 1.0),
    ("lab-off", ["L1 n82", "L1 n449", "L2 n3"]),
    ("lab-off", []),
    ("lab-prune", 30),
    ("lab-prune", 0),
    ("lab-noise", 0.2),
    ("lab-noise", 0.0),
]

BROWSER_EDITS = {  # what --browser measures: each pair alternates, every sample changes the accuracy
    "top 30 neurons off / Reset": ("Switch off the top ones of this chart", "Reset edits"),
    "prune 100 % / 0 %": ("End", "Home"),
}


def timed(run) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def page_reruns(repeats: int) -> dict:
    from streamlit.testing.v1 import AppTest

    from devtools.live import ROOT

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.switch_page("pages/8_Lab.py")
    at.run()  # the first visit: caches and the knock-out
    bare, edited = [], []
    for _ in range(repeats):
        for key, value in EDITS:
            bare.append(timed(at.run))
            widget = at.multiselect(key=key) if key == "lab-off" else at.slider(key=key)
            widget.set_value(value)
            edited.append(timed(at.run))
            assert not at.exception, at.exception
    return {"bare": bare, "edit": edited}


def arithmetic(repeats: int) -> list[float]:
    from nnlib import lab, load_mnist, prepare_data
    from nnlib.modelio import load_model
    from ui.session import DEFAULT_MODEL_PATH

    network, config = load_model(DEFAULT_MODEL_PATH)
    data = prepare_data(load_mnist(), config.digits, config.normalization, config.dtype)
    Z1 = lab.first_layer_sums(network, data.X_test)
    cpu = []
    for _ in range(repeats):
        for edits in (lab.Edits(temperature=2.0), lab.Edits(off=((1, 82), (2, 3))), lab.Edits(prune=0.3)):
            start = time.process_time()
            edited = lab.apply_edits(network, edits)
            logits = lab.edited_logits(network, edited, edits, data.X_test, Z1)
            float((logits.argmax(axis=0) == data.y_test).mean())
            cpu.append(time.process_time() - start)
    return cpu


def tasks() -> dict:
    from nnlib import lab, load_mnist, prepare_data
    from nnlib.damage import robustness
    from nnlib.modelio import load_model
    from nnlib.projection import map_points
    from ui.session import DEFAULT_MODEL_PATH

    network, config = load_model(DEFAULT_MODEL_PATH)
    data = prepare_data(load_mnist(), config.digits, config.normalization, config.dtype)
    images = data.X_test[:2000].reshape(-1, 28, 28)
    return {
        "knock-out, 512 neurons × 10,000 images": timed(lambda: lab.knockout_losses(network, data.X_test, data.y_test)),
        "robustness, 6 kinds × 7 strengths × 2,000 images": timed(
            lambda: robustness(network, images, data.y_test[:2000], config.normalization)
        ),
        "t-SNE of 2,000 points (second hidden layer)": timed(
            lambda: map_points(network, data.X_test[:2000], 2, "tsne")
        ),
        "PCA of 2,000 points (input)": timed(lambda: map_points(network, data.X_test[:2000], 0, "pca")),
    }


def edit_on_screen(page, edit: str, before: str) -> tuple[float, str]:
    """Make one edit; seconds until Edited accuracy shows a value other than before.

    edit: "End"/"Home" (the prune slider to 100 % or 0 %: the first layer computed again) or a
    button's name ("Switch off the top ones of this chart", "Reset edits": the first layer's
    cached sums reused)."""
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Edited accuracy")
    value = metric.locator("[data-testid='stMetricValue']").first
    if edit in ("End", "Home"):
        page.locator("[data-testid='stSlider']").filter(has_text="Prune").locator("input[type='range']").focus()
        page.keyboard.press(edit)
    else:
        page.get_by_role("button", name=edit).click()
    started = time.perf_counter()
    while value.inner_text().strip() == before:
        time.sleep(0.005)
    return time.perf_counter() - started, value.inner_text().strip()


def browser_round_trips(samples: int, pair: tuple[str, str]) -> tuple[list[float], list[float]]:
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from devtools.bench import BARE_APP, bare_round_trip
    from devtools.live import BROWSER_ARGS, CHROMIUM, start_server, stop_server

    folder = Path(tempfile.mkdtemp())
    (folder / "bare").mkdir()
    (folder / "bare" / "streamlit_app.py").write_text(BARE_APP)
    app, bare = start_server(folder / "app.log"), start_server(folder / "bare.log", app_dir=folder / "bare")
    edits, bares = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            context = browser.new_context(viewport=dict(width=1280, height=900))
            lab_page, bare_page = context.new_page(), context.new_page()
            lab_page.goto(f"{app.url}/Lab")
            lab_page.locator(".st-key-knockout .js-plotly-plot").wait_for(timeout=600_000)
            bare_page.goto(bare.url)
            bare_page.get_by_role("button", name="Press").wait_for(timeout=60_000)
            metric = lab_page.locator("[data-testid='stMetric']").filter(has_text="Edited accuracy")
            shown = metric.locator("[data-testid='stMetricValue']").first.inner_text().strip()
            _, shown = edit_on_screen(lab_page, pair[0], shown)  # warm-up
            _, shown = edit_on_screen(lab_page, pair[1], shown)
            bare_round_trip(bare_page, 1)
            for index in range(samples):
                lab_page.bring_to_front()
                seconds, shown = edit_on_screen(lab_page, pair[index % 2], shown)
                edits.append(seconds)
                bare_page.bring_to_front()
                bares.append(bare_round_trip(bare_page, index + 2))
            browser.close()
    finally:
        stop_server(app)
        stop_server(bare)
    return edits, bares


def main() -> None:
    import ui  # noqa: F401  (one BLAS thread, as in the server)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--skip-tasks", action="store_true")
    parser.add_argument("--browser", type=int, default=0, help="samples of edit → screen in Chromium (0: none)")
    args = parser.parse_args()
    for name, pair in BROWSER_EDITS.items() if args.browser else ():
        edits, bares = browser_round_trips(args.browser, pair)
        edit_ms, bare_ms = statistics.median(edits) * 1000, statistics.median(bares) * 1000
        print(f"{name} → Edited accuracy on screen: median {edit_ms:.0f} ms; bare button rerun: {bare_ms:.0f} ms")
        most = f"max {max(edits) * 1000:.0f} / {max(bares) * 1000:.0f} ms"
        print(f"  ratio {edit_ms / bare_ms:.2f}× (n={len(edits)}; {most})")
    if not args.repeats:
        return
    runs = page_reruns(args.repeats)
    medians = {name: [statistics.median(t[i] for t in values) for i in (0, 1)] for name, values in runs.items()}
    print(f"Lab page, {len(runs['edit'])} edits (median wall s / CPU s):")
    for name, (wall, cpu) in medians.items():
        print(f"  {name:5} rerun: {wall:.3f} / {cpu:.3f}")
    (edit_wall, edit_cpu), (bare_wall, bare_cpu) = medians["edit"], medians["bare"]
    print(f"  edit ÷ bare: {edit_wall / bare_wall:.2f}× wall, {edit_cpu / bare_cpu:.2f}× CPU")
    cpu = arithmetic(args.repeats)
    print(f"the edit's own arithmetic: median {statistics.median(cpu) * 1000:.0f} ms CPU, max {max(cpu) * 1000:.0f} ms")
    if not args.skip_tasks:
        for name, (wall, cpu_s) in tasks().items():
            print(f"{name}: {cpu_s:.1f} CPU-s ({wall:.1f} s wall)")


if __name__ == "__main__":
    main()
