"""The Draw page before and after its first stroke, under AppTest: before it, "Inside the network"
already shows the diagram reading the empty canvas (so that the browser has drawn it when the first
answer comes); the views that take a drawing apart ask for one; the first drawing's neuron sum is
its own strongest neuron, not the one taken apart for the empty canvas. In Chromium: a stroke's
Prediction reaches the browser in a run that brings no new chart, and the drawing's charts follow."""

import re

import numpy as np
from playwright.sync_api import expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from devtools.live import draw_stroke, needs_chromium, open_page
from nnlib.pipeline import read_digit
from tests.test_app_insight import A_ONE, canvas_state, draw_page, metric, show
from tests.test_e2e_insight import A_ONE as A_ONE_STROKE
from tests.test_e2e_insight import PREDICTION
from ui.draw_view import DIAGRAM
from ui.session import default_model


def test_before_any_stroke_the_diagram_reads_the_empty_canvas_and_its_sum_adds_up():
    at = draw_page()
    assert any("empty" in info.value for info in at.info)  # the answer's slot asks for a drawing
    assert not [m for m in at.metric if m.label == "Prediction"]
    assert any("reading the empty canvas" in caption.value for caption in at.caption)
    specs = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert any('"customdata"' in spec for spec in specs)  # the diagram, its neurons clickable
    total = float(metric(at, "Σ of the parts"))
    bias = float(next(m.value for m in at.metric if m.label.startswith("+ bias B")))
    Z = float(next(m.value for m in at.metric if m.label.startswith("= Z")))
    assert abs(total + bias - Z) < 1e-6


def test_before_any_stroke_the_views_of_a_drawing_ask_for_one_and_dream_works():
    at = draw_page()
    for view in ("Which pixels matter", "Fool it", "Hidden neurons"):
        show(at, view)
        assert any("Draw a digit first" in info.value for info in at.info), view
    show(at, "Dream")
    assert at.button(key="dream-button")


def test_the_first_drawing_takes_its_own_strongest_neuron_apart_not_the_empty_canvass():
    network, config = default_model()
    reading = read_digit(np.dstack([A_ONE] * 3 + [np.full_like(A_ONE, 255)]), network, config, background=0.0)
    strongest = int(np.argmax(np.abs(reading.contributions)))
    at = draw_page()
    pick = at.selectbox(key=f"{DIAGRAM}-pick")
    pick.set_value(pick.options[-1]).run()  # an output neuron: every diagram shows the output layer whole
    at.session_state["canvas-0"] = canvas_state(A_ONE)
    at.run()
    assert not at.exception, at.exception
    assert metric(at, "Prediction") == "1"
    picked = at.selectbox(key=f"{DIAGRAM}-pick").value
    assert re.fullmatch(rf"layer 1, neuron {strongest}", picked), (picked, strongest)


def received_messages(page) -> list:
    """Every ForwardMsg the server sends this page from now on (a list that fills as they come)."""
    messages = []

    def on_websocket(socket) -> None:
        socket.on("framereceived", lambda payload: messages.append(ForwardMsg.FromString(payload)))

    page.on("websocket", on_websocket)
    return messages


def chart_ids(messages) -> set[str]:
    """The element ids of the Plotly charts sent in full among messages. A chart's id follows its
    figure: a new id is a chart the browser draws afresh, the same id one it keeps as it is. (A
    large message the browser already has comes as a reference to its cache, never as a new chart.)"""
    return {
        message.delta.new_element.plotly_chart.id
        for message in messages
        if message.WhichOneof("type") == "delta" and message.delta.new_element.WhichOneof("type") == "plotly_chart"
    }


def runs(messages) -> list[list]:
    """The messages split into runs, each ending with its script_finished."""
    split, current = [], []
    for message in messages:
        current.append(message)
        if message.WhichOneof("type") == "script_finished":
            split.append(current)
            current = []
    return split + [current]


@needs_chromium
def test_a_strokes_prediction_comes_in_a_run_without_new_charts_and_the_drawings_charts_follow(server, page):
    messages = received_messages(page)
    open_page(page, f"{server}/Draw", "Draw")
    page.locator(".st-key-network-diagram .js-plotly-plot").wait_for(timeout=60_000)
    opened = len(messages)
    draw_stroke(page, A_ONE_STROKE)
    page.locator(PREDICTION).first.wait_for(timeout=30_000)
    expect(page.get_by_text("reading the empty canvas")).to_have_count(0, timeout=30_000)
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=30_000)
    on_the_page, stroke_runs = chart_ids(messages[:opened]), runs(messages[opened:])
    answered = next(
        index
        for index, run in enumerate(stroke_runs)
        if any(message.delta.new_element.metric.label == "Prediction" for message in run)
    )
    assert chart_ids(stroke_runs[answered]) <= on_the_page  # the answer's run: no chart drawn afresh
    followed = chart_ids([message for run in stroke_runs[answered + 1 :] for message in run])
    assert len(followed - on_the_page) >= 3  # the drawing's 28×28, probabilities and diagram
    assert page.locator(PREDICTION).first.locator("[data-testid='stMetricValue']").inner_text().strip() == "1"
