"""Does a crowd pressing Train hold the server? /_stcore/health answer times, this checkout and another.

    python -m benchmarks.crowd_health [--sessions 30] [--app-dir /path/to/before]

`--sessions` Chromium pages (in browser contexts of 10: one Streamlit session each) open Train
and wait; a thread then asks /_stcore/health every 0.2 s while every page presses Train and
until every page shows its Test accuracy. Reports the answers' median, p99 and slowest, and
the server's own CPU seconds (not its workers'). The pages share the machine's cores with the
server, so an answer's wall time is not the server's alone: compare the two rows of one run.
"""

from __future__ import annotations

import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from devtools import bench
from devtools.live import ACCURACY, start_server, stop_server, train_button

CONTEXT_PAGES = 10


class HealthPoller(threading.Thread):
    """Asks url's /_stcore/health every 0.2 s until stopped; keeps each answer's seconds
    (the timeout's when there was no answer: a frozen server)."""

    def __init__(self, url: str, timeout_s: float = 30.0):
        super().__init__(daemon=True)
        self.url, self.timeout_s = f"{url}/_stcore/health", timeout_s
        self.seconds: list[float] = []
        self.unanswered = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            started = time.perf_counter()
            try:
                urllib.request.urlopen(self.url, timeout=self.timeout_s).read()
            except OSError:
                self.unanswered += 1
            self.seconds.append(time.perf_counter() - started)
            self.done.wait(0.2)


def crowd_pages(browser, url: str, sessions: int) -> list:
    """sessions Train pages, each its own session, ready to press Train."""
    pages = []
    for first in range(0, sessions, CONTEXT_PAGES):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        for _ in range(min(CONTEXT_PAGES, sessions - first)):
            page = context.new_page()
            page.goto(f"{url}/Train")
            pages.append(page)
    for page in pages:
        page.get_by_role("heading", name="Train").first.wait_for(timeout=180_000)
        train_button(page).wait_for(timeout=60_000)
    return pages


def press_train_together(pages: list, url: str, timeout_s: float = 600) -> tuple[HealthPoller, int]:
    """Every page presses Train while the health check is polled; (poller, pages finished)."""
    poller = HealthPoller(url)
    poller.start()
    try:
        for page in pages:
            train_button(page).click(no_wait_after=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not all(page.locator(ACCURACY).count() for page in pages):
            time.sleep(0.5)
    finally:
        poller.done.set()
        poller.join()
    return poller, sum(1 for page in pages if page.locator(ACCURACY).count())


def crowd_health(app_dir: Path | None, sessions: int, browser) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder) / "streamlit.log", app_dir=app_dir)
        try:
            pages = crowd_pages(browser, server.url, sessions)
            cpu = server.cpu_seconds()
            poller, finished = press_train_together(pages, server.url)
            cpu = server.cpu_seconds() - cpu
            for context in {page.context for page in pages}:
                context.close()
        finally:
            stop_server(server)
    answers = poller.seconds
    return dict(
        polls=len(answers),
        unanswered=poller.unanswered,
        median_s=round(bench.percentile(answers, 0.5), 3),
        p99_s=round(bench.percentile(answers, 0.99), 3),
        slowest_s=round(max(answers), 3),
        server_cpu_s=round(cpu, 1),
        finished=finished,
    )


def main() -> None:
    parser = bench.parser(__doc__, app_dir=True)
    parser.add_argument("--sessions", type=int, default=30)
    args = parser.parse_args()
    report = bench.Report("crowd_health", args)

    def describe(name: str, result: dict) -> str:
        return (
            f"{name}: health answers over {result['polls']} polls: median {result['median_s']} s, "
            f"p99 {result['p99_s']} s, slowest {result['slowest_s']} s, {result['unanswered']} unanswered; "
            f"server CPU {result['server_cpu_s']} s; {result['finished']}/{args.sessions} runs finished"
        )

    bench.measure_checkouts(
        report, args.app_dir, lambda app_dir, browser: crowd_health(app_dir, args.sessions, browser), describe
    )
    report.finish()


if __name__ == "__main__":
    main()
