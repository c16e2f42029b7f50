"""The Draw page before and after its first stroke, under AppTest: before it, "Inside the network"
already shows the diagram reading the empty canvas (so that the browser has drawn it when the first
answer comes); the views that take a drawing apart ask for one; the first drawing's neuron sum is
its own strongest neuron, not the one taken apart for the empty canvas."""

import re

import numpy as np

from nnlib.pipeline import read_digit
from tests.test_app_insight import A_ONE, canvas_state, draw_page, metric, show
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
