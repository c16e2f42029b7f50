"""Draw: a digit drawn with the mouse, read by the network, and why; a drawing it read wrong
taught to it (ui/teach.py); then inside the network.

The answer comes first (above the canvas, so a phone shows it without scrolling). A stroke
reruns only the drawing board (a fragment: the canvas, its tools and the answer); the charts that
explain the drawing (the 28×28, the probabilities, Teach it, the view chosen inside the network)
are fragments of their own, rerun once the browser has painted the answer (ui/draw_paint.py):
every chart a drawing changes is drawn afresh, and the answer waited for them. The heavy views are
fragments of their own that a click reruns alone (ui/insight_view.py). Before the first stroke
every chart the first answer shows is already on the page, empty or reading the empty canvas
(ui/draw_view.py): a page's first chart of a kind costs the browser far more than the next.
"""

import time

import numpy as np
import streamlit as st

from nnlib.pipeline import read_ink
from nnlib.preprocess import ink_image, is_dot, side_by_side
from ui import charts, draw_paint, teach
from ui.canvas import digit_canvas
from ui.display import show_chart
from ui.draw_view import BLANK_IMAGE_SHAPE, inside_the_network
from ui.i18n import t
from ui.runtime import log_timing
from ui.session import current_model, forget_model

#: The answer's slot keeps one height in every state (empty, a dot, a Prediction), so the canvas
#: under it never moves between two strokes of one digit (a phone's second stroke landed 34 px off).
#: Less space above the canvas, so that it is on the first screen of a projector (1280×720); on a
#: phone held sideways (a short screen) the title goes, so that the canvas and the answer fit.
DRAW_CSS = """<style>
.st-key-draw-answer { min-height: 6.5rem; }
.st-key-draw-answer [data-testid="stMetric"] { padding: 0; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
@media (max-height: 500px) and (orientation: landscape) {
  [data-testid="stMainBlockContainer"] { padding-top: 0.5rem; }
  .st-key-draw-title, .st-key-draw-model {  /* off screen, still read out by a screen reader */
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  }
  .st-key-draw-answer { min-height: 3rem; }
  .st-key-draw-answer [data-testid="stMetricLabel"] { display: none; }
  .st-key-draw-answer [data-testid="stMetric"] > div { display: flex; gap: 1rem; align-items: center; }
  .st-key-draw-answer [data-testid="stMetricValue"] { font-size: 1.75rem; }
  .st-key-draw-answer [data-testid="stAlert"] p { font-size: 0.8rem; }
  .st-key-draw-answer [data-testid="stAlertContainer"] { padding: 0.25rem 0.5rem; }
  [data-testid="stColumn"]:has(.st-key-draw-answer) { min-width: 290px; }
}
</style>"""


def model_note(model) -> None:
    """Which model reads the drawing; a model of fewer than ten digits says so and offers the shipped one."""
    network, digits = model.network, model.config.digits
    if len(digits) < 10:
        note, reset = st.columns([3, 1], vertical_alignment="center")
        note.warning(
            t(
                "**{model}** knows only the digits {digits}: whatever you draw, it answers one of them.",
                model=model.label(),
                digits=", ".join(map(str, digits)),
            )
        )
        if reset.button(
            t("Use the ten-digit model"), width="stretch", help=t("Forget this session's model; use the shipped one.")
        ):
            forget_model()
            st.rerun()
    else:
        st.caption(
            t(
                "Using **{model}** (layers {sizes}, digits {digits}).",
                model=model.label(),
                sizes=network.layers_name,
                digits=", ".join(map(str, digits)),
            )
        )


def canvas_and_tools():
    """The canvas with Clear and the stroke width below it; returns (the answer's slot above the
    canvas, the canvas's picture (H, W, 4) or None)."""
    # The answer's place, above the canvas: on a phone the columns stack, and a
    # Prediction below them would be a screen away from the finger that drew. Its height
    # is fixed (DRAW_CSS): an answer that grew the slot moved the canvas between two strokes.
    answer_slot = st.container(key="draw-answer")
    stroke = st.session_state.get("stroke_width", 18)
    canvas_round = st.session_state.setdefault("canvas_round", 0)
    result = digit_canvas(280, key=f"canvas-{canvas_round}", stroke_width=stroke)
    # No tooltip on Clear: on a touch screen it stayed over the canvas after the tap.
    if st.button(t("🧽 Clear"), key="clear_canvas"):
        st.session_state["canvas_round"] = canvas_round + 1
        st.rerun(scope="fragment")
    st.slider(t("Stroke width"), 5, 40, 18, key="stroke_width", help=t("Pen thickness in canvas pixels."))
    return answer_slot, (result.image_data if result is not None else None)


def read_drawing(drawing, network, config, answer_slot):
    """(the network's Reading of the canvas's picture, its ink map), or (None, None) when there is
    nothing to read (empty, a dot), said in the answer's slot."""
    # The canvas is black paper: say so, so that a canvas drawn full of ink is not
    # mistaken for white paper with nothing on it.
    ink = ink_image(drawing, background=0.0) if drawing is not None and drawing.size else None
    if ink is not None and is_dot(ink):
        answer_slot.warning(t("Too little ink to read: a dot is not a digit. Draw the whole digit, large."))
        return None, None
    reading = read_ink(ink, network, config) if ink is not None else None
    if reading is None:
        answer_slot.info(t("The canvas is empty: draw one digit, large, in the middle, and the network will read it."))
        return None, None
    return reading, ink


def doubts(reading, ink, digits) -> None:
    """A warning when the drawing is not one clear digit (mostly ink, marks side by side), or why
    the network is not sure of it."""
    if reading.mostly_ink:
        st.warning(t("The canvas is mostly ink: clear it and draw one digit with a thinner stroke."))
    elif side_by_side(ink):
        st.warning(
            t("Separate marks side by side: is this more than one digit? The network reads one digit at a time.")
        )
    elif not teach.is_sure(reading.probabilities):
        st.info(teach.unsure_words(reading.probabilities, digits))


def seen_image(image, zmax=None) -> None:
    """The 28×28 the network reads, black paper at 0 (zmax: the ink's top, for a blank image)."""
    show_chart(charts.image_heatmap(image, t("Input, 28×28"), height=320, zmin=0, zmax=zmax), "seen")
    st.caption(
        t("Cropped to the ink, fitted in 20×20 and centred by its centre of mass, the way MNIST's digits were made.")
    )


def probabilities_chart(probabilities, highlight, network, digits) -> None:
    figure = charts.bar_figure(
        digits,
        probabilities,
        t("Probabilities"),
        highlight=highlight,
        y_title=t("probability"),
        height=300,
        y_range=[0, 1],
    )
    show_chart(figure, "probabilities")
    if network.output == "sigmoid":
        st.caption(
            t(
                "ⓘ The blog's outputs are sigmoids, each between 0 and 1 on its own; shown here (and in the "
                "diagram) as shares of their sum, so that they add up to 1, as the Prediction does."
            )
        )
    else:
        st.caption(t("ⓘ How sure the network is of each digit (they add up to 1). Try a sloppy 4, or a 7 with a bar."))


def prediction(answer_slot, reading, digits, elapsed_ms: float) -> None:
    """The answer: the digit, how sure, and how long the network took to read it."""
    answer_slot.metric(
        t("Prediction"),
        str(digits[reading.class_index]),
        delta=teach.sureness_words(reading.probabilities, digits),
        delta_color="off",
        delta_arrow="off",
        help=t("Read in {ms:.0f} ms.", ms=elapsed_ms),
    )


@st.fragment(key=draw_paint.BOARD)
def drawing_board(network, config) -> None:
    """The canvas, its tools and the answer: a stroke or Clear reruns this alone. The charts that
    explain the drawing are fragments of their own (below), rerun once the browser has painted
    the answer (ui/draw_paint.py); Retrain reruns the page."""
    run_started = time.perf_counter()
    answer_slot, drawing = canvas_and_tools()
    started = time.perf_counter()
    reading, ink = read_drawing(drawing, network, config, answer_slot)
    if reading is not None:
        prediction(answer_slot, reading, config.digits, 1000 * (time.perf_counter() - started))
        log_timing("draw-prediction", time.perf_counter() - run_started)
    draw_paint.read(reading, ink, st.session_state["canvas_round"])


@st.fragment(key=draw_paint.SEEN)
def seen_view(digits) -> None:
    """The 28×28 the network reads, and the doubts about it (empty before a drawing)."""
    reading, ink = draw_paint.explained()
    if reading is None:
        seen_image(np.zeros(BLANK_IMAGE_SHAPE), zmax=1)
    else:
        doubts(reading, ink, digits)
        seen_image(reading.image)


@st.fragment(key=draw_paint.PROBABILITIES)
def probabilities_view(network, config) -> None:
    reading, _ = draw_paint.explained()
    digits = config.digits
    if reading is None:
        probabilities_chart(np.zeros(len(digits)), None, network, digits)
    else:
        probabilities_chart(reading.probabilities, reading.class_index, network, digits)


@st.fragment(key=draw_paint.BELOW)
def below_view(network, config) -> None:
    """Teach it and the view chosen inside the network (nothing drawn: the empty canvas's)."""
    reading, _ = draw_paint.explained()
    teach.teach_section(reading.image if reading is not None else None)
    inside_the_network(network, config, reading, draw_paint.explained_id())


st.html(DRAW_CSS)
with st.container(key="draw-title"):
    st.title(t("✏️ Draw"))
model = current_model()
with st.container(key="draw-model"):
    model_note(model)
canvas_col, seen_col, answer_col = st.columns([3, 2, 3])
with canvas_col:
    drawing_board(model.network, model.config)
with seen_col:
    seen_view(model.config.digits)
with answer_col:
    probabilities_view(model.network, model.config)
below_view(model.network, model.config)
