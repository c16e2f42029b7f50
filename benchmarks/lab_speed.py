"""The Lab's speed on the shipped 784-512-256-10 model over the 10,000 test images.

    python -m benchmarks.lab_speed [--repeats 4] [--skip-tasks] [--browser 10 [--before DIR]] [--draw 20]
        [--json [PATH]]

1. The server's time per edit: the Lab page's whole run (streamlit.testing's AppTest, in this
   process) after an edit, against a bare rerun of the same page with nothing changed; medians
   and their ratio (the issue asks for at most 2×).
2. The edit's own arithmetic (apply_edits + edited_logits + accuracy), in CPU-seconds.
3. The task pool's work, in CPU-seconds of one process: the knock-out (512 neurons), the
   robustness curves of one model (6 kinds × 7 strengths × 2,000 images), a t-SNE of 2,000 points.

4. With --browser N: in headless Chromium against the real server, an edit (the top 30
   knock-out neurons switched off / Reset; the prune slider to 100 % and back, by keyboard)
   until the new "Edited accuracy" is on screen, against devtools.bench's bare button app's
   round trip, N samples taken in turn: p50 and p95 of each, and their ratios. With --before
   DIR also another checkout's Lab in the same turns (a fair before/after on a loaded machine),
   e.g. made with
   `git archive HEAD | tar -x -C /tmp/before`.

5. With --draw N: Draw's stroke → Prediction (draw_latency.py's way) N times with the server's
   task pool idle, then N times while two other visitors' Lab tasks (robustness curves, a t-SNE
   map of every layer, the knock-out) run in it: p50, p95 and p99 of each and their ratios.

CPU-seconds and ratios, not wall time: the machine may be shared.
"""

from __future__ import annotations

import os

# One BLAS and one OpenMP thread, as in the task pool's workers (server/tasks.py): scikit-learn's
# t-SNE otherwise spins a thread per core, which on a shared machine triples its CPU-seconds.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from devtools import bench  # noqa: E402

EDITS = [  # widget key and value: one edit each, undone by the next
    ("lab-temperature", 2.0),
    ("lab-temperature", 1.0),
    ("lab-off", ["L1 n82", "L1 n449", "L2 n3"]),
    ("lab-off", []),
    ("lab-prune", 30),
    ("lab-prune", 0),
    ("lab-noise", 0.2),
    ("lab-noise", 0.0),
]

BROWSER_EDITS = {  # what --browser measures: each pair alternates, every sample changes the accuracy
    "top 30 neurons off / Reset": ("Switch off the top ones of this chart", "Reset edits"),
    "prune 100 % / 0 %": ("End", "Home"),
}


def page_reruns(repeats: int) -> dict:
    from streamlit.testing.v1 import AppTest

    from devtools.live import ROOT

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.switch_page("app_pages/8_Lab.py")
    at.run()  # the first visit: caches and the knock-out
    bare, edited = [], []
    for _ in range(repeats):
        for key, value in EDITS:
            bare.append(bench.timed(at.run))
            widget = at.multiselect(key=key) if key == "lab-off" else at.slider(key=key)
            widget.set_value(value)
            edited.append(bench.timed(at.run))
            assert not at.exception, at.exception
    return {"bare": bare, "edit": edited}


def arithmetic(repeats: int) -> list[float]:
    from nnlib import lab, load_mnist, prepare_data
    from nnlib.modelio import load_model
    from ui.session import DEFAULT_MODEL_PATH

    network, config = load_model(DEFAULT_MODEL_PATH)
    data = prepare_data(load_mnist(), config.digits, config.normalization, config.dtype)
    Z1 = lab.first_layer_sums(network, data.X_test)
    Z2 = lab.second_layer_sums(network, Z1)
    cpu = []
    for _ in range(repeats):
        for edits in (lab.Edits(temperature=2.0), lab.Edits(off=((1, 82), (2, 3))), lab.Edits(prune=0.3)):
            start = time.process_time()
            edited = lab.apply_edits(network, edits)
            logits = lab.edited_logits(network, edited, edits, data.X_test, Z1, Z2)
            float((logits.argmax(axis=0) == data.y_test).mean())
            cpu.append(time.process_time() - start)
    return cpu


def tasks() -> dict:
    from nnlib import lab, load_mnist, prepare_data
    from nnlib.damage import robustness
    from nnlib.modelio import load_model
    from nnlib.projection import map_points
    from ui.session import DEFAULT_MODEL_PATH

    network, config = load_model(DEFAULT_MODEL_PATH)
    data = prepare_data(load_mnist(), config.digits, config.normalization, config.dtype)
    images = data.X_test[:2000].reshape(-1, 28, 28)
    return {
        "knock-out, 512 neurons × 10,000 images": bench.timed(
            lambda: lab.knockout_losses(network, data.X_test, data.y_test)
        ),
        "robustness, 6 kinds × 7 strengths × 2,000 images": bench.timed(
            lambda: robustness(network, images, data.y_test[:2000], config.normalization)
        ),
        "t-SNE of 2,000 points (second hidden layer)": bench.timed(
            lambda: map_points(network, data.X_test[:2000], 2, "tsne")
        ),
        "PCA of 2,000 points (input)": bench.timed(lambda: map_points(network, data.X_test[:2000], 0, "pca")),
    }


def edit_on_screen(page, edit: str, before: str) -> tuple[float, str]:
    """Make one edit; seconds until Edited accuracy shows a value other than before.

    edit: "End"/"Home" (the prune slider to 100 % or 0 %: the first layer computed again) or a
    button's name ("Switch off the top ones of this chart", "Reset edits": the first layer's
    cached sums reused)."""
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Edited accuracy")
    value = metric.locator("[data-testid='stMetricValue']").first
    if edit in ("End", "Home"):
        page.locator("[data-testid='stSlider']").filter(has_text="Prune").locator("input[type='range']").focus()
        page.keyboard.press(edit)
    else:
        page.get_by_role("button", name=edit).click()
    started = time.perf_counter()
    while value.inner_text().strip() == before:
        time.sleep(0.005)
    return time.perf_counter() - started, value.inner_text().strip()


def open_lab(context, url: str):
    """A new tab on the Lab page, once its knock-out chart (computed on first use) is drawn; the
    Edited accuracy it shows."""
    page = context.new_page()
    page.goto(f"{url}/Lab")
    page.locator(".st-key-knockout .js-plotly-plot").wait_for(timeout=600_000)
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Edited accuracy")
    return page, metric.locator("[data-testid='stMetricValue']").first.inner_text().strip()


def browser_round_trips(samples: int, pair: tuple[str, str], before: Path | None = None) -> tuple[dict, dict]:
    """Seconds per sample, and the server's CPU-seconds per sample (its whole run, not only up
    to the metric: less sensitive to a loaded machine than the wall time): "edit" (this
    checkout's Lab), "before" (the Lab of the checkout in before, if given) and "bare"
    (bench's button app), taken in turn so that all see the same machine load."""
    apps = {"edit": None} | ({"before": before} if before is not None else {})
    times = {name: [] for name in ["bare", *apps]}
    cpu_times = {name: [] for name in times}
    with bench.beside_bare(apps) as (servers, context, bare_page):
        labs = {name: open_lab(context, servers[name].url) for name in apps}
        shown = {}
        for name, (page, value) in labs.items():  # a warm-up pair each
            _, value = edit_on_screen(page, pair[0], value)
            _, shown[name] = edit_on_screen(page, pair[1], value)
        bench.bare_round_trip(bare_page, 1)
        for index in range(samples):
            for name, (page, _) in labs.items():
                page.bring_to_front()
                cpu = servers[name].cpu_seconds()
                seconds, shown[name] = edit_on_screen(page, pair[index % 2], shown[name])
                page.wait_for_timeout(300)  # the rest of the run, after the metric
                times[name].append(seconds)
                cpu_times[name].append(servers[name].cpu_seconds() - cpu)
            bare_page.bring_to_front()
            cpu = servers["bare"].cpu_seconds()
            times["bare"].append(bench.bare_round_trip(bare_page, index + 2))
            bare_page.wait_for_timeout(300)
            cpu_times["bare"].append(servers["bare"].cpu_seconds() - cpu)
    return times, cpu_times


def pool_cpu_seconds(server) -> float:
    """CPU time of the processes under the server (its task pool's workers) so far."""
    return server.tree_cpu_seconds() - server.cpu_seconds()


class BusyTabs:
    """Other visitors who keep the server's task pool busy: a Stress page (its robustness curves,
    then a t-SNE map of every layer, each asked for as soon as the radio buttons are there) and a
    Lab page (its knock-out). advance() asks for the next map; call it between samples."""

    def __init__(self, context, url: str):
        self.stress, self.lab = context.new_page(), context.new_page()
        self.stress.goto(f"{url}/Stress")
        self.lab.goto(f"{url}/Lab")
        self.steps = ["t-SNE", "hidden layer 1", "hidden layer 2", "output", "input"]

    def advance(self) -> None:
        if not self.steps:
            return
        choice = self.stress.locator(".st-key-points-map [data-testid='stRadio']").get_by_text(
            self.steps[0], exact=True
        )
        if choice.count():
            choice.first.click()
            self.steps.pop(0)


def draw_under_tasks(samples: int) -> dict[str, list[float]]:
    """Stroke → Prediction on Draw (draw_latency.py's measure) with the task pool idle, then
    while other visitors' Lab tasks run in it; bare button round trips in the same turns.
    Returns seconds per sample: "quiet", "tasks" (a sample counts only if the pool's workers
    used ≥ 0.3 CPU-s during it), "bare"."""
    from benchmarks.draw_latency import stroke_to_prediction

    times = {"quiet": [], "tasks": [], "bare": []}
    with bench.beside_bare({"app": None}) as (servers, context, bare_page):
        app = servers["app"]
        draw_page = context.new_page()
        draw_page.goto(f"{app.url}/Draw")
        draw_page.locator("canvas.upper-canvas").first.wait_for(timeout=60_000)
        stroke_to_prediction(draw_page, bench.STROKES[0])  # warm-up
        bench.bare_round_trip(bare_page, 1)
        presses = 1
        busy = None
        for index in range(3 * samples):
            if len(times["quiet"]) >= samples and busy is None:
                busy = BusyTabs(context, app.url)
            if busy is not None:
                busy.advance()
            draw_page.bring_to_front()
            pool_before = pool_cpu_seconds(app)
            seconds = stroke_to_prediction(draw_page, bench.STROKES[index % len(bench.STROKES)])
            pool_used = pool_cpu_seconds(app) - pool_before
            if busy is None:
                times["quiet"].append(seconds)
            elif pool_used >= 0.3:
                times["tasks"].append(seconds)
            bare_page.bring_to_front()
            presses += 1
            times["bare"].append(bench.bare_round_trip(bare_page, presses))
            if len(times["tasks"]) >= samples:
                break
    return times


def report_draw_under_tasks(report: bench.Report, samples: int) -> None:
    """p50, p95 and p99 of Draw's stroke → Prediction without and with Lab tasks, and their ratios."""
    times = draw_under_tasks(samples)
    quantiles = {name: bench.percentiles_ms(values, (0.5, 0.95, 0.99)) for name, values in times.items()}
    rows = [[name, *(round(ms) for ms in quantiles[name]), len(values)] for name, values in times.items()]
    report.table(["Draw stroke → Prediction", "p50 ms", "p95 ms", "p99 ms", "n"], rows)
    ratios = [t / q for t, q in zip(quantiles["tasks"], quantiles["quiet"])]
    report.line("Draw with Lab tasks ÷ without: p50 {:.2f}×, p95 {:.2f}×, p99 {:.2f}×".format(*ratios))
    report.figure("draw_ms", {name: [round(1000 * t, 1) for t in values] for name, values in times.items()})
    report.figure("draw_tasks_ratio_p50_p95_p99", [round(ratio, 3) for ratio in ratios])


def report_round_trips(report: bench.Report, name: str, times: dict, cpu: dict) -> None:
    """p50 and p95 of each app's seconds per sample, as ratios to the bare rerun's; the server's
    median CPU per sample beside them."""
    bare, bare_cpu = bench.percentiles_ms(times["bare"]), 1000 * statistics.median(cpu["bare"])
    rows = [["bare", f"{bare[0]:.0f}", f"{bare[1]:.0f}", f"{bare_cpu:.0f}"]]
    figures = {"bare": dict(p50_ms=round(bare[0]), p95_ms=round(bare[1]), server_cpu_ms=round(bare_cpu))}
    for app in ("before", "edit"):
        if app in times:
            (p50, p95), app_cpu = bench.percentiles_ms(times[app]), 1000 * statistics.median(cpu[app])
            rows.append(
                [
                    app,
                    f"{p50:.0f} = {p50 / bare[0]:.2f}× bare",
                    f"{p95:.0f} = {p95 / bare[1]:.2f}× bare",
                    f"{app_cpu:.0f} = {app_cpu / bare_cpu:.1f}× bare's",
                ]
            )
            figures[app] = dict(
                p50_ms=round(p50),
                p95_ms=round(p95),
                server_cpu_ms=round(app_cpu),
                p50_ratio=round(p50 / bare[0], 3),
                p95_ratio=round(p95 / bare[1], 3),
                cpu_ratio=round(app_cpu / bare_cpu, 3),
            )
    title = f"{name} → Edited accuracy on screen (n={len(times['bare'])}, taken in turn):"
    report.table(["app", "p50 ms", "p95 ms", "server CPU per rerun, median ms"], rows, title=title)
    report.figure(f"browser: {name}", figures)


def report_page_reruns(report: bench.Report, repeats: int) -> None:
    """The Lab page's rerun after an edit against one with nothing changed (AppTest): medians."""
    runs = page_reruns(repeats)
    medians = {name: [statistics.median(t[i] for t in values) for i in (0, 1)] for name, values in runs.items()}
    rows = [[f"{name} rerun", round(wall, 3), round(cpu, 3)] for name, (wall, cpu) in medians.items()]
    report.table(["", "median wall s", "median CPU s"], rows, title=f"Lab page, {len(runs['edit'])} edits:")
    (edit_wall, edit_cpu), (bare_wall, bare_cpu) = medians["edit"], medians["bare"]
    report.line(f"edit ÷ bare: {edit_wall / bare_wall:.2f}× wall, {edit_cpu / bare_cpu:.2f}× CPU")
    report.figure(
        "page_rerun_median_s",
        {name: dict(wall=round(wall, 4), cpu=round(cpu, 4)) for name, (wall, cpu) in medians.items()},
    )
    report.figure(
        "page_rerun_edit_over_bare", dict(wall=round(edit_wall / bare_wall, 3), cpu=round(edit_cpu / bare_cpu, 3))
    )


def report_arithmetic(report: bench.Report, repeats: int) -> None:
    cpu = arithmetic(repeats)
    median_ms, max_ms = statistics.median(cpu) * 1000, max(cpu) * 1000
    report.line(f"the edit's own arithmetic: median {median_ms:.0f} ms CPU, max {max_ms:.0f} ms")
    report.figure("arithmetic_cpu_ms", dict(median=round(median_ms, 1), max=round(max_ms, 1)))


def report_tasks(report: bench.Report) -> None:
    measured = tasks()
    rows = [[name, round(cpu_s, 1), round(wall, 1)] for name, (wall, cpu_s) in measured.items()]
    report.table(["task", "CPU-s", "wall s"], rows)
    report.figure(
        "tasks_s", {name: dict(cpu=round(cpu_s, 2), wall=round(wall, 2)) for name, (wall, cpu_s) in measured.items()}
    )


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--skip-tasks", action="store_true")
    parser.add_argument("--browser", type=int, default=0, help="samples of edit → screen in Chromium (0: none)")
    parser.add_argument("--draw", type=int, default=0, help="Draw samples without and with Lab tasks running (0: none)")
    parser.add_argument("--before", type=Path, help="another checkout whose Lab is measured alongside (--browser)")
    args = parser.parse_args()
    report = bench.Report("lab_speed", args)
    for name, pair in BROWSER_EDITS.items() if args.browser else ():
        report_round_trips(report, name, *browser_round_trips(args.browser, pair, args.before))
    if args.draw:
        report_draw_under_tasks(report, args.draw)
    if args.repeats:
        report_page_reruns(report, args.repeats)
        report_arithmetic(report, args.repeats)
        if not args.skip_tasks:
            report_tasks(report)
    report.finish()


if __name__ == "__main__":
    main()
