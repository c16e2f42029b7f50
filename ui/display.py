"""Showing figures the same way on every page: projector text, no zoom that steals a swipe."""

from __future__ import annotations

import re

import streamlit as st

from ui.charts import STATIC_CONFIG


def literal(text: str) -> str:
    """text that Streamlit's Markdown shows as typed, as inline code: a code span is the one place
    where no Markdown rule applies (no bold, link, bare-URL link, image, colour, HTML or formula),
    so a URL's value brings none into a message. The fence is one backtick longer than any run of
    backticks in the text, as CommonMark requires; line breaks become spaces."""
    flat = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall("`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def show_chart(fig, key: str, where=None, **options):
    """st.plotly_chart with the app's look (our own fonts, not Streamlit's theme) and no
    toolbar or zoom; `where` is a container or placeholder (default: the page)."""
    target = where if where is not None else st
    return target.plotly_chart(fig, key=key, theme=None, config=STATIC_CONFIG, **options)
