"""Every page under streamlit.testing's AppTest: renders, reacts, trains."""

import base64
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from devtools.lesson_checks import detector_likeness
from devtools.live import ROOT
from tests.helpers import on_first_images
from ui.navigation import PAGES

SCRIPTS = [script for script, _ in PAGES]
HOME = SCRIPTS[0]


def app(page: str) -> AppTest:
    """An AppTest of the real entrypoint, switched to page (as a deep link would)."""
    return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).switch_page(page)


@pytest.mark.parametrize("page", SCRIPTS[::-1])  # the home page last: the others by deep link first
def test_page_renders_without_exception(page):
    at = app(page).run()
    assert not at.exception, at.exception
    assert at.title or at.markdown
    assert at.sidebar.radio[0].key == "lang_widget"  # inside the entrypoint's frame, even by deep link


def test_home_states_the_current_model():
    at = app(HOME).run()
    assert any("shipped ten-digit model" in m.value for m in at.markdown)


def test_dataset_digits_change_the_counts():
    at = app("app_pages/1_Dataset.py").run()
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
    at = app("app_pages/2_Train.py").run()
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
    assert any(
        f["layout"]["title"]["text"].replace("<br>", " ").startswith("Inside the network, on test image") for f in drawn
    )
    assert at.session_state["model"].description == "trained in this session"


def test_settings_map_onto_the_config_and_errors_are_clear():
    at = app("app_pages/2_Train.py").run()
    at.text_input(key="cfg_hidden").set_value("ten").run()
    assert any("whole numbers" in e.value for e in at.error)
    at.text_input(key="cfg_hidden").set_value("16, 8").run()
    at.multiselect(key="cfg_digits").set_value([7]).run()
    assert any("at least two digits" in e.value for e in at.error)


def test_preset_switch_sets_every_widget():
    at = app("app_pages/2_Train.py").run()
    at.selectbox(key="preset").set_value("digits").run()
    assert at.multiselect(key="cfg_digits").value == list(range(10))
    assert at.text_input(key="cfg_hidden").value == "256, 128"
    assert at.selectbox(key="cfg_activation").value == "relu"


def test_diverging_run_shows_a_message_not_a_traceback():
    at = app("app_pages/2_Train.py").run()
    at.select_slider(key="cfg_learning_rate").set_value(10.0).run()
    at.button[0].click().run()
    assert not at.exception
    assert any("diverged" in e.value for e in at.error)


def test_choosing_the_same_preset_again_sets_every_field():
    at = app("app_pages/2_Train.py").run()
    at.select_slider(key="cfg_learning_rate").set_value(10.0).run()
    assert at.selectbox(key="preset").value == "custom"  # the settings are no longer the blog's
    at.selectbox(key="preset").set_value("seed").run()
    assert not at.exception, at.exception
    assert at.select_slider(key="cfg_learning_rate").value == 0.001
    at.text_input(key="cfg_hidden").set_value("32").run()
    at.selectbox(key="preset").set_value("seed").run()
    assert at.text_input(key="cfg_hidden").value == "10"


def test_a_diverged_run_leaves_the_previous_model_and_its_timeline():
    at = on_first_images(app("app_pages/2_Train.py").run())
    at.button[0].click().run()  # the blog's preset: a good model
    trained = at.session_state["model"].network
    W1 = trained.params["W1"].copy()
    at.select_slider(key="cfg_learning_rate").set_value(10.0).run()
    at.button[0].click().run()
    assert any("Your model is unchanged" in e.value for e in at.error)
    assert at.session_state["model"].network is trained
    at.switch_page("app_pages/3_Weights.py").run()
    assert not at.exception, at.exception
    assert any("Your last run diverged" in i.value for i in at.info)
    at.radio(key="w_show").set_value("weights").run()
    grid = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("W1: neurons"))
    assert np.allclose(np.nanmax(np.abs(values(grid["data"][0]["z"]))), np.abs(W1).max())
    timeline = next(f for f in figures(at) if "during training" in f["layout"]["title"]["text"])
    assert len(timeline["frames"]) == 31  # the good run's timeline, not the diverged one's


def test_weights_shows_the_blogs_detectors_after_one_epoch(mnist):
    at = app("app_pages/2_Train.py").run()
    at.button[0].click().run()
    at.switch_page("app_pages/3_Weights.py").run()
    assert not at.exception, at.exception
    grid = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("What training changed"))
    assert detector_likeness(grid_values(grid["data"][0]["z"]), mnist) > 0.75


def grid_values(array) -> np.ndarray:
    """A Plotly JSON 2-D array: nested lists, or {"bdata", "dtype", "shape"}."""
    if isinstance(array, dict):
        shape = [int(n) for n in str(array["shape"]).split(",")]
        return values(array).astype(float).reshape(shape)
    return np.array(array, dtype=float)


def test_wrong_images_come_a_page_at_a_time():
    at = on_first_images(app("app_pages/2_Train.py").run())
    at.multiselect(key="cfg_digits").set_value([3, 5]).run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    wrong = int(re.search(r"got wrong\*\* \(([\d,]+)\)", " ".join(m.value for m in at.markdown)).group(1))
    pager = next(n for n in at.number_input if n.label.startswith("Page (of"))
    assert wrong > 12 and pager.max == -(-wrong // 12)
    shown = [caption for element in at.get("image") for caption in element.captions]
    assert len(shown) == 12
    pager.set_value(pager.max).run()
    shown = [caption for element in at.get("image") for caption in element.captions]
    assert len(shown) == wrong - 12 * (pager.max - 1)


def test_weights_page_shows_the_timeline_after_training():
    at = on_first_images(app("app_pages/2_Train.py").run())
    at.button[0].click().run()
    at.switch_page("app_pages/3_Weights.py").run()
    assert not at.exception, at.exception
    timeline = next(f for f in figures(at) if "during training" in f["layout"]["title"]["text"])
    assert len(timeline["frames"]) == 31  # the initial weights and 30 snapshots


def test_draw_page_asks_for_a_drawing():
    at = app("app_pages/4_Draw.py").run()
    assert not at.exception
    assert any("empty" in i.value for i in at.info)


def test_backprop_page_shows_every_formula_for_the_blog_model():
    at = on_first_images(app("app_pages/2_Train.py").run())
    at.button[0].click().run()  # the blog's 784-10-2 becomes the session's model
    at.switch_page("app_pages/5_Backprop.py").run()
    assert not at.exception, at.exception
    formulas = " ".join(latex.value for latex in at.get("latex"))
    for piece in (
        r"Z_1 = W_1 \cdot X + B_1",
        r"A_1 = \tanh(Z_1)",
        r"Z_2 = W_2 \cdot A_1 + B_2",
        r"A_2 = \mathrm{sigmoid}(Z_2)",
        "Loss =",
        r"dZ_2 = A_2 - Y",
        r"dW_2 = dZ_2 \cdot A_1^T",
        r"dB_2 = dZ_2",
        r"dZ_1 = W_2^T \cdot dZ_2 \odot \left(1 - A_1^{2}\right)",
        r"dW_1 = dZ_1 \cdot X^T",
        r"dB_1 = dZ_1",
        r"(10 \times 784)",
    ):
        assert piece in formulas, piece


def test_backprop_step_moves_W1_by_minus_lr_times_dW1():
    at = app("app_pages/5_Backprop.py").run()
    at.select_slider(key="bp_lr").set_value(0.5).run()
    step_button = next(b for b in at.button if "SGD step" in b.label)
    step_button.click().run()
    assert not at.exception, at.exception
    step = at.session_state["bp_last_step"]
    np.testing.assert_allclose(step["after"] - step["before"], -0.5 * step["dW1"], rtol=0, atol=1e-12)
    assert step["loss_after"] < step["loss_before"]
    assert any(m.label.startswith("Loss on image") for m in at.metric)


def test_backprop_gradient_check_after_a_step_is_never_wrong():
    at = app("app_pages/5_Backprop.py").run()
    next(b for b in at.button if "Take one SGD step" in b.label).click().run()
    next(b for b in at.button if "Check the gradients" in b.label).click().run()
    assert not at.exception, at.exception
    _, checks = at.session_state["bp_check"]
    assert set(checks) == {"dW1", "dB1", "dW2", "dB2", "dW3", "dB3"}  # the shipped 784-512-256-10
    shown = at.dataframe[-1].value
    assert set(shown["agrees"]) <= {"✅", "too small to check"}, shown


def test_compare_two_runs_fill_the_table_and_show_symmetry():
    at = app("app_pages/6_Compare.py").run()
    at.selectbox(key="cmp_first").set_value("init").run()
    at.multiselect(key="cmp_values_init").set_value(["glorot-uniform", "zeros"]).run()
    next(b for b in at.button if "Run the comparison" in b.label).click().run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table["run"]) == ["init=glorot-uniform", "init=zeros"]
    assert list(table["distinct W1 filters"]) == [10, 1]
    assert table["test accuracy"].iloc[0] > 0.99 > table["test accuracy"].iloc[1]
    assert (table["peak training memory (MB)"] > 0).all() and (table["train s"] > 0).all()
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert "Loss of every run" in titles and "Test accuracy of every run" in titles


def test_settings_round_trip_through_the_url():
    at = app("app_pages/2_Train.py").run()
    at.selectbox(key="preset").set_value("digits").run()
    at.text_input(key="cfg_hidden").set_value("64, 32").run()
    at.select_slider(key="cfg_learning_rate").set_value(0.02).run()
    query = {key: at.query_params[key] for key in at.query_params}
    query = {key: value[0] if isinstance(value, list) else value for key, value in query.items()}
    assert query["hidden"] == "64,32" and query["lr"] == "0.02" and query["preset"] == "digits"
    fresh = app("app_pages/2_Train.py")
    fresh.query_params.update(query)
    fresh.run()
    assert not fresh.exception
    for key in ("cfg_hidden", "cfg_learning_rate", "cfg_digits", "cfg_activation", "cfg_batch_size"):
        assert fresh.session_state[key] == at.session_state[key], key
    assert "/Train?" in fresh.code[0].value and "hidden=64%2C32" in fresh.code[0].value


def test_extreme_url_query_is_ignored_with_a_message():
    at = app("app_pages/2_Train.py")
    at.query_params.update(
        {
            "preset": "x" * 5000,
            "hidden": "9" * 400,
            "lr": "nan",
            "epochs": "-5",
            "digits": "7",
            "batch": "inf",
            "act": "<script>",
            "seed": "1e400",
        }
    )
    at.run()
    assert not at.exception, at.exception
    assert any("not understood" in w.value for w in at.warning)
    assert at.slider(key="cfg_epochs").value == 1
    assert any("at least two digits" in e.value for e in at.error)


@pytest.mark.parametrize("page", SCRIPTS)
def test_every_page_in_chinese(page):
    at = app(page)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    from ui.i18n import catalogue

    chinese = set(catalogue("zh").values())
    shown = [title.value for title in at.title] + [m.value for m in at.markdown]
    assert any(text in chinese for text in shown) or any("\u4e00" <= ch <= "\u9fff" for s in shown for ch in s)
    from ui.session import MODEL_DESCRIPTIONS

    for text in shown:  # the model's description is shown translated, never in English
        assert not any(description.format(name="") in text for description in MODEL_DESCRIPTIONS), text


def test_work_cap_refuses_a_too_large_run_and_says_what_fits(monkeypatch):
    monkeypatch.setenv("NNLIB_MAX_CPU_SECONDS", "10")
    at = app("app_pages/2_Train.py").run()
    at.selectbox(key="preset").set_value("digits").run()
    assert any("CPU-seconds" in c.value for c in at.caption)  # the estimate, before the run
    at.button[0].click().run()
    assert not at.exception
    refusal = " ".join(e.value for e in at.error)
    assert "at most 10 on this server" in refusal and "would fit" in refusal
    assert "trainer" not in at.session_state
    assert not next(b for b in at.button if "Train" in b.label).disabled  # the page stays usable


@pytest.mark.parametrize("broken", ["truncated", "foreign", "mislabelled"])
def test_a_broken_data_folder_gets_a_message(monkeypatch, tmp_path, mnist, broken):
    from nnlib.data import write_idx

    write_idx(tmp_path / "train-images-idx3-ubyte.gz", mnist.train.images[:100])
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", mnist.train.labels[:100])
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", mnist.test.images[:50])
    labels = mnist.test.labels[:50].copy()
    if broken == "mislabelled":
        labels[3] = 200
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels)
    if broken == "truncated":
        path = tmp_path / "train-images-idx3-ubyte"
        write_idx(path, mnist.train.images[:100], compress=False)
        path.write_bytes(path.read_bytes()[:5000])
        (tmp_path / "train-images-idx3-ubyte.gz").unlink()
    if broken == "foreign":
        (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    for page in ("app_pages/1_Dataset.py", "app_pages/2_Train.py"):
        at = app(page).run()
        assert not at.exception, at.exception
        assert any("cannot be loaded" in e.value for e in at.error), page


def test_no_model_is_kept_outside_session_state():
    """After sessions train, upload and step, no module the app imported holds a model.

    Module-level state is shared by every visitor; a model found there would leak
    from one student to the next.
    """
    import sys
    import types

    from nnlib import Network, Trainer
    from ui.session import SessionModel, default_model

    at = on_first_images(app("app_pages/2_Train.py").run())
    at.button[0].click().run()
    at.switch_page("app_pages/5_Backprop.py").run()
    next(b for b in at.button if "SGD step" in b.label).click().run()
    shared_network, _ = default_model()
    assert all(not value.flags.writeable for value in shared_network.params.values())

    def holds_model(value, depth=0):
        if isinstance(value, (Network, Trainer, SessionModel)):
            return value is not shared_network
        if depth < 2 and isinstance(value, (list, tuple, set)):
            return any(holds_model(item, depth + 1) for item in value)
        if depth < 2 and isinstance(value, dict):
            return any(holds_model(item, depth + 1) for item in value.values())
        return False

    ours = [
        module
        for name, module in sys.modules.items()
        if isinstance(module, types.ModuleType) and (name.startswith(("ui", "nnlib")))
    ]
    assert len(ours) > 5
    for module in ours:
        for name, value in vars(module).items():
            assert not holds_model(value), f"{module.__name__}.{name} holds a model"


def test_url_values_that_were_changed_or_dropped_are_named():
    at = app("app_pages/2_Train.py")
    at.query_params.update({"hidden": "-1", "lr": "1e9", "epochs": "9999", "seed": "3"})
    at.run()
    assert not at.exception, at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "hidden=-1" in warning  # dropped, never silently one neuron
    assert "lr=1e9 → 10" in warning and "epochs=9999 → 50" in warning
    assert "seed" not in warning  # a value taken as it is is not mentioned
    assert at.text_input(key="cfg_hidden").value == "10"  # the preset's, not 1


@pytest.mark.parametrize("typed,hidden", [("10 20", (10, 20)), ("10, 20", (10, 20)), ("64;32", (64, 32))])
def test_hidden_sizes_typed_either_way_mean_layers(typed, hidden):
    at = app("app_pages/2_Train.py").run()
    at.text_input(key="cfg_hidden").set_value(typed).run()
    assert not at.error, [e.value for e in at.error]
    assert at.button[0].disabled is False


@pytest.mark.parametrize("typed,message", [("abc", "whole numbers"), ("0", "1-4096"), ("10,,10", "empty place")])
def test_a_wrong_hidden_size_is_explained_and_the_buttons_stay(typed, message):
    at = app("app_pages/2_Train.py").run()
    at.text_input(key="cfg_hidden").set_value(typed).run()
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    labels = [b.label for b in at.button]
    assert any("Train" in label for label in labels) and any("Resume" in label for label in labels)
    assert at.button[0].disabled  # Train waits for a right value
    assert any(s.value == "Save or load a model" for s in at.subheader)  # the model section stays too


@pytest.mark.parametrize(
    "key,value,chinese",
    [
        ("cfg_hidden", "abc", "隐藏层大小：隐藏层大小必须是整数，这里是 'abc'。"),
        ("cfg_hidden", "10,,10", "隐藏层大小：'10,,10' 中两个逗号之间是空的。"),
        ("cfg_digits", [3], "请至少选择两个要区分的数字（现在只有 3）。"),
    ],
)
def test_a_settings_problem_is_said_in_chinese(key, value, chinese):
    """nnlib's problems reach a Chinese page as Chinese sentences, not English inside Chinese."""
    at = app("app_pages/2_Train.py").run()
    at.session_state["lang"] = "zh"  # after the first run, as the sidebar's switch would
    widget = at.text_input(key=key) if key == "cfg_hidden" else at.multiselect(key=key)
    widget.set_value(value).run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert chinese in shown, shown
    assert not re.search(r"\b(?:must|got|choose|hidden|digits)\b", shown), shown


def test_resume_is_off_once_the_resumed_run_has_finished():
    from nnlib import PRESETS, Trainer, load_mnist, prepare_data

    config = PRESETS["seed"].replace(snapshots=0)
    trainer = Trainer(config, prepare_data(load_mnist(), config.digits, config.normalization, config.dtype))
    trainer.advance(max_batches=100)  # a run that was stopped
    at = app("app_pages/2_Train.py")
    at.session_state["trainer"] = trainer
    at.run()
    resume = next(b for b in at.button if "Resume" in b.label)
    assert not resume.disabled
    resume.click().run()
    assert not at.exception, at.exception
    assert trainer.status == "finished"
    assert next(b for b in at.button if "Resume" in b.label).disabled


def test_divergence_keeps_the_explosion_on_a_readable_axis():
    at = app("app_pages/2_Train.py").run()
    at.select_slider(key="cfg_learning_rate").set_value(10.0).run()
    at.button[0].click().run()
    status = " ".join(e.value for e in at.error)
    assert "diverged after" in status and "too large" in status
    loss = next(f for f in figures(at) if f["layout"]["title"]["text"] == "Loss")
    smoothed = values(next(t for t in loss["data"] if t["name"] == "batch loss (smoothed)")["y"])
    assert smoothed.max() >= 10 * smoothed[0]  # the jump is on screen
    low, high = loss["layout"]["yaxis"]["range"]
    assert high - low <= 6 and 10**high >= smoothed.max()
    accuracy = next(f for f in figures(at) if f["layout"]["title"]["text"] == "Accuracy")
    assert accuracy["data"], "the accuracy chart is not left empty"


def test_charts_tell_train_from_test_by_more_than_colour():
    at = on_first_images(app("app_pages/2_Train.py").run())
    at.button[0].click().run()
    for title in ("Loss", "Accuracy"):
        figure = next(f for f in figures(at) if f["layout"]["title"]["text"] == title)
        train, test = (next(t for t in figure["data"] if t["name"].startswith(kind)) for kind in ("train", "test"))
        assert (train["line"].get("dash"), train["marker"]["symbol"]) != (
            test["line"].get("dash"),
            test["marker"]["symbol"],
        )
        look = figure["layout"]["template"]["layout"]  # the shared look (ui.chart_style.TEMPLATE)
        assert figure["layout"].get("font", look["font"])["size"] >= 14
        assert figure["layout"]["xaxis"].get("tickfont", look["xaxis"]["tickfont"])["size"] >= 14


def test_dataset_page_never_shows_the_servers_folder(monkeypatch, small_data_dir):
    at = app("app_pages/1_Dataset.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert "MNIST" in text and str(ROOT) not in text
    monkeypatch.setenv("MNIST_DIR", str(small_data_dir))  # a folder the person running the server chose
    at = app("app_pages/1_Dataset.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert small_data_dir.name in text and str(small_data_dir.parent) not in text


def test_the_entrypoint_completes_pillow_and_pandas_before_any_page_draws():
    """So no page turns a figure into JSON while another session's thread is still importing Pillow."""
    import ast

    docstring, *statements = ast.parse((ROOT / "streamlit_app.py").read_text()).body
    first = [node.names[0].name for node in statements[:2] if isinstance(node, ast.Import)]
    assert first == ["pandas", "PIL.Image"]


def test_the_cost_line_never_says_about_0_cpu_seconds():
    from nnlib.cost import CostCheck
    from ui.settings import cost_words

    def check(seconds):
        return CostCheck(estimate_s=seconds, cap_s=60.0, fits_epochs=None, fits_hidden=None)

    assert "under a CPU-second" in cost_words(check(0.3))
    assert "about 4 CPU-seconds" in cost_words(check(4.2))


def test_compare_draws_each_run_in_okabe_ito_on_an_honest_accuracy_axis():
    from ui.charts import BLUE, VERMILLION, runs_figure

    figure = runs_figure([("a", [1], [99.82]), ("b", [1], [99.96])], "t", "y", "x", min_span=5.0)
    assert [trace.line.color for trace in figure.data] == [BLUE, VERMILLION]
    assert figure.data[0].marker.symbol != figure.data[1].marker.symbol
    low, high = figure.layout.yaxis.range
    assert high - low >= 5.0 and high <= 100.2
