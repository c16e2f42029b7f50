"""The sidebar and what every page does first (page_setup).

Pages are Streamlit's classic pages/ folder, so any page may be the first script a
fresh server runs (a deep link): page_setup does everything an entrypoint would.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from ui import runtime
from ui.i18n import init_language, language, language_switch, t
from ui.session import current_model

PAGES = [  # (script, sidebar label); Streamlit's own list is hidden in config.toml
    ("streamlit_app.py", "🏠 Home"),
    ("pages/1_Dataset.py", "📊 Dataset"),
    ("pages/2_Train.py", "🏋️ Train"),
    ("pages/3_Weights.py", "🔬 Weights"),
    ("pages/4_Draw.py", "✏️ Draw"),
    ("pages/5_Backprop.py", "🧮 Backprop"),
    ("pages/6_Compare.py", "⚖️ Compare"),
    ("pages/7_Class.py", "👩‍🏫 Class"),
    ("pages/8_Lab.py", "🧪 Lab"),
    ("pages/9_Stress.py", "🌪️ Stress"),
]

# The page starts near the top (a projector has 720 px to spare), and a keyboard user tells
# the focused link (a thick blue outline) from the current page (filled grey).
PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
[data-testid="stSidebar"] a:focus-visible, [data-testid="stPageLink"] a:focus-visible,
[data-testid="stSidebar"] a:focus { outline: 3px solid #0072B2 !important; outline-offset: 2px; }
</style>"""


# On a phone the sidebar covers the page: after a tap on one of its page links it closes, as a
# phone's menu does. Installed once per browser tab (a constant script of ours, run in the app's
# document); on a wide screen the sidebar stays as it is.
CLOSE_SIDEBAR_ON_PHONE = """<script>
if (!window.nnlibClosesSidebar) {
  window.nnlibClosesSidebar = true;
  document.addEventListener("click", (event) => {
    if (window.innerWidth >= 768 || !event.target.closest('[data-testid="stSidebar"] a')) return;
    setTimeout(() => {  // after the new page has drawn its sidebar
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close && close.getAttribute("aria-expanded") === "true") close.click();
    }, 700);
  }, true);
}
</script>"""


def page_in_other_case(url: str) -> str | None:
    """The page script a URL names in another letter case ('/class' → pages/7_Class.py), else None.

    Streamlit matches a page's path exactly and runs the main page for any other path; links
    typed by hand or read from a board (/class?class=CODE) are forgiven here."""
    asked = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    for script, _ in PAGES[1:]:
        name = Path(script).stem.split("_", 1)[-1]
        if asked != name and asked.lower() == name.lower():
            return script
    return None


def follow_page_path() -> None:
    """On the main page: a page path in the wrong case switches to that page, keeping the query."""
    script = page_in_other_case(getattr(st.context, "url", None) or "")
    if script:
        st.switch_page(script, query_params=st.query_params.to_dict())


def page_label(label: str) -> str:
    """The sidebar's label: in another language it keeps the English name, which lesson plans and links use."""
    if language() == "en":
        return label
    return f"{t(label)} {label.split(' ', 1)[1]}"


@st.fragment(key="model-note")
def model_note() -> None:
    """The sidebar's note of the model every page reads with. A fragment with a key, so that an
    edit in the Lab reruns it (ui.lab_edits.MODEL_NOTE) without rerunning the whole page."""
    st.caption(t("**Model:** {model}", model=current_model().label()))


def page_setup(title: str, icon: str = "🧠") -> None:
    """Page config and sidebar; the first call of every page."""
    st.set_page_config(page_title=f"{title} · nnlib", page_icon=icon, layout="wide")
    runtime.limit_blas_threads()
    runtime.freeze_startup_heap()
    runtime.set_thread_niceness(0)  # a rerun queued behind a training run starts at normal priority
    init_language()
    st.html(PAGE_CSS)
    with st.sidebar:
        for script, label in PAGES:
            st.page_link(script, label=page_label(label))
        st.divider()
        language_switch()
        model_note()
        st.html(CLOSE_SIDEBAR_ON_PHONE, unsafe_allow_javascript=True)
