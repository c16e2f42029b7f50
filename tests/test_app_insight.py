"""The network's inside under AppTest: a drawing on the Draw page, its diagram, a neuron's sum,
saliency, "Fool it", "Dream", a tap that is only a dot; dX on Backprop; the diagram on Weights.

The canvas is a component AppTest cannot draw on, so a drawing is handed to it the way the
browser does: as the component's state, a PNG data URL of the canvas.
"""

import base64
import io
import re

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest

from devtools.live import ROOT
from tests.test_preprocess import stroke_canvas


def canvas_state(grey: np.ndarray) -> dict:
    """What the canvas component sends for a (280, 280) grey drawing on its black paper."""
    rgba = np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return {"drawing": {"raw": {"objects": []}, "data": url}, "backgroundFit": None}


def draw_page(grey: np.ndarray | None = None, language: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.session_state["lang"] = language
    at.switch_page("app_pages/4_Draw.py").run()
    if grey is not None:
        at.session_state["canvas-0"] = canvas_state(grey)
        at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return values[0]


A_ONE = stroke_canvas(points=((40, 150), (240, 140)), width=18)


def test_a_drawing_gets_an_answer_a_diagram_and_a_neuron_sum_that_adds_up():
    at = draw_page(A_ONE)
    assert metric(at, "Prediction") == "1"
    labels = [m.label for m in at.metric]
    total = float(metric(at, "Σ of the parts"))
    bias = float(next(m.value for m in at.metric if m.label.startswith("+ bias B")))
    Z = float(next(m.value for m in at.metric if m.label.startswith("= Z")))
    assert abs(total + bias - Z) < 1e-6, labels
    specs = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert any('"customdata"' in spec for spec in specs)  # the diagram, its neurons clickable


def test_choosing_another_neuron_takes_its_sum_apart():
    at = draw_page(A_ONE)
    pick = at.selectbox(key="draw-diagram-pick")
    first_z = next(m.label for m in at.metric if m.label.startswith("= Z"))
    layer, neuron = map(int, re.search(r"layer (\d+), neuron (\d+)", pick.options[-1]).groups())  # an output
    pick.set_value(pick.options[-1]).run()
    assert not at.exception, at.exception
    z_label = next(m.label for m in at.metric if m.label.startswith("= Z"))
    assert z_label == f"= Z{layer}[{neuron}]" != first_z


def show(at: AppTest, view: str) -> AppTest:
    """Switch the Draw page's view below the answer (The network, Fool it, Dream, …)."""
    at.radio(key="draw-view").set_value(view).run()
    assert not at.exception, at.exception
    return at


def test_fool_it_changes_the_answer_and_reports_the_change():
    at = show(draw_page(A_ONE), "Fool it")
    at.button(key="fool-button").click().run()
    assert not at.exception, at.exception
    fooled = metric(at, "Fooled prediction")
    assert fooled != metric(at, "Prediction")
    size = float(metric(at, "Largest pixel change (L∞)"))
    assert 0 < size < 0.5


def test_dream_of_a_digit_is_read_as_that_digit():
    at = show(draw_page(A_ONE), "Dream")
    at.selectbox(key="dream-digit").set_value(3)
    at.button(key="dream-button").click().run()
    assert not at.exception, at.exception
    assert metric(at, "Dream read as") == "3"
    p = float(re.search(r"p = ([0-9.]+)", " ".join(c.value for c in at.caption)).group(1))
    assert p > 0.9


def test_saliency_and_hidden_neurons_views():
    at = show(draw_page(A_ONE), "Which pixels matter")
    assert any("saliency" in str(chart.proto.spec) for chart in at.get("plotly_chart"))
    show(at, "Hidden neurons")
    assert any("Hidden activations" in str(chart.proto.spec) for chart in at.get("plotly_chart"))


def test_a_tap_is_too_little_ink_not_a_confident_zero():
    at = draw_page(stroke_canvas(points=((140, 140), (140, 141)), width=18))
    assert any("Too little ink" in w.value for w in at.warning)
    assert not [m for m in at.metric if m.label == "Prediction"]


def test_the_draw_page_in_chinese():
    at = draw_page(A_ONE, language="zh")
    assert [m for m in at.metric if m.label == "预测"] or at.metric
    show(at, "骗过它")
    at.button(key="fool-button").click().run()
    assert not at.exception, at.exception
    assert metric(at, "被骗后的预测")


def test_backprop_shows_the_input_gradient():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page("app_pages/5_Backprop.py").run()
    assert not at.exception, at.exception
    formulas = " ".join(latex.value for latex in at.get("latex"))
    assert r"dX = W_1^T \cdot dZ_1" in formulas


def test_weights_page_shows_the_network_for_a_test_image():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page("app_pages/3_Weights.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="weights-diagram-pick")
    assert metric(at, "Σ of the parts")
    at.number_input(key="w_test_image").set_value(5).run()
    assert not at.exception, at.exception
