"""The Draw page's "Inside the network": one view at a time, below the answer and Teach it.

Before the first stroke the diagram is already there, reading the empty canvas: a page's first
Plotly diagram (and the neuron sum's chart under it) costs the browser far more than the next ones
(Plotly's code for them runs, and is compiled, for the first time), and drawn at the first stroke it
held that stroke's answer off the screen for 0.5–1.5 s. Drawn while the student reads the page, the
first stroke's diagram costs what every later stroke's does.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlib.pipeline import Reading, prepare_input
from ui import charts, insight_view
from ui.display import show_chart
from ui.i18n import t

TOP_NEURONS = 4
DIAGRAM = "draw-diagram"  # the diagram's key, with and without a drawing
#: Set while the diagram reads the empty canvas: a drawing's first answer then takes its own strongest
#: neuron apart, not the one chosen for the empty canvas.
AT_REST = "draw-diagram-at-rest"
#: The input's place before anything is drawn: the empty canvas, black paper.
BLANK_IMAGE_SHAPE = (28, 28)


def blank_input(network, normalization: str) -> np.ndarray:
    """The network's input X (pixels, 1) for the empty canvas: a 28×28 of black paper."""
    return prepare_input(np.zeros(BLANK_IMAGE_SHAPE, np.uint8), network, normalization)


def hidden_neurons(network, reading: Reading, answer) -> None:
    """The first hidden layer's activations, the neurons that pushed the answer, and their W1 ⊙ X maps."""
    X, contributions, image_shape = reading.X, reading.contributions, reading.image.shape
    A1 = reading.cache["A1"][:, 0].astype(float)
    left, right = st.columns(2)
    with left:
        show_chart(
            charts.bar_figure(
                list(range(len(A1))), A1, t("Hidden activations A1 ({count})", count=len(A1)), y_title="A1", height=320
            ),
            "activations",
        )
        st.caption(t("ⓘ Each first-layer hidden neuron's output A1 for your drawing."))
    order = np.argsort(-np.abs(contributions))[:12]
    with right:
        fig = charts.bar_figure(
            [f"n{j}" for j in order],
            contributions[order],
            t("Which neurons pushed the score of '{digit}'", digit=answer),
            y_title=t("contribution"),
            height=320,
        )
        show_chart(fig, "contributions")
        st.caption(t("ⓘ How much each hidden neuron raised (+) or lowered (−) the winning digit's score."))
    st.markdown(
        t(
            "The {count} neurons that pushed hardest: each map is `W1[j] ⊙ X`, the neuron's weights times "
            "your drawing, pixel by pixel (red: ink where it wants ink).",
            count=TOP_NEURONS,
        )
    )
    for column, j in zip(st.columns(TOP_NEURONS), order[:TOP_NEURONS]):
        product = (network.params["W1"][j] * X[:, 0]).astype(float).reshape(image_shape)
        with column:
            show_chart(
                charts.weights_heatmap(
                    product, t("neuron {j}: {value:+.2f}", j=j, value=contributions[j]), height=260, colorbar=False
                ),
                f"map-{j}",
            )


def resting_diagram(network, X, cache, digits) -> None:
    """The diagram reading the empty canvas."""
    insight_view.network_section(network, X, cache, digits, DIAGRAM)
    st.session_state[AT_REST] = True


def drawing_diagram(network, X, cache, digits, default) -> None:
    """The diagram reading a drawing; a new drawing's first answer takes default ((layer, neuron)) apart."""
    if st.session_state.pop(AT_REST, False):
        st.session_state.pop(f"{DIAGRAM}-pick", None)
    insight_view.network_section(network, X, cache, digits, DIAGRAM, default=default)


def drawing_views(network, reading: Reading, digits, drawing_id: str) -> dict:
    """The views of a drawing, by their (translated) names, each a function that shows it."""
    X, cache, contributions, predicted = reading.X, reading.cache, reading.contributions, reading.class_index
    image_shape = reading.image.shape
    strongest = int(np.argmax(np.abs(contributions))) if len(contributions) else 0
    return {
        t("The network"): lambda: drawing_diagram(network, X, cache, digits, default=(1, strongest)),
        t("Which pixels matter"): lambda: insight_view.saliency_section(
            network, X, image_shape, predicted, digits[predicted]
        ),
        t("Fool it"): lambda: insight_view.fool_section(network, X, image_shape, digits, drawing_id),
        t("Dream"): lambda: insight_view.dream_section(network, image_shape, digits),
        t("Hidden neurons"): lambda: hidden_neurons(network, reading, digits[predicted]),
    }


def empty_canvas_views(network, config) -> dict:
    """The same views before anything is drawn: the diagram reads the empty canvas, Dream needs no
    drawing, and the views that take a drawing apart ask for one."""
    X = blank_input(network, config.normalization)
    cache = network.forward(X)[1]
    digits = config.digits

    def ask_for_a_drawing() -> None:
        st.info(t("Draw a digit first: this view takes your drawing apart."))

    return {
        t("The network"): lambda: resting_diagram(network, X, cache, digits),
        t("Which pixels matter"): ask_for_a_drawing,
        t("Fool it"): ask_for_a_drawing,
        t("Dream"): lambda: insight_view.dream_section(network, BLANK_IMAGE_SHAPE, digits),
        t("Hidden neurons"): ask_for_a_drawing,
    }


def inside_the_network(network, config, reading: Reading | None, drawing_id: str | None) -> None:
    """One view at a time, chosen like a tab: a stroke builds and sends only the view on show
    (tabs would build all five), so the answer is not held up by charts nobody is looking at.
    reading None: nothing drawn yet, the empty canvas's views; drawing_id: the drawing's own id."""
    with st.container(key="draw-inside-title"):  # one element, whatever it holds: the views keep their places
        st.subheader(t("Inside the network"))
        if reading is None:
            st.caption(t("Nothing drawn yet: this is the network reading the empty canvas. Draw, and watch it change."))
    if reading is None:
        views = empty_canvas_views(network, config)
    else:
        views = drawing_views(network, reading, config.digits, drawing_id)
    view = st.radio(t("Show"), list(views), horizontal=True, key="draw-view", label_visibility="collapsed")
    views.get(view, views[t("The network")])()
