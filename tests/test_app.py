"""Every page under streamlit.testing's AppTest: renders, reacts, trains."""
import base64
import json

import numpy as np

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT

PAGES = ["streamlit_app.py", "pages/1_Dataset.py", "pages/2_Train.py", "pages/3_Weights.py",
         "pages/4_Draw.py"]


def app(page: str) -> AppTest:
    """An AppTest of the real entrypoint, switched to page (as a deep link would)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    if page != "streamlit_app.py":
        at.switch_page(page)
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page):
    at = app(page).run()
    assert not at.exception, at.exception
    assert at.title or at.markdown


def test_home_states_the_current_model():
    at = app("streamlit_app.py").run()
    assert any("shipped ten-digit model" in m.value for m in at.markdown)


def test_dataset_digits_change_the_counts():
    at = app("pages/1_Dataset.py").run()
    assert any("12,665" in m.value and "2,115" in m.value for m in at.markdown)
    at.multiselect(key="dataset_digits").set_value([3, 8]).run()
    assert not at.exception
    assert any("11,982" in m.value for m in at.markdown)  # 6131 threes + 5851 eights


def values(array):
    """A Plotly JSON array: a list, or {"bdata": base64, "dtype": ...} for NumPy data."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)


def figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_training_the_blog_preset_fills_charts_and_metrics():
    at = app("pages/2_Train.py").run()
    assert at.selectbox(key="preset").value == "seed"
    at.button[0].click().run()
    assert not at.exception, at.exception
    metric = next(m for m in at.metric if m.label == "Test accuracy")
    assert metric.value == "99.95%"
    drawn = figures(at)
    loss = next(f for f in drawn if f["layout"]["title"]["text"] == "Loss")
    batch_trace = next(t for t in loss["data"] if t["name"] == "batch loss (smoothed)")
    assert len(values(batch_trace["x"])) > 100
    assert values(batch_trace["y"])[-1] < values(batch_trace["y"])[0] / 5
    accuracy = next(f for f in drawn if f["layout"]["title"]["text"] == "Accuracy")
    assert len(values(accuracy["data"][1]["y"])) == 10  # ten evaluations over the one epoch
    assert any(f["layout"]["title"]["text"] == "Confusion matrix" for f in drawn)
    assert at.session_state["model"].description == "trained in this session"


def test_settings_map_onto_the_config_and_errors_are_clear():
    at = app("pages/2_Train.py").run()
    at.text_input(key="cfg_hidden").set_value("ten").run()
    assert any("whole numbers" in e.value for e in at.error)
    at.text_input(key="cfg_hidden").set_value("16, 8").run()
    at.multiselect(key="cfg_digits").set_value([7]).run()
    assert any("at least two digits" in e.value for e in at.error)


def test_preset_switch_sets_every_widget():
    at = app("pages/2_Train.py").run()
    at.selectbox(key="preset").set_value("digits").run()
    assert at.multiselect(key="cfg_digits").value == list(range(10))
    assert at.text_input(key="cfg_hidden").value == "256, 128"
    assert at.selectbox(key="cfg_activation").value == "relu"


def test_diverging_run_shows_a_message_not_a_traceback():
    at = app("pages/2_Train.py").run()
    at.select_slider(key="cfg_learning_rate").set_value(10.0).run()
    at.button[0].click().run()
    assert not at.exception
    assert any("diverged" in e.value for e in at.error)


def test_weights_page_shows_the_timeline_after_training():
    at = app("pages/2_Train.py").run()
    at.button[0].click().run()
    at.switch_page("pages/3_Weights.py").run()
    assert not at.exception, at.exception
    timeline = next(f for f in figures(at) if "during training" in f["layout"]["title"]["text"])
    assert len(timeline["frames"]) == 31  # the initial weights and 30 snapshots


def test_draw_page_asks_for_a_drawing():
    at = app("pages/4_Draw.py").run()
    assert not at.exception
    assert any("empty" in i.value for i in at.info)
