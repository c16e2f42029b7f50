"""The class board in Chromium on real servers: a teacher, two students, a stranger with a wrong code.

Two replicas behind nginx (deploy/replicas.sh) share one fresh SQLite board file
(NNLIB_BOARD_URL); each browser is pinned to a replica by the proxy's cookie: the teacher and
one student use r1, the other student r0 (tests/test_replicas.py shows the pin holds).
"""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from devtools.live import (
    ACCURACY,
    go_to,
    needs_chromium,
    needs_nginx,
    open_page,
    pinned_page,
    screenshot,
    start_replicas,
    stop_replicas,
)
from server.board import BoardStore, RunSummary, nickname_problem
from tests.test_exports import FORMULAS
from ui.exports import FORMULA_STARTS

pytestmark = [needs_chromium, needs_nginx]

HOSTILE = "<img src=x onerror=alert(1)>**b**"
POSTABLE_FORMULAS = [nickname for nickname in FORMULAS if nickname_problem(nickname) is None]
CODE = ".st-key-class-code [data-testid='stMetricValue']"


@pytest.fixture(scope="module")
def board_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('class-board') / 'b.sqlite'}"


@pytest.fixture(scope="module")
def proxy(tmp_path_factory, board_url):
    """The nginx URL in front of two replicas on one board database."""
    folder = tmp_path_factory.mktemp("class-server")
    env = {
        "NNLIB_BOARD_URL": board_url,
        "NNLIB_WORKERS": "1",
    }
    replicas = start_replicas(2, folder / "replicas.log", env)
    yield replicas.url
    stop_replicas(replicas)


def new_page(browser, url: str, replica: str):
    page = pinned_page(browser, url, replica)
    page.on("dialog", lambda dialog: pytest.fail(f"a nickname ran script: {dialog.message}"))
    return page


def train_blog_preset(page, url: str) -> str:
    """Train the default (blog) preset; the Test accuracy the Train page shows, e.g. '99.95%'."""
    open_page(page, f"{url}/Train", "Train")
    page.get_by_role("button", name=re.compile("Train")).first.click()
    try:
        page.locator(ACCURACY).first.wait_for(timeout=90_000)
    except Exception:
        screenshot(page, "class-train-timeout")
        raise
    return page.locator(ACCURACY).first.inner_text()


def join(page, code: str) -> None:
    page.get_by_role("textbox", name="Class code").fill(code)
    page.get_by_role("button", name="Join", exact=True).click()
    page.wait_for_timeout(1500)


def teacher_csv(page) -> list[dict]:
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Export as CSV")).click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    return list(csv.DictReader(io.StringIO(text)))


def post_formula_nicknames(board_url: str, code: str) -> None:
    """Spreadsheet formulas as nicknames (those the store takes: no tab or CR), posted straight into the
    board's database."""
    store = BoardStore(sa.create_engine(board_url))
    run = RunSummary({"digits": [0, 1], "activation": "tanh"}, (10,), 0.99, 1.0, 7862, 62896)
    for number, nickname in enumerate(POSTABLE_FORMULAS):
        store.post(code, f"formula-{number}", nickname, run)


def teacher_csv_cells(page) -> list[list[str]]:
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Export as CSV")).click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_a_class_posts_two_runs_and_the_teacher_sees_both(proxy, browser, board_url):
    teacher = new_page(browser, proxy, "r1")
    open_page(teacher, f"{proxy}/Class", "Class")
    teacher.get_by_role("button", name="Create a class board").click()
    teacher.locator(CODE).wait_for(timeout=30_000)
    code = teacher.locator(CODE).inner_text()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code), code

    accuracies = {}
    for nickname, replica in (("Ada", "r0"), (HOSTILE, "r1")):
        student = new_page(browser, proxy, replica)
        accuracies[nickname] = train_blog_preset(student, proxy)
        go_to(student, "Class")
        join(student, code.lower())
        assert student.locator(CODE).inner_text() == code
        student.get_by_role("textbox", name="Nickname").fill(nickname)
        student.get_by_role("button", name="Post my run").click()
        student.get_by_text("Posted.").wait_for(timeout=30_000)
        assert "teacher=" not in student.content()
        student.context.close()

    posted = "[data-testid='stMetric']:has-text('Runs posted') [data-testid='stMetricValue']"
    expect(teacher.locator(posted)).to_have_text("2", timeout=15_000)  # the live fragment, no click
    rows = teacher_csv(teacher)
    assert [row["nickname"] for row in rows] == ["Ada", HOSTILE]
    for row in rows:
        assert f"{float(row['test accuracy (%)']):.2f}%" == accuracies[row["nickname"]]
    post_formula_nicknames(board_url, code)
    expect(teacher.locator(posted)).to_have_text(str(2 + len(POSTABLE_FORMULAS)), timeout=15_000)
    cells = [cell for row in teacher_csv_cells(teacher) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)], cells
    assert "'" + FORMULAS[0] in cells  # the nickname kept, as text
    teacher.get_by_role("combobox", name="Entry").click()
    option = teacher.get_by_role("option", name=re.compile(re.escape("2. <img src=x")))
    try:
        option.wait_for(timeout=10_000)
    except Exception:
        screenshot(teacher, "class-entry-picker")
        raise
    assert "<img src=x onerror=alert(1)>" in option.inner_text()  # the nickname as text
    assert teacher.locator("img[src='x']").count() == 0
    assert teacher.evaluate("() => document.querySelectorAll('[data-testid=stMain] strong').length") == 0
    teacher.context.close()


def test_a_wrong_code_sees_no_board(proxy, browser):
    stranger = new_page(browser, proxy, "r0")
    open_page(stranger, f"{proxy}/Class", "Class")
    join(stranger, "ZZZZ-ZZZZ")
    stranger.get_by_text("No class board has this code").wait_for(timeout=10_000)
    assert stranger.locator(CODE).count() == 0
    assert stranger.locator("[data-testid='stDataFrame']").count() == 0
    stranger.context.close()
