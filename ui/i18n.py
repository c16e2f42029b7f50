"""English and Chinese (the blog's language) for every label, help text and explanation.

Pages write their English text inline and wrap it in ``t()``; ZH maps each
English template to its Chinese. A test checks that every ``t("…")`` in the
app has a Chinese entry, so nothing shows half-translated.
"""

from __future__ import annotations

import streamlit as st

from .zh import ZH

LANGUAGES = {"en": "English", "zh": "中文"}


def language() -> str:
    return st.session_state.get("lang", "en")


def t(template: str, /, **values) -> str:
    """template in the session's language, with {placeholders} filled from values."""
    if language() == "zh":
        template = ZH.get(template, template)
    return template.format(**values) if values else template


def _remember_language() -> None:
    st.session_state["lang"] = st.session_state["lang_widget"]


def init_language() -> None:
    """A link's ?lang=zh chooses the language of a new session."""
    if "lang" not in st.session_state and st.query_params.get("lang") in LANGUAGES:
        st.session_state["lang"] = st.query_params["lang"]


def language_switch() -> None:
    """A sidebar switch; the choice outlives page changes (kept outside the widget)."""
    st.session_state["lang_widget"] = language()
    st.radio(
        "Language / 语言",
        list(LANGUAGES),
        format_func=LANGUAGES.get,
        key="lang_widget",
        horizontal=True,
        on_change=_remember_language,
    )
