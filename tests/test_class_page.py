"""The Class page in Streamlit's AppTest: create, join, post a real run, teacher tools, failures."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from devtools.phones import decoded_qr_matches
from nnlib import evaluate
from server.board import BoardStore, RunSummary
from ui.class_board import board_table, class_curve_figure, qr_png

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1)) مرحبا 🧠"


@pytest.fixture
def board_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'board.sqlite'}"
    monkeypatch.setenv("NNLIB_BOARD_URL", url)
    return url


def class_page(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page("app_pages/7_Class.py")
    for key, value in query.items():
        at.query_params[key] = value
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def train_quickly(student: AppTest) -> None:
    """Train on the Train page: the blog preset on its first 1,000 images (a real run in the pool,
    an epoch of 1,000 batches instead of 12,665)."""
    student.switch_page("app_pages/2_Train.py").run()
    student.select_slider(key="cfg_train_size").set_value(1000).run()
    student.button[0].click().run()
    assert not student.exception, student.exception
    assert student.session_state["trainer"].total_steps == 1000


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
    train_quickly(student)
    trainer = student.session_state["trainer"]
    _, accuracy, _ = evaluate(trainer.network, trainer.data.X_test, trainer.data.y_test)
    student.switch_page("app_pages/7_Class.py").run()
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
    at.switch_page("app_pages/1_Dataset.py").run()
    assert not at.exception and at.title


def test_the_page_in_chinese(board_url):
    at = class_page()
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["加入", "创建班级看板"]


def test_board_figures_escape_nicknames_and_group_by_the_colour_setting():
    from server.board import Entry

    entries = [
        Entry(i, name, {"activation": act}, (h,), acc, sec, 10, 80, 0.0)
        for i, (name, act, h, acc, sec) in enumerate(
            [("<b>x</b>", "tanh", 2, 0.9, 1), ("b", "tanh", 10, 0.95, 2), ("c", "relu", 10, 0.97, 2)]
        )
    ]
    fig = class_curve_figure(entries, "accuracy", "activation", "T", "x", "y", "activation")
    points = [trace for trace in fig.data if trace.mode.startswith("markers")]
    assert [trace.name for trace in points] == ["relu", "tanh"]
    assert "&lt;b&gt;x&lt;/b&gt;" in points[1].text and "&lt;b&gt;x&lt;/b&gt;" in points[1].customdata
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


# --- The board's file, the address bar, the QR code, the teacher link ---------------------------


def test_the_board_file_is_private_and_outside_the_source_tree(tmp_path, monkeypatch):
    import stat

    monkeypatch.delenv("NNLIB_BOARD_URL", raising=False)
    monkeypatch.setenv("NNLIB_DATA_DIR", str(tmp_path / "data"))
    at = class_page().run()
    button(at, "Create a class board").click().run()
    assert not at.exception, at.exception
    board_file = tmp_path / "data" / "board.sqlite"
    assert stat.S_IMODE(board_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(board_file.parent.stat().st_mode) == 0o700
    assert BoardStore(sa.create_engine(f"sqlite:///{board_file}")).find_board(shown_code(at))


def test_the_data_folder_follows_the_settings(tmp_path):
    from server.board import data_folder

    assert data_folder({"NNLIB_DATA_DIR": "/srv/nnlib", "XDG_DATA_HOME": "/x"}) == Path("/srv/nnlib")
    assert data_folder({"XDG_DATA_HOME": "/x"}) == Path("/x/nnlib")
    assert data_folder({}) == Path.home() / ".local" / "share" / "nnlib"
    assert ROOT not in data_folder({}).parents


def test_the_code_goes_to_the_address_bar_and_the_teacher_link_is_shown_once(board_url):
    at = class_page().run()
    button(at, "Create a class board").click().run()
    code = shown_code(at)
    assert at.query_params["class"] in (code.replace("-", ""), [code.replace("-", "")])
    secret = at.session_state["board_secret"]
    assert any(secret in block.value for block in at.code)
    assert not any(secret in block.value for block in at.expander)  # not in an expander students can open
    button(at, "Done: I have saved it").click().run()
    assert not at.exception, at.exception
    shown = [b.value for b in at.code] + [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any(secret in text for text in shown)
    assert at.session_state["board_secret"] == secret  # still the teacher: the tools stay
    assert [b for b in at.button if b.label == "Lock"]


def test_the_join_link_and_its_qr_code_use_a_reachable_address(board_url, monkeypatch):
    monkeypatch.setenv("NNLIB_PUBLIC_URL", "https://class.example.org/nnlib/")
    at = class_page().run()
    button(at, "Create a class board").click().run()
    code = shown_code(at).replace("-", "")
    link = f"https://class.example.org/nnlib/Class?class={code}"
    assert any(block.value == link for block in at.code)
    assert len(at.get("image")) == 1  # the QR code (its pixels are read in tests/test_e2e_class.py)
    assert decoded_qr_matches(qr_png(link), link)
    assert not decoded_qr_matches(qr_png(link), link.replace(code, "0" * 8))


@pytest.mark.parametrize(
    "browser, public, lan, expected, warned",
    [
        ("http://localhost:8501/Class", None, "192.168.1.20", "http://192.168.1.20:8501/Class", True),
        ("http://127.0.0.1:8501/class", None, "10.0.0.5", "http://10.0.0.5:8501/Class", True),
        ("https://school.example/nnlib/Class", None, None, "https://school.example/nnlib/Class", False),
        ("https://school.example/nnlib/class/Class/", None, None, "https://school.example/nnlib/Class", False),
        ("https://school.example/", None, None, "https://school.example/Class", False),
        ("https://demo.example/Class", None, "10.0.0.5", "https://demo.example/Class", False),
        ("http://localhost:8501/Class", "https://x.example/", "10.0.0.5", "https://x.example/Class", False),
    ],
)
def test_the_student_address(browser, public, lan, expected, warned):
    from ui.class_board import student_page_url

    url, warning = student_page_url(browser, public, lan)
    assert url == expected and bool(warning) == warned


def test_client_addresses_come_from_a_trusted_proxy_only():
    from ui.class_board import client_address

    forged = {"X-Forwarded-For": "1.2.3.4", "X-Real-IP": "5.6.7.8"}
    assert client_address("203.0.113.9", forged) == "203.0.113.9"  # a visitor's own headers: ignored
    behind_nginx = {"X-Forwarded-For": "1.2.3.4, 198.51.100.7"}  # a forged entry, then nginx's own
    assert client_address(None, behind_nginx) == "198.51.100.7"
    assert client_address("172.17.0.1", behind_nginx, ["172.17.0.1"]) == "198.51.100.7"
    assert client_address(None, {"X-Real-IP": "198.51.100.8"}) == "198.51.100.8"
    assert client_address("10.1.2.3", behind_nginx, ["*"]) == "198.51.100.7"  # a platform's own proxy
    assert client_address(None, {}) == "this machine"


def test_board_charts_keep_the_house_style_and_work_on_touch():
    from server.board import Entry
    from ui.class_board import PALETTE

    okabe_ito = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert set(PALETTE) == okabe_ito
    entries = [
        Entry(i, f"student number {i}", {"activation": "tanh"}, (h,), 0.9, 0.5 + h, 10, 80, 0.0)
        for i, h in enumerate([2, 5, 10, 20, 50])
    ]
    fig = class_curve_figure(entries, "accuracy", "activation", "T", "x", "y", "activation")
    (points,) = [trace for trace in fig.data if trace.mode.startswith("markers")]
    assert points.mode == "markers+text"  # the nickname beside each point: no hover needed
    assert list(points.text) == ["student n…"] * 5
    assert list(fig.layout.xaxis.ticktext) == ["1", "2", "5", "10", "20", "50", "100"]  # not only "10"


# --- A hung PostgreSQL, seen from the page ----------------------------------------------------


def test_a_frozen_postgres_keeps_what_users_typed_and_retries_the_teachers_lock(postgres, monkeypatch):
    import time

    from devtools.postgres import frozen

    url = postgres.new_database("page_frozen")
    monkeypatch.setenv("NNLIB_BOARD_URL", url)
    teacher = class_page().run()
    button(teacher, "Create a class board").click().run()
    code = shown_code(teacher)
    button(teacher, "Done: I have saved it").click().run()
    student = class_page().run()
    with frozen(postgres):
        student.text_input[0].input(code)
        started = time.monotonic()
        button(student, "Join").click().run()
        assert time.monotonic() - started < 5
        assert any("not available right now" in e.value for e in student.error)
        assert student.text_input[0].value == code  # the typed code is still there
        started = time.monotonic()
        button(teacher, "Lock").click().run()
        assert time.monotonic() - started < 10  # the click, then the page's own read of the board
        assert any("tried again" in w.value for w in teacher.warning)
    teacher.run()  # the next refresh after the database is back
    store = BoardStore(sa.create_engine(url))
    assert store.find_board(code).locked  # the Lock was not lost
    assert not teacher.session_state["board_pending"]
    button(student, "Join").click().run()
    assert shown_code(student) == code


def test_page_paths_in_another_case_find_their_page():
    from ui.navigation import page_in_other_case

    assert page_in_other_case("http://10.0.0.5:8501/class") == "app_pages/7_Class.py"
    assert page_in_other_case("https://school.example/nnlib/TRAIN/") == "app_pages/2_Train.py"
    assert page_in_other_case("http://10.0.0.5:8501/Class") is None  # Streamlit found that one itself
    assert page_in_other_case("http://10.0.0.5:8501/") is None
    assert page_in_other_case("http://10.0.0.5:8501/nowhere") is None


def test_a_students_board_and_model_survive_a_reload(board_url):
    import numpy as np

    teacher = class_page().run()
    button(teacher, "Create a class board").click().run()
    code = shown_code(teacher)

    student = class_page(**{"class": code}).run()  # the QR code's link
    seat = student.query_params["seat"]
    seat = seat[0] if isinstance(seat, list) else seat
    train_quickly(student)
    trained = student.session_state["model"].network
    student.switch_page("app_pages/7_Class.py").run()  # back to post: the seat keeps the model
    assert not student.exception, student.exception

    reloaded = class_page(**{"class": code.replace("-", ""), "seat": seat}).run()  # a new session
    assert not reloaded.exception, reloaded.exception
    assert shown_code(reloaded) == code
    model = reloaded.session_state["model"]
    assert model.description == "your latest model, kept by the class board"
    for name, value in trained.params.items():
        assert np.array_equal(model.network.params[name], value)
    assert "board_secret" not in reloaded.session_state

    stranger = class_page(**{"class": code.replace("-", ""), "seat": "guessed-token"}).run()
    assert "model" not in stranger.session_state  # a guessed seat finds no model
    assert stranger.session_state["board_seat"] != seat  # and joins as a new student


def test_the_board_is_read_and_drawn_once_per_revision(board_url, monkeypatch):
    store = BoardStore(sa.create_engine(board_url))
    new = store.create_board("elsewhere")
    run = RunSummary({"digits": [0, 1], "activation": "tanh"}, (10,), 0.99, 1.0, 7862, 62896)
    store.post(new.board.code, "s1", "Ann", run)
    reads = []
    real_entries = BoardStore.entries
    monkeypatch.setattr(BoardStore, "entries", lambda self, *a, **k: reads.append(a) or real_entries(self, *a, **k))
    viewers = [class_page(**{"class": new.board.code}).run() for _ in range(3)]
    for viewer in viewers:
        viewer.run()  # a refresh with nothing new
    assert len(reads) == 1  # three viewers, six runs: one read of the entries
    store.post(new.board.code, "s2", "Bo", run)
    viewers[0].run()
    assert len(reads) == 2 and list(viewers[0].dataframe[0].value["nickname"]) == ["Ann", "Bo"]
