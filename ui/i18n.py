"""English and Chinese (the blog's language) for every label, help text and explanation.

Pages write their English text inline and wrap it in ``t()``; ``ui/locales/<lang>.json`` maps
each English template to that language (placeholders kept as they are). A test checks that every
template the app uses has an entry, that every entry is used, and that none is left in English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

import streamlit as st

LANGUAGES = {"en": "English", "zh": "中文"}
LOCALES = Path(__file__).parent / "locales"


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """English template → its text in lang, read once per process and shared read-only by all sessions."""
    entries = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    return MappingProxyType(entries)


def language() -> str:
    return st.session_state.get("lang", "en")


def t(template: str, /, **values) -> str:
    """template in the session's language, with {placeholders} filled from values."""
    if language() != "en":
        template = catalogue(language()).get(template, template)
    return template.format(**values) if values else template


def t_problem(problem) -> str:
    """An nnlib ConfigError or Problem (English, with its template and values) in the session's language."""
    values = dict(getattr(problem, "values", {}))
    if "name" in values:  # a setting's name: a word to translate, not a value shown as typed
        values["name"] = t(values["name"])
    return t(getattr(problem, "template", str(problem)), **values)


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
