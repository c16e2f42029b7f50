"""The README's screenshots of the pages (Draw, Home, Dataset, Train, Weights, Backprop, Compare,
Train in Chinese) and of the room (Train and Draw at 1280×720 and 390×844), from the real app in
Chromium: python scripts/screenshots.py. The network's inside: devtools/insight_screenshots.py;
the coach, Teach it, the Lab and Stress: devtools/more_screenshots.py."""

import re
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from devtools.live import BROWSER_ARGS, CHROMIUM, ROOT, draw_stroke, start_server, stop_server, train_button

OUT = ROOT / "assets" / "screenshots"
ROOM = {"projector": dict(width=1280, height=720), "phone": dict(width=390, height=844)}
DIGIT_SEVEN = ([(90, 60), (200, 55), (120, 235)], [(110, 150), (190, 150)])


def room_shots(browser, url: str) -> None:
    """Train (just after pressing it) and Draw (after a stroke) as a projector and a phone show them."""
    for size, viewport in ROOM.items():
        touch = size == "phone"
        context = browser.new_context(viewport=viewport, has_touch=touch, is_mobile=touch)
        page = context.new_page()
        page.goto(f"{url}/Train?preset=digits")
        train_button(page).wait_for()
        page.wait_for_timeout(1500)
        train_button(page).click()
        page.mouse.move(viewport["width"] - 5, viewport["height"] - 5)  # no tooltip over the page
        page.get_by_text(re.compile(r"Epoch 1\.[2-9]")).first.wait_for(timeout=120_000)
        page.screenshot(path=str(OUT / f"train-{size}.png"))
        page.get_by_role("button", name=re.compile("Stop")).click()
        page.wait_for_timeout(1000)
        page.goto(f"{url}/Draw")
        page.locator("canvas.upper-canvas").first.wait_for()
        page.wait_for_timeout(1500)
        for stroke in DIGIT_SEVEN:
            draw_stroke(page, stroke)
            page.wait_for_timeout(800)
        page.locator("[data-testid='stMetric']", has_text="Prediction").first.wait_for()
        page.wait_for_timeout(2000)
        page.screenshot(path=str(OUT / f"draw-{size}.png"))
        context.close()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    server = start_server(Path(tempfile.mkdtemp()) / "streamlit.log")
    url = server.url
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1500})

            def shot(name, height=1500):
                page.mouse.move(5, 995)  # no tooltip over the picture
                page.evaluate("document.activeElement?.blur()")  # no focus ring on the link just clicked
                page.set_viewport_size({"width": 1400, "height": height})
                page.wait_for_timeout(2500)
                page.screenshot(path=str(OUT / f"{name}.png"))

            page.goto(f"{url}/Draw")
            page.get_by_role("heading", name="Draw").first.wait_for()
            for stroke in DIGIT_SEVEN:
                draw_stroke(page, stroke)
                page.wait_for_timeout(800)
            page.locator("[data-testid='stMetric']", has_text="Prediction").wait_for()
            shot("draw", 1690)  # down to the network diagram and its caption: the answer and why
            page.goto(f"{url}/")
            page.get_by_role("heading", name=re.compile("nnlib")).first.wait_for()
            shot("home", 1000)
            page.goto(f"{url}/Dataset")
            page.get_by_role("heading", name="Dataset").first.wait_for()
            shot("dataset", 1300)
            page.goto(f"{url}/Train")
            page.get_by_role("heading", name="Train").first.wait_for()
            train_button(page).click()
            page.locator("[data-testid='stMetric']", has_text="Test accuracy").wait_for(timeout=120_000)
            shot("train", 1900)
            page.get_by_role("link", name=re.compile("Weights")).click()
            page.get_by_role("heading", name="Weights").first.wait_for()
            shot("weights", 2400)
            page.get_by_role("link", name=re.compile("Backprop")).click()
            page.get_by_role("heading", name=re.compile("Backprop")).first.wait_for()
            page.get_by_role("button", name=re.compile("Take one SGD step")).click()
            page.wait_for_timeout(2000)
            page.get_by_role("button", name=re.compile("Check the gradients")).click()
            page.get_by_text(re.compile("formulas are right")).wait_for()
            shot("backprop", 3600)
            page.get_by_role("link", name=re.compile("Compare")).click()
            page.get_by_role("heading", name=re.compile("Compare")).first.wait_for()
            page.get_by_role("button", name=re.compile("Run the comparison")).click()
            page.get_by_text(re.compile("runs finished")).wait_for(timeout=120_000)
            shot("compare", 1300)
            page.goto(f"{url}/Train?preset=digits&lang=zh")
            page.get_by_role("heading", name=re.compile("训练")).first.wait_for()
            shot("train-zh", 1000)
            room_shots(browser, url)
            browser.close()
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
