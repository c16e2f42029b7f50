"""The test tiers tests/conftest.py sets, and the Hypothesis profile a plain run gets."""

from __future__ import annotations

import os
from types import ModuleType, SimpleNamespace

import pytest
from hypothesis import settings

from tests.conftest import says_serial, tier_of, xdist_group_of


def collected(fixtures=(), params=None, module_names=(), skipif=()):
    """A stand-in for a collected test: its fixtures, its direct parameters, its module's names."""
    module = ModuleType("test_stand_in")
    for name in module_names:
        setattr(module, name, object())
    return SimpleNamespace(
        fixturenames=[*fixtures, *(params or {})],
        callspec=SimpleNamespace(params=params) if params else None,
        iter_markers=lambda name: list(skipif) if name == "skipif" else [],
        module=module,
    )


def test_this_test_is_marked_unit_and_nothing_else(request):
    assert [tier for tier in ("unit", "app", "browser") if request.node.get_closest_marker(tier)] == ["unit"]


@pytest.mark.parametrize(
    "item, tier",
    [
        (collected(), "unit"),
        (collected(fixtures=["page"]), "browser"),
        (collected(fixtures=["live_server", "tmp_path"]), "browser"),
        (collected(params={"browser": "Firefox"}), "unit"),  # a parameter, not Chromium
        (collected(module_names=["AppTest"]), "app"),
        (collected(module_names=["JobPool"]), "app"),
        (collected(fixtures=["postgres"]), "app"),
        (collected(fixtures=["browser"], module_names=["AppTest"]), "browser"),
    ],
)
def test_a_tier_follows_from_what_a_test_uses(item, tier):
    assert tier_of(item) == tier


def test_a_module_marked_needs_chromium_is_in_the_browser_tier():
    from devtools.live import needs_chromium

    assert tier_of(collected(skipif=[needs_chromium.mark])) == "browser"


@pytest.mark.skipif(os.environ.get("NNLIB_SLOW_TESTS") == "1", reason="a --slow run")
def test_hypothesis_tries_few_examples_unless_asked_for_many(pytestconfig):
    expected = 2000 if pytestconfig.getoption("--slow") else 50
    assert settings().max_examples == expected


def test_a_file_runs_whole_in_one_process_unless_marked_spread(request):
    test = SimpleNamespace(nodeid="tests/test_x.py::test_y[a-b]", get_closest_marker=lambda name: None)
    spread = SimpleNamespace(nodeid=test.nodeid, get_closest_marker=lambda name: name == "spread" or None)
    assert xdist_group_of(test) == "tests/test_x.py"
    assert xdist_group_of(spread) is None
    assert request.node.get_closest_marker("xdist_group").args == ("tests/test_tiers.py",)


def test_a_serial_mark_is_found_in_its_files_text(tmp_path):
    marked, hidden = tmp_path / "test_marked.py", tmp_path / "test_hidden.py"
    marked.write_text("@pytest.mark.serial\ndef test_x(): ...\n")
    hidden.write_text("SERIAL = getattr(pytest.mark, 'ser' + 'ial')\n")
    assert says_serial(marked) and not says_serial(hidden)


def test_files_that_run_apps_go_first_and_unit_files_fill_the_end():
    from tests.conftest import files_running_apps, runs_last

    def item(path, tier):
        return SimpleNamespace(path=path, get_closest_marker=lambda name: name == tier or None)

    items = [
        item("a_unit.py", "unit"),
        item("b_app.py", "app"),
        item("b_app.py", "unit"),
        item("c_browser.py", "browser"),
    ]
    apps = files_running_apps(items)
    items.sort(key=lambda each: runs_last(apps, each))
    assert [each.path for each in items] == ["b_app.py", "b_app.py", "c_browser.py", "a_unit.py"]
