"""The room: the Train page at a projector (1280×720) and on a phone (390×844, touch), in Chromium.

The first screen holds the buttons and what a run does; divergence is visible; charts are
readable; a wrong entry never hides the buttons.
"""

import re
import time

import pytest

from devtools.live import PREDICTION, draw_stroke, needs_chromium, screenshot, train_button

pytestmark = needs_chromium

SIZES = {"projector": dict(width=1280, height=720), "phone": dict(width=390, height=844)}
PROGRESS = "[data-testid='stProgress'], .js-plotly-plot"


def new_page(browser, size: str):
    touch = size == "phone"
    context = browser.new_context(viewport=SIZES[size], has_touch=touch, is_mobile=touch)
    return context.new_page()


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def open_train(page, url: str, query: str = ""):
    page.goto(f"{url}/Train{query}")
    train_button(page).wait_for(timeout=60_000)
    page.wait_for_timeout(1000)


def plot_data(page, title: str) -> dict:
    """The live Plotly figure with that title: its traces and axis ranges, read from the DOM."""
    return page.evaluate(
        """title => {
            const plot = [...document.querySelectorAll('.js-plotly-plot')]
                .find(p => p.layout && p.layout.title && p.layout.title.text === title);
            if (!plot) return null;
            return {data: plot._fullData.map(t => ({name: t.name, y: Array.from(t.y || []),
                                               dash: t.line && t.line.dash, symbol: t.marker && t.marker.symbol})),
                    yrange: plot._fullLayout.yaxis.range, ytype: plot._fullLayout.yaxis.type};
        }""",
        title,
    )


@pytest.mark.parametrize("size", ["projector", "phone"])
def test_train_button_and_its_progress_share_the_first_screen(server, browser, size):
    page = new_page(browser, size)
    open_train(page, server)
    train = train_button(page)
    assert in_viewport(page, train), train.bounding_box()
    train.tap() if size == "phone" else train.click()
    deadline = time.monotonic() + 30  # a busy machine draws the run's first frame late; where it lands is the test
    while not any(in_viewport(page, item) for item in page.locator(PROGRESS).all()):
        assert time.monotonic() < deadline, "no progress bar or live chart in the first screen after pressing Train"
        page.wait_for_timeout(250)
    page.get_by_text(re.compile("Finished")).first.wait_for(timeout=60_000)
    page.context.close()


def test_learning_rate_10_shows_the_explosion_readably(server, browser):
    page = new_page(browser, "projector")
    open_train(page, server, "?lr=10")
    train_button(page).click()
    page.get_by_text(re.compile("diverged after")).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    loss = plot_data(page, "Loss")
    smoothed = next(t for t in loss["data"] if t["name"] == "batch loss (smoothed)")["y"]
    assert max(smoothed) >= 10 * smoothed[0]
    low, high = loss["yrange"]
    assert loss["ytype"] == "log" and high - low <= 6
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('.xtick text, .ytick text')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 14, sizes
    accuracy = plot_data(page, "Accuracy")
    train, test = (next(t for t in accuracy["data"] if t["name"].startswith(k)) for k in ("train", "test"))
    assert (train["dash"], train["symbol"]) != (test["dash"], test["symbol"])
    page.context.close()


@pytest.mark.parametrize("size", ["projector", "phone"])
def test_a_wrong_hidden_size_keeps_the_train_button_with_a_message(server, browser, size):
    page = new_page(browser, size)
    open_train(page, server)
    page.get_by_role("tab", name="Network").click()
    field = page.get_by_role("textbox", name="Hidden layer sizes")
    field.fill("abc")
    field.press("Enter")
    page.get_by_text(re.compile("must be whole numbers")).first.wait_for(timeout=30_000)
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    train = train_button(page)
    assert in_viewport(page, train)
    status = page.locator("[data-testid='stAlert']", has_text="cannot be trained").first
    assert in_viewport(page, status)
    page.context.close()


def test_the_focused_sidebar_link_is_told_from_the_current_page(server, browser):
    page = new_page(browser, "projector")
    open_train(page, server)
    links = page.locator("[data-testid='stSidebar'] a")
    links.nth(1).focus()  # Dataset, while Train is the current page
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # a keyboard focus, as a Tab key gives it
    outline = "e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]"
    focused_style, focused_width = links.nth(1).evaluate(outline)
    current_style, current_width = links.nth(2).evaluate(outline)
    assert focused_style != "none" and focused_width >= 2
    assert current_style == "none" or current_width == 0
    page.context.close()


@pytest.mark.parametrize("size", ["projector", "phone"])
def test_the_canvas_stays_put_between_strokes(server, browser, size):
    """The answer above the canvas changes (empty, a dot, a Prediction) without moving the canvas:
    a phone's second stroke landed 34 px off when the first answer grew the slot."""
    page = new_page(browser, size)
    page.goto(f"{server}/Draw")
    canvas = page.locator("canvas.upper-canvas").first
    canvas.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    places = [canvas.bounding_box()["y"]]
    draw_stroke(page, [(140, 140), (141, 141)])
    page.get_by_text(re.compile("Too little ink")).wait_for(timeout=30_000)
    places.append(canvas.bounding_box()["y"])
    draw_stroke(page, [(150, 40), (145, 140), (140, 240)])
    page.locator(PREDICTION).wait_for(timeout=30_000)
    places.append(canvas.bounding_box()["y"])
    assert max(places) - min(places) < 1, places
    assert not page.locator(".dc-toolbar").first.is_visible()  # no invisible buttons over the canvas
    page.context.close()


def test_a_phone_closes_the_sidebar_after_a_tap_on_a_page_link(server, browser):
    page = new_page(browser, "phone")
    open_train(page, server)
    page.locator("[data-testid='stExpandSidebarButton']").first.tap()
    sidebar = page.locator("[data-testid='stSidebar']")
    link = sidebar.get_by_role("link", name=re.compile("Draw"))
    link.wait_for(timeout=10_000)
    link.tap()
    page.get_by_role("heading", name=re.compile("Draw")).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    box = sidebar.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, box  # slid away, the page uncovered
    page.context.close()


@pytest.mark.parametrize("size", ["projector", "landscape"])
def test_the_blog_models_canvas_and_answer_on_the_first_screen(server, browser, size):
    """At a projector and on a phone held sideways (844×390), with the blog's 0/1 model: the whole
    canvas is on the first screen, and so is the answer once drawn; Clear leaves no tooltip over it."""
    touch = size == "landscape"
    viewport = SIZES["projector"] if size == "projector" else dict(width=844, height=390)
    page = browser.new_context(viewport=viewport, has_touch=touch, is_mobile=touch).new_page()
    open_train(page, server)
    train_button(page).click()
    page.locator("[data-testid='stMetric']", has_text="Test accuracy").wait_for(timeout=120_000)
    page.locator("[data-testid='stSidebar']").get_by_role("link", name=re.compile("Draw")).click()
    canvas = page.locator("canvas.upper-canvas").first
    canvas.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    if size == "projector":
        assert in_viewport(page, canvas), canvas.bounding_box()
        assert page.get_by_role("button", name="Use the ten-digit model").is_visible()
    draw_stroke(page, [(150, 40), (145, 140), (140, 240)])
    answer = page.locator(PREDICTION)
    answer.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    assert in_viewport(page, answer) and in_viewport(page, canvas), (answer.bounding_box(), canvas.bounding_box())
    clear = page.get_by_role("button", name=re.compile("Clear"))
    clear.tap() if touch else clear.click()
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stTooltipContent']").count() == 0
    page.context.close()


def box_of(page, locator) -> dict:
    """The locator's first match's box, once drawn (a rerun may replace the element as it is measured)."""
    for _ in range(20):
        locator.first.wait_for(timeout=30_000)
        box = locator.first.bounding_box()
        if box is not None:
            return box
        page.wait_for_timeout(250)
    raise AssertionError(f"{locator} was never drawn")


def test_a_phone_sees_the_loss_chart_and_then_test_accuracy_before_the_settings(server, browser):
    page = new_page(browser, "phone")
    screen = SIZES["phone"]["height"]
    open_train(page, server)
    train_button(page).tap()
    page.locator("[data-testid='stProgress']").first.wait_for(timeout=30_000)
    loss = box_of(page, page.locator(".js-plotly-plot:has(.gtitle:text-is('Loss'))"))
    assert loss["y"] < 1.5 * screen, loss
    page.get_by_text(re.compile("Finished")).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    accuracy = box_of(page, page.locator("[data-testid='stMetric']:has-text('Test accuracy')"))
    assert accuracy["y"] + accuracy["height"] < 2 * screen, accuracy
    diagram = page.locator(".js-plotly-plot").filter(has=page.locator(".gtitle", has_text="Inside the network"))
    diagram.first.scroll_into_view_if_needed()
    title, plot = box_of(page, diagram.locator(".gtitle")), box_of(page, diagram)
    assert title["x"] + title["width"] <= min(plot["x"] + plot["width"], SIZES["phone"]["width"]), (title, plot)
    assert title["y"] >= plot["y"], (title, plot)  # its first line whole, not above the chart's top
    screenshot(page, "train-phone-after")
    page.context.close()
