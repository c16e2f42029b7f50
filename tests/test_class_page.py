"""The Class page in Streamlit's AppTest: create, join, post a real run, teacher tools, failures."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from nnlib import evaluate
from server.board import BoardStore, RunSummary
from ui.class_board import board_table, class_curve_figure, summary_from_compare

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1)) مرحبا 🧠"


@pytest.fixture
def board_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'board.sqlite'}"
    monkeypatch.setenv("NNLIB_BOARD_URL", url)
    return url


def class_page(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page("pages/7_Class.py")
    for key, value in query.items():
        at.query_params[key] = value
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def shown_code(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Class code")


def test_teacher_creates_a_board_and_gets_a_code_and_a_private_link(board_url):
    at = class_page().run()
    assert not at.exception, at.exception
    assert [t.label for t in at.text_input] == ["Class code"]
    button(at, "Create a class board").click().run()
    assert not at.exception, at.exception
    code = shown_code(at)
    assert len(code) == 9 and code[4] == "-"
    secret = at.session_state["board_secret"]
    assert any(secret in block.value for block in at.code)  # in the teacher's own expander
    store = BoardStore(sa.create_engine(board_url))
    assert store.teacher_board(code, secret).code == code.replace("-", "")


def test_a_student_posts_the_sessions_real_run_and_the_board_shows_it(board_url):
    teacher = class_page().run()
    button(teacher, "Create a class board").click().run()
    code = shown_code(teacher)

    student = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    student.switch_page("pages/2_Train.py").run()
    student.button[0].click().run()  # Train, the blog preset
    trainer = student.session_state["trainer"]
    _, accuracy, _ = evaluate(trainer.network, trainer.data.X_test, trainer.data.y_test)
    student.switch_page("pages/7_Class.py").run()
    assert not student.exception, student.exception
    student.text_input[0].input(code.lower())
    button(student, "Join").click().run()
    assert shown_code(student) == code
    assert all(block.value.find(teacher.session_state["board_secret"]) < 0 for block in student.code)
    student.text_input(key="board_nickname").input(HOSTILE)
    button(student, "Post my run").click().run()
    assert not student.exception, student.exception
    assert any("Posted" in s.value for s in student.success), [e.value for e in student.error]

    teacher.run()
    table = teacher.dataframe[0].value
    assert list(table["nickname"]) == [HOSTILE]
    assert table["test accuracy (%)"].iloc[0] == pytest.approx(100 * accuracy, abs=0.01)
    assert table["hidden sizes"].iloc[0] == "10"
    assert not any(HOSTILE in m.value for m in teacher.markdown)  # the nickname is never markdown


def test_a_link_with_the_code_joins_and_a_wrong_code_shows_no_board(board_url):
    teacher = class_page().run()
    button(teacher, "Create a class board").click().run()
    code = shown_code(teacher)
    linked = class_page(**{"class": code}).run()
    assert shown_code(linked) == code
    wrong = class_page(**{"class": "ZZZZ-ZZZZ"}).run()
    assert not wrong.exception
    assert any("No class board has this code" in e.value for e in wrong.error)
    assert not [m for m in wrong.metric if m.label == "Class code"] and not wrong.dataframe


def test_the_teacher_link_gives_the_tools_and_leaves_the_address_bar(board_url):
    store = BoardStore(sa.create_engine(board_url))
    new = store.create_board("elsewhere")
    run = RunSummary({"digits": [0, 1], "activation": "tanh"}, (10,), 0.99, 1.0, 7862, 62896)
    store.post(new.board.code, "s1", "Ann", run)
    store.post(new.board.code, "s2", "Rude", run)
    at = class_page(**{"class": new.board.code, "teacher": new.teacher_secret}).run()
    assert not at.exception, at.exception
    assert "teacher" not in at.query_params
    at.selectbox(key="board_pick").set_value(1).run()
    button(at, "Hide").click().run()
    assert [e.nickname for e in store.entries(new.board.code)] == ["Ann"]
    button(at, "Lock").click().run()
    assert store.find_board(new.board.code).locked
    at.checkbox(key="board_delete_sure").check().run()
    button(at, "Delete the board").click().run()
    assert not at.exception, at.exception
    assert "board_code" not in at.session_state
    wrong = class_page(**{"class": new.board.code, "teacher": "guess"}).run()
    assert any("No class board" in e.value for e in wrong.error)


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg2://nobody@127.0.0.1:1/none", "sqlite:////nonexistent-folder/x/board.sqlite"]
)
def test_a_database_that_is_down_gives_a_message_and_the_app_goes_on(url, monkeypatch):
    monkeypatch.setenv("NNLIB_BOARD_URL", url)
    at = class_page().run()
    assert not at.exception, at.exception
    assert any("not available right now" in e.value for e in at.error)
    at.switch_page("pages/1_Dataset.py").run()
    assert not at.exception and at.title


def test_the_page_in_chinese(board_url):
    at = class_page()
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["加入", "创建班级看板"]


def test_a_compare_row_becomes_a_post_with_its_settings():
    row = {"run": "hidden=50, digits=0-9", "test accuracy": 0.91, "train s": 2.5, "parameters": 39760}
    row["parameter memory (KB)"] = 310.6
    summary = summary_from_compare(row, "seed", 2)
    assert summary.hidden_sizes == (50,) and summary.settings["digits"] == list(range(10))
    assert summary.settings["epochs"] == 2 and summary.accuracy == 0.91


def test_board_figures_escape_nicknames_and_group_by_the_colour_setting():
    from server.board import Entry

    entries = [
        Entry(i, name, {"activation": act}, (h,), acc, sec, 10, 80, 0.0)
        for i, (name, act, h, acc, sec) in enumerate(
            [("<b>x</b>", "tanh", 2, 0.9, 1), ("b", "tanh", 10, 0.95, 2), ("c", "relu", 10, 0.97, 2)]
        )
    ]
    fig = class_curve_figure(entries, "accuracy", "activation", "T", "x", "y", "activation")
    points = [trace for trace in fig.data if trace.mode == "markers"]
    assert [trace.name for trace in points] == ["relu", "tanh"]
    assert "&lt;b&gt;x&lt;/b&gt;" in points[1].text
    table = board_table(entries, {"nickname": "nickname", "accuracy": "acc"})
    assert list(table["nickname"]) == ["<b>x</b>", "b", "c"]


def test_connections_board_in_secrets_chooses_the_database(tmp_path, monkeypatch):
    """[connections.board] in a secrets.toml (here a temp one, via the secrets.files option)."""
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    monkeypatch.delenv("NNLIB_BOARD_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'from-secrets.sqlite'}"
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(f'[connections.board]\nurl = "{url}"\n')
    saved = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(secrets_file)])
    secrets_singleton._reset()
    try:
        at = class_page().run()
        button(at, "Create a class board").click().run()
        assert not at.exception, at.exception
        code = shown_code(at)
    finally:
        config.set_option("secrets.files", saved)
        secrets_singleton._reset()
    assert BoardStore(sa.create_engine(url)).find_board(code).code == code.replace("-", "")


def test_a_malformed_url_is_named_but_its_password_never_shown(monkeypatch):
    monkeypatch.setenv("NNLIB_BOARD_URL", "postgres+nosuchdriver://teacher:hunter2@db.example:5432/board")
    at = class_page().run()
    assert not at.exception, at.exception
    assert any("cannot be opened" in e.value for e in at.error)
    shown = [e.value for e in at.error] + [m.value for m in at.markdown] + [x.value for x in at.text]
    assert not any("hunter2" in text for text in shown)
