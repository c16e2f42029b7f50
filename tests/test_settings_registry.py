"""nnlib.registry.SETTINGS is the one place of a setting: an entry added there (and nowhere else)
reaches the Train widgets, the URL, the command line, Compare and the class board's columns."""

from __future__ import annotations

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from devtools.live import ROOT
from nnlib import PRESETS, TrainConfig, cli, registry
from server.board import Entry
from ui import class_board, class_session
from ui.i18n import catalogue

#: A setting no TrainConfig has: its field is faked by the entry's default.
MADE_UP = registry.Setting(
    "wobble",
    registry.NUMBER,
    "Wobble",
    "training",
    "How much the made-up setting wobbles.",
    "wob",
    "--wobble",
    "a made-up setting that wobbles, 0-1",
    low=0.0,
    high=1.0,
    step=0.1,
    compare=(0.0, 0.5, 1.0),
    compare_defaults=(0.0, 1.0),
    board=True,
    default=0.3,
)


@pytest.fixture
def made_up(monkeypatch):
    """The registry with MADE_UP added at the end (the real one comes back after the test)."""
    monkeypatch.setattr(registry, "SETTINGS", (*registry.SETTINGS, MADE_UP))
    return MADE_UP


def app(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page(page)
    return at


def test_a_made_up_setting_gets_its_widget_on_the_train_page(made_up):
    at = app("app_pages/2_Train.py").run()
    assert not at.exception, at.exception
    slider = at.slider(key="cfg_wobble")
    assert slider.label == "Wobble" and slider.value == pytest.approx(0.3)
    assert (slider.min, slider.max, slider.step) == (0.0, 1.0, 0.1)
    assert slider.help == "How much the made-up setting wobbles."


def test_a_made_up_setting_round_trips_through_the_url(made_up):
    at = app("app_pages/2_Train.py")
    at.query_params.update({"wob": "0.48", "lr": "0.02"})
    at.run()
    assert not at.exception, at.exception
    assert at.slider(key="cfg_wobble").value == pytest.approx(0.5)  # moved to its step, and said so
    assert "wob=0.48 → 0.5" in " ".join(w.value for w in at.warning)
    assert "wob=0.5" in at.code[0].value  # the page's link carries it on
    fresh = app("app_pages/2_Train.py")
    fresh.query_params.update({"wob": "0.5"})
    fresh.run()
    assert fresh.slider(key="cfg_wobble").value == pytest.approx(0.5)


def test_a_made_up_setting_has_a_command_line_flag(made_up, capsys):
    parser = cli.build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["train", "--help"])
    help_text = capsys.readouterr().out
    assert "--wobble WOBBLE" in help_text and "a made-up setting that wobbles, 0-1" in help_text
    assert parser.parse_args(["train", "--wobble", "0.7"]).wobble == pytest.approx(0.7)


def test_a_made_up_setting_is_among_compares_choices(made_up):
    at = app("app_pages/6_Compare.py").run()
    assert not at.exception, at.exception
    assert "Wobble" in at.selectbox(key="cmp_first").options
    at.selectbox(key="cmp_first").set_value("wobble").run()
    assert not at.exception, at.exception
    values = at.multiselect(key="cmp_values_wobble")
    assert values.options == ["0", "0.5", "1"] and values.value == [0.0, 1.0]


def test_a_made_up_setting_is_a_column_and_a_colouring_of_the_class_board(made_up):
    posted = class_board.posted_values(PRESETS["seed"])
    assert posted["wobble"] == pytest.approx(0.3)
    entries = [
        Entry(number, name, {**posted, "wobble": wobble}, (10,), 0.99, 1.0, 7862, 62896, 0.0)
        for number, (name, wobble) in enumerate([("Ann", 0.3), ("Bo", 0.5)])
    ]
    headings = dict(class_session.board_headings())
    assert headings["wobble"] == "Wobble"
    assert list(class_board.board_table(entries, headings)["Wobble"]) == ["0.3", "0.5"]
    assert class_board.colour_choices(entries)[0] == "wobble"  # the one setting the class varied
    assert class_session.colour_label("wobble") == "Wobble"


def test_every_entry_is_a_trainconfig_field_with_its_words_in_chinese():
    fields = {field.name for field in dataclasses.fields(TrainConfig)}
    entries = catalogue("zh")
    for entry in registry.SETTINGS:
        assert entry.name in fields, entry.name  # else its value would reach no run
        if entry.group:  # shown on the Train page: every word translated
            words = [entry.label, entry.help, *entry.labels.values()]
            assert all(word in entries for word in words), [word for word in words if word not in entries]
        if entry.compare:
            assert entry.compare_label in entries or not entry.compare_label


def test_each_entry_writes_what_it_reads():
    config = PRESETS["digits"]
    for entry in registry.SETTINGS:
        assert entry.from_text(entry.to_text(entry.read(config))) == entry.read(config), entry.name


@pytest.mark.parametrize(
    "change,field",
    [
        ({"hidden": (0,)}, "hidden"),
        ({"digits": (3,)}, "digits"),
        ({"learning_rate": 500.0}, "learning_rate"),
        ({"augment_style": "wobbly"}, "augment_style"),
        ({"train_size": 5}, "train_size"),
    ],
)
def test_a_problem_names_its_field(change, field):
    problems = PRESETS["seed"].replace(**change).problems()
    assert [problem.field for problem in problems] == [field]
