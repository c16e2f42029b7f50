"""Phones in Chromium and the Class page's QR code: shared by the class and lesson e2e tests."""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin

import numpy as np
import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


def phone_page(browser, url: str, replica: str | None = None):
    """A phone (390×844, touch), pinned to a replica behind the proxy when one is named."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    if replica:
        context.add_cookies([{"name": "nnlib_replica", "value": replica, "url": url}])
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a page ran script: {dialog.message}"))
    return page


def phone_go_to(page, label: str) -> None:
    """The sidebar's link on a phone (the sidebar starts closed): the same session."""
    sidebar = page.locator("[data-testid='stSidebar']")
    if sidebar.get_attribute("data-collapsed") != "false":
        page.locator("[data-testid='stExpandSidebarButton']").first.tap()
        expect(sidebar).to_have_attribute("data-collapsed", "false", timeout=10_000)
    sidebar.get_by_role("link", name=re.compile(label)).tap()
    page.get_by_role("heading", name=re.compile(label)).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    if sidebar.get_attribute("data-collapsed") == "false":  # a sidebar left open covers the page
        sidebar.locator(
            "[data-testid='stSidebarCollapseButton'] button, [data-testid='stSidebarCollapseButton']"
        ).first.tap()
        expect(sidebar).to_have_attribute("data-collapsed", "true", timeout=10_000)


def qr_png_of(page) -> bytes:
    """The PNG the Class page shows in its class-qr container, as the browser fetched it."""
    source = page.locator(".st-key-class-qr img").first.get_attribute("src")
    return page.request.get(urljoin(page.url, source)).body()


def decoded_qr_matches(png: bytes, text: str) -> bool:
    """The picture's modules are exactly those of text's QR code (segno's own matrix, sampled)."""
    import segno
    from PIL import Image

    expected = np.array(segno.make(text, error="m", micro=False).matrix, dtype=bool)
    pixels = np.array(Image.open(io.BytesIO(png)).convert("L")) < 128
    dark = np.argwhere(pixels)
    top, left = dark.min(axis=0)
    bottom, right = dark.max(axis=0) + 1  # the code's own square, whatever the scale and margin
    size = expected.shape[0]
    rows = top + ((np.arange(size) + 0.5) * (bottom - top) / size).astype(int)
    columns = left + ((np.arange(size) + 0.5) * (right - left) / size).astype(int)
    return bool((pixels[np.ix_(rows, columns)] == expected).all())
