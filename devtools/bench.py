"""What every benchmark shares: percentiles, headless Chromium, a process's memory and CPU time read
from /proc, and one report (Markdown as it goes, every figure in JSON at the end).

    from devtools import bench

    parser = bench.parser(__doc__)
    args = parser.parse_args()
    report = bench.Report("draw_latency", args)
    with bench.chromium() as browser:
        ...
    report.table(["page", "p50 ms", "p95 ms"], rows)
    report.figure("ratio_p95", 1.4)
    report.finish()

The JSON (``--json PATH``, or ``--json`` alone for one line on stdout) holds the benchmark's name, its
arguments, the machine's load average and core count (figures from a loaded machine say so), the
figures, the tables as lists of rows and the Markdown lines.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


# --- Percentiles ------------------------------------------------------------------------------


def percentile(values, share: float) -> float:
    """The measured value at share (0.95 for p95) of the sorted values: a value that was seen, never
    one interpolated between two."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values to take a percentile of")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def percentiles_ms(seconds, shares=(0.5, 0.95)) -> list[float]:
    """percentile() of each share, for values in seconds, in milliseconds: [p50, p95] by default."""
    return [1000 * percentile(seconds, share) for share in shares]


class Stopwatch:
    """Over a with block: wall_s, its wall seconds, and cpu_s, the CPU-seconds this process (every
    thread) used meanwhile."""

    def __enter__(self) -> Stopwatch:
        self._started = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall_s = time.perf_counter() - self._started[0]
        self.cpu_s = time.process_time() - self._started[1]


def timed(run) -> tuple[float, float]:
    """Call run(); (wall seconds, CPU-seconds) it took, as Stopwatch measures them."""
    with Stopwatch() as watch:
        run()
    return watch.wall_s, watch.cpu_s


# --- Chromium ---------------------------------------------------------------------------------


@contextmanager
def chromium():
    """Debian's headless Chromium driven by Playwright, closed on the way out."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# --- The floor: a bare Streamlit app's round trip -------------------------------------------------

BARE_APP = """import streamlit as st

st.title("Bare")
count = st.session_state.setdefault("count", 0)
if st.button("Press"):
    st.session_state["count"] = count = count + 1
st.write(f"count {count}")
"""


def write_bare_app(folder: Path) -> Path:
    """A folder holding a button-and-counter app (start it with ``devtools.live.start_server(app_dir=…)``):
    one rerun's round trip is the floor for any Streamlit page."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "streamlit_app.py").write_text(BARE_APP)
    return folder


#: Strokes on the Draw page's canvas: a 1, a 7, a 4-ish and a hook (different answers, all well inked).
STROKES = [
    [(150, 40), (145, 140), (140, 240)],
    [(90, 60), (200, 55), (120, 235)],
    [(140, 40), (80, 160), (200, 160)],
    [(100, 60), (190, 60), (190, 240)],
]


def open_bare_page(context, url: str):
    """A tab on the bare app served at url, its button ready (the first bare_round_trip expects 1)."""
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Press").wait_for(timeout=60_000)
    return page


@contextmanager
def beside_bare(apps: dict, viewport: dict | None = None):
    """The app of each checkout in apps (name → its folder; None: this one) and the bare app, each on
    its own real server, with one Chromium context: yields (servers by name, the bare one as "bare";
    the context; the bare app's tab, ready). Each server's log is in a temporary folder; the servers
    stop on the way out."""
    import tempfile

    from devtools.live import start_server, stop_server

    folder = Path(tempfile.mkdtemp())
    servers = {"bare": start_server(folder / "bare.log", app_dir=write_bare_app(folder / "bare"))}
    try:
        for name, app_dir in apps.items():
            servers[name] = start_server(folder / f"{name}.log", app_dir=app_dir)
        with chromium() as browser:
            context = browser.new_context(viewport=viewport or dict(width=1280, height=900))
            yield servers, context, open_bare_page(context, servers["bare"].url)
    finally:
        for server in servers.values():
            stop_server(server)


def bare_round_trip(page, expected: int) -> float:
    """Seconds from a click on the bare app's button to its new count (expected) on screen."""
    page.get_by_role("button", name="Press").click()  # returns once the click is dispatched
    started = time.perf_counter()
    page.get_by_text(f"count {expected}", exact=True).wait_for(timeout=30_000)
    return time.perf_counter() - started


def logged_seconds(timing_log: Path, name: str = "draw-prediction") -> list[float]:
    """The seconds a server logged under name in its NNLIB_TIMING_LOG (lines of "name seconds")."""
    words = timing_log.read_text().split() if timing_log.exists() else []
    return [float(value) for logged, value in zip(words[::2], words[1::2]) if logged == name]


# --- /proc: a process's CPU time and memory ------------------------------------------------------


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (which may hold spaces and brackets)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far; 0 if it has ended."""
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process under pid (from /proc): a server's workers, a script's replicas and nginx."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat_fields(int(entry.name))[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of the process and every process under it (a server and its training workers)."""
    return sum(cpu_seconds(each) for each in [pid, *descendants(pid)])


def proc_mb(pid: int, file: str, field: str) -> float | None:
    """The "field: N kB" line of /proc/PID/file in MB; None once the process has ended (or without it)."""
    try:
        with open(f"/proc/{pid}/{file}") as lines:
            for line in lines:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return None


def status_mb(pid: int, field: str = "VmHWM") -> float:
    """A memory field of /proc/PID/status in MB: VmHWM (peak resident) by default, or VmRSS."""
    value = proc_mb(pid, "status", field)
    if value is None:
        raise RuntimeError(f"no {field} for process {pid}")
    return value


def pss_mb(pid: int) -> float:
    """Proportional set size in MB (shared pages split among their users); 0 if the process has ended."""
    return proc_mb(pid, "smaps_rollup", "Pss") or 0.0


def tree_pss_mb(pid: int) -> float:
    """PSS of the process and every process under it, in MB (a server and its workers)."""
    return sum(pss_mb(each) for each in [pid, *descendants(pid)])


# --- The report ---------------------------------------------------------------------------------


def parser(doc: str | None, app_dir: bool = False) -> argparse.ArgumentParser:
    """An argument parser whose description is the docstring's first paragraph, with the report's options;
    with app_dir also ``--app-dir PATH``, another checkout to measure beside this one (see checkouts())."""
    first_paragraph = (doc or "").strip().split("\n\n")[0]
    made = argparse.ArgumentParser(description=first_paragraph)
    if app_dir:
        made.add_argument("--app-dir", type=Path, help="another checkout to measure too (before)")
    made.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="PATH",
        help="write every figure as JSON to PATH (alone: one JSON line on stdout at the end)",
    )
    made.add_argument("--markdown", metavar="PATH", help="also write the Markdown report to PATH")
    return made


class Report:
    """A benchmark's output: Markdown lines printed as they come, and the figures kept for the JSON."""

    def __init__(self, name: str, args: argparse.Namespace | None = None):
        self.name = name
        self.args = args
        self.lines: list[str] = []
        self.figures: dict = {}
        self.tables: list[dict] = []

    def line(self, text: str = "") -> None:
        """A line of the Markdown report, printed at once (a long benchmark shows its progress)."""
        print(text, flush=True)
        self.lines.append(text)

    def table(self, header: list[str], rows: list[list], title: str | None = None) -> None:
        """A Markdown table; its rows go to the JSON keyed by the header."""
        add_row = self.start_table(header, title)
        for row in rows:
            add_row(row)

    def start_table(self, header: list[str], title: str | None = None):
        """A Markdown table's header now; returns the function that prints (and keeps) one row, for a table
        whose rows come slowly."""
        if title:
            self.line(f"\n{title}\n")
        self.line("| " + " | ".join(header) + " |")
        self.line("|" + "---|" * len(header))
        kept = {"title": title, "rows": []}
        self.tables.append(kept)

        def add_row(row: list) -> None:
            self.line("| " + " | ".join(str(cell) for cell in row) + " |")
            kept["rows"].append(dict(zip(header, row)))

        return add_row

    def figure(self, key: str, value) -> None:
        """A figure for the JSON (numbers, lists or dicts of them)."""
        self.figures[key] = value

    def as_json(self) -> dict:
        return {
            "benchmark": self.name,
            "arguments": {k: v for k, v in vars(self.args or argparse.Namespace()).items()},
            "load_average": os.getloadavg(),
            "cores": os.cpu_count(),
            "figures": self.figures,
            "tables": self.tables,
            "markdown": self.lines,
        }

    def finish(self) -> None:
        """Write the JSON and the Markdown where the arguments ask."""
        json_path = getattr(self.args, "json", None)
        if json_path == "-":
            print(json.dumps(self.as_json(), default=str))
        elif json_path:
            Path(json_path).write_text(json.dumps(self.as_json(), indent=1, default=str) + "\n")
        markdown_path = getattr(self.args, "markdown", None)
        if markdown_path:
            Path(markdown_path).write_text("\n".join(self.lines) + "\n")
        sys.stdout.flush()


# --- This checkout and another ---------------------------------------------------------------


def checkouts(app_dir: Path | None) -> list[tuple[str, Path | None]]:
    """The checkouts a before/after benchmark measures, as (name, folder): this one (folder None: the
    app beside devtools/), then app_dir if given (``--app-dir``, e.g. made with
    ``git archive main | tar -x -C /tmp/before``)."""
    return [("this checkout", None)] + ([("--app-dir", app_dir)] if app_dir else [])


def measure_checkouts(report: Report, app_dir: Path | None, measure, describe) -> None:
    """In one headless Chromium, one checkout after the other (checkouts()): measure(folder, browser)
    gives a dict of figures, kept in the report under the checkout's name, and describe(name, figures)
    the report's line for it."""
    with chromium() as browser:
        for name, folder in checkouts(app_dir):
            figures = measure(folder, browser)
            report.figure(name, figures)
            report.line(describe(name, figures))
