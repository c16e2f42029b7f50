"""The Lab and Stress pages in Chromium with the shipped model: the knock-out's top 30 neurons
switched off cost at least a point and Reset gives the exact accuracy back; the temperature changes
Draw's confidence but not its answer; the robustness chart's lines; the threshold at 0.99; a click on
the points map shows an image."""

import functools
import re

import pytest

from devtools.live import (
    draw_stroke,
    go_to,
    needs_chromium,
    open_page,
    screenshot,
    slider_to_end,
    thumb_value,
    wait_until,
)
from devtools.live import metric_value as metric_within

pytestmark = needs_chromium

A_SEVEN = [(60, 50), (220, 50), (150, 150), (110, 250)]
SLOW = 180_000  # the knock-out and the robustness curves are computed on first use (a loaded machine)
metric_value = functools.partial(metric_within, timeout_ms=SLOW)


def percent(text: str) -> float:
    return float(text.rstrip("%"))


def draw_reading(page) -> tuple[str, str]:
    """Draw a 7; the Prediction and how sure it is (the metric's delta)."""
    draw_stroke(page, A_SEVEN)
    slot = page.locator(".st-key-draw-answer")
    slot.locator("[data-testid='stMetricValue']").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    sure = slot.locator("[data-testid='stMetricDelta']").first.inner_text().strip()
    return slot.locator("[data-testid='stMetricValue']").first.inner_text().strip(), sure


def switched_off_chips(page) -> list[str]:
    """The neurons the "Neurons switched off" box shows, as its chips read (L1 n7, …)."""
    text = page.locator(".st-key-lab-off").inner_text()
    return re.findall(r"L\d+ n\d+", text)


def test_the_top_knockout_neurons_cost_a_point_and_reset_restores_exactly(server, page):
    open_page(page, f"{server}/Lab", "Lab")
    page.locator(".st-key-knockout .js-plotly-plot").wait_for(timeout=SLOW)
    original = metric_value(page, ".st-key-lab-edits", "Original accuracy")
    assert metric_value(page, ".st-key-lab-edits", "Edited accuracy") == original
    page.get_by_role("button", name="Switch off the top ones of this chart").click()
    edited = wait_until(
        page, lambda: metric_value(page, ".st-key-lab-edits", "Edited accuracy"), lambda v: v != original
    )
    assert percent(edited) <= percent(original) - 1, (edited, original)
    assert page.locator("[data-testid='stSidebar']").get_by_text(re.compile("edited in the Lab")).count() == 1
    # the box shows the neurons the button switched off, and Reset empties it
    assert len(wait_until(page, lambda: switched_off_chips(page), lambda chips: len(chips) == 30)) == 30
    slider_to_end(page, "Temperature")
    assert thumb_value(page, "Temperature") == "5.00"
    screenshot(page, "lab")
    page.get_by_role("button", name="Reset edits").click()
    back = wait_until(page, lambda: metric_value(page, ".st-key-lab-edits", "Edited accuracy"), lambda v: v == original)
    assert back == original
    assert wait_until(page, lambda: switched_off_chips(page), lambda chips: not chips) == []
    assert thumb_value(page, "Temperature") == "1.00"
    assert page.locator("[data-testid='stException']").count() == 0


def test_temperature_changes_draws_probabilities_but_not_its_answer(server, page):
    open_page(page, f"{server}/Draw", "Draw")
    answer, sure = draw_reading(page)
    go_to(page, "Lab")
    slider_to_end(page, "Temperature")  # T = 5
    page.locator("[data-testid='stSidebar']").get_by_text(re.compile("edited in the Lab")).wait_for(timeout=SLOW)
    go_to(page, "Draw")
    hot_answer, hot_sure = draw_reading(page)
    assert hot_answer == answer
    assert hot_sure != sure and float(hot_sure.split("%")[0]) < float(sure.split("%")[0]), (sure, hot_sure)


def test_stress_robustness_threshold_and_points_map(server, page):
    open_page(page, f"{server}/Stress", "Stress")
    charts = page.locator(".st-key-robustness .js-plotly-plot")
    charts.nth(1).wait_for(timeout=SLOW)  # this session's model and the shipped one
    chart = charts.first
    lines = chart.evaluate("div => div.data.map(trace => trace.x.length)")
    assert len(lines) >= 6 and sum(1 for count in lines if count >= 6) >= 3, lines
    slider_to_end(page, "Confidence threshold", back=1)  # 0.99
    assert thumb_value(page, "Confidence threshold") == "0.99"
    answered = wait_until(page, lambda: metric_value(page, ".st-key-threshold", "Answered"), lambda v: v != "100.0%")
    accuracy = percent(metric_value(page, ".st-key-threshold", "Accuracy on answered"))
    plain = percent(metric_value(page, ".st-key-threshold", "Plain accuracy"))
    assert percent(answered) < 100 and accuracy > plain, (answered, accuracy, plain)
    points = page.locator(".st-key-points-map .scatterlayer .trace path.point")
    points.first.wait_for(timeout=SLOW)
    point = points.nth(5)
    point.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".st-key-map-picked img").wait_for(timeout=60_000)
    assert metric_value(page, ".st-key-map-picked", "Label") in "0123456789"
    screenshot(page, "stress")
    assert page.locator("[data-testid='stException']").count() == 0


def test_the_output_step_by_step_for_a_drawing(server, page):
    open_page(page, f"{server}/Lab", "Lab")
    choice = page.locator(".st-key-lab-steps-source").get_by_text("A drawing")
    choice.wait_for(timeout=SLOW)  # below the knock-out chart, which a loaded machine may still be drawing
    choice.click()
    page.locator(".st-key-output-steps canvas.upper-canvas").first.wait_for(timeout=60_000)
    page.locator(".st-key-output-steps canvas.upper-canvas").first.scroll_into_view_if_needed()
    draw_stroke(page, [(50, 40), (180, 40), (120, 120), (90, 200)])
    answer = metric_value(page, ".st-key-output-steps", "Answer")
    assert answer in "0123456789"
    assert page.locator(".st-key-output-steps").get_by_text(re.compile("Σ exp")).count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0


def hidden_neuron_points(page):
    """The diagram's first-layer nodes (SVG points) and their neuron numbers, read from the
    customdata [layer, neuron] Plotly bound to each trace."""
    traces = page.locator(".st-key-lab-diagram .scatterlayer .trace")
    layers = traces.evaluate_all(
        "groups => groups.map(g => { const c = g.__data__ && g.__data__[0].trace.customdata;"
        " return c && c.length ? c[0][0] : null; })"
    )
    trace = traces.nth(layers.index(1))
    neurons = trace.locator("path.point").evaluate_all(
        "points => points.map(p => p.__data__.data ? p.__data__.data[1] : p.__data__.trace.customdata[p.__data__.i][1])"
    )
    return trace.locator("path.point"), neurons


def click_point(page, point) -> None:
    point.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_a_click_on_a_neuron_of_the_diagram_switches_it_off_and_a_second_click_on_again(server, page):
    open_page(page, f"{server}/Lab", "Lab")
    page.locator(".st-key-knockout .js-plotly-plot").wait_for(timeout=SLOW)
    original = metric_value(page, ".st-key-lab-edits", "Edited accuracy")
    page.get_by_text("The network for this image: click a hidden neuron").click()
    page.locator(".st-key-lab-diagram .js-plotly-plot").wait_for(timeout=60_000)
    points, neurons = hidden_neuron_points(page)
    label = f"L1 n{neurons[0]}"
    switched_off = page.locator(".st-key-lab-off").get_by_text(label, exact=True)
    sidebar_note = page.locator("[data-testid='stSidebar']").get_by_text(re.compile("edited in the Lab"))
    assert switched_off.count() == 0
    click_point(page, points.first)
    switched_off.wait_for(timeout=60_000)
    sidebar_note.wait_for(timeout=60_000)
    delta = page.locator(".st-key-lab-edits [data-testid='stMetricDelta']")
    assert "points" in wait_until(page, lambda: delta.first.inner_text() if delta.count() else "", bool)
    screenshot(page, "lab-diagram-click")
    points, _ = hidden_neuron_points(page)
    click_point(page, points.first)
    wait_until(page, switched_off.count, lambda count: count == 0)
    assert switched_off.count() == 0 and sidebar_note.count() == 0
    assert metric_value(page, ".st-key-lab-edits", "Edited accuracy") == original
    assert page.locator("[data-testid='stException']").count() == 0


SIZES = {"phone": (dict(width=390, height=844), True), "desktop": (dict(width=1280, height=720), False)}
OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    const main = document.querySelector("[data-testid='stMain']") || document.body;
    const cut = [];
    for (const el of main.querySelectorAll("[data-testid='stMetric'], [data-testid='stSlider'], "
            + "[data-testid='stButton'], [data-testid='stMultiSelect'], .js-plotly-plot, [data-testid='stImage']")) {
        const box = el.getBoundingClientRect();
        if (box.width && (box.left < -1 || box.right > width + 1)) cut.push(el.innerText.slice(0, 40) || el.className);
    }
    return {page: document.documentElement.scrollWidth - width, cut};
}"""


@pytest.mark.parametrize("size", SIZES)
def test_lab_and_stress_fit_the_screen(server, browser, size):
    """Nothing reaches past the screen's edge (no sideways scrolling on a phone); the
    screenshots are for a person to look at."""
    viewport, touch = SIZES[size]
    context = browser.new_context(viewport=viewport, has_touch=touch, is_mobile=touch)
    page = context.new_page()
    try:
        open_page(page, f"{server}/Lab", "Lab")
        page.locator(".st-key-knockout .js-plotly-plot").wait_for(timeout=SLOW)
        page.wait_for_timeout(1500)
        lab_layout = page.evaluate(OVERFLOWING)
        screenshot(page, f"lab-{size}")
        open_page(page, f"{server}/Stress", "Stress")  # on a phone the sidebar's links are folded away
        page.locator(".st-key-points-map .js-plotly-plot").first.wait_for(timeout=SLOW)
        page.wait_for_timeout(1500)
        stress_layout = page.evaluate(OVERFLOWING)
        screenshot(page, f"stress-{size}")
    finally:
        context.close()
    assert lab_layout == {"page": 0, "cut": []} and stress_layout == {"page": 0, "cut": []}, (lab_layout, stress_layout)
