"""What watching a run costs the server: its own CPU per watching session, this checkout and another.

    python -m benchmarks.watch_cost [--sessions 8] [--window 20] [--preset digits] [--app-dir /path/to/main]

`--sessions` Chromium sessions open Train and press Train together (a preset long enough
that every session is still watching, running or queued, through the window). Once every
page shows its live panel, the Streamlit server's own process CPU time (not its training
workers') is read over `--window` seconds: CPU-seconds ÷ (sessions × window) is the share of
a core one watching session costs. With `--app-dir` the same is measured for that checkout
(e.g. main, "before"). Figures from a shared machine scatter; compare the two side by side.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from devtools import bench
from devtools.live import new_page, start_server, stop_server, train_button

LIVE = re.compile(r"Epoch \d|Waiting for a free worker")


def watch_cost(app_dir: Path | None, sessions: int, window_s: float, preset: str, browser) -> dict:
    """Server CPU per watching session over window_s, for the app in app_dir (None: this one)."""
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder) / "streamlit.log", app_dir=app_dir)
        try:
            pages = [new_page(browser, f"{server.url}/Train?preset={preset}", "Train") for _ in range(sessions)]
            for page in pages:
                page.wait_for_timeout(300)
                train_button(page).click()
            for page in pages:
                page.get_by_text(LIVE).first.wait_for(timeout=180_000)
            time.sleep(2)  # the clicks' own reruns are over
            cpu, started = server.cpu_seconds(), time.monotonic()
            time.sleep(window_s)
            cpu, elapsed = server.cpu_seconds() - cpu, time.monotonic() - started
            still_live = sum(1 for page in pages if page.get_by_text(LIVE).count())
            for page in pages:
                page.context.close()
        finally:
            stop_server(server)
    return dict(
        server_cpu_s=round(cpu, 2),
        window_s=round(elapsed, 1),
        core_share_per_session=round(cpu / (sessions * elapsed), 4),
        still_live=still_live,
    )


def main() -> None:
    parser = bench.parser(__doc__, app_dir=True)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--window", type=float, default=20.0, help="seconds of watching measured")
    parser.add_argument("--preset", default="digits", help="a preset that trains longer than the window")
    args = parser.parse_args()
    report = bench.Report("watch_cost", args)

    def measure(app_dir: Path | None, browser) -> dict:
        return watch_cost(app_dir, args.sessions, args.window, args.preset, browser)

    def describe(name: str, result: dict) -> str:
        return (
            f"{name}: {result['server_cpu_s']} server CPU-s over {result['window_s']} s × {args.sessions} "
            f"sessions = {result['core_share_per_session']:.2%} of a core per watching session "
            f"({result['still_live']} still live at the end)"
        )

    bench.measure_checkouts(report, args.app_dir, measure, describe)
    report.finish()


if __name__ == "__main__":
    main()
