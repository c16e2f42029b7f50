"""The class board under a class: N posters at once, on SQLite and on PostgreSQL, side by side;
and what each viewer of a board costs the server.

    python benchmarks/board_load.py [--posters 40] [--rounds 3] [--json [PATH]]
    python benchmarks/board_load.py --viewers 6 [--entries 30] [--seconds 20] [--before GIT_REF]

--viewers: a real server and N Chromium pages watching one board of --entries entries (SQLite);
nothing changes for --seconds while the server's CPU time is read from /proc, and as long again
with nobody connected: the difference is the CPU-seconds each viewer costs per second of watching.
--before also measures GIT_REF's app (git archive into a temp folder; its own store fills its own
board) the same way, for a before/after ratio.

Each round: a fresh board; N threads (one per student session, each its own connection from the
pool the page uses, server.board.ENGINE_OPTIONS) wait at a barrier and post once; a viewer on a
second engine (another replica) reads the board every 50 ms. A first round opens the pools'
connections and is reported apart (cold p99). Reported per backend: post latency
p50/p99 (ms), the wall time of the burst, the time until the viewer sees all N (the page adds at
most its refresh period, 2 s), and lost posts / errors (must be 0). SQLite is a WAL file in a temp
folder; PostgreSQL a throw-away server (devtools/postgres.py), skipped when not installed.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from devtools import bench
from devtools.postgres import start_postgres, stop_postgres, why_unavailable
from server.board import ENGINE_OPTIONS, BoardStore, RunSummary

REFRESHES_TO_SETTLE = 4  # seconds after the last page loads before the CPU clock starts
RUN = RunSummary({"digits": [0, 1], "activation": "tanh"}, (10,), 0.99, 1.6, 7862, 62896)


def one_round(writer: BoardStore, viewer: BoardStore, posters: int) -> dict:
    code = writer.create_board(f"teacher-{time.time()}").board.code
    barrier = threading.Barrier(posters + 1)
    latencies, errors = [], []

    def post(number: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        try:
            writer.post(code, f"bench-{code}-{number}", f"student {number}", RUN)
            latencies.append(time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(repr(error))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(posters)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    seen_all_s = None
    while time.perf_counter() - started < 30:
        if len(viewer.entries(code)) >= posters:
            seen_all_s = time.perf_counter() - started
            break
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    wall_s = max(latencies, default=0.0)
    stored = len(viewer.entries(code))
    return {
        "latencies": latencies,
        "wall_s": wall_s,
        "seen_all_s": seen_all_s,
        "lost": posters - stored,
        "errors": errors,
    }


def measure(name: str, url: str, posters: int, rounds: int) -> dict:
    writer = BoardStore(sa.create_engine(url, **ENGINE_OPTIONS))
    viewer = BoardStore(sa.create_engine(url, **ENGINE_OPTIONS))
    cold = one_round(writer, viewer, posters)  # the first burst also opens the pool's connections
    results = [one_round(writer, viewer, posters) for _ in range(rounds)]
    writer.engine.dispose()
    viewer.engine.dispose()
    results_all = [cold, *results]
    latencies = [value for result in results for value in result["latencies"]]
    seen = [r["seen_all_s"] for r in results if r["seen_all_s"] is not None]
    return {
        "backend": name,
        "posters": posters,
        "rounds": rounds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * bench.percentile(latencies, 0.99),
        "cold_p99_ms": 1000 * bench.percentile(cold["latencies"], 0.99) if cold["latencies"] else None,
        "burst_s": max(r["wall_s"] for r in results),
        "viewer_sees_all_s": max(seen) if len(seen) == rounds else None,
        "lost": sum(r["lost"] for r in results_all),
        "errors": [e for r in results_all for e in r["errors"]][:5],
    }


FILL_BOARD = """
import sys
import sqlalchemy as sa
from server.board import BoardStore, RunSummary
store = BoardStore(sa.create_engine(sys.argv[1]))
code = store.create_board("bench-teacher").board.code
for n in range(int(sys.argv[2])):
    settings = {"digits": [0, 1], "activation": "tanh", "learning_rate": 0.001}
    run = RunSummary(settings, (2 + n % 9,), 0.99, 1.0 + n % 5, 7862, 62896)
    store.post(code, f"bench-{n}", f"student {n}", run)
print(code)
"""


def viewer_cost(app_dir: Path, viewers: int, entries: int, seconds: float, folder: Path) -> dict:
    """Server CPU-seconds per viewer per second while `viewers` pages watch an unchanging board."""
    from devtools.live import start_server, stop_server

    url = f"sqlite:///{folder / 'board.sqlite'}"
    code = subprocess.run(
        [sys.executable, "-c", FILL_BOARD, url, str(entries)], cwd=app_dir, capture_output=True, text=True, check=True
    ).stdout.strip()
    server = start_server(folder / "server.log", {"NNLIB_BOARD_URL": url, "NNLIB_DATA_DIR": str(folder)}, app_dir)
    try:
        time.sleep(REFRESHES_TO_SETTLE)
        quiet_start = server.cpu_seconds()
        time.sleep(seconds)
        quiet = server.cpu_seconds() - quiet_start  # the server alone, nobody connected
        with bench.chromium() as browser:
            pages = []
            for _ in range(viewers):
                page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
                page.goto(f"{server.url}/Class?class={code}", timeout=120_000)  # a loaded machine is slow
                page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
                pages.append(page)
            time.sleep(REFRESHES_TO_SETTLE)
            idle_start = server.cpu_seconds()
            time.sleep(seconds)
            used = server.cpu_seconds() - idle_start
    finally:
        stop_server(server)
    return {
        "viewers": viewers,
        "seconds": seconds,
        "quiet_cpu_s": quiet,
        "cpu_s": used,
        "cpu_per_viewer_per_s": (used - quiet) / viewers / seconds,
    }


def main_viewers(args, report: bench.Report) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        here = Path(__file__).resolve().parent.parent
        after_folder = Path(folder) / "after"
        after_folder.mkdir()
        rows.append(("this checkout", viewer_cost(here, args.viewers, args.entries, args.seconds, after_folder)))
        report.line(f"this checkout: {rows[0][1]}")  # kept if the second measurement fails
        if args.before:
            before = Path(folder) / "before"
            before.mkdir()
            archive = subprocess.run(["git", "archive", args.before], cwd=here, capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
            (before / "run").mkdir()
            rows.append((args.before, viewer_cost(before, args.viewers, args.entries, args.seconds, before / "run")))
    report.line(f"{args.viewers} viewers on a board of {args.entries} entries, {args.seconds:g} s with no change")
    for name, row in rows:
        report.line(
            f"{name:<16} server CPU {row['cpu_s']:.2f} s watched, {row['quiet_cpu_s']:.2f} s alone: "
            f"{row['cpu_per_viewer_per_s']:.4f} CPU-s per viewer per s"
        )
    if len(rows) == 2:
        report.line(
            f"before/after: {rows[1][1]['cpu_per_viewer_per_s'] / max(rows[0][1]['cpu_per_viewer_per_s'], 1e-9):.1f}x"
        )
    report.figure("viewer_cost", {name: row for name, row in rows})


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--posters", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--viewers", type=int, default=0, help="measure the cost of this many viewers instead")
    parser.add_argument("--entries", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--before", help="a git ref whose app is measured too (with --viewers)")
    args = parser.parse_args()
    report = bench.Report("board_load", args)
    if args.viewers:
        main_viewers(args, report)
        report.finish()
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(measure("sqlite", f"sqlite:///{Path(folder) / 'board.sqlite'}", args.posters, args.rounds))
    reason = why_unavailable()
    if reason:
        report.line(f"PostgreSQL skipped: {reason}")
    else:
        server = start_postgres()
        try:
            rows.append(measure("postgresql", server.new_database("bench"), args.posters, args.rounds))
        finally:
            stop_postgres(server)
    report.line(f"{args.posters} posters at once, {args.rounds} rounds each after a first (cold pool) round")
    report.line(
        f"{'backend':<12}{'p50 ms':>9}{'p99 ms':>9}{'cold p99':>10}{'burst s':>9}{'viewer s':>10}{'lost':>6}"
        f"{'errors':>8}"
    )
    for row in rows:
        seen = f"{row['viewer_sees_all_s']:.2f}" if row["viewer_sees_all_s"] is not None else "never"
        report.line(
            f"{row['backend']:<12}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['cold_p99_ms'] or 0:>10.1f}"
            f"{row['burst_s']:>9.2f}"
            f"{seen:>10}{row['lost']:>6}{len(row['errors']):>8}"
        )
    for row in rows:
        for error in row["errors"]:
            report.line(f"{row['backend']} error: {error}")
    if len(rows) == 2:
        report.line(f"p99 ratio postgresql/sqlite: {rows[1]['p99_ms'] / rows[0]['p99_ms']:.2f}")
    report.figure("posters", rows)
    report.finish()


if __name__ == "__main__":
    main()
