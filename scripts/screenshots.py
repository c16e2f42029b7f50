"""Regenerate the README's screenshots: python scripts/screenshots.py (needs Chromium)."""
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "screenshots"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
                               "--server.port", str(port), "--server.address", "127.0.0.1"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        time.sleep(4)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1500})

            def shot(name, height=1500):
                page.set_viewport_size({"width": 1400, "height": height})
                page.wait_for_timeout(2500)
                page.screenshot(path=str(OUT / f"{name}.png"))

            page.goto(f"{url}/Draw")
            page.get_by_role("heading", name="Draw").first.wait_for()
            canvas = page.locator("canvas.upper-canvas").first
            canvas.wait_for()
            box = canvas.bounding_box()
            for stroke in ([(90, 60), (200, 55), (120, 235)], [(110, 150), (190, 150)]):
                page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
                page.mouse.down()
                for x, y in stroke[1:]:
                    page.mouse.move(box["x"] + x, box["y"] + y, steps=10)
                page.mouse.up()
                page.wait_for_timeout(800)
            page.locator("[data-testid='stMetric']", has_text="Prediction").wait_for()
            shot("draw", 1250)
            page.goto(f"{url}/")
            page.get_by_role("heading", name=re.compile("nnlib")).first.wait_for()
            shot("home", 1000)
            page.goto(f"{url}/Dataset")
            page.get_by_role("heading", name="Dataset").first.wait_for()
            shot("dataset", 1300)
            page.goto(f"{url}/Train")
            page.get_by_role("heading", name="Train").first.wait_for()
            page.get_by_role("button", name=re.compile("Train")).first.click()
            page.locator("[data-testid='stMetric']", has_text="Test accuracy").wait_for(timeout=120_000)
            shot("train", 1900)
            page.get_by_role("link", name=re.compile("Weights")).click()
            page.get_by_role("heading", name="Weights").first.wait_for()
            shot("weights", 2400)
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
