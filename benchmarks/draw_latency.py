"""Stroke end → Prediction on screen, against a bare Streamlit button's round trip, in one run.

    python benchmarks/draw_latency.py [--samples 20] [--app-dir /path/to/other/checkout] [--phone]

What a student feels on the Draw page is the time from lifting the pen to the answer
being drawn, not the server's own ~10 ms. The floor for any Streamlit page is one
rerun's round trip: browser → server → script → deltas → React. So this measures, in
the same headless Chromium and the same run:

- draw: the canvas is cleared (the Prediction disappears), a stroke is drawn, and the
  clock runs from the mouse-up to the Prediction metric being visible;
- bare: a tiny app of its own (a button and a counter, written to a temporary folder
  and started the same way, `streamlit run streamlit_app.py`), from the click to the
  new count being visible.

Samples alternate between the two, so both see the same machine load. Reports p50 and
p95 of each and their ratio (issue 12's target: draw ≤ 2× bare, p95 included). With
--app-dir it measures another checkout's Draw page (a "before"), e.g. made with
`git archive HEAD | tar -x -C /tmp/before`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from devtools.live import BROWSER_ARGS, CHROMIUM, draw_stroke, start_server, stop_server

BARE_APP = """import streamlit as st

st.title("Bare")
count = st.session_state.setdefault("count", 0)
if st.button("Press"):
    st.session_state["count"] = count = count + 1
st.write(f"count {count}")
"""
STROKES = [  # a 1, a 7, a 4-ish and a hook: different answers, all well inked
    [(150, 40), (145, 140), (140, 240)],
    [(90, 60), (200, 55), (120, 235)],
    [(140, 40), (80, 160), (200, 160)],
    [(100, 60), (190, 60), (190, 240)],
]
PREDICTION = "[data-testid='stMetric']:has-text('Prediction')"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bare_round_trip(page, expected: int) -> float:
    page.get_by_role("button", name="Press").click()  # returns once the click is dispatched
    started = time.perf_counter()
    page.get_by_text(f"count {expected}", exact=True).wait_for(timeout=30_000)
    return time.perf_counter() - started


def stroke_to_prediction(page, stroke) -> float:
    page.get_by_role("button", name=re.compile("Clear")).click()
    page.locator(PREDICTION).first.wait_for(state="detached", timeout=30_000)
    page.locator("canvas.upper-canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)  # the new canvas settles
    draw_stroke(page, stroke)  # returns after the mouse-up
    started = time.perf_counter()
    page.locator(PREDICTION).first.wait_for(state="visible", timeout=30_000)
    return time.perf_counter() - started


def measure(samples: int, app_dir: Path | None, phone: bool) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp())
    bare_dir = folder / "bare"
    bare_dir.mkdir()
    (bare_dir / "streamlit_app.py").write_text(BARE_APP)
    app = start_server(folder / "app.log", app_dir=app_dir)
    bare = start_server(folder / "bare.log", app_dir=bare_dir)
    size = dict(width=390, height=844) if phone else dict(width=1280, height=900)
    draw_times, bare_times = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            context = browser.new_context(viewport=size, has_touch=phone, is_mobile=phone)
            draw_page, bare_page = context.new_page(), context.new_page()
            draw_page.goto(f"{app.url}/Draw")
            draw_page.locator("canvas.upper-canvas").first.wait_for(timeout=60_000)
            bare_page.goto(bare.url)
            bare_page.get_by_role("button", name="Press").wait_for(timeout=60_000)
            stroke_to_prediction(draw_page, STROKES[0])  # warm-up: imports, first figures
            bare_round_trip(bare_page, 1)
            for index in range(samples):
                draw_times.append(stroke_to_prediction(draw_page, STROKES[index % len(STROKES)]))
                bare_page.bring_to_front()
                bare_times.append(bare_round_trip(bare_page, index + 2))
                draw_page.bring_to_front()
            browser.close()
    finally:
        stop_server(app)
        stop_server(bare)
    return draw_times, bare_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--app-dir", type=Path, help="another checkout's Draw page (default: this one)")
    parser.add_argument("--phone", action="store_true", help="390×844 with touch instead of 1280×900")
    args = parser.parse_args()
    draw, bare = measure(args.samples, args.app_dir, args.phone)
    rows = []
    for name, times in (("stroke -> Prediction", draw), ("bare button rerun", bare)):
        ms = [1000 * t for t in times]
        rows.append((name, statistics.median(ms), percentile(ms, 0.95)))
        print(f"{name:22s} p50 {rows[-1][1]:6.0f} ms   p95 {rows[-1][2]:6.0f} ms   (n={len(ms)})")
    print(f"{'ratio draw / bare':22s} p50 {rows[0][1] / rows[1][1]:6.2f} ×    p95 {rows[0][2] / rows[1][2]:6.2f} ×")


if __name__ == "__main__":
    main()
