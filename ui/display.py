"""Showing figures the same way on every page: projector text, no zoom that steals a swipe."""

from __future__ import annotations

import streamlit as st

from ui.charts import STATIC_CONFIG


def show_chart(fig, key: str, where=None, **options):
    """st.plotly_chart with the app's look (our own fonts, not Streamlit's theme) and no
    toolbar or zoom; `where` is a container or placeholder (default: the page)."""
    target = where if where is not None else st
    return target.plotly_chart(fig, key=key, theme=None, config=STATIC_CONFIG, **options)
