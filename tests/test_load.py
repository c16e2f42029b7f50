"""Eight students press Train at the same moment on one server (bounded: 8 sessions, 5 minutes).

Correctness and memory only: the timings are reported by benchmarks/load.py,
never asserted here.
"""

from devtools.live import needs_chromium, train_together

pytestmark = needs_chromium


def test_eight_sessions_train_at_once(live_server, browser):
    result = train_together(live_server.url, browser, sessions=8, timeout_s=300)
    assert result["exceptions"] == []  # first: an exception is why a session never finishes
    assert result["unfinished"] == 0
    assert result["accuracies"] == ["99.95%"] * 8  # each its own run of the blog preset
    assert live_server.peak_memory_mb() < 700
    assert live_server.healthy()
