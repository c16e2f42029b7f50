"""Shared fixtures (the embedded MNIST, a tiny IDX folder, the real servers and Chromium) and the
test tiers.

Every test gets one tier marker, set here from what it uses, so a new test is tiered without a word:

- ``browser``: it drives Chromium (the ``browser``/``page``/``live_server`` fixtures, or a module
  marked ``needs_chromium`` that launches its own);
- ``app``: it runs the app or a service without a browser (Streamlit's ``AppTest``, a server, worker
  processes, PostgreSQL, a subprocess);
- ``unit``: everything else (NumPy and pure functions in this process).

``pytest -m "not browser"`` (``bash scripts/test.sh --quick``) runs the first two tiers. A test
marked ``serial`` (a crowd's answer times, a CPU quota; marked in its own file, where
``scripts/test.sh`` looks for ``mark.serial``) runs alone after the others, which
``scripts/test.sh`` runs two at a time (pytest-xdist ``--dist loadgroup``). A test file runs whole
in one process (its module fixtures start once, its tests keep their order) unless it is marked
``spread``: then each of its tests may go to whichever process is free, so that one long file does
not keep the other process waiting at the end. Hypothesis
tries a few examples per property by default and many under ``--slow`` (or ``NNLIB_SLOW_TESTS=1``);
under ``CI`` it replays the same cases every run, so a red CI means a change broke something.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import pytest

from devtools import bench
from devtools.live import ARTIFACTS, needs_chromium, start_server, stop_server, what_the_page_says
from nnlib.data import load_mnist, write_idx

TIERS = ("unit", "app", "browser")
BROWSER_FIXTURES = {"browser", "page", "live_server", "server"}
APP_FIXTURES = {"postgres"}
#: A test module that holds one of these names runs the app or a service outside the test's process.
APP_NAMES = {"AppTest", "JobPool", "start_server", "start_replicas", "start_postgres", "subprocess"}

try:
    from hypothesis import settings

    settings.register_profile("quick", max_examples=50)
    settings.register_profile("slow", max_examples=2000)
    for name in ("quick", "slow"):
        settings.register_profile(f"ci-{name}", settings.get_profile(name), derandomize=True)
except ImportError:  # hypothesis comes with requirements-dev.txt
    settings = None


def pytest_addoption(parser):
    parser.addoption(
        "--slow", action="store_true", help="many Hypothesis examples per property (also NNLIB_SLOW_TESTS=1)"
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "unit: NumPy and pure functions in the test's process (set by conftest)")
    config.addinivalue_line("markers", "app: AppTest, servers, workers or PostgreSQL, no browser (set by conftest)")
    config.addinivalue_line("markers", "browser: the real server in Chromium (set by conftest)")
    config.addinivalue_line(
        "markers", "serial: needs the machine to itself (scripts/test.sh runs it after the others, alone)"
    )
    config.addinivalue_line(
        "markers", "spread: the module's tests are independent and may run in different processes (xdist)"
    )
    if settings is not None:
        slow = config.getoption("--slow") or os.environ.get("NNLIB_SLOW_TESTS") == "1"
        profile = "slow" if slow else "quick"
        settings.load_profile(f"ci-{profile}" if os.environ.get("CI") else profile)


def tier_of(item) -> str:
    """The tier a collected test belongs to, from its fixtures, its marks and its module's names."""
    callspec = getattr(item, "callspec", None)
    direct_params = set(callspec.params) if callspec else set()  # a parameter named `browser` is no fixture
    fixtures = set(getattr(item, "fixturenames", ())) - direct_params
    if fixtures & BROWSER_FIXTURES or any(mark == needs_chromium.mark for mark in item.iter_markers("skipif")):
        return "browser"
    module_names = vars(item.module) if getattr(item, "module", None) else {}
    if fixtures & APP_FIXTURES or APP_NAMES & module_names.keys():
        return "app"
    return "unit"


def xdist_group_of(item) -> str | None:
    """The pytest-xdist group a test runs in under ``--dist loadgroup``: its file, or none (any
    process) for a test in a module marked ``spread``."""
    if item.get_closest_marker("spread"):
        return None
    return item.nodeid.split("::", 1)[0]


@functools.cache
def says_serial(path) -> bool:
    """Whether a test file's text marks something serial: scripts/test.sh runs those files alone."""
    return "mark.serial" in Path(path).read_text(encoding="utf-8")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("serial") and not says_serial(item.path):
            raise pytest.UsageError(f"{item.nodeid} is serial: write pytest.mark.serial in its own file")
        if not any(item.get_closest_marker(tier) for tier in TIERS):
            item.add_marker(tier_of(item))
        group = xdist_group_of(item)
        if group and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=functools.partial(runs_last, files_running_apps(items)))


def files_running_apps(items) -> set:
    return {item.path for item in items if item.get_closest_marker("app") or item.get_closest_marker("browser")}


def runs_last(files_running_apps: set, item) -> bool:
    """Files that run apps, servers or browsers first, pure unit files last (a stable sort keeps
    each file's order): the many short unit tests then fill both processes up to the end, where one
    long file started last would keep one process busy alone."""
    return item.path not in files_running_apps


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once():
    """Each AppTest starts a Streamlit runtime, which reads every installed package's metadata to find
    components (about 0.3 CPU-s each time); the installed packages do not change while tests run."""
    if "streamlit" not in sys.modules:
        yield
        return
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            manifest_scanner, "scan_component_manifests", functools.cache(manifest_scanner.scan_component_manifests)
        )
        yield


@pytest.fixture(scope="session")
def mnist():
    return load_mnist()


@pytest.fixture(scope="session")
def small_data_dir(tmp_path_factory, mnist):
    """A folder of real IDX files holding the first 2,000 train and 500 test images."""
    folder = tmp_path_factory.mktemp("small-mnist")
    write_idx(folder / "train-images-idx3-ubyte.gz", mnist.train.images[:2000])
    write_idx(folder / "train-labels-idx1-ubyte.gz", mnist.train.labels[:2000])
    write_idx(folder / "t10k-images-idx3-ubyte", mnist.test.images[:500], compress=False)
    write_idx(folder / "t10k-labels-idx1-ubyte", mnist.test.labels[:500], compress=False)
    return folder


@pytest.fixture(scope="module")
def postgres():
    """A real PostgreSQL server of the module's own (skips where PostgreSQL is not installed)."""
    from devtools.postgres import start_postgres, stop_postgres, why_unavailable

    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    server = start_postgres()
    yield server
    stop_postgres(server)


# --- The real server and real Chromium, for the end-to-end tests -----------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A browser test that fails reports what the server printed last and, for the `page` fixture's
    page, what it showed: its main area's text and errors, and a screenshot in test-artifacts/ (CI
    keeps only the report)."""
    report = yield
    if report.when != "call" or not report.failed:
        return report
    page, server = item.funcargs.get("page"), item.funcargs.get("live_server")
    if page is not None:
        try:
            errors = page.locator("[data-testid='stException']").all_inner_texts()
        except Exception as error:  # a closed page: the failure itself says enough
            errors = [f"<unreadable: {error}>"]
        shown = what_the_page_says(page, 2_000)
        report.sections.append(("the page when it failed", f"{page.url}\n{shown}\nexceptions: {errors}"))
        try:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"failed-{item.name}.png"), full_page=True, timeout=10_000)
        except Exception:  # the text above is what CI keeps
            pass
    if server is not None:
        report.sections.append(("the server's last lines", server.log_tail()))
    return report


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A freshly started server per test module; its first visitor is that module's first test."""
    server = start_server(tmp_path_factory.mktemp("server") / "streamlit.log")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def server(live_server):
    return live_server.url


@pytest.fixture(scope="module")
def browser():
    with bench.chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()
