"""The network's inside in Chromium: a stroke draws the diagram, a click on a neuron takes its sum
apart (the numbers shown add up to its Z), "Fool it" flips the answer, "Dream" makes a digit the
network reads with p > 0.9, and on a phone the Prediction is on screen after a stroke.
"""

import re

from playwright.sync_api import expect

from devtools.live import draw_stroke, metric_value, needs_chromium, open_page

pytestmark = needs_chromium

A_ONE = [(150, 40), (145, 140), (140, 240)]
PREDICTION = "[data-testid='stMetric']:has-text('Prediction')"


def drawn(page, server):
    open_page(page, f"{server}/Draw", "Draw")
    draw_stroke(page, A_ONE)
    page.locator(PREDICTION).first.wait_for(timeout=30_000)
    # the drawing's charts have come (they follow its answer) and their run has ended
    expect(page.get_by_text("reading the empty canvas")).to_have_count(0, timeout=30_000)
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=30_000)
    page.locator(".st-key-network-diagram .js-plotly-plot").wait_for(timeout=30_000)
    page.wait_for_timeout(800)


def show(page, view: str) -> None:
    """Choose the view below the answer (The network, Which pixels matter, Fool it, Dream, …)."""
    page.locator(".st-key-draw-view").get_by_text(view, exact=True).click()
    page.wait_for_timeout(800)


def neuron_sum_numbers(page) -> tuple[str, float, float, float]:
    scope = ".st-key-neuron-sum"
    z_label = page.locator(f"{scope} [data-testid='stMetricLabel']", has_text=re.compile("^= Z")).first.inner_text()
    total = float(metric_value(page, scope, "Σ of the parts"))
    bias = float(metric_value(page, scope, "+ bias"))
    Z = float(metric_value(page, scope, "= Z"))
    return z_label.strip(), total, bias, Z


def test_a_stroke_draws_the_diagram_and_a_click_takes_a_neuron_apart(server, page):
    drawn(page, server)
    assert page.locator(PREDICTION).first.locator("[data-testid='stMetricValue']").inner_text().strip() == "1"
    before_label, total, bias, Z = neuron_sum_numbers(page)
    assert abs(total + bias - Z) < 1e-6
    # click a node: the third circle of the first hidden layer (Plotly listens on its drag layer, so click
    # where the point is drawn)
    nodes = page.locator(".st-key-network-diagram .scatterlayer .trace").filter(has=page.locator("path.point"))
    point = nodes.first.locator("path.point").nth(2)
    point.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".st-key-neuron-sum [data-testid='stMetricLabel']", has_text=re.compile("^= Z")).filter(
        has_not_text=before_label
    ).first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    after_label, total, bias, Z = neuron_sum_numbers(page)
    assert after_label != before_label
    assert abs(total + bias - Z) < 1e-6, (total, bias, Z)
    assert page.locator("[data-testid='stException']").count() == 0


def test_fool_it_changes_the_prediction_and_says_by_how_much(server, page):
    drawn(page, server)
    answer = page.locator(PREDICTION).first.locator("[data-testid='stMetricValue']").inner_text().strip()
    show(page, "Fool it")
    page.get_by_role("button", name="Fool it").click()
    fooled = metric_value(page, ".st-key-fool", "Fooled prediction")
    assert fooled != answer
    size = float(metric_value(page, ".st-key-fool", "Largest pixel change"))
    assert 0 < size < 0.5


def test_dream_of_a_digit_is_read_as_it(server, page):
    drawn(page, server)
    show(page, "Dream")
    choose = page.locator(".st-key-dream [data-testid='stSelectbox'] input")
    choose.click()
    choose.fill("8")
    choose.press("Enter")
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Dream", exact=True).click()
    page.locator(".st-key-dream [data-testid='stCaption']", has_text="step 200").or_(
        page.locator(".st-key-dream", has_text="step 200")
    ).first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    assert metric_value(page, ".st-key-dream", "Dream read as") == "8"
    p = float(re.search(r"p = ([0-9.]+)", page.locator(".st-key-dream").inner_text()).group(1))
    assert p > 0.9


def test_on_a_phone_the_prediction_is_on_screen_after_a_stroke(server, browser):
    context = browser.new_context(viewport=dict(width=390, height=844), has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        open_page(page, f"{server}/Draw", "Draw")
        page.locator("canvas.upper-canvas").first.scroll_into_view_if_needed()
        draw_stroke(page, [(140, 40), (138, 140), (136, 240)])
        prediction = page.locator(PREDICTION).first
        prediction.wait_for(timeout=30_000)
        page.wait_for_timeout(800)
        box = prediction.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844, box
    finally:
        context.close()
