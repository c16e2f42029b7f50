"""A class at once: many real Chromium sessions against one real server on loopback.

    python benchmarks/load.py [--sessions 8] [--idle 30] [--training 3] [--strokes 8]

1. One session trains the blog preset alone; then `--sessions` sessions press
   Train at the same moment. Reports each one's time from click to its Test
   accuracy, the slowest against the single one, and the server's peak memory.
2. `--idle` sessions sit on the Home page and `--training` sessions train the
   ten-digit preset, while one more draws on the Draw page: the time from the
   end of each stroke to the new Prediction on screen.

Bounded: a fixed number of sessions and strokes, each wait capped, everything
on 127.0.0.1, the server stopped at the end.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path

from devtools import bench
from devtools.live import draw_stroke, new_page, start_server, stop_server, train_button, train_together


def prediction_under_load(server_url: str, browser, idle: int, training: int, strokes: int) -> dict:
    """Stroke-to-prediction times on the Draw page while others sit idle or train."""
    idle_pages = [new_page(browser, f"{server_url}/", "nnlib") for _ in range(idle)]
    trainers = []
    for _ in range(training):
        page = new_page(browser, f"{server_url}/Train?preset=digits", "Train")
        page.wait_for_timeout(500)
        train_button(page).click()
        trainers.append(page)
    for page in trainers:
        page.get_by_text(re.compile(r"Epoch \d")).first.wait_for(timeout=120_000)
    drawer = new_page(browser, f"{server_url}/Draw", "Draw")
    drawer.locator("canvas.upper-canvas").first.wait_for(timeout=60_000)
    latencies = []
    for index in range(strokes):
        draw_stroke(drawer, bench.STROKES[index % len(bench.STROKES)])
        started = time.perf_counter()
        # a new script run clears and redraws the metric; wait for the fresh one
        drawer.wait_for_function(  # the canvas was cleared, so any Prediction is the new one
            """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
                     .some(metric => metric.innerText.includes('Prediction'))""",
            timeout=30_000,
            polling=10,
        )
        latencies.append(time.perf_counter() - started)
        drawer.get_by_role("button", name=re.compile("Clear")).click()
        drawer.get_by_text(re.compile("canvas is empty")).wait_for(timeout=30_000)
        drawer.wait_for_timeout(300)
    still_training = sum(1 for page in trainers if page.get_by_text(re.compile(r"Epoch \d")).count())
    for page in idle_pages + trainers + [drawer]:
        page.context.close()
    return {"latencies": latencies, "still_training": still_training}


def server_times(timing_log: Path) -> list[float]:
    """The Draw runs' own seconds (script start to Prediction sent) logged since the last call."""
    seconds = bench.logged_seconds(timing_log)
    timing_log.unlink(missing_ok=True)
    return seconds


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--idle", type=int, default=30)
    parser.add_argument("--training", type=int, default=3)
    parser.add_argument("--strokes", type=int, default=8)
    args = parser.parse_args()
    report = bench.Report("load", args)
    folder = Path(tempfile.mkdtemp())
    timing_log = folder / "timings.txt"
    server = start_server(folder / "streamlit.log", {"NNLIB_TIMING_LOG": str(timing_log)})
    try:
        with bench.chromium() as browser:
            single = train_together(server.url, browser, 1)
            crowd = train_together(server.url, browser, args.sessions)
            memory_after_crowd = server.peak_memory_mb()
            quiet = prediction_under_load(server.url, browser, 0, 0, args.strokes)
            quiet["server"] = server_times(timing_log)
            loaded = prediction_under_load(server.url, browser, args.idle, args.training, args.strokes)
            loaded["server"] = server_times(timing_log)
        report.line(f"## {args.sessions} sessions train the blog preset at once\n")
        report.line("| | seconds from click to Test accuracy |\n|---|---|")
        report.line(f"| one session alone | {single['seconds'][0]:.2f} |")
        report.line(
            f"| {args.sessions} at once: fastest / median / slowest | {min(crowd['seconds']):.2f} / "
            f"{statistics.median(crowd['seconds']):.2f} / {max(crowd['seconds']):.2f} |"
        )
        report.line(f"| slowest ÷ alone | {max(crowd['seconds']) / single['seconds'][0]:.1f}× |")
        report.line(
            f"\naccuracies: {', '.join(crowd['accuracies'])}; exceptions: {len(crowd['exceptions'])} "
            f"{crowd['exceptions']}; "
            f"unfinished: {crowd['unfinished']}; server peak memory: {memory_after_crowd:.0f} MB\n"
        )
        report.line(f"## Draw: stroke → Prediction on screen, {args.strokes} strokes\n")
        report.line("| while | median | max | every stroke, s | server's share: median / max |\n|---|---|---|---|---|")
        for label, result in (
            ("nobody else is on the server", quiet),
            (
                f"{args.idle} sessions idle and {args.training} train the ten-digit preset "
                f"({loaded['still_training']} still training at the end)",
                loaded,
            ),
        ):
            lat = result["latencies"]
            own = result["server"] or [float("nan")]
            report.line(
                f"| {label} | {statistics.median(lat):.3f} s | {max(lat):.3f} s | "
                f"{' '.join(f'{x:.2f}' for x in lat)} | {statistics.median(own):.3f} / {max(own):.3f} s |"
            )
        report.line(f"\nserver peak memory over the whole run: {server.peak_memory_mb():.0f} MB")
        for name, figures in (
            ("one_session", single),
            ("crowd", crowd),
            ("draw_quiet", quiet),
            ("draw_loaded", loaded),
        ):
            report.figure(name, figures)
        report.figure("server_peak_mb", server.peak_memory_mb())
        report.finish()
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
