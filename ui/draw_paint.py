"""The Draw page's answer before its charts: a stroke reruns the drawing board alone (the canvas
and the Prediction), and the charts that explain the drawing (fragments of their own) rerun once
the browser has painted the answer.

Each chart a new drawing changes reaches the browser as a new Plotly chart (Streamlit gives a chart
a new element id when its figure changes, and the page mounts it afresh): 0.1–0.4 s of the
browser's one thread each on a loaded machine. Sent in the same run as the Prediction, they held it
off the screen. So the board's run sends the Prediction and a hidden component; the component asks,
once the frame with the answer has been painted, for a run of the charts' fragments, which show the
reading the board left in the session. A run of the whole page (opening it, Retrain, a language)
runs the board and then the charts, and sends everything at once.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

#: The fragments' keys: the board (canvas and answer), then the charts that explain its reading.
BOARD, SEEN, PROBABILITIES, BELOW = "draw-board", "draw-seen", "draw-probabilities", "draw-below"
CHARTS = [SEEN, PROBABILITIES, BELOW]
#: (reading, ink) of the canvas (None, None: nothing to read), and the id of that drawing.
READ, READ_ID = "draw-read", "draw-read-id"
#: The id of the drawing the charts on the page explain.
EXPLAINED_ID = "draw-explained-id"

#: Asks once per drawing (data: its id) after the frame that shows its answer: a requestAnimationFrame
#: callback runs just before that frame's paint, a task it queues just after.
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
    """Whether this run is fragments' alone (a widget inside one changed), not the whole page's."""
    context = get_script_run_ctx(suppress_warning=True)
    return bool(context is not None and context.fragment_ids_this_run)


def read(reading, ink, canvas_round: int) -> None:
    """The board's reading of the canvas (None: nothing to read), for the charts; in a run of the
    board alone, a drawing other than the one the charts explain asks for them once it is painted."""
    drawing_id = f"{canvas_round}-{hash(reading.X.tobytes())}" if reading is not None else f"{canvas_round}-none"
    st.session_state[READ], st.session_state[READ_ID] = (reading, ink), drawing_id
    if in_fragment_run() and st.session_state.get(EXPLAINED_ID) != drawing_id:
        _painted(key="draw-painted", data=drawing_id, on_painted_change=_rerun_charts)


def _rerun_charts() -> None:
    st.rerun(scope=CHARTS)


def explained():
    """(reading, ink) for the charts: the board's (None, None before anything is read)."""
    st.session_state[EXPLAINED_ID] = st.session_state.get(READ_ID)
    return st.session_state.get(READ, (None, None))


def explained_id() -> str | None:
    """The id of the drawing the charts explain (one per drawing: "Fool it" keeps its result by it)."""
    return st.session_state.get(EXPLAINED_ID)
