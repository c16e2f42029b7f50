"""The coach in the browser: a run that exploded gets a hint whose Apply fixes it; a tiny training
set shows overfitting; the diagnostics are drawn beside the charts."""

import re

from devtools.live import needs_chromium, open_page, screenshot

pytestmark = needs_chromium

HINTS = ".st-key-hints"
DIAGNOSTICS = ".st-key-diagnostics"


def train_and_wait(page, finished_text: str) -> None:
    page.get_by_role("button", name=re.compile("Train")).first.click()
    page.locator("[data-testid='stAlert']", has_text=finished_text).first.wait_for(timeout=180_000)


def test_an_exploded_run_gets_a_hint_whose_apply_fixes_it(server, page):
    open_page(page, f"{server}/Train?preset=seed&lr=10", "Train")
    train_and_wait(page, "diverged")
    hints = page.locator(HINTS)
    hints.get_by_text(re.compile("The loss exploded")).wait_for(timeout=30_000)
    hints.get_by_role("button", name="Why?").first.click()
    hints.get_by_text(re.compile("Where to see it")).wait_for(timeout=30_000)
    screenshot(page, "coach-exploded")
    hints.get_by_role("button", name="Apply").first.click()
    hints.get_by_text(re.compile("Learning rate: 10 → 0.5")).wait_for(timeout=30_000)
    train_and_wait(page, "Finished")
    metric = page.locator("[data-testid='stMetric']", has_text="Test accuracy")
    metric.wait_for(timeout=60_000)
    accuracy = float(re.search(r"([\d.]+)%", metric.inner_text()).group(1))
    assert accuracy > 99.0
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_hundred_images_for_thirty_epochs_show_overfitting(server, page):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, f"{server}/Train?preset=class&hidden=10&size=100&epochs=30", "Train")
    train_and_wait(page, "Finished")
    hints = page.locator(HINTS)
    hints.get_by_text(re.compile("Overfitting")).wait_for(timeout=30_000)
    assert hints.get_by_text(re.compile("only 100 images")).count() == 1
    diagnostics = page.locator(DIAGNOSTICS)
    diagnostics.get_by_text(re.compile("Diagnostics")).wait_for(timeout=30_000)
    assert diagnostics.locator(".js-plotly-plot").count() >= 1
    screenshot(page, "coach-overfitting-projector")
    diagnostics.scroll_into_view_if_needed()
    screenshot(page, "coach-diagnostics-projector")
    assert page.locator("[data-testid='stException']").count() == 0
