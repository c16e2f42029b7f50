"""The network's inside on a page: the clickable diagram with one neuron's sum, saliency,
"Fool it" and "Dream" (Draw page), the diagram alone elsewhere (Weights page).

Each part is an ``st.fragment``: a click on a neuron, "Fool it" or "Dream" reruns only
that part, never the canvas or the answer above it. Containers carry the keys the tests
look for: network-diagram, neuron-sum, saliency, fool, dream.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlib.insight import diagram, dream, fool, neuron_sum, saliency
from nnlib.network import Network
from ui import insight_figures
from ui import network_figures as figures
from ui.display import show_chart
from ui.i18n import t

DREAM_FRAMES = 10  # images shown while a dream forms


def diagram_words() -> figures.DiagramWords:
    return figures.DiagramWords(
        title=t("The network for this input"),
        input=t("input 28×28"),
        hidden=t("layer {layer}"),
        output=t("output"),
        partial=t("{shown} of {size}"),
        node_hover=t("layer {layer}, neuron {neuron}<br>Z = {Z:+.4f}<br>A = {A:.4f}"),
        edge_note=t("line: activation × weight (red +, blue −; wider = more)"),
    )


def _neuron_label(choice: tuple[int, int], output_layer: int, class_names) -> str:
    layer, neuron = choice
    if layer == output_layer:
        return t("output {name} (layer {layer}, neuron {neuron})", name=class_names[neuron], layer=layer, neuron=neuron)
    return t("layer {layer}, neuron {neuron}", layer=layer, neuron=neuron)


@st.fragment
def network_section(network: Network, X: np.ndarray, cache: dict, class_names, key: str, default=None) -> None:
    """The diagram (click a node) and the chosen neuron's sum taken apart below it.

    X (pixels, 1) and cache: the input and its forward pass; default: the
    (layer, neuron) shown before any click.
    """
    chart_key, pick_key, seen_key = f"{key}-chart", f"{key}-pick", f"{key}-click-seen"
    picture = diagram(network, X, cache=cache)
    output_layer = network.layer_count
    # The choices are their own (translated) labels: a widget's format_func would be
    # called outside the session by streamlit.testing, in the wrong language.
    choices = {
        _neuron_label((layer.layer, int(j)), output_layer, class_names): (layer.layer, int(j))
        for layer in picture.layers[1:]
        for j in layer.shown
    }
    label_of = {choice: label for label, choice in choices.items()}
    clicked = figures.clicked_neuron(st.session_state.get(chart_key))
    if clicked is not None and clicked != st.session_state.get(seen_key) and clicked in label_of:
        st.session_state[pick_key] = label_of[clicked]  # a new click chooses the neuron
    st.session_state[seen_key] = clicked
    if st.session_state.get(pick_key) not in choices:
        st.session_state[pick_key] = label_of.get(default, next(iter(choices)))
    layer, neuron = choices[st.session_state[pick_key]]
    with st.container(key="network-diagram"):
        fig = figures.diagram_figure(picture, diagram_words(), class_names, selected=(layer, neuron))
        show_chart(fig, chart_key, on_select="rerun", selection_mode="points")
        st.caption(
            t(
                "ⓘ Each circle is a neuron, coloured by its activation (red +, blue −); a large layer shows its most "
                "active ones (10 of 512: the 10 most active of its 512). Each line is what flows along it, "
                "activation × weight. Click a neuron to take its sum apart."
            )
        )
    picked = st.selectbox(
        t("Neuron to take apart"), list(choices), key=pick_key, help=t("Or click a neuron in the diagram.")
    )
    layer, neuron = choices[picked]
    with st.container(key="neuron-sum"):
        show_neuron_sum(network, cache, layer, neuron)


def show_neuron_sum(network: Network, cache: dict, layer: int, neuron: int) -> None:
    """Z_l[j] = Σ W_l[j, i]·A_l-1[i] + B_l[j], each part with its value; they add up exactly."""
    parts = neuron_sum(network, cache, layer, neuron)
    previous = "X" if layer == 1 else f"A{layer - 1}"
    activation = network.output if layer == network.layer_count else network.activation
    st.markdown(
        t(
            "**Layer {layer}, neuron {neuron}**: `Z{layer}[{neuron}] = Σ W{layer}[{neuron}, i]·{previous}[i] "
            "+ B{layer}[{neuron}]`, then `A{layer}[{neuron}] = {activation}(Z{layer}[{neuron}])`.",
            layer=layer,
            neuron=neuron,
            previous=previous,
            activation=activation,
        )
    )
    if layer == 1:
        title = t("W1[{neuron}] ⊙ X: each pixel's part of the sum", neuron=neuron)
    else:
        title = t(
            "W{layer}[{neuron}, i]·A{previous}[i]: each neuron's part", layer=layer, neuron=neuron, previous=layer - 1
        )
    show_chart(
        insight_figures.neuron_sum_figure(parts, title, t("neuron i of layer {layer}", layer=layer - 1)),
        f"sum-{layer}-{neuron}",
    )
    columns = st.columns(4)
    for column, (name, value) in zip(
        columns,
        (
            (t("Σ of the parts"), parts.total),
            (t("+ bias B{layer}[{neuron}]", layer=layer, neuron=neuron), parts.bias),
            (t("= Z{layer}[{neuron}]", layer=layer, neuron=neuron), parts.Z),
            (t("A{layer}[{neuron}] = {activation}(Z)", layer=layer, neuron=neuron, activation=activation), parts.A),
        ),
    ):
        column.metric(name, f"{value:+.7f}")
    st.caption(
        t(
            "ⓘ Computed in float64 from the network's own weights and input: the parts add up to Z exactly "
            "(to the 7 decimals shown)."
        )
    )


@st.fragment
def saliency_section(network: Network, X: np.ndarray, image_shape, class_index: int, class_name) -> None:
    with st.container(key="saliency"):
        towards = saliency(network, X, class_index).reshape(image_shape)
        fig = insight_figures.saliency_figure(
            X[:, 0].reshape(image_shape),
            towards,
            t("Which pixels move the answer '{digit}'", digit=class_name),
            (t("what the network gets"), t("saliency: −dX for '{digit}'", digit=class_name)),
        )
        show_chart(fig, "saliency-chart")
        st.caption(
            t(
                "ⓘ dX = W1ᵀ·dZ1, the gradient of the loss with respect to each pixel. Red: more ink here would make "
                "the network surer of '{digit}'; blue: ink here speaks against it.",
                digit=class_name,
            )
        )


@st.fragment
def fool_section(network: Network, X: np.ndarray, image_shape, class_names, drawing_id: str) -> None:
    """The smallest signed-gradient change that flips the answer, behind a button."""
    with st.container(key="fool"):
        st.markdown(
            t(
                "**Fool it**: nudge every pixel a little in the direction that hurts the answer most (the sign "
                "of dX), again and again, until the network changes its mind; then keep only as much of the "
                "change as it takes."
            )
        )
        if st.button(t("Fool it"), key="fool-button", help=t("Find the smallest change that flips the answer.")):
            st.session_state["fool-result"] = (drawing_id, fool(network, X))
        stored = st.session_state.get("fool-result")
        if stored is None or stored[0] != drawing_id:
            return
        result = stored[1]
        original = network.output_probabilities(network.forward(X)[0])[:, 0]
        if not result.fooled:
            st.warning(t("No small change fooled it: the network stayed with its answer."))
            return
        metric_col, size_col = st.columns(2)
        metric_col.metric(
            t("Fooled prediction"),
            str(class_names[result.class_index]),
            help=t("{sure:.1%} sure", sure=float(result.probabilities[result.class_index])),
        )
        size_col.metric(
            t("Largest pixel change (L∞)"),
            f"{result.size:.4f}",
            help=t("= {levels:.1f} of 255 grey levels", levels=255 * result.size),
        )
        fig = insight_figures.fool_figure(
            X[:, 0].reshape(image_shape),
            result.change[:, 0].reshape(image_shape),
            result.X[:, 0].reshape(image_shape),
            t(
                "'{before}' became '{after}' with a change of at most {size:.3f} per pixel",
                before=class_names[result.original_class],
                after=class_names[result.class_index],
                size=result.size,
            ),
            (t("your drawing"), t("the change (amplified)"), t("what fools it")),
        )
        show_chart(fig, "fool-chart")
        show_chart(
            insight_figures.probabilities_figure(
                class_names, original, result.probabilities, t("Probabilities"), t("before"), t("fooled")
            ),
            "fool-probabilities",
        )


@st.fragment
def dream_section(network: Network, image_shape, class_names) -> None:
    """Gradient ascent on a blank image towards one chosen digit, shown as it forms."""
    with st.container(key="dream"):
        st.markdown(
            t(
                "**Dream**: start from a blank image and change its pixels, step by step, to make the network "
                "surer of one digit, keeping the picture smooth. What does the network think a digit looks like?"
            )
        )
        pick_col, start_col, button_col = st.columns([2, 2, 1], vertical_alignment="bottom")
        digit = pick_col.selectbox(
            t("Digit to dream of"),
            range(len(class_names)),
            format_func=lambda i: str(class_names[i]),
            key="dream-digit",
        )
        starts = {t("a blank image"): "blank", t("noise"): "noise"}
        start = starts.get(start_col.radio(t("Start from"), list(starts), horizontal=True, key="dream-start"), "blank")
        frame = st.empty()
        if button_col.button(t("Dream"), key="dream-button", type="primary"):
            for step in dream(network, digit, start=start, every=200 // DREAM_FRAMES):
                _show_dream(frame, step, image_shape, class_names, digit)
            st.session_state["dream-result"] = (digit, step)
            return
        stored = st.session_state.get("dream-result")
        if stored is not None and stored[0] == digit:  # the last dream, kept across reruns
            _show_dream(frame, stored[1], image_shape, class_names, digit)


def _show_dream(frame, step, image_shape, class_names, digit) -> None:
    with frame.container():
        picture_col, answer_col = st.columns([2, 1])
        show_chart(
            insight_figures.dream_figure(
                step.X[:, 0].reshape(image_shape),
                t("Dreaming of '{digit}': step {step}", digit=class_names[digit], step=step.step),
            ),
            f"dream-chart-{step.step}",
            where=picture_col,
        )
        read_as = int(step.probabilities.argmax())
        answer_col.metric(t("Dream read as"), str(class_names[read_as]))
        answer_col.caption(t("p = {p:.3f}", p=float(step.probabilities[read_as])))
