"""The server's memory with its workers, at idle and with sessions training: does it fit 1 GiB?

    python -m benchmarks.host_memory [--sessions 8] [--preset ""] [--container] [--app-dir /path/to/before]

Starts the real server with the default settings; one page opens Train (the worker pool
starts) and the proportional set size (PSS, shared pages split among their users) of the
server plus its workers is read at idle; then `--sessions` Chromium sessions train the
preset together (the blog's by default, "?preset=class" for the ten digits) while the PSS is
sampled every 0.2 s: the peak is reported. `--container` runs the server as issue 15's
container would (64 MB /dev/shm, a cgroup v1 with 1 CPU and 1 GiB, as root) and adds the
cgroup's own peak (memory.max_usage_in_bytes: page cache of the shared files included).
With `--app-dir` the same is measured for that checkout (e.g. main, "before"), in the same run.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from devtools import bench
from devtools.container import cgroup_v1_limits, small_shm_prefix
from devtools.live import descendants, new_page, start_server, stop_server, train_button, train_together


def measure(sessions: int, path: str, container: bool, browser, app_dir: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        limits = cgroup_v1_limits(cpu_quota=1.0, memory_bytes=2**30) if container else None
        groups = limits.__enter__() if limits else None
        prefix = small_shm_prefix(64) if container else None
        server = start_server(Path(folder) / "streamlit.log", prefix=prefix, app_dir=app_dir)
        try:
            if groups:
                groups.add(server.pid)
            page = new_page(browser, f"{server.url}/Train", "Train")
            train_button(page).wait_for()
            time.sleep(5)  # the workers have imported NumPy
            idle = bench.tree_pss_mb(server.pid)
            page.context.close()
            peak, done = [idle], threading.Event()

            def sample() -> None:
                while not done.is_set():
                    peak.append(bench.tree_pss_mb(server.pid))
                    done.wait(0.2)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            result = train_together(server.url, browser, sessions=sessions, timeout_s=900, path=path)
            done.set()
            sampler.join()
            cgroup_peak = None
            if groups:
                memory = [f for f in groups.folders if (f / "memory.max_usage_in_bytes").exists()]
                cgroup_peak = int((memory[0] / "memory.max_usage_in_bytes").read_text()) / 2**20 if memory else None
            workers = len(descendants(server.pid))
        finally:
            stop_server(server)
            if limits:
                limits.__exit__(None, None, None)
    return dict(
        idle_mb=round(idle),
        peak_mb=round(max(peak)),
        cgroup_peak_mb=round(cgroup_peak) if cgroup_peak else None,
        processes=workers,
        unfinished=result["unfinished"],
        exceptions=len(result["exceptions"]),
    )


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--preset", default="", help='"class" or "digits"; default the blog\'s')
    parser.add_argument("--container", action="store_true", help="64 MB /dev/shm, 1 CPU, 1 GiB (root)")
    parser.add_argument("--app-dir", type=Path, help="another checkout to measure too (before)")
    args = parser.parse_args()
    report = bench.Report("host_memory", args)
    path = f"/Train?preset={args.preset}" if args.preset else "/Train"
    checkouts = [("this checkout", None)] + ([("--app-dir", args.app_dir)] if args.app_dir else [])
    rows = []
    with bench.chromium() as browser:
        for name, app_dir in checkouts:
            result = measure(args.sessions, path, args.container, browser, app_dir)
            report.figure(name, result)
            rows.append([name, *result.values()])
    report.table(["checkout", *result], rows)
    report.finish()


if __name__ == "__main__":
    main()
