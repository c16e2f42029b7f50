"""The README's pictures of the coach, Teach it, the Lab and Stress, from the real app in Chromium.

    python devtools/more_screenshots.py [--out assets/screenshots] [--only coach,teach,lab,stress]

Coach (Train page, 1400×1000 and 1280×720): coach-hint.png (a run at learning rate 10, its hint and
Why?), coach-run-control.png (slow motion, the learning rate turned mid-run, Pause, One step, +1
epoch), coach-diagnostics.png (100 images for 30 epochs, the diagnostics scrolled into view).
Teach it (Draw page, a 784-64-10 model that reads a crossed 7 as 2, loaded on Train): teach-it.png
(1280×720) and teach-it-phone.png (the Teach section on a 390×844 phone), after the retrain.
Lab (the shipped model): lab-knockout.png, lab-output-steps.png (test image 0, no edits),
lab-diagram.png, lab-edits.png (the knock-out's top 30 switched off), lab-phone.png.
Stress (the shipped model): stress-damage.png (noise 0.3), stress-robustness.png,
stress-threshold.png (0.99), stress-points-map.png (hidden layer 2, PCA, a 0 clicked),
stress-phone.png (the threshold section on a phone).

Each picture of one part is that part's keyed container (.st-key-…); the others are the screen.
"""

from __future__ import annotations

import argparse
import functools
import re
import tempfile
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from devtools import bench
from devtools.live import (
    ROOT,
    batch_progress,
    batches_done,
    draw_page_with_model,
    draw_strokes,
    open_page,
    slider_to_end,
    start_server,
    stop_server,
    teach_first_drawing,
    thumb_value,
    train_and_wait,
    train_button,
    wait_for_prediction,
    wait_until,
)
from devtools.live import metric_value as metric_within
from devtools.teach_drawings import CROSSED_SEVEN, misreading_model
from nnlib.modelio import save_model

SLOW = 240_000  # ms: the knock-out, the robustness curves and a retrain run in workers on a busy machine
metric_value = functools.partial(metric_within, timeout_ms=SLOW)
WIDE = dict(viewport=dict(width=1400, height=1000))
PROJECTOR = dict(viewport=dict(width=1280, height=720))
TALL = dict(viewport=dict(width=1280, height=2000))  # a part's container whole on screen
PHONE = dict(viewport=dict(width=390, height=844), has_touch=True, is_mobile=True)
HEADER = 72  # px: Streamlit's header (60 px) and a little air
HIDE_HEADER = "header[data-testid='stHeader'] { visibility: hidden; }"
TOP = 30  # the knock-out's top neurons the Lab's button switches off (its default)


# --- Taking a picture ---------------------------------------------------------------------------


def settle(page, ms: int = 1500) -> None:
    """Mouse away (no tooltip, no hover colour), the app done running, then a moment for the charts."""
    size = page.viewport_size  # the main area's empty right margin: over the sidebar its « button shows
    page.mouse.move(size["width"] - 6, size["height"] // 2)
    try:
        page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)
    except PlaywrightTimeout:  # a run in progress keeps it showing; the picture is still right
        pass
    page.wait_for_timeout(ms)
    if page.locator("[data-testid='stException']").count():
        raise RuntimeError(page.locator("[data-testid='stException']").first.inner_text())


def to_top(page) -> None:
    """Every scrolled box back to its top (Streamlit scrolls its main section, not the window)."""
    page.evaluate(
        "() => { for (const el of [document.scrollingElement, ...document.querySelectorAll('*')]) "
        "if (el && el.scrollTop) el.scrollTop = 0; }"
    )


def to_start(page, key: str, margin: int = HEADER) -> None:
    """The container keyed key at the top of the screen, just below Streamlit's header."""
    page.locator(f".st-key-{key}").evaluate(
        f"el => {{ el.style.scrollMarginTop = '{margin}px'; el.scrollIntoView({{block: 'start'}}); }}"
    )


def screen(page, path: Path) -> None:
    settle(page)
    page.screenshot(path=str(path))
    print(path, flush=True)


def capture(page, key: str, path: Path) -> None:
    """The container keyed key, whole: at the top of a screen tall enough for it, Streamlit's header
    (which lies over the top of a tall container's picture on a phone) hidden."""
    container = page.locator(f".st-key-{key}")
    size = page.viewport_size
    height = container.bounding_box()["height"]
    if height + HEADER + 40 > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": int(height) + HEADER + 120})
    to_start(page, key)
    settle(page)
    container.screenshot(path=str(path), style=HIDE_HEADER)
    page.set_viewport_size(size)
    print(path, flush=True)


# --- The coach (Train page) -------------------------------------------------------------------------


def coach(browser, url: str, out: Path) -> None:
    context = browser.new_context(**WIDE)
    page = context.new_page()
    open_page(page, f"{url}/Train?preset=seed&lr=10", "Train")
    train_and_wait(page, "diverged")
    hints = page.locator(".st-key-hints")
    hints.get_by_text(re.compile("The loss exploded")).wait_for(timeout=60_000)
    hints.get_by_role("button", name="Why?").first.click()
    hints.get_by_text(re.compile("Where to see it")).wait_for(timeout=60_000)
    screen(page, out / "coach-hint.png")
    context.close()

    context = browser.new_context(**WIDE)
    page = context.new_page()
    open_page(page, f"{url}/Train?preset=seed", "Train")
    page.get_by_text("Slow motion").click()  # a quarter second per batch: time to turn a knob
    page.wait_for_timeout(1000)
    train_button(page).click()
    page.get_by_text(re.compile("act from the next batch")).wait_for(timeout=120_000)
    page.get_by_role("tab", name="Training").click()
    page.locator("input[type='range'][aria-label='Learning rate']").focus()
    page.keyboard.press("ArrowRight")  # 0.001 -> 0.002, while it trains
    page.locator(".js-plotly-plot", has_text="Learning rate 0.002").first.wait_for(timeout=120_000)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_text(re.compile("Paused at step")).wait_for(timeout=120_000)
    held = batches_done(page)
    page.get_by_text("Slow motion").click()  # full speed again for the epoch
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="One step", exact=True).click()
    page.get_by_text(re.compile(f"Paused at step {held + 1:,} ")).wait_for(timeout=120_000)
    one_epoch = batch_progress(page)[1]  # the run is one epoch long
    page.get_by_role("button", name="+1 epoch", exact=True).click()
    page.get_by_text(re.compile(f"Paused at step {held + 1 + one_epoch:,} ")).wait_for(timeout=SLOW)
    page.locator("[data-testid='stMetric']", has_text="Test accuracy").first.wait_for(timeout=60_000)
    to_top(page)
    screen(page, out / "coach-run-control.png")
    context.close()

    context = browser.new_context(**PROJECTOR)
    page = context.new_page()
    open_page(page, f"{url}/Train?preset=class&hidden=10&size=100&epochs=30", "Train")
    train_and_wait(page, "Finished")
    diagnostics = page.locator(".st-key-diagnostics")
    diagnostics.get_by_text(re.compile("Diagnostics")).wait_for(timeout=60_000)
    diagnostics.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    diagnostics.scroll_into_view_if_needed()
    screen(page, out / "coach-diagnostics.png")
    context.close()


# --- Teach it (Draw page) ------------------------------------------------------------------------------


def teach(browser, url: str, out: Path) -> None:
    model_file = Path(tempfile.mkdtemp()) / "misreading.npz"
    save_model(model_file, *misreading_model())
    for size, options in (("projector", PROJECTOR), ("phone", PHONE)):
        context = browser.new_context(**options)
        page = context.new_page()
        draw_page_with_model(page, url, model_file, phone=size == "phone")
        draw_strokes(page, CROSSED_SEVEN)
        wait_for_prediction(page, "2")  # read wrong
        teach_first_drawing(page, 7)
        section = page.locator(".st-key-teach")
        section.locator("[data-testid='stMetric']").filter(has_text="MNIST test accuracy").first.wait_for(timeout=SLOW)
        wait_for_prediction(page, "7")
        page.get_by_role("button", name=re.compile("Clear")).click()  # and drawn again: read right
        page.wait_for_timeout(1500)
        page.locator("canvas.upper-canvas").first.scroll_into_view_if_needed()
        draw_strokes(page, CROSSED_SEVEN)
        wait_for_prediction(page, "7")
        if size == "phone":
            capture(page, "teach", out / "teach-it-phone.png")
        else:
            section.scroll_into_view_if_needed()
            screen(page, out / "teach-it.png")
        context.close()


# --- The Lab ----------------------------------------------------------------------------------------------


def lab(browser, url: str, out: Path) -> None:
    context = browser.new_context(**TALL)
    page = context.new_page()
    open_page(page, f"{url}/Lab", "Lab")
    page.locator(".st-key-knockout .js-plotly-plot").wait_for(timeout=SLOW)
    capture(page, "knockout", out / "lab-knockout.png")
    page.locator(".st-key-output-steps").get_by_text(re.compile("Σ exp")).first.wait_for(timeout=60_000)
    capture(page, "output-steps", out / "lab-output-steps.png")
    page.get_by_text("The network for this image: click a hidden neuron").click()
    page.locator(".st-key-lab-diagram .js-plotly-plot").wait_for(timeout=60_000)
    capture(page, "lab-diagram", out / "lab-diagram.png")
    original = metric_value(page, ".st-key-lab-edits", "Original accuracy")
    page.get_by_role("button", name="Switch off the top ones of this chart").click()
    wait_until(page, lambda: metric_value(page, ".st-key-lab-edits", "Edited accuracy"), lambda v: v != original)
    page.locator(".st-key-lab-edits [data-testid='stMetricDelta']").first.wait_for(timeout=60_000)
    chips = page.locator(".st-key-lab-off [data-testid='stMultiSelectTagsContainer']").first
    wait_until(page, lambda: chips.inner_text().count("L1 n"), lambda count: count == TOP, 60_000)
    capture(page, "lab-edits", out / "lab-edits.png")
    context.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    open_page(page, f"{url}/Lab", "Lab")
    page.locator(".st-key-knockout .js-plotly-plot").wait_for(timeout=SLOW)
    to_top(page)
    screen(page, out / "lab-phone.png")
    context.close()


# --- Stress ----------------------------------------------------------------------------------------------

LONELIEST_ZERO = """traces => {
    const centre = p => { const b = p.getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; };
    const zeros = Array.from(traces[0].querySelectorAll('path.point')).map(centre);
    const others = traces.slice(1).flatMap(t => Array.from(t.querySelectorAll('path.point')).map(centre));
    let best = 0, room = -1;
    zeros.forEach(([x, y], i) => {
        const near = Math.min(...others.map(([u, v]) => Math.hypot(u - x, v - y)));
        if (near > room) { room = near; best = i; }
    });
    return best;
}"""


def stress(browser, url: str, out: Path) -> None:
    context = browser.new_context(**TALL)
    page = context.new_page()
    open_page(page, f"{url}/Stress", "Stress")
    page.locator(".st-key-damage img").first.wait_for(timeout=60_000)
    metric_value(page, ".st-key-damage", "Accuracy on damaged images")
    capture(page, "damage", out / "stress-damage.png")
    page.locator(".st-key-robustness .js-plotly-plot").nth(1).wait_for(timeout=SLOW)
    capture(page, "robustness", out / "stress-robustness.png")

    before = metric_value(page, ".st-key-threshold", "Answered")
    slider_to_end(page, "Confidence threshold", back=1)  # 0.99
    wait_until(page, lambda: metric_value(page, ".st-key-threshold", "Answered"), lambda v: v != before)
    value = thumb_value(page, "Confidence threshold")
    if value != "0.99":
        raise RuntimeError(f"the threshold is {value}, not 0.99")
    capture(page, "threshold", out / "stress-threshold.png")

    points_map = page.locator(".st-key-points-map")
    points_map.locator("[data-testid='stRadio']").first.get_by_text("hidden layer 2", exact=True).click()
    points_map.get_by_text(re.compile("test images at the hidden layer 2")).wait_for(timeout=SLOW)
    page.wait_for_timeout(1500)
    traces = points_map.locator(".scatterlayer .trace")
    zero = traces.first.locator("path.point").nth(traces.evaluate_all(LONELIEST_ZERO))
    zero.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = zero.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".st-key-map-picked img").wait_for(timeout=60_000)
    capture(page, "points-map", out / "stress-points-map.png")
    context.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    open_page(page, f"{url}/Stress", "Stress")
    page.locator(".st-key-points-map .js-plotly-plot").first.wait_for(timeout=SLOW)
    page.locator(".st-key-threshold .js-plotly-plot").first.wait_for(timeout=SLOW)
    page.wait_for_timeout(1500)
    to_start(page, "threshold", 70)
    screen(page, out / "stress-phone.png")
    context.close()


PARTS = {"coach": coach, "teach": teach, "lab": lab, "stress": stress}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "screenshots")
    parser.add_argument("--only", default=",".join(PARTS), help="sections, comma-separated: " + ", ".join(PARTS))
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(PARTS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    server = start_server(Path(tempfile.mkdtemp()) / "streamlit.log")
    print(f"server pid {server.pid}, log {server.log_path}", flush=True)
    try:
        with bench.chromium() as browser:
            for name in chosen:
                PARTS[name](browser, server.url, args.out)
    finally:
        stop_server(server)
    print(f"{time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
