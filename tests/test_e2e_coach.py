"""The coach in the browser: a run that exploded gets a hint whose Apply fixes it; a tiny training
set shows overfitting; the diagnostics are drawn beside the charts."""

import re

from devtools.live import batches_done, needs_chromium, open_page, screenshot, train_and_wait, train_button

pytestmark = needs_chromium

HINTS = ".st-key-hints"
DIAGNOSTICS = ".st-key-diagnostics"


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


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_run_control_and_a_knob_turned_mid_run(server, page):
    open_page(page, f"{server}/Train?preset=seed", "Train")
    page.get_by_text("Slow motion").click()  # a quarter second per batch: time to turn a knob
    train_button(page).click()
    page.get_by_text(re.compile("act from the next batch")).wait_for(timeout=60_000)
    page.get_by_role("tab", name="Training").click()
    rate = page.locator("input[type='range'][aria-label='Learning rate']")
    rate.focus()
    page.keyboard.press("ArrowRight")  # 0.001 -> 0.002, while it trains
    page.locator(".js-plotly-plot", has_text="Learning rate 0.002").first.wait_for(timeout=60_000)
    click(page, "Pause")
    page.get_by_text(re.compile("Paused at step")).wait_for(timeout=60_000)
    held = batches_done(page)
    page.wait_for_timeout(2000)
    assert batches_done(page) == held
    page.get_by_text("Slow motion").click()  # full speed again for the epoch
    page.wait_for_timeout(1500)
    click(page, "One step")
    page.get_by_text(re.compile(f"Paused at step {held + 1:,} ")).wait_for(timeout=60_000)
    assert batches_done(page) == held + 1
    click(page, "+1 epoch")
    page.get_by_text(re.compile(f"Paused at step {held + 1 + 12_665:,} ")).wait_for(timeout=120_000)
    screenshot(page, "coach-run-control")
    assert page.locator("[data-testid='stException']").count() == 0
