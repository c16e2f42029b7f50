"""End to end: the real server on a free loopback port, driven by real Chromium.

Skipped when Chromium is not installed (the README's test command and .ci/run
install it).
"""

import re

import pytest
from playwright.sync_api import expect

from devtools.live import (
    PREDICTION,
    ROOT,
    draw_stroke,
    draw_strokes,
    needs_chromium,
    needs_nginx,
    open_page,
    screenshot,
    start_prefix_proxy,
    start_ten_digit_training,
    train_button,
)
from ui.navigation import deep_link_paths

QUICK_CANVAS = "[data-nnlib-wait='quick']"  # set by ui/canvas.py's loader when the short wait is in use

pytestmark = needs_chromium


@pytest.mark.parametrize("path", deep_link_paths()[::-1])  # the home page last
def test_every_page_opens_by_deep_link(server, page, path):
    open_page(page, f"{server}/{path}", path or "nnlib")
    for label in filter(None, deep_link_paths()):
        # the sidebar's links, waited for: a busy machine may draw them after the heading
        page.get_by_role("link", name=re.compile(label)).first.wait_for(timeout=30_000)
    screenshot(page, f"page-{path or 'Home'}")


def test_training_the_blog_preset_in_the_browser(server, page):
    open_page(page, f"{server}/Train", "Train")
    train_button(page).click()
    metric = page.locator("[data-testid='stMetric']", has_text="Test accuracy")
    metric.wait_for(timeout=120_000)
    assert "99.95%" in metric.inner_text()
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "trained")


def test_drawing_a_one_predicts_a_digit(server, page):
    open_page(page, f"{server}/Draw", "Draw")
    assert page.get_by_text(re.compile("canvas is empty")).count() == 1
    draw_stroke(page, [(150, 40), (145, 140), (140, 240)])
    metric = page.locator("[data-testid='stMetric']", has_text="Prediction")
    metric.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    assert metric.locator("[data-testid='stMetricValue']").inner_text().strip() == "1"
    assert page.locator(QUICK_CANVAS).count() == 1  # the canvas without its 200 ms wait
    screenshot(page, "drawn-1")


def test_a_canvas_bundle_not_as_expected_still_draws(server, page):
    """Another release of the canvas: the loader uses its bundle as built, with its own wait."""
    from ui.canvas import BUNDLE, BUNDLE_PATH, WAIT_IN_BUNDLE

    other_release = BUNDLE.read_text().replace(WAIT_IN_BUNDLE, "Bc = 201,")
    page.route(f"**{BUNDLE_PATH}", lambda route: route.fulfill(body=other_release, content_type="text/javascript"))
    open_page(page, f"{server}/Draw", "Draw")
    draw_stroke(page, [(150, 40), (145, 140), (140, 240)])
    expect(page.locator(PREDICTION)).to_have_text("1", timeout=30_000)
    assert page.locator("[data-nnlib-wait='as-built']").count() == 1


@needs_nginx
def test_the_quick_canvas_behind_a_proxy_with_a_path_prefix(server, page, tmp_path):
    """A school's host serving the app under /nnlib/ (prefix stripped, no baseUrlPath set)."""
    proxy = start_prefix_proxy(server, "nnlib", tmp_path)
    try:
        open_page(page, f"{proxy.url}/Draw", "Draw")
        draw_stroke(page, [(150, 40), (145, 140), (140, 240)])
        expect(page.locator(PREDICTION)).to_have_text("1", timeout=30_000)
        assert page.locator(QUICK_CANVAS).count() == 1
    finally:
        proxy.process.terminate()
        proxy.process.wait(timeout=10)


def test_drawing_a_zero(server, page):
    import math

    open_page(page, f"{server}/Draw", "Draw")
    ring = [(140 + 70 * math.sin(t / 20 * 2 * math.pi), 140 - 100 * math.cos(t / 20 * 2 * math.pi)) for t in range(22)]
    draw_stroke(page, ring)
    metric = page.locator("[data-testid='stMetric']", has_text="Prediction")
    metric.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    assert metric.locator("[data-testid='stMetricValue']").inner_text().strip() == "0"


@pytest.mark.parametrize("gap_ms", [0, 120])
def test_a_digit_of_two_quick_strokes_is_read_whole(server, page, gap_ms):
    """The canvas sends each stroke 20 ms after the pen lifts: a rerun must not lose the next stroke."""
    open_page(page, f"{server}/Draw", "Draw")
    prediction = page.locator(PREDICTION)
    for digit, strokes in (  # each first stroke alone reads as a 1: the second must arrive too
        ("4", [[(170, 60), (165, 250)], [(90, 40), (70, 150), (200, 150)]]),
        ("7", [[(195, 50), (110, 250)], [(70, 50), (195, 50)]]),
    ):
        page.get_by_role("button", name=re.compile("Clear")).click()
        prediction.wait_for(state="detached", timeout=30_000)
        page.get_by_text(re.compile("canvas is empty")).wait_for(timeout=30_000)
        page.wait_for_timeout(1000)  # the new canvas mounted
        draw_strokes(page, strokes, gap_ms)
        expect(prediction).to_have_text(digit, timeout=30_000)  # a lost second stroke stays a "1"
    assert page.locator(QUICK_CANVAS).count() == 1


def test_stop_keeps_the_partly_trained_model(server, page):
    start_ten_digit_training(page, server)
    page.wait_for_timeout(2000)
    upload = page.locator("input[type='file']")
    assert upload.is_disabled()  # no model loaded over a run in progress
    page.get_by_role("button", name=re.compile("Stop")).click()
    page.get_by_text(re.compile("Stopped at epoch")).wait_for(timeout=30_000)
    page.locator("[data-testid='stMetric']", has_text="Test accuracy").wait_for(timeout=60_000)
    expect(upload).to_be_enabled(timeout=30_000)
    assert "trained in this session" in page.locator("[data-testid='stSidebar']").inner_text()
    assert page.get_by_role("button", name=re.compile("Resume")).is_enabled()


def test_model_upload_validates(server, page, tmp_path):
    open_page(page, f"{server}/Train", "Train")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a model at all")
    page.locator("input[type='file']").set_input_files(str(junk))
    page.get_by_text(re.compile("Not loaded: .*not an .npz file")).wait_for(timeout=30_000)
    page.locator("input[type='file']").set_input_files(str(ROOT / "assets" / "models" / "digits.npz"))
    loaded = page.get_by_text(re.compile("Loaded digits.npz"))
    try:
        loaded.wait_for(timeout=60_000)
    except Exception:  # say what the page showed instead
        raise AssertionError(page.locator("[data-testid='stAlert']").all_inner_texts()) from None
    assert page.locator("[data-testid='stException']").count() == 0


def test_backprop_and_compare_work_in_the_browser(server, page):
    open_page(page, f"{server}/Backprop", "Backprop")
    page.get_by_role("button", name=re.compile("Check the gradients")).click()
    page.get_by_text(re.compile("the formulas are right")).wait_for(timeout=60_000)
    # the table draws its cells once it is on screen
    page.get_by_text(re.compile("the formulas are right")).scroll_into_view_if_needed()
    verdict = {mark: page.get_by_text(mark, exact=True) for mark in ("✅", "❌")}  # the table's cells, not the legend
    expect(verdict["✅"]).to_have_count(6, timeout=30_000)
    assert verdict["❌"].count() == 0
    open_page(page, f"{server}/Compare", "Compare")
    page.get_by_role("button", name=re.compile("Run the comparison")).click()
    page.get_by_text(re.compile("3 runs finished")).wait_for(timeout=120_000)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "compare")


def test_a_teachers_link_opens_train_with_its_settings_in_chinese(server, page):
    open_page(page, f"{server}/Train?preset=digits&hidden=64,32&lr=0.02&lang=zh", "训练")
    page.get_by_role("tab", name="网络").click()
    expect(page.get_by_role("textbox", name="隐藏层大小")).to_have_value("64, 32", timeout=30_000)
    assert page.get_by_role("link", name=re.compile("训练 Train")).count() == 1
    assert "lr=0.02" in page.url and "hidden=64%2C32" in page.url
    screenshot(page, "train-zh")
