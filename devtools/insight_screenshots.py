"""The README's pictures of the network's inside, from the real app in Chromium.

    python devtools/insight_screenshots.py [--out assets/screenshots]

Draws a 7 on the Draw page, clicks a neuron, presses "Fool it" and "Dream", and saves
diagram.png, neuron-sum.png, saliency.png, fool.png and dream.png (each one container).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from devtools import bench
from devtools.live import ROOT, draw_stroke, open_page, start_server, stop_server

A_SEVEN = [(70, 60), (130, 58), (210, 55), (180, 120), (150, 180), (125, 245)]


def capture(page, key: str, path: Path) -> None:
    container = page.locator(f".st-key-{key}")
    container.scroll_into_view_if_needed()
    page.mouse.move(0, 0)  # no tooltip over the picture
    page.wait_for_timeout(800)
    container.screenshot(path=str(path))
    print(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "screenshots")
    args = parser.parse_args()
    server = start_server(Path(tempfile.mkdtemp()) / "streamlit.log")
    try:
        with bench.chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 2000})
            open_page(page, f"{server.url}/Draw", "Draw")
            draw_stroke(page, A_SEVEN)
            page.locator(".st-key-network-diagram .js-plotly-plot").wait_for(timeout=30_000)
            page.wait_for_timeout(1500)
            capture(page, "network-diagram", args.out / "diagram.png")
            nodes = page.locator(".st-key-network-diagram .scatterlayer .trace").filter(has=page.locator("path.point"))
            point = nodes.first.locator("path.point").nth(4)
            box = point.bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(2500)
            capture(page, "neuron-sum", args.out / "neuron-sum.png")
            page.locator(".st-key-draw-view").get_by_text("Which pixels matter", exact=True).click()
            page.wait_for_timeout(1500)
            capture(page, "saliency", args.out / "saliency.png")
            page.locator(".st-key-draw-view").get_by_text("Fool it", exact=True).click()
            page.wait_for_timeout(1500)
            page.get_by_role("button", name="Fool it").click()
            page.locator(".st-key-fool [data-testid='stMetric']").first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)
            capture(page, "fool", args.out / "fool.png")
            page.locator(".st-key-draw-view").get_by_text("Dream", exact=True).click()
            page.wait_for_timeout(1500)
            choose = page.locator(".st-key-dream [data-testid='stSelectbox'] input")
            choose.click()
            choose.fill("3")
            choose.press("Enter")
            page.wait_for_timeout(500)
            page.get_by_role("button", name="Dream", exact=True).click()
            page.locator(".st-key-dream", has_text="step 200").wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            capture(page, "dream", args.out / "dream.png")
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
