"""devtools.bench, the harness every benchmark reports through: its options, figures and checkouts."""

from __future__ import annotations

import json
from pathlib import Path

from devtools import bench
from devtools.live import needs_chromium


def test_percentiles_ms_are_measured_values_in_milliseconds():
    seconds = [0.010, 0.030, 0.020, 0.500]
    assert bench.percentiles_ms(seconds) == [30.0, 500.0]
    assert bench.percentiles_ms(seconds, (0.0, 0.5, 1.0)) == [10.0, 30.0, 500.0]


def test_timed_calls_the_function_once_and_gives_wall_and_cpu_seconds():
    calls = []
    wall, cpu = bench.timed(lambda: calls.append(sum(range(200_000))))
    assert calls == [sum(range(200_000))]
    assert wall >= 0 and cpu >= 0


def test_a_stopwatch_times_a_block_whose_values_stay_at_hand():
    with bench.Stopwatch() as watch:
        total = sum(range(200_000))
    assert total == 19_999_900_000
    assert watch.wall_s >= 0 and watch.cpu_s >= 0


def test_checkouts_are_this_one_then_the_app_dir_if_given(tmp_path):
    assert bench.checkouts(None) == [("this checkout", None)]
    assert bench.checkouts(tmp_path) == [("this checkout", None), ("--app-dir", tmp_path)]


def test_the_parser_adds_app_dir_only_when_asked(tmp_path):
    with_app_dir = bench.parser("What it measures.\n\nMore.", app_dir=True)
    assert with_app_dir.description == "What it measures."
    assert with_app_dir.parse_args(["--app-dir", str(tmp_path)]).app_dir == tmp_path
    assert with_app_dir.parse_args([]).app_dir is None
    assert "app_dir" not in vars(bench.parser(__doc__).parse_args([]))


def test_the_json_report_holds_every_figure_and_table_row(tmp_path, capsys):
    path = tmp_path / "report.json"
    args = bench.parser(__doc__).parse_args(["--json", str(path), "--markdown", str(tmp_path / "report.md")])
    report = bench.Report("example", args)
    report.line("a line")
    report.table(["name", "ms"], [["edit", 12]], title="Edits")
    report.figure("ratio", 1.5)
    report.finish()
    written = json.loads(path.read_text())
    assert written["benchmark"] == "example"
    assert written["figures"] == {"ratio": 1.5}
    assert written["tables"] == [{"title": "Edits", "rows": [{"name": "edit", "ms": 12}]}]
    assert "| edit | 12 |" in (tmp_path / "report.md").read_text()
    assert "a line" in capsys.readouterr().out


@needs_chromium
def test_measure_checkouts_measures_each_checkout_in_one_browser(tmp_path, capsys):
    report = bench.Report("example", bench.parser(__doc__, app_dir=True).parse_args([]))
    browsers = []

    def measure(app_dir: Path | None, browser) -> dict:
        browsers.append(browser)
        page = browser.new_page()
        page.set_content(f"<title>{app_dir.name if app_dir else 'here'}</title>")
        title = page.title()
        page.close()
        return {"title": title}

    bench.measure_checkouts(report, tmp_path, measure, lambda name, figures: f"{name}: {figures['title']}")
    assert report.figures == {"this checkout": {"title": "here"}, "--app-dir": {"title": tmp_path.name}}
    assert report.lines == ["this checkout: here", f"--app-dir: {tmp_path.name}"]
    assert len(set(map(id, browsers))) == 1


@needs_chromium
def test_beside_bare_serves_the_bare_app_and_stops_its_servers_on_the_way_out():
    with bench.beside_bare({}) as (servers, context, bare_page):
        assert list(servers) == ["bare"]
        assert bench.bare_round_trip(bare_page, 1) >= 0
        assert bare_page.get_by_text("count 1", exact=True).is_visible()
    assert servers["bare"].process.poll() is not None
