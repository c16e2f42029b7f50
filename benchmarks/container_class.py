"""A class of 30 training the `class` preset in a 1-CPU, 1 GiB container with Docker's 64 MB /dev/shm.

    sudo python -m benchmarks.container_class [--runs 30] [--preset class] [--lone-cpu S] [--json [PATH]]

Needs root (cgroup v1 child groups and a mount namespace, devtools.container). First the
preset's lone CPU time: one run trained alone in this process, one BLAS thread (or
--lone-cpu S, measured before). Then a "server" starts inside the container: a process in
child groups with 1 CPU of quota (cpu.cfs_quota_us) and 1 GiB (memory.limit_in_bytes), in its
own mount namespace with a 64 MB tmpfs on /dev/shm. It reads its limits as the app does
(server.limits.read_limits), prepares the data as the app does (file-backed), starts its
JobPool with the default worker count and submits --runs runs at once through RemoteTrainer,
one thread per session polling every 0.3 s as a Train page does.

Printed: the limits the server found and its workers; each run's finish (seconds since the
submissions, status, Test accuracy, the worker's CPU-seconds for it, summed at the end); the ratio
last finish ÷ (runs × lone CPU) (target ≤ 1.5); the CPU the container's groups actually
received while the runs trained (cpuacct.usage; the server's start-up, data preparation and
workers' imports are shown apart) and that as a share of one core over the wall time; the load
average of the machine before, during and after; the server's peak memory: PSS of the
server plus its workers (sampled every 0.5 s) and the memory group's peak usage (page cache
included). On a machine shared with others the wall clock mostly shows the share of the CPU
the container got; compare received CPU with runs × lone CPU too.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from benchmarks.class_scale import PRESET_NAMES, REFRESH_SECONDS, one_run_cpu_seconds  # noqa: E402
from devtools import bench  # noqa: E402
from devtools.container import (  # noqa: E402
    CgroupUnavailable,
    cgroup_v1_cpu_account,
    cgroup_v1_limits,
    memory_peak_bytes,
    small_shm_prefix,
)
from nnlib import PRESETS, load_mnist, prepare_data  # noqa: E402

CPU_QUOTA, MEMORY_BYTES, SHM_MB = 1.0, 2**30, 64
EVENT = "event "  # the server's lines the driver reads: EVENT + one JSON object


def emit(**fields) -> None:
    print(EVENT + json.dumps(fields), flush=True)


# --- Inside the container: the server ---------------------------------------------------------


def serve(runs: int, preset: str) -> None:
    """Wait for "go" on stdin (the driver has put this process in its groups), then train runs at once."""
    sys.stdin.readline()
    from server.jobs import JobPool
    from server.limits import memory_limit_bytes, read_limits
    from server.shared_files import file_backed

    limits = read_limits()
    config = PRESETS[PRESET_NAMES[preset]]
    data = file_backed(prepare_data(load_mnist(), config.digits, config.normalization, config.dtype))
    pool = JobPool(idle_seconds=600)
    pool.wait_ready()
    emit(
        kind="limits",
        source=limits.source,
        cpu_quota=limits.cpu_quota,
        memory_mb=(memory_limit_bytes(limits) or 0) / 2**20,
        workers=pool.counts()["workers"],
    )
    peak = PeakMemory(pool)
    started = time.monotonic()
    threads = [threading.Thread(target=session, args=(pool, i, config, data, started)) for i in range(runs)]
    try:
        with peak:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        pool.close()
    emit(kind="done", peak_pss_mb=round(peak.peak_mb, 1), max_running=peak.max_running)


def session(pool, index: int, config, data, started: float) -> None:
    """One student: a run submitted, polled as the Train page does until it is done."""
    from server.jobs import RemoteTrainer

    trainer = RemoteTrainer(pool, f"student-{index}", config, data)
    while not trainer.done:
        trainer.advance(max_seconds=REFRESH_SECONDS)
    evaluations = trainer.history.evaluations
    emit(
        kind="finish",
        run=index,
        at_s=round(time.monotonic() - started, 1),
        status=trainer.status,
        test_accuracy=round(evaluations[-1].test_accuracy, 4) if evaluations else None,
        worker_cpu_s=round(trainer.cpu_seconds, 2),
    )


class PeakMemory:
    """While the runs train: the peak PSS of this process plus the workers, and the most runs running at once."""

    def __init__(self, pool):
        self.pool, self.peak_mb, self.max_running = pool, 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            workers = sum(bench.pss_mb(pid) for pid in self.pool.worker_pids())
            self.peak_mb = max(self.peak_mb, bench.pss_mb(os.getpid()) + workers)
            self.max_running = max(self.max_running, self.pool.counts()["running"])


# --- Outside: the driver ----------------------------------------------------------------------


def lone_cpu_seconds(preset: str) -> float:
    """One run of the preset alone in this process, one BLAS thread: its CPU-seconds."""
    from threadpoolctl import threadpool_limits

    config = PRESETS[PRESET_NAMES[preset]]
    data = prepare_data(load_mnist(), config.digits, config.normalization, config.dtype)
    with threadpool_limits(1, user_api="blas"):
        return one_run_cpu_seconds(config, data)


def in_container(runs: int, preset: str, report: bench.Report) -> dict:
    """Start the server in the container, relay its events to report; the figures it and the cgroups gave."""
    command = [*small_shm_prefix(SHM_MB), sys.executable, "-m", "benchmarks.container_class"]
    command += ["--inside", "--runs", str(runs), "--preset", preset]
    found = dict(finishes=[], load=[os.getloadavg()[0]])
    with cgroup_v1_limits(cpu_quota=CPU_QUOTA, memory_bytes=MEMORY_BYTES) as groups:
        with cgroup_v1_cpu_account(groups) as received_cpu_s:
            server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            try:
                groups.add(server.pid)  # before it imports anything: its workers follow
                cpu_at_start, wall_at_start = received_cpu_s(), time.monotonic()
                server.stdin.write("go\n")
                server.stdin.flush()
                for line in server.stdout:
                    if line.startswith(EVENT):
                        event = json.loads(line[len(EVENT) :])
                        if event["kind"] == "limits":  # the runs are submitted next
                            cpu_at_start, wall_at_start = received_cpu_s(), time.monotonic()
                        relay(event, found, report)
                server.wait()
                found.update(
                    exit_code=server.returncode,
                    setup_and_runs_cpu_s=round(received_cpu_s(), 1),
                    received_cpu_s=round(received_cpu_s() - cpu_at_start, 1),
                    wall_s=round(time.monotonic() - wall_at_start, 1),
                    memory_group_peak_mb=round((memory_peak_bytes(groups) or 0) / 2**20, 1),
                )
            finally:
                server.kill()
    found["load"].append(os.getloadavg()[0])
    return found


def relay(event: dict, found: dict, report: bench.Report) -> None:
    """Keep one of the server's events in found and report it as it comes (a run's finish with the load)."""
    kind = event.pop("kind")
    if kind == "limits":
        found["limits"] = event
        report.line(
            f"server found: {event['source']}, CPU quota {event['cpu_quota']}, memory {event['memory_mb']:,.0f} MB; "
            f"{event['workers']} worker(s)"
        )
    elif kind == "finish":
        found["load"].append(os.getloadavg()[0])
        found["finishes"].append(dict(event, load=round(found["load"][-1], 1)))
        report.line(
            f"  run {event['run']:2d} {event['status']:8s} at {event['at_s']:7.1f} s  "
            f"Test accuracy {event['test_accuracy']}  worker CPU {event['worker_cpu_s']:.2f} s  "
            f"(load {found['load'][-1]:.1f})"
        )
    else:
        found.update(event)


def summary(found: dict, runs: int, lone_cpu: float) -> dict:
    finishes = found["finishes"]
    last = max((event["at_s"] for event in finishes), default=float("nan"))
    ideal = runs * lone_cpu
    received = found.get("received_cpu_s", float("nan"))
    load = found["load"]
    return dict(
        runs=runs,
        finished=sum(1 for event in finishes if event["status"] == "finished"),
        lone_cpu_s=round(lone_cpu, 2),
        ideal_cpu_s=round(ideal, 1),
        last_finish_s=last,
        ratio=round(last / ideal, 2),
        workers_cpu_s=round(sum(event["worker_cpu_s"] for event in finishes), 1),
        received_cpu_s=received,
        setup_and_runs_cpu_s=found.get("setup_and_runs_cpu_s"),
        received_ratio=round(received / ideal, 2),
        core_share=round(received / found.get("wall_s", float("nan")), 2),
        load_before=round(load[0], 1),
        load_during_mean=round(sum(load[1:-1]) / max(len(load) - 2, 1), 1),
        load_after=round(load[-1], 1),
        limits=found.get("limits"),
        peak_pss_mb=found.get("peak_pss_mb"),
        memory_group_peak_mb=found.get("memory_group_peak_mb"),
        max_running=found.get("max_running"),
        exit_code=found.get("exit_code"),
        finishes=finishes,
    )


def report_summary(report: bench.Report, result: dict) -> None:
    """The summary's lines; every figure of result in the report's JSON."""
    for key, value in result.items():
        report.figure(key, value)
    report.line(
        f"{result['finished']}/{result['runs']} finished; lone run {result['lone_cpu_s']:.2f} CPU-s; "
        f"{result['runs']} × lone = {result['ideal_cpu_s']:.1f} s"
    )
    report.line(
        f"last finish {result['last_finish_s']:.1f} s: {result['ratio']:.2f} × (runs × lone CPU)  [target ≤ 1.5]"
    )
    report.line(
        f"CPU the container received: {result['received_cpu_s']:.1f} s "
        f"= {result['received_ratio']:.2f} × (runs × lone), "
        f"{result['core_share']:.2f} of a core over the wall time "
        f"(with the server's start-up: {result['setup_and_runs_cpu_s']} s)"
    )
    report.line(
        f"of which the worker trained the runs: {result['workers_cpu_s']} s; the server (polls, run set-up) the rest"
    )
    report.line(
        f"load average: {result['load_before']} before, {result['load_during_mean']} during (mean), "
        f"{result['load_after']} after, on {os.cpu_count()} cores"
    )
    report.line(
        f"peak memory: server + workers PSS {result['peak_pss_mb']} MB; "
        f"memory group {result['memory_group_peak_mb']} MB "
        f"(page cache included); at most {result['max_running']} run(s) at once"
    )


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--runs", type=int, default=30, help="sessions training at once (default 30)")
    parser.add_argument("--preset", choices=sorted(PRESET_NAMES), default="class")
    parser.add_argument("--lone-cpu", type=float, help="the preset's lone CPU-seconds, measured before")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)  # the server's side
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.inside:
        serve(args.runs, args.preset)
        return
    report = bench.Report("container_class", args)
    lone_cpu = args.lone_cpu or lone_cpu_seconds(args.preset)
    report.line(f"{args.preset}: one run alone {lone_cpu:.2f} CPU-s")
    try:
        found = in_container(args.runs, args.preset, report)
    except CgroupUnavailable as error:
        sys.exit(f"no container here: {error}")
    report_summary(report, summary(found, args.runs, lone_cpu))
    report.finish()


if __name__ == "__main__":
    main()
