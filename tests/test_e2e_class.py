"""The class board in Chromium on real servers: a teacher, two students, a stranger with a wrong code.

Two replicas behind nginx (deploy/replicas.sh) share one fresh SQLite board file
(NNLIB_BOARD_URL); each browser is pinned to a replica by the proxy's cookie: the teacher and
one student use r1, the other student r0 (tests/test_replicas.py shows the pin holds).
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit

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
    train_button,
)
from devtools.phones import decoded_qr_matches, phone_go_to, phone_page, qr_png_of
from server.board import BoardStore, RunSummary, nickname_problem
from tests.helpers import CODE, create_board
from tests.test_exports import FORMULAS
from ui.exports import FORMULA_STARTS

pytestmark = [needs_chromium, needs_nginx]

HOSTILE = "<img src=x onerror=alert(1)>**b**"
POSTABLE_FORMULAS = [nickname for nickname in FORMULAS if nickname_problem(nickname) is None]


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
    train_button(page).click()
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


def exported_rows(page, count: int, attempts: int = 10) -> list[dict]:
    """The teacher's CSV once it holds count rows: the count on the page is drawn before the
    export button of the same rerun, so a click right after it may still get the last one's file."""
    for _ in range(attempts):
        rows = teacher_csv(page)
        if len(rows) == count:
            return rows
        page.wait_for_timeout(1000)
    return rows


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
    rows = exported_rows(teacher, 2)
    assert [row["nickname"] for row in rows] == ["Ada", HOSTILE]
    for row in rows:
        assert f"{float(row['test accuracy (%)']):.2f}%" == accuracies[row["nickname"]]
    post_formula_nicknames(board_url, code)
    expect(teacher.locator(posted)).to_have_text(str(2 + len(POSTABLE_FORMULAS)), timeout=15_000)
    exported_rows(teacher, 2 + len(POSTABLE_FORMULAS))
    cells = [cell for row in teacher_csv_cells(teacher) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)], cells
    assert "'" + FORMULAS[0] in cells  # the nickname kept, as text
    option = teacher.get_by_role("option", name=re.compile(re.escape("2. <img src=x")))
    for attempt in range(3):  # a rerun that lands as the list opens redraws the picker, closed
        teacher.get_by_role("combobox", name="Entry").click()
        try:
            option.wait_for(timeout=5_000)
            break
        except Exception:
            if attempt == 2:
                screenshot(teacher, "class-entry-picker")
                raise
            teacher.keyboard.press("Escape")
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


def test_a_phone_joins_from_the_qr_code_and_keeps_its_board_and_model_across_a_reload(proxy, browser):
    teacher = new_page(browser, proxy, "r1")
    teacher.set_viewport_size({"width": 1280, "height": 720})  # the projector
    open_page(teacher, f"{proxy}/Class", "Class")
    code, secret, link = create_board(teacher)
    assert secret not in teacher.locator("body").inner_text()  # the projected page
    assert f"class={code}" in teacher.url and secret not in teacher.url

    assert decoded_qr_matches(qr_png_of(teacher), link), link  # the QR code is the link shown
    shown = urlsplit(link)
    assert shown.hostname not in ("127.0.0.1", "localhost")  # a phone cannot open the teacher's loopback
    teacher.get_by_text("Your browser uses localhost").wait_for(timeout=10_000)

    phone = phone_page(browser, proxy, "r0")
    # The phone opens the link's path and query on the address this test's proxy listens on, in lower case.
    open_page(phone, f"{proxy}{shown.path.lower()}?{shown.query}", "Class")
    phone.keyboard.press("Escape")  # Streamlit's own "Page not found" note, before the switch to /Class
    assert "/Class?" in phone.url
    assert phone.locator(CODE).inner_text().replace("-", "") == code
    assert "seat=" in phone.url
    screenshot(phone, "class-phone-joined")
    accuracy = train_blog_preset_here(phone)
    phone_go_to(phone, "Class")
    assert "seat=" in phone.url and f"class={code}" in phone.url
    phone.get_by_role("textbox", name="Nickname").fill("Phone")
    phone.get_by_role("button", name="Post my run").tap()
    phone.get_by_text("Posted.").wait_for(timeout=30_000)
    phone.reload()  # a new Streamlit session
    phone.locator(CODE).wait_for(timeout=60_000)
    assert phone.locator(CODE).inner_text().replace("-", "") == code
    expect(phone.locator("[data-testid='stSidebar']")).to_contain_text("kept by the class board", timeout=30_000)
    screenshot(phone, "class-phone-reloaded")
    assert secret not in phone.content()
    posted = "[data-testid='stMetric']:has-text('Runs posted') [data-testid='stMetricValue']"
    expect(teacher.locator(posted)).to_have_text("1", timeout=15_000)
    assert secret not in teacher.locator("body").inner_text()
    screenshot(teacher, "class-projector")
    rows = teacher_csv(teacher)
    assert f"{float(rows[0]['test accuracy (%)']):.2f}%" == accuracy  # the model kept is the one trained
    teacher.context.close()
    phone.context.close()


def train_blog_preset_here(page) -> str:
    """Train the blog preset in this session (the sidebar's Train link), its Test accuracy."""
    phone_go_to(page, "Train")
    train_button(page).tap()
    page.locator(ACCURACY).first.wait_for(timeout=120_000)
    return page.locator(ACCURACY).first.inner_text()
