"""Where the first stroke's time goes, in the browser: what a freshly opened Draw page does between
the pen's lift and the Prediction on screen.

    python -m benchmarks.draw_trace [--samples 5] [--app-dir /path/to/other/checkout] [--phone]

For each sample (a new tab on /Draw, the same 3 s pause as ``draw_latency --fresh``, one stroke) it
prints, in ms after the mouse-up: each websocket message the server sent (and its size), each
request the page made (a script the first figure needs shows here), each long task (main thread busy
over 50 ms) and the moment the Prediction was visible; then, by the page's own clock, when the
Prediction entered the page (React's commit) and when the next frame was drawn (a long task in
between holds the answer off the screen), and the main thread's CPU profile by script (which
script's work that was: Plotly drawing a new chart shows as PlotlyChart.*.js). Before the stroke it
counts the requests of the page's opening, so that one sees what is already loaded when the student
draws.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import Counter
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
window.addEventListener("mouseup", () => { window.__up = performance.now(); }, true);
window.__sent = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  window.__sent.push([performance.now(), data.byteLength ?? data.length ?? 0]);
  return send.call(this, data);
};
new MutationObserver(() => {
  if (window.__committed) return;
  for (const metric of document.querySelectorAll("[data-testid='stMetric']")) {
    if (!metric.textContent.includes("Prediction")) continue;
    window.__committed = performance.now();
    requestAnimationFrame(() => { window.__frame = performance.now(); });
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


#: Streamlit's frontend chunks that the first answer needs: loaded at the stroke, they wait in line.
WATCHED_CHUNKS = ("PlotlyChart", "Metric", "Selectbox")


def cpu_by(profile: dict, name_of, count: int = 6) -> list[tuple[str, float]]:
    """A CDP CPU profile's sampled time (ms) by name_of(call frame), the count largest."""
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    spent: Counter = Counter()
    samples, deltas = profile["samples"], profile["timeDeltas"]
    for node, following_delta in zip(samples, deltas[1:]):
        spent[name_of(nodes[node])] += following_delta / 1000
    return spent.most_common(count)


def script_name(frame: dict) -> str:
    """A call frame's script file (or V8's own "(program)", "(idle)", "(garbage collector)", …)."""
    return frame["url"].split("/")[-1] or frame["functionName"]


def function_name(frame: dict) -> str:
    """A call frame's function and script: which of a script's functions the time went to."""
    return f"{frame['functionName'] or '(anonymous)'}@{script_name(frame)[:24]}"


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
    profiler = context.new_cdp_session(page)
    profiler.send("Profiler.enable")
    profiler.send("Profiler.start")
    draw_stroke(page, stroke)
    clock["up"] = time.perf_counter()
    page.locator(PREDICTION).first.wait_for(state="visible", timeout=30_000)
    visible = at()
    profile = profiler.send("Profiler.stop")["profile"]
    page.wait_for_timeout(500)
    page_up, committed, frame, sent = page.evaluate("[window.__up, window.__committed, window.__frame, window.__sent]")
    events += [(when - page_up, f"ws out {size} B") for when, size in sent if when >= page_up]
    for start, duration in page.evaluate("window.__longTasks")[opening_long:]:
        events.append((start - page_up, f"long task {duration:.0f} ms"))
    page.close()
    events += [(visible, "Prediction visible (Playwright)"), (committed - page_up, "Prediction in the page")]
    events.append((frame - page_up, "the next frame after it"))
    scripts = [name for name in opening_requests if name.endswith(".js")]
    return {
        "events": sorted(events),
        "visible": visible,
        "opening_requests": len(opening_requests),
        "scripts": scripts,
        "cpu": cpu_by(profile, script_name),
        "functions": cpu_by(profile, function_name, 10),
    }


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
                loaded = [name.split("/")[-1].split(".")[0] for name in sample["scripts"]]
                report.line(
                    f"{len(loaded)} scripts loaded while opening; "
                    + ", ".join(f"{chunk}: {'yes' if chunk in loaded else 'no'}" for chunk in WATCHED_CHUNKS)
                )
                for when, what in sample["events"]:
                    report.line(f"- {when:7.0f} ms  {what}")
                for title, spent in (("main thread by script", sample["cpu"]), ("by function", sample["functions"])):
                    report.line(f"{title}: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in spent))
    finally:
        stop_server(app)
    report.figure("visible_ms", [round(v, 1) for v in visible])
    report.figure("visible_p50_ms", round(statistics.median(visible), 1))
    report.finish()


if __name__ == "__main__":
    main()
