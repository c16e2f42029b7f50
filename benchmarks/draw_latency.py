"""Stroke end → Prediction on screen, against a bare Streamlit button's round trip, in one run.

    python benchmarks/draw_latency.py [--samples 20] [--app-dir /path/to/other/checkout] [--phone] [--fresh]

What a student feels on the Draw page is the time from lifting the pen to the answer
being drawn, not the server's own ~10 ms. The floor for any Streamlit page is one
rerun's round trip: browser → server → script → deltas → React. So this measures, in
the same headless Chromium and the same run:

- draw: the canvas is cleared (the Prediction disappears), a stroke is drawn, and the
  clock runs from the mouse-up to the Prediction metric being visible; with --fresh, each
  sample is instead the first stroke on a freshly opened Draw page (a new session), what a
  student does first and what costs most;
- bare: a tiny app of its own (a button and a counter, written to a temporary folder
  and started the same way, `streamlit run streamlit_app.py`), from the click to the
  new count being visible.

Samples alternate between the two, so both see the same machine load. Reports p50 and
p95 of each and their ratio (issue 12's target: draw ≤ 2× bare, p95 included). With
--app-dir it measures another checkout's Draw page (a "before"), e.g. made with
`git archive HEAD | tar -x -C /tmp/before`.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path

from devtools import bench
from devtools.live import draw_stroke, start_server, stop_server

PREDICTION = "[data-testid='stMetric']:has-text('Prediction')"
PAUSE_BEFORE_FIRST_STROKE_MS = 3000  # a student reads the page a moment before drawing


def stroke_to_prediction(page, stroke) -> float:
    page.get_by_role("button", name=re.compile("Clear")).click()
    page.locator(PREDICTION).first.wait_for(state="detached", timeout=30_000)
    page.locator("canvas.upper-canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)  # the new canvas settles
    draw_stroke(page, stroke)  # returns after the mouse-up
    started = time.perf_counter()
    page.locator(PREDICTION).first.wait_for(state="visible", timeout=30_000)
    return time.perf_counter() - started


def open_draw_page(context, url: str):
    """A new tab on the Draw page (a new session), its canvas ready for a stroke."""
    page = context.new_page()
    page.goto(f"{url}/Draw")
    page.locator("canvas.upper-canvas").first.wait_for(timeout=60_000)
    page.wait_for_timeout(PAUSE_BEFORE_FIRST_STROKE_MS)
    return page


def first_stroke_to_prediction(context, url: str, stroke) -> float:
    """Seconds from the first stroke's mouse-up on a freshly opened Draw page to its Prediction."""
    page = open_draw_page(context, url)
    draw_stroke(page, stroke)
    started = time.perf_counter()
    page.locator(PREDICTION).first.wait_for(state="visible", timeout=30_000)
    seconds = time.perf_counter() - started
    page.close()
    return seconds


def measure(samples: int, app_dir: Path | None, phone: bool, fresh: bool = False) -> tuple[list[float], list[float]]:
    folder = Path(tempfile.mkdtemp())
    bare_dir = bench.write_bare_app(folder / "bare")
    app = start_server(folder / "app.log", app_dir=app_dir)
    bare = start_server(folder / "bare.log", app_dir=bare_dir)
    size = dict(width=390, height=844) if phone else dict(width=1280, height=900)
    draw_times, bare_times = [], []
    try:
        with bench.chromium() as browser:
            context = browser.new_context(viewport=size, has_touch=phone, is_mobile=phone)
            draw_page, bare_page = open_draw_page(context, app.url), context.new_page()
            bare_page.goto(bare.url)
            bare_page.get_by_role("button", name="Press").wait_for(timeout=60_000)
            stroke_to_prediction(draw_page, bench.STROKES[0])  # warm-up: imports, first figures
            bench.bare_round_trip(bare_page, 1)
            for index in range(samples):
                stroke = bench.STROKES[index % len(bench.STROKES)]
                if fresh:
                    draw_times.append(first_stroke_to_prediction(context, app.url, stroke))
                else:
                    draw_times.append(stroke_to_prediction(draw_page, stroke))
                bare_page.bring_to_front()
                bare_times.append(bench.bare_round_trip(bare_page, index + 2))
                draw_page.bring_to_front()
    finally:
        stop_server(app)
        stop_server(bare)
    return draw_times, bare_times


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--app-dir", type=Path, help="another checkout's Draw page (default: this one)")
    parser.add_argument("--phone", action="store_true", help="390×844 with touch instead of 1280×900")
    parser.add_argument("--fresh", action="store_true", help="each sample: the first stroke on a newly opened page")
    args = parser.parse_args()
    report = bench.Report("draw_latency", args)
    draw, bare = measure(args.samples, args.app_dir, args.phone, args.fresh)
    rows = []
    stroke = "first stroke → Prediction" if args.fresh else "stroke → Prediction"
    for name, times in ((stroke, draw), ("bare button rerun", bare)):
        ms = [1000 * t for t in times]
        rows.append([name, round(statistics.median(ms)), round(bench.percentile(ms, 0.95)), len(ms)])
    p50_ratio, p95_ratio = rows[0][1] / rows[1][1], rows[0][2] / rows[1][2]
    rows.append(["ratio draw / bare", f"{p50_ratio:.2f}×", f"{p95_ratio:.2f}×", ""])
    report.table(["", "p50 ms", "p95 ms", "n"], rows)
    report.figure("draw_ms", [round(1000 * t, 1) for t in draw])
    report.figure("bare_ms", [round(1000 * t, 1) for t in bare])
    report.figure("ratio_p50", round(p50_ratio, 3))
    report.figure("ratio_p95", round(p95_ratio, 3))
    report.finish()


if __name__ == "__main__":
    main()
