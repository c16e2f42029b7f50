"""The Draw page's own time per stroke on the server, for this checkout or another one.

    python benchmarks/draw_server_time.py [--strokes 12] [--app-dir /path/to/other/checkout]

Starts the real server with NNLIB_TIMING_LOG set, draws strokes in headless Chromium and
reads the page's own log: from the script's (or the drawing board fragment's) start to the
Prediction being sent; and the server process's CPU-seconds per stroke, everything a stroke
reruns (what a fragment saves shows there, not in the log). With
--app-dir it measures another checkout (e.g. a git worktree of an older commit) the same
way, so a change can be measured before and after on one machine.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from devtools import bench
from devtools.live import draw_stroke, start_server, stop_server


def measure(app_dir: Path | None, strokes: int) -> tuple[list[float], float]:
    folder = Path(tempfile.mkdtemp())
    log = folder / "timings.txt"
    server = start_server(folder / "streamlit.log", {"NNLIB_TIMING_LOG": str(log)}, app_dir=app_dir)
    try:
        with bench.chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{server.url}/Draw")
            page.locator("canvas.upper-canvas").first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            cpu_before = bench.cpu_seconds(server.process.pid)
            for index in range(strokes):
                draw_stroke(page, bench.STROKES[index % len(bench.STROKES)])
                page.locator("[data-testid='stMetric']", has_text="Prediction").first.wait_for(timeout=30_000)
                page.wait_for_timeout(1200)
            cpu_per_stroke = (bench.cpu_seconds(server.process.pid) - cpu_before) / strokes
    finally:
        stop_server(server)
    return bench.logged_seconds(log), cpu_per_stroke


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--strokes", type=int, default=12)
    parser.add_argument("--app-dir", type=Path, help="another checkout to measure (default: this one)")
    args = parser.parse_args()
    report = bench.Report("draw_server_time", args)
    times, cpu_per_stroke = measure(args.app_dir, args.strokes)
    if not times:
        raise SystemExit("no timings logged")
    ms = sorted(1000 * t for t in times[1:] or times)  # the first stroke warms the imports
    report.line(
        f"{args.app_dir or 'this checkout'}: {len(ms)} strokes, server time per stroke median "
        f"{statistics.median(ms):.1f} ms, max {max(ms):.1f} ms; server CPU per stroke {1000 * cpu_per_stroke:.0f} ms"
    )
    report.figure("cpu_ms_per_stroke", round(1000 * cpu_per_stroke, 1))
    report.figure("server_ms", ms)
    report.finish()


if __name__ == "__main__":
    main()
