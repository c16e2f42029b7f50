"""The class board under a class: N posters at once, on SQLite and on PostgreSQL, side by side.

    python benchmarks/board_load.py [--posters 40] [--rounds 3] [--json]

Each round: a fresh board; N threads (one per student session, each its own connection from the
pool the page uses, server.board.ENGINE_OPTIONS) wait at a barrier and post once; a viewer on a
second engine (another replica) reads the board every 50 ms. A first round opens the pools'
connections and is reported apart (cold p99). Reported per backend: post latency
p50/p99 (ms), the wall time of the burst, the time until the viewer sees all N (the page adds at
most its refresh period, 2 s), and lost posts / errors (must be 0). SQLite is a WAL file in a temp
folder; PostgreSQL a throw-away server (devtools/postgres.py), skipped when not installed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from devtools.postgres import start_postgres, stop_postgres, why_unavailable
from server.board import ENGINE_OPTIONS, BoardStore, RunSummary

RUN = RunSummary({"digits": [0, 1], "activation": "tanh"}, (10,), 0.99, 1.6, 7862, 62896)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


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
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "cold_p99_ms": 1000 * percentile(cold["latencies"], 0.99) if cold["latencies"] else None,
        "burst_s": max(r["wall_s"] for r in results),
        "viewer_sees_all_s": max(seen) if len(seen) == rounds else None,
        "lost": sum(r["lost"] for r in results_all),
        "errors": [e for r in results_all for e in r["errors"]][:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posters", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also print one JSON line with every figure")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(measure("sqlite", f"sqlite:///{Path(folder) / 'board.sqlite'}", args.posters, args.rounds))
    reason = why_unavailable()
    if reason:
        print(f"PostgreSQL skipped: {reason}")
    else:
        server = start_postgres()
        try:
            rows.append(measure("postgresql", server.new_database("bench"), args.posters, args.rounds))
        finally:
            stop_postgres(server)
    print(f"{args.posters} posters at once, {args.rounds} rounds each after a first (cold pool) round")
    print(
        f"{'backend':<12}{'p50 ms':>9}{'p99 ms':>9}{'cold p99':>10}{'burst s':>9}{'viewer s':>10}{'lost':>6}"
        f"{'errors':>8}"
    )
    for row in rows:
        seen = f"{row['viewer_sees_all_s']:.2f}" if row["viewer_sees_all_s"] is not None else "never"
        print(
            f"{row['backend']:<12}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['cold_p99_ms'] or 0:>10.1f}"
            f"{row['burst_s']:>9.2f}"
            f"{seen:>10}{row['lost']:>6}{len(row['errors']):>8}"
        )
    for row in rows:
        for error in row["errors"]:
            print(f"{row['backend']} error: {error}")
    if len(rows) == 2:
        print(f"p99 ratio postgresql/sqlite: {rows[1]['p99_ms'] / rows[0]['p99_ms']:.2f}")
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
