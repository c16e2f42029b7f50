"""The app's pages and the frame around each (the entrypoint's st.navigation).

streamlit_app.py is the only script a visit starts: it runs the common frame once (config,
language, style, the sidebar's language switch and model note) and then the page asked for.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from ui import runtime
from ui.i18n import init_language, language, language_switch, t
from ui.session import current_model

PAGES = [  # (script, sidebar label as a t() template: its icon, then the page's English name)
    ("app_pages/0_Home.py", "🏠 Home"),
    ("app_pages/1_Dataset.py", "📊 Dataset"),
    ("app_pages/2_Train.py", "🏋️ Train"),
    ("app_pages/3_Weights.py", "🔬 Weights"),
    ("app_pages/4_Draw.py", "✏️ Draw"),
    ("app_pages/5_Backprop.py", "🧮 Backprop"),
    ("app_pages/6_Compare.py", "⚖️ Compare"),
    ("app_pages/7_Class.py", "👩‍🏫 Class"),
    ("app_pages/8_Lab.py", "🧪 Lab"),
    ("app_pages/9_Stress.py", "🌪️ Stress"),
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


def url_path(script: str) -> str:
    """The page's URL path, its English name ('app_pages/7_Class.py' → 'Class'): links, QR codes and
    lesson plans name it, so it never changes with the language."""
    return Path(script).stem.split("_", 1)[-1]


def deep_link_paths() -> list[str]:
    """Every page's path after the app's address; the home page's is empty."""
    return ["" if index == 0 else url_path(script) for index, (script, _) in enumerate(PAGES)]


def page_in_other_case(url: str) -> str | None:
    """The page script a URL names in another letter case ('/class' → app_pages/7_Class.py), else None.

    Streamlit matches a page's path exactly and opens the home page for any other path; links
    typed by hand or read from a board (/class?class=CODE) are forgiven here."""
    asked = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    for script, _ in PAGES[1:]:
        name = url_path(script)
        if asked != name and asked.lower() == name.lower():
            return script
    return None


def page_title(label: str) -> str:
    """The sidebar's title for a label ('📊 Dataset'), without its icon: in another language the
    translation followed by the English name, which links and lesson plans use."""
    icon, name = label.split(" ", 1)
    if language() == "en":
        return name
    return f"{t(label).removeprefix(icon).strip()} {name}"


@st.fragment(key="model-note")
def model_note() -> None:
    """The sidebar's note of the model every page reads with. A fragment with a key, so that an
    edit in the Lab reruns it (ui.lab_edits.MODEL_NOTE) without rerunning the whole page."""
    st.caption(t("**Model:** {model}", model=current_model().label()))


def app_pages() -> list[st.Page]:
    """PAGES as Streamlit pages, titled in the session's language; the first is the home page."""
    return [
        st.Page(script, title=page_title(label), icon=label.split(" ", 1)[0], url_path=url_path(script), default=not i)
        for i, (script, label) in enumerate(PAGES)
    ]


def run_app() -> None:
    """The entrypoint's whole job: the frame every page shares, once per run, then the page asked for."""
    runtime.limit_blas_threads()
    runtime.freeze_startup_heap()
    runtime.set_thread_niceness(0)  # a rerun queued behind a training run starts at normal priority
    init_language()
    page = st.navigation(app_pages(), expanded=True)
    st.set_page_config(page_title=f"{page.title} · nnlib", page_icon=page.icon, layout="wide")
    misspelt = page_in_other_case(getattr(st.context, "url", None) or "") if page.url_path == "" else None
    if misspelt:
        st.switch_page(misspelt, query_params=st.query_params.to_dict())
    st.html(PAGE_CSS)
    with st.sidebar:
        language_switch()
        model_note()
        st.html(CLOSE_SIDEBAR_ON_PHONE, unsafe_allow_javascript=True)
    page.run()
