"""Pages are widgets and layout: short, and never reaching a service but through ui/."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from ui.train_run import RunView

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "app_pages").glob("*.py"))
MAX_PAGE_LINES = 300


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_a_page_is_short_and_imports_no_service(page):
    assert len(page.read_text().splitlines()) < MAX_PAGE_LINES
    assert not {name for name in imported_modules(page) if name.split(".")[0] == "server"}


def trainer(status="finished", done=True, paused=False):
    return SimpleNamespace(status=status, done=done, paused=paused)


def test_a_run_that_ended_may_grow_but_not_resume():
    run = RunView(trainer(), training=False)
    assert run.can_extend and not run.paused
    assert not run.can_resume(stop_clicked=False)


def test_a_stopped_run_may_resume_and_grow():
    run = RunView(trainer(status="stopped", done=False), training=False)
    assert run.can_resume(stop_clicked=False) and run.can_extend


def test_a_paused_run_carries_on_by_continue_only():
    run = RunView(trainer(status="running", done=False, paused=True), training=False)
    assert run.paused and not run.can_resume(stop_clicked=False) and not run.can_extend


def test_a_training_run_resumes_only_after_stop_in_the_same_click():
    run = RunView(trainer(status="running", done=False), training=True)
    assert not run.can_extend
    assert not run.can_resume(stop_clicked=False)
    assert run.can_resume(stop_clicked=True)


def test_no_run_offers_nothing():
    run = RunView(None, training=False)
    assert not (run.paused or run.can_extend or run.can_resume(stop_clicked=True))
