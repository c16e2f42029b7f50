"""The Draw page's own time per stroke on the server, for this checkout or another one.

    python benchmarks/draw_server_time.py [--strokes 12] [--app-dir /path/to/other/checkout]

Starts the real server with NNLIB_TIMING_LOG set, draws strokes in headless Chromium and
reads the page's own log: from the script's start to the Prediction being sent. With
--app-dir it measures another checkout (e.g. a git worktree of an older commit) the same
way, so a change can be measured before and after on one machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from devtools.live import BROWSER_ARGS, CHROMIUM, draw_stroke, start_server, stop_server

SHAPES = [
    [(150, 40), (145, 140), (140, 240)],
    [(90, 60), (200, 55), (120, 235)],
    [(140, 40), (80, 160), (200, 160)],
    [(100, 60), (190, 60), (190, 240)],
]


def measure(app_dir: Path | None, strokes: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp())
    log = folder / "timings.txt"
    server = start_server(folder / "streamlit.log", {"NNLIB_TIMING_LOG": str(log)}, app_dir=app_dir)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{server.url}/Draw")
            page.locator("canvas.upper-canvas").first.wait_for(timeout=60_000)
            for index in range(strokes):
                draw_stroke(page, SHAPES[index % len(SHAPES)])
                page.locator("[data-testid='stMetric']", has_text="Prediction").first.wait_for(timeout=30_000)
                page.wait_for_timeout(1200)
            browser.close()
    finally:
        stop_server(server)
    words = log.read_text().split() if log.exists() else []
    return [float(v) for name, v in zip(words[::2], words[1::2]) if name == "draw-prediction"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strokes", type=int, default=12)
    parser.add_argument("--app-dir", type=Path, help="another checkout to measure (default: this one)")
    args = parser.parse_args()
    times = measure(args.app_dir, args.strokes)
    if not times:
        raise SystemExit("no timings logged")
    ms = sorted(1000 * t for t in times[1:] or times)  # the first stroke warms the imports
    print(
        f"{args.app_dir or 'this checkout'}: {len(ms)} strokes, server time per stroke median "
        f"{statistics.median(ms):.1f} ms, max {max(ms):.1f} ms"
    )


if __name__ == "__main__":
    main()
