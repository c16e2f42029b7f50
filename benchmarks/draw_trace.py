"""Where the first stroke's time goes, in the browser: what a freshly opened Draw page does between
the pen's lift and the Prediction on screen.

    python -m benchmarks.draw_trace [--samples 5] [--app-dir /path/to/other/checkout] [--phone]

For each sample (a new tab on /Draw, the same 3 s pause as ``draw_latency --fresh``, one stroke) it
prints, in ms after the mouse-up: each websocket message the server sent (and its size), each
request the page made (a script the first figure needs shows here), each long task (main thread busy
over 50 ms) and the moment the Prediction was visible. Before the stroke it counts the requests and
long tasks of the page's opening, so that one sees what is already loaded when the student draws.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.draw_latency import PAUSE_BEFORE_FIRST_STROKE_MS, PREDICTION
from devtools import bench
from devtools.live import draw_stroke, start_server, stop_server

#: Every main-thread task over 50 ms, in page time (performance.now()), kept on window.
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push([entry.startTime, entry.duration]);
}).observe({ type: "longtask", buffered: true });
"""


def trace_first_stroke(context, url: str, stroke) -> dict:
    """One fresh page's first stroke: events in ms after the mouse-up, and the opening's counts."""
    page = context.new_page()
    page.add_init_script(LONG_TASKS)
    events: list[tuple[float, str]] = []
    clock = {"up": None}

    def at() -> float | None:
        return None if clock["up"] is None else 1000 * (time.perf_counter() - clock["up"])

    opening_requests: list[str] = []

    def on_request(request) -> None:
        when = at()
        if when is None:
            opening_requests.append(request.url)
        else:
            events.append((when, f"request {request.url.split('/')[-1][:70]}"))

    def on_websocket(socket) -> None:
        def received(payload) -> None:
            when = at()
            if when is not None:
                events.append((when, f"ws in {len(payload)} B"))

        socket.on("framereceived", received)

    page.on("request", on_request)
    page.on("websocket", on_websocket)
    page.goto(f"{url}/Draw")
    page.locator("canvas.upper-canvas").first.wait_for(timeout=60_000)
    page.wait_for_timeout(PAUSE_BEFORE_FIRST_STROKE_MS)
    opening_long = page.evaluate("window.__longTasks.length")
    draw_stroke(page, stroke)
    clock["up"] = time.perf_counter()
    page_up = page.evaluate("performance.now()")  # a few ms after the mouse-up
    page.locator(PREDICTION).first.wait_for(state="visible", timeout=30_000)
    visible = at()
    page.wait_for_timeout(500)
    for start, duration in page.evaluate("window.__longTasks")[opening_long:]:
        events.append((start - page_up, f"long task {duration:.0f} ms"))
    page.close()
    events.append((visible, "Prediction visible"))
    scripts = [name for name in opening_requests if name.endswith(".js")]
    return {"events": sorted(events), "visible": visible, "opening_requests": len(opening_requests), "scripts": scripts}


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--app-dir", type=Path, help="another checkout's Draw page (default: this one)")
    parser.add_argument("--phone", action="store_true", help="390×844 with touch instead of 1280×900")
    args = parser.parse_args()
    report = bench.Report("draw_trace", args)
    folder = Path(tempfile.mkdtemp())
    app = start_server(folder / "app.log", app_dir=args.app_dir)
    size = dict(width=390, height=844) if args.phone else dict(width=1280, height=900)
    visible = []
    try:
        with bench.chromium() as browser:
            context = browser.new_context(viewport=size, has_touch=args.phone, is_mobile=args.phone)
            trace_first_stroke(context, app.url, bench.STROKES[0])  # warm-up: the server's imports
            for index in range(args.samples):
                sample = trace_first_stroke(context, app.url, bench.STROKES[index % len(bench.STROKES)])
                visible.append(sample["visible"])
                report.line(f"### sample {index + 1}: opening made {sample['opening_requests']} requests")
                report.line("scripts loaded while opening: " + ", ".join(s.split("/")[-1] for s in sample["scripts"]))
                for when, what in sample["events"]:
                    report.line(f"- {when:7.0f} ms  {what}")
    finally:
        stop_server(app)
    report.figure("visible_ms", [round(v, 1) for v in visible])
    report.figure("visible_p50_ms", round(statistics.median(visible), 1))
    report.finish()


if __name__ == "__main__":
    main()
