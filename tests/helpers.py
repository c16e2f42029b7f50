"""Helpers shared by the test modules (import as ``from tests.helpers import …``)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

CODE = ".st-key-class-code [data-testid='stMetricValue']"


def create_board(teacher) -> tuple[str, str, str]:
    """On the Class page: create a board, save the teacher link. (code without its dash, secret, join link)."""
    teacher.get_by_role("button", name="Create a class board").click()
    teacher.locator(CODE).wait_for(timeout=30_000)
    code = teacher.locator(CODE).inner_text().replace("-", "")
    secret_link = teacher.locator(".st-key-teacher-link code").inner_text()
    secret = parse_qs(urlsplit(secret_link).query)["teacher"][0]
    teacher.get_by_role("button", name="Done: I have saved it").click()
    expect(teacher.locator(".st-key-teacher-link")).to_have_count(0, timeout=15_000)
    link = next(text for text in teacher.locator("[data-testid='stCode']").all_inner_texts() if "class=" in text)
    return code, secret, link.strip()


def on_first_images(at, images: int = 2000):
    """An AppTest on the Train page, set to train on the first images only: for a test that needs a
    trained model, not the blog's (the blog's whole epoch is 12,665 steps, this one images)."""
    return at.select_slider(key="cfg_train_size").set_value(images).run()


def blog_images(mnist, train: int, test: int):
    """The blog's 0s and 1s prepared as the blog does, cut to the first train training and test test
    images: runs that take a fraction of a second."""
    from nnlib import PRESETS, prepare_data
    from nnlib.data import PreparedData

    config = PRESETS["seed"]
    full = prepare_data(mnist, config.digits, config.normalization, config.dtype)
    return PreparedData(
        full.X_train[:train],
        full.y_train[:train],
        full.X_test[:test],
        full.y_test[:test],
        full.digits,
        full.image_shape,
    )
