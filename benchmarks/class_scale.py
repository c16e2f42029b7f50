"""A class training at once: worker processes against the old in-server threads, side by side.

    python benchmarks/class_scale.py --sessions 8 --preset blog [--workers W] [--json]

N runs of the preset start together, first through the job API the Train page uses
(server.jobs: RemoteTrainer polled every 0.3 s from one thread per session, as a page's
script thread does), then through the old path (one Trainer per thread in this process, the
"server"). For each: wall time until the last run finishes; the cores floor (N × one run's
CPU time ÷ cores) and the ratio; the CPU-seconds the path used, this process plus the
workers (on a shared machine wall time shows the share of the cores it got, CPU time the
work it did); peak PSS of this process plus the workers (/proc/PID/smaps_rollup); and the
latency of Draw predictions (preprocess + predict + explain of canvas-like drawings, as the
Draw page does) made in this process while the runs train, p50 and p99.

--repeat R alternates the two paths R times and keeps each one's fastest run (a shared
machine's noise). Reported too: the limits found (server.limits.read_limits: the cgroup's CPU
quota and memory limit), the load average before and after, and the share of the cores the
workers' path got (its CPU-seconds ÷ wall ÷ cores), to judge the ratio on a shared machine.
With --json the report's figures are wall_s, floor_s, ratio, cpu_s, peak_mb, draw_p50_ms,
draw_p99_ms, limits, load_before, load_after, core_share, cpu_ratio, and the same with the prefix old_.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from devtools import bench  # noqa: E402
from devtools.canvas_like import canvas_drawing  # noqa: E402
from nnlib import PRESETS, Trainer, load_mnist, prepare_data  # noqa: E402
from nnlib.modelio import open_model  # noqa: E402
from nnlib.pipeline import read_digit  # noqa: E402
from server.jobs import JobPool, RemoteTrainer, default_workers, usable_cores  # noqa: E402
from server.limits import memory_limit_bytes, read_limits  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PRESET_NAMES = {"blog": "seed", "seed": "seed", "class": "class", "digits": "digits"}
REFRESH_SECONDS = 0.3  # the Train page's poll


class Probe:
    """While a run goes on: Draw predictions in this process (latency) and PSS samples."""

    def __init__(self, pids):
        self.pids = pids  # callable -> worker pids
        network, config = open_model(ROOT / "assets" / "models" / "digits.npz")
        rng = np.random.default_rng(0)
        images = load_mnist().test.images[:40]
        self.drawings = [canvas_drawing(image, rng) for image in images]
        self.predict = lambda drawing: read_digit(drawing, network, config, background=0.0)
        self.latencies, self.peak_mb = [], 0.0
        self._stop = threading.Event()

    def __enter__(self):
        self._cpu_at_start = bench.cpu_seconds(os.getpid())
        self._threads = [threading.Thread(target=self._draw), threading.Thread(target=self._memory)]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join()
        # CPU the runs used: this process since the start, plus the workers (started just before)
        workers_cpu = sum(bench.cpu_seconds(pid) for pid in self.pids())
        self.cpu_s = bench.cpu_seconds(os.getpid()) - self._cpu_at_start + workers_cpu

    def _draw(self) -> None:
        index = 0
        while not self._stop.wait(0.05):  # a stroke every ~50 ms, as a student drawing
            started = time.perf_counter()
            self.predict(self.drawings[index % len(self.drawings)])
            self.latencies.append(time.perf_counter() - started)
            index += 1

    def _memory(self) -> None:
        while not self._stop.wait(0.2):
            total = bench.pss_mb(os.getpid()) + sum(bench.pss_mb(pid) for pid in self.pids())
            self.peak_mb = max(self.peak_mb, total)

    def figures(self) -> dict:
        ms = [1000 * seconds for seconds in self.latencies] or [float("nan")]
        return dict(
            peak_mb=round(self.peak_mb, 1),
            draw_p50_ms=round(bench.percentile(ms, 0.50), 2),
            draw_p99_ms=round(bench.percentile(ms, 0.99), 2),
            draws=len(self.latencies),
            cpu_s=round(self.cpu_s, 2),
        )


def one_run_cpu_seconds(config, data) -> float:
    trainer = Trainer(config, data)
    started = time.process_time()
    trainer.run()
    return time.process_time() - started


def run_sessions(trainers_of_session, sessions: int) -> float:
    """One thread per session, each polling its trainer until done; the wall time."""

    def session(index: int) -> None:
        trainer = trainers_of_session(index)
        while not trainer.done:
            trainer.advance(max_seconds=REFRESH_SECONDS)

    threads = [threading.Thread(target=session, args=(i,)) for i in range(sessions)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def through_workers(config, data, sessions: int, workers: int) -> dict:
    pool = JobPool(workers=workers, idle_seconds=600)
    pool.wait_ready()  # a server's pool starts with the server, not with the first click
    try:
        with Probe(pool.worker_pids) as probe:
            wall = run_sessions(lambda i: RemoteTrainer(pool, f"session-{i}", config, data), sessions)
        return dict(wall_s=round(wall, 2), **probe.figures())
    finally:
        pool.close()


def in_server_threads(config, data, sessions: int) -> dict:
    from ui.runtime import run_in_background  # the old path lowered each training thread's priority

    def trainer(index: int) -> Trainer:
        run_in_background()
        return Trainer(config, data)

    with Probe(list) as probe:
        wall = run_sessions(trainer, sessions)
    return dict(wall_s=round(wall, 2), **probe.figures())


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--sessions", type=int, default=8, help="runs started together (default 8)")
    parser.add_argument("--preset", choices=sorted(PRESET_NAMES), default="blog")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: NNLIB_WORKERS or cores)")
    parser.add_argument("--repeat", type=int, default=1, help="alternate both paths this often; keep each's best")
    parser.add_argument("--skip-old", action="store_true", help="leave out the old in-server path")
    args = parser.parse_args()
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    report = bench.Report("class_scale", args)
    workers = args.workers or default_workers()
    config = PRESETS[PRESET_NAMES[args.preset]]
    data = prepare_data(load_mnist(), config.digits, config.normalization, config.dtype)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
    one_cpu = one_run_cpu_seconds(config, data)
    cores = usable_cores()
    floor = args.sessions * one_cpu / cores
    limits = read_limits()
    memory = memory_limit_bytes(limits)
    found = (
        f"{limits.source}: CPU quota {limits.cpu_quota if limits.cpu_quota else 'none'}, "
        f"memory {f'{memory / 2**20:,.0f} MB' if memory else 'no limit'}"
    )
    result = dict(
        sessions=args.sessions,
        preset=args.preset,
        workers=workers,
        cores=cores,
        one_run_cpu_s=round(one_cpu, 2),
        floor_s=round(floor, 2),
        limits=found,
    )
    load_before = os.getloadavg()[0]
    new_runs, old_runs = [], []
    for _ in range(args.repeat):  # alternating, so both paths see the same machine
        new_runs.append(through_workers(config, data, args.sessions, workers))
        if not args.skip_old:
            old_runs.append(in_server_threads(config, data, args.sessions))
    result.update(min(new_runs, key=lambda run: run["wall_s"]))
    result["ratio"] = round(result["wall_s"] / floor, 2)
    result.update(load_before=round(load_before, 1), load_after=round(os.getloadavg()[0], 1))
    result["core_share"] = round(result["cpu_s"] / result["wall_s"] / cores, 2)  # of the cores the runs got
    result["cpu_ratio"] = round(result["cpu_s"] / (args.sessions * one_cpu), 2)  # the ratio at the CPU received
    if old_runs:
        old = min(old_runs, key=lambda run: run["wall_s"])
        result.update({f"old_{key}": value for key, value in old.items()})
        result["old_ratio"] = round(old["wall_s"] / floor, 2)
    report.line(f"{args.sessions} × {args.preset} on {cores} cores; one run {one_cpu:.2f} CPU-s; floor {floor:.2f} s")
    report.line(
        f"load average {result['load_before']} before, {result['load_after']} after; the workers' path got "
        f"{result['core_share']:.0%} of its {cores} cores (CPU-s ÷ wall ÷ cores); its CPU-s ÷ (runs × one run) "
        f"{result['cpu_ratio']:.2f}×: the ratio at the CPU it received"
    )
    report.line(
        f"{'path':28s} {'wall s':>7s} {'÷ floor':>8s} {'CPU s':>7s} {'peak MB':>8s} {'draw p50':>9s} {'draw p99':>9s} "
        "limits found"
    )
    rows = [("", f"workers ({workers} processes)")]
    if not args.skip_old:
        rows.append(("old_", "in-server threads (old)"))
    for prefix, label in rows:
        report.line(
            f"{label:28s} {result[prefix + 'wall_s']:7.2f} {result[prefix + 'ratio']:7.2f}× "
            f"{result[prefix + 'cpu_s']:7.1f} "
            f"{result[prefix + 'peak_mb']:8.0f} {result[prefix + 'draw_p50_ms']:7.1f}ms "
            f"{result[prefix + 'draw_p99_ms']:7.1f}ms {found}"
        )
    for key, value in result.items():
        report.figure(key, value)
    report.finish()


if __name__ == "__main__":
    main()
