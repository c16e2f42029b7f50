"""The Draw page's answer before its charts: a run that sends a new drawing's Prediction alone, and
a rerun of the drawing board once the browser has painted it.

Each chart a new drawing changes reaches the browser as a new Plotly chart (Streamlit gives a chart
a new element id when its figure changes, and the page mounts it afresh): 0.1–0.4 s of the
browser's one thread each on a loaded machine. Sent in the same run as the Prediction, they held it
off the screen. So a stroke's run of the drawing board sends the new Prediction, and below it the
charts of the drawing already on the page, unchanged (the same figures: the browser has nothing to
redraw), and a hidden component. The component asks for the board's next run once the frame with
the answer has been painted; that run sends the new drawing's charts. A run of the whole page
(opening it, Retrain, a language) has nothing on the page to keep and sends everything at once.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

#: The drawing whose Prediction was sent: a new one (another id) gets its answer first.
ANSWERED = "draw-answered"
#: (reading, ink) of the drawing whose charts are on the page, (None, None) for the empty canvas.
SHOWN = "draw-shown"

#: Asks for one rerun per drawing (data: its id), after the frame that shows its answer: a
#: requestAnimationFrame callback runs just before that frame's paint, a task it queues just after.
PAINTED_JS = """
const asked = new Set();
export default function ({ data, setTriggerValue }) {
  if (data == null || asked.has(data)) return;
  asked.add(data);
  requestAnimationFrame(() => setTimeout(() => setTriggerValue("painted", data), 0));
}
"""
_painted = st.components.v2.component("nnlib.draw_painted", js=PAINTED_JS, html="<div></div>")


def in_fragment_run() -> bool:
    """Whether this run is a fragment's alone (a widget inside it changed), not the whole page's."""
    context = get_script_run_ctx(suppress_warning=True)
    return bool(context is not None and context.fragment_ids_this_run)


def answer_first(drawing_id: str) -> bool:
    """True when this run should send the Prediction of drawing_id with the charts already on the
    page, and rerun_when_painted(): a new drawing, in a run of the drawing board alone."""
    if st.session_state.get(ANSWERED) == drawing_id:
        return False
    st.session_state[ANSWERED] = drawing_id
    return in_fragment_run()


def rerun_when_painted(drawing_id: str) -> None:
    """The hidden component that reruns the drawing board once its answer is on the screen."""
    _painted(key="draw-painted", data=drawing_id, height=0, on_painted_change=lambda: None)


def shown():
    """(reading, ink) of the drawing whose charts are on the page ((None, None): the empty canvas)."""
    return st.session_state.get(SHOWN, (None, None))


def remember_shown(reading, ink) -> None:
    st.session_state[SHOWN] = (reading, ink)
