"""A classroom's worst: sessions side by side, hostile uploads, odd drawings, closed tabs, lost connections.

Real server, real Chromium. Each test leaves the server as it found it; the
last one checks that the server survived all of them.
"""

import io
import pickle
import re
import time

import numpy as np
import pytest

from devtools.live import (
    ROOT,
    draw_stroke,
    go_to,
    needs_chromium,
    open_page,
    start_server,
    start_ten_digit_training,
    stop_server,
    train_button,
)

pytestmark = needs_chromium


def sidebar_text(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def train_blog_preset(page, server):
    open_page(page, f"{server}/Train", "Train")
    train_button(page).click()
    page.locator("[data-testid='stMetric']", has_text="Test accuracy").wait_for(timeout=120_000)


def test_two_sessions_never_see_each_other(server, browser):
    first = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    second = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        train_blog_preset(first, server)
        assert "trained in this session" in sidebar_text(first)
        open_page(second, f"{server}/Train", "Train")
        assert "shipped ten-digit model" in sidebar_text(second)
        assert second.locator("[data-testid='stMetric']", has_text="Test accuracy").count() == 0

        go_to(first, "Draw")
        draw_stroke(first, [(150, 40), (145, 140), (140, 240)])
        first.locator("[data-testid='stMetric']", has_text="Prediction").wait_for(timeout=30_000)
        go_to(second, "Draw")
        assert second.get_by_text(re.compile("canvas is empty")).count() == 1
        assert second.locator("[data-testid='stMetric']", has_text="Prediction").count() == 0

        go_to(first, "Train")
        assert "trained in this session" in sidebar_text(first)  # the same session, its model kept
        first.locator("input[type='file']").set_input_files(str(ROOT / "assets" / "models" / "digits.npz"))
        first.get_by_text(re.compile("Loaded digits.npz")).wait_for(timeout=30_000)
        assert "loaded from digits.npz" in sidebar_text(first)
        go_to(second, "Weights")
        assert "shipped ten-digit model" in sidebar_text(second)
    finally:
        first.context.close()
        second.context.close()


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def hostile_files(tmp_path):
    good = dict(np.load(ROOT / "assets" / "models" / "digits.npz", allow_pickle=False))
    nan = dict(good, W1=np.full_like(good["W1"], np.nan))
    wrong = dict(good, W2=good["W2"][:, :10])
    files = {
        "random.npz": bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8)),
        "empty.npz": b"",
        "pickled.npz": npz(W1=np.array([{"x": 1}], dtype=object), B1=good["B1"]),
        "wrong-shapes.npz": npz(**wrong),
        "nan-weights.npz": npz(**nan),
        "pickle-file.npz": pickle.dumps({"W1": 1}),
    }
    paths = {}
    for name, raw in files.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(raw)
    return paths


def test_hostile_uploads_get_messages_and_lose_nothing(server, page, tmp_path):
    train_blog_preset(page, server)
    uploader = page.locator("input[type='file']")
    for name, path in hostile_files(tmp_path).items():
        uploader.set_input_files(str(path))
        page.wait_for_timeout(1500)
        errors = (
            page.locator("[data-testid='stAlert']").all_inner_texts()
            + page.locator("[data-testid='stFileUploader']").all_inner_texts()
        )
        text = " ".join(errors)
        expected = r"Not loaded: .*is empty|0\.0B" if name == "empty.npz" else r"Not loaded: "
        assert re.search(expected, text), (name, text)
        assert page.locator("[data-testid='stException']").count() == 0, name
        assert "trained in this session" in sidebar_text(page), name
    huge = tmp_path / "huge.npz"
    huge.write_bytes(b"PK" + bytes(17 * 1024 * 1024))  # over server.maxUploadSize = 16 MB
    uploader.set_input_files(str(huge))
    page.get_by_text(re.compile(r"16(\.0)?\s?MB")).first.wait_for(timeout=30_000)
    assert "trained in this session" in sidebar_text(page)
    # still usable: the model predicts
    go_to(page, "Draw")
    draw_stroke(page, [(150, 40), (145, 140), (140, 240)])
    metric = page.locator("[data-testid='stMetric']", has_text="Prediction")
    metric.wait_for(timeout=30_000)


@pytest.mark.parametrize("kind", ["dot", "filled", "edge scribble"])
def test_odd_drawings_never_raise(server, page, kind):
    open_page(page, f"{server}/Draw", "Draw")
    if kind == "dot":
        draw_stroke(page, [(140, 140), (141, 141)])
    elif kind == "filled":
        width = page.get_by_role("slider", name="Stroke width")
        width.focus()
        page.keyboard.press("End")  # the widest stroke: one key, one rerun
        page.locator("input[aria-label='Stroke width'][aria-valuetext='40']").wait_for(timeout=10_000)
        page.wait_for_timeout(1000)
        draw_stroke(page, [(x, y) for y in range(0, 290, 30) for x in ((0, 280) if (y // 30) % 2 == 0 else (280, 0))])
    else:
        draw_stroke(page, [(2, 2), (278, 3), (277, 277), (3, 278)])
    page.wait_for_timeout(2500)
    assert page.locator("[data-testid='stException']").count() == 0
    shown = (
        page.locator("[data-testid='stMetric']", has_text="Prediction").count()
        + page.get_by_text(re.compile("canvas is empty")).count()
        + page.get_by_text(re.compile("Too little ink")).count()
    )
    assert shown == 1
    if kind == "dot":  # a tap is not read as a confident digit
        assert page.get_by_text(re.compile("Too little ink")).count() == 1
    if kind == "filled":
        assert page.get_by_text(re.compile("mostly ink")).count() == 1


def test_closing_a_tab_stops_its_training(browser, tmp_path):
    """Training runs in the server's worker processes; a closed tab stops its run once nobody
    has watched it for NNLIB_JOB_IDLE_SECONDS (3 here)."""
    server = start_server(tmp_path / "streamlit.log", {"NNLIB_JOB_IDLE_SECONDS": "3"})
    try:
        context = browser.new_context()
        page = context.new_page()
        start_ten_digit_training(page, server.url)
        busy_start, waited = server.tree_cpu_seconds(), time.monotonic()
        while server.tree_cpu_seconds() - busy_start < 0.8 and time.monotonic() - waited < 20:
            time.sleep(0.2)  # on a busy machine the run gets less than a core: wait for its CPU, not a clock
        busy = server.tree_cpu_seconds() - busy_start
        assert busy >= 0.8, f"training should be using CPU, used {busy:.2f} s in 20 s"
        context.close()
        time.sleep(6)  # 3 s unwatched, then the worker hands back its weights
        idle_start = server.tree_cpu_seconds()
        time.sleep(3)
        idle = server.tree_cpu_seconds() - idle_start
        assert idle < 0.3, f"the server and its workers still used {idle:.2f} s of CPU in 3 s after the tab closed"
    finally:
        stop_server(server)


def test_a_reconnecting_session_finds_its_model(server, page):
    sockets = []

    def forward(ws):
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket(re.compile(".*/_stcore/stream"), forward)
    train_blog_preset(page, server)
    assert "trained in this session" in sidebar_text(page)
    connections = len(sockets)
    sockets[-1].close()  # the network drops
    deadline = time.time() + 30
    while len(sockets) == connections and time.time() < deadline:
        page.wait_for_timeout(200)
    assert len(sockets) > connections, "the page did not reconnect"
    page.wait_for_timeout(2000)
    go_to(page, "Weights")  # a page change after reconnecting
    assert "trained in this session" in sidebar_text(page)


def test_the_server_survived_everything(live_server, page):
    assert live_server.healthy()
    open_page(page, f"{live_server.url}/", "nnlib")
    assert live_server.process.poll() is None
