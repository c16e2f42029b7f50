"""The Lab and Stress pages under streamlit.testing's AppTest: edits, reset, the knock-out's top
neurons, Draw's model while edits are on, the threshold, both languages."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devtools.live import ROOT
from tests.helpers import on_first_images


def app(page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
    at.switch_page(page)
    at.session_state["lang"] = lang
    return at


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def percent(text: str) -> float:
    return float(text.rstrip("%"))


def chart_keys(at) -> set[str]:
    """The keys of the Plotly charts the last run sent (an element id ends with its key)."""
    return {chart.proto.id.split("-", 2)[-1] for chart in at.get("plotly_chart")}


def test_edits_move_the_accuracy_and_reset_gives_the_original_back():
    at = app("app_pages/8_Lab.py").run()
    assert not at.exception, at.exception
    original = metric(at, "Original accuracy")
    assert metric(at, "Edited accuracy") == original
    at.slider(key="lab-temperature").set_value(3.0).run()
    assert metric(at, "Edited accuracy") == original  # the answers stay
    at.run()  # the whole page: an edit drew only the parts that show the edited network
    at.button(key="lab-switch-top").click().run()
    assert len(at.multiselect(key="lab-off").value) == 30
    assert percent(metric(at, "Edited accuracy")) <= percent(original) - 1
    at.run()
    assert any("edited in the Lab" in c.value for c in at.sidebar.caption)
    at.button(key="lab-reset").click().run()
    assert metric(at, "Edited accuracy") == original
    assert not at.multiselect(key="lab-off").value
    assert not any("edited in the Lab" in c.value for c in at.sidebar.caption)


def test_an_edit_reruns_only_the_parts_that_show_the_edited_network():
    """The knock-out chart and the rest of the page are neither recomputed nor sent again; the
    sidebar's model note is, when edits go on or off."""
    at = app("app_pages/8_Lab.py").run()
    assert chart_keys(at) == {"lab-per-digit", "lab-confusion", "lab-knockout", "lab-steps-image"}
    at.slider(key="lab-prune").set_value(95).run()
    assert not at.exception, at.exception
    assert chart_keys(at) == {"lab-per-digit", "lab-confusion", "lab-steps-image"}
    assert not [b for b in at.button if b.key == "lab-switch-top"]
    assert percent(metric(at, "Edited accuracy")) < percent(metric(at, "Original accuracy"))
    assert any("edited in the Lab" in c.value for c in at.sidebar.caption)
    at.slider(key="lab-prune").set_value(90).run()  # still edited: the note is not sent again
    assert not at.sidebar.caption
    at.button(key="lab-reset").click().run()
    assert metric(at, "Edited accuracy") == metric(at, "Original accuracy")
    assert [c.value for c in at.sidebar.caption if "Model:" in c.value] and not any(
        "edited in the Lab" in c.value for c in at.sidebar.caption
    )


def test_without_the_sidebar_note_as_a_fragment_an_edit_that_turns_edits_on_reruns_the_whole_page(monkeypatch):
    """The common frame's model note may be a plain caption (no fragment to rerun): the sidebar
    still never tells a stale story."""
    import streamlit as st

    from ui import navigation
    from ui.i18n import t
    from ui.session import current_model

    monkeypatch.setattr(
        navigation, "model_note", lambda: st.caption(t("**Model:** {model}", model=current_model().label()))
    )
    at = app("app_pages/8_Lab.py").run()
    at.slider(key="lab-prune").set_value(95).run()  # edits on: the whole page
    assert not at.exception, at.exception
    assert "lab-knockout" in chart_keys(at)
    assert any("edited in the Lab" in c.value for c in at.sidebar.caption)
    at.slider(key="lab-prune").set_value(90).run()  # still on: only the parts
    assert chart_keys(at) == {"lab-per-digit", "lab-confusion", "lab-steps-image"}


def test_the_edited_network_is_what_other_pages_read_and_reset_gives_back_the_shipped_arrays():
    from ui.session import default_model

    at = app("app_pages/8_Lab.py").run()
    at.slider(key="lab-prune").set_value(50).run()
    edited = at.session_state["lab_edited"].network
    shipped, _ = default_model()
    assert edited is not shipped and (edited.params["W1"] == 0).mean() >= 0.5
    at.switch_page("app_pages/4_Draw.py").run()
    assert not at.exception, at.exception
    assert any("edited in the Lab" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/8_Lab.py").run()  # the edits are still there
    assert at.slider(key="lab-prune").value == 50
    at.button(key="lab-reset").click().run()
    assert "lab_edited" not in at.session_state
    assert all(not value.flags.writeable for value in shipped.params.values())


def test_stress_threshold_answers_fewer_and_gets_more_of_them_right():
    at = app("app_pages/9_Stress.py").run()
    assert not at.exception, at.exception
    at.slider(key="stress-threshold").set_value(0.99).run()
    answered, accuracy, plain = (
        percent(metric(at, name)) for name in ("Answered", "Accuracy on answered", "Plain accuracy")
    )
    assert answered < 100 and accuracy > plain


@pytest.mark.parametrize("page", ["app_pages/8_Lab.py", "app_pages/9_Stress.py"])
def test_lab_pages_in_chinese(page):
    at = app(page, "zh").run()
    assert not at.exception, at.exception
    assert any("\u4e00" <= ch <= "\u9fff" for m in at.metric for ch in m.label)


def test_coverage_counts_the_answered_images():
    import importlib.util

    spec = importlib.util.spec_from_file_location("stress_page", ROOT / "app_pages" / "9_Stress.py")
    source = (ROOT / "app_pages" / "9_Stress.py").read_text()
    namespace: dict = {}
    exec(source.split('st.title(t("🌪️ Stress"))')[0], namespace)  # the page's functions, not its layout
    coverage = namespace["coverage"]
    confidence = np.array([0.2, 0.5, 0.9, 0.95])
    right = np.array([False, True, True, False])
    answered, accuracy = coverage(confidence, right, np.array([0.0, 0.5, 0.92, 0.99]))
    assert np.allclose(answered, [1, 0.75, 0.25, 0])
    assert np.allclose(accuracy[:3], [0.5, 2 / 3, 0]) and np.isnan(accuracy[3])
    assert spec is not None


def test_after_training_the_stress_page_plays_the_first_layer_forming():
    import json

    at = on_first_images(app("app_pages/2_Train.py").run())
    at.button[0].click().run()  # the blog preset: 784-10-2 on 0s and 1s, 30 snapshots
    at.switch_page("app_pages/9_Stress.py").run()
    assert not at.exception, at.exception
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    forming = next(c for c in charts if "during training" in c["layout"]["title"]["text"])
    assert len(forming["frames"]) >= 30 and len(forming["data"]) == 2  # two digits, one trace each
    at.switch_page("app_pages/8_Lab.py").run()  # one hidden layer: the knock-out updates the output's sums
    assert not at.exception, at.exception
    assert metric(at, "Edited accuracy") == metric(at, "Original accuracy")


def test_the_network_diagram_is_built_only_when_shown():
    at = app("app_pages/8_Lab.py").run()
    hidden = len(at.get("plotly_chart"))
    at.toggle(key="lab-show-diagram").set_value(True).run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == hidden + 1
