"""Past one machine: deploy/replicas.sh runs 2 Streamlit replicas behind Debian's nginx.

Two browser sessions through the proxy, pinned by the nnlib_replica cookie to different
replicas, each keep their model and their images (st.image files live in the replica that
made them) across reruns; one replica is killed and the other session still trains and
draws; SIGTERM to the script stops every process it started. Real nginx, real Chromium.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from devtools.live import (
    ACCURACY,
    BROWSER_ARGS,
    CHROMIUM,
    PREDICTION,
    descendants,
    draw_stroke,
    go_to,
    needs_chromium,
    needs_nginx,
    open_page,
    pinned_page,
    start_replicas,
    stop_replicas,
    train_button,
)

pytestmark = [needs_chromium, needs_nginx]


def replica_pid(port: int, among: list[int]) -> int:
    """The Streamlit replica listening on port, found by its command line."""
    for pid in among:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(command) and str(port).encode() in command:
            return pid
    raise LookupError(port)


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    replicas = start_replicas(2, tmp_path_factory.mktemp("replicas") / "replicas.log", {"NNLIB_WORKERS": "1"})
    yield dict(url=replicas.url, base=replicas.base, script=replicas.script)
    stop_replicas(replicas)


def train(page) -> str:
    train_button(page).click()
    page.locator(ACCURACY).wait_for(timeout=90_000)
    return page.locator(ACCURACY).inner_text()


def images_loaded(page) -> int:
    """How many <img> in the main area have really loaded (a /media file from this session's replica)."""
    page.wait_for_timeout(800)
    return page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stMain] img')]"
        ".filter(img => img.complete && img.naturalWidth > 0).length"
    )


def test_two_sessions_behind_nginx_keep_their_models_and_survive_a_dead_replica(replicas):
    from playwright.sync_api import sync_playwright

    url = replicas["url"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            first, second = pinned_page(browser, url, "r0"), pinned_page(browser, url, "r1")
            open_page(first, f"{url}/Train?hidden=10", "Train")
            open_page(second, f"{url}/Train?hidden=1&lr=0.0001", "Train")  # a weaker model: other mistakes
            accuracy = {"first": train(first), "second": train(second)}
            assert accuracy["first"] != accuracy["second"], accuracy
            shown = {"first": images_loaded(first), "second": images_loaded(second)}
            assert shown["first"] >= 1 and shown["second"] >= 1, shown  # the images it got wrong
            for name, page in (("first", first), ("second", second)):  # reruns: away and back
                go_to(page, "Draw")
                go_to(page, "Train")
                assert page.locator(ACCURACY).inner_text() == accuracy[name]
                assert images_loaded(page) == shown[name]
                assert page.locator("[data-testid='stException']").count() == 0

            script_children = descendants(replicas["script"].pid)
            os.kill(replica_pid(replicas["base"], script_children), signal.SIGKILL)  # r0 dies
            time.sleep(1)
            go_to(second, "Draw")
            go_to(second, "Train")
            assert train(second) == accuracy["second"]  # same settings, same result, still on r1
            go_to(second, "Draw")
            draw_stroke(second, [(150, 40), (145, 140), (140, 240)])
            second.locator(PREDICTION).wait_for(timeout=30_000)
            assert second.locator("[data-testid='stException']").count() == 0
        finally:
            browser.close()

    left = descendants(replicas["script"].pid)
    replicas["script"].send_signal(signal.SIGTERM)
    assert replicas["script"].wait(timeout=30) == 128 + signal.SIGTERM
    time.sleep(1)
    assert not [pid for pid in left if Path(f"/proc/{pid}").exists() and _alive(pid)]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
