"""Lab: take the session's model apart (switch neurons off, shift, scale, prune, add noise, change
the temperature) and see the test accuracy, before → after, at once; which neurons matter; the
output layer's maths step by step. The edited network is rebuilt from the original and the list
of edits on every run, so "Reset edits" gives back the original exactly.

The parts that show the edited network are fragments (ui/lab_edits.py reruns them after an edit):
an edit neither recomputes nor redraws the rest of the page.
"""

import numpy as np
import streamlit as st

from nnlib import lab
from nnlib.modelio import model_to_bytes
from ui import lab_figures, lab_numbers, lab_steps
from ui import network_figures as figures
from ui.data import prepared
from ui.display import show_chart
from ui.i18n import t
from ui.insight_view import diagram_words
from ui.lab_edits import (
    EDIT_PANEL,
    IMAGE_PANEL,
    edit_widget_changed,
    edits_in_force,
    neuron_label,
    refresh_edited,
    reset_edits,
    restore_widgets,
    switch_off_top,
    toggle_clicked_neuron,
)
from ui.session import current_model, unedited_model

TOP_DEFAULT = 30


def knockout_chart(model_key: str, losses: np.ndarray) -> None:
    """The ranked knock-out chart and the button that switches off its top neurons together."""
    ranked = [int(j) for j in np.argsort(-losses, kind="stable")]
    # the title as text, which wraps: a chart's one-line title was cut off on a phone
    title = t("Accuracy lost when one first-layer neuron is switched off alone")
    st.markdown(f"**{title}**")
    show_chart(lab_figures.cached_knockout_figure(model_key, losses, "", t("points lost")), "lab-knockout")
    count_col, button_col = st.columns([1, 2])
    count_col.number_input(
        t("How many"), 1, len(ranked), min(TOP_DEFAULT, len(ranked)), key="lab-top-count", label_visibility="collapsed"
    )
    button_col.button(
        t("Switch off the top ones of this chart"),
        on_click=switch_off_top,
        args=(ranked, "lab-top-count"),
        key="lab-switch-top",
    )
    st.caption(
        t(
            "ⓘ Most neurons cost almost nothing alone: the network spreads what it knows. Switch off the top "
            "ones together and watch the Edited accuracy above."
        )
    )


def edit_controls(options: list[str]) -> None:
    """The edit widgets; each one's change reruns only the parts that show the edited network."""
    st.multiselect(
        t("Neurons switched off"),
        options,
        key="lab-off",
        on_change=edit_widget_changed,
        help=t("A neuron switched off sends 0 on, whatever its input (L1 n7: layer 1, neuron 7)."),
    )
    st.selectbox(t("Neuron to change"), options, key="lab-neuron", on_change=edit_widget_changed, placeholder="L1 n0")
    left, right = st.columns(2)
    left.slider(
        t("Bias shift"),
        -3.0,
        3.0,
        key="lab-bias",
        on_change=edit_widget_changed,
        step=0.1,
        help=t("Added to the neuron's bias B."),
    )
    right.slider(
        t("Weight scale"),
        -2.0,
        3.0,
        key="lab-scale",
        on_change=edit_widget_changed,
        step=0.1,
        help=t("Multiplies its weights in."),
    )
    st.slider(
        t("Prune the smallest weights"),
        0,
        100,
        key="lab-prune",
        on_change=edit_widget_changed,
        step=5,
        format="%d%%",
        help=t("Sets this share of each layer's smallest weights (by size) to 0."),
    )
    st.slider(
        t("Weight noise"),
        0.0,
        1.0,
        key="lab-noise",
        on_change=edit_widget_changed,
        step=0.05,
        help=t("Adds random noise to every weight, this many times each layer's spread (fixed seed)."),
    )
    st.slider(
        t("Temperature"),
        0.1,
        5.0,
        key="lab-temperature",
        on_change=edit_widget_changed,
        step=0.1,
        help=t("Divides the output's z by T: above 1 the network is less sure, below 1 more; the answer stays."),
    )
    st.button(t("Reset edits"), on_click=reset_edits, key="lab-reset", type="primary")


@st.fragment(key=EDIT_PANEL)
def edit_panel(key: str, network, config, data, Z1: np.ndarray, Z2: np.ndarray, original_predictions, options) -> None:
    """The edits and what they change: "Edited accuracy" (its delta from the original), accuracy
    per digit before → after, the edited network's confusion matrix.

    key: the model's hash; Z1, Z2 (hidden sizes, m): its cached sums over the test images;
    original_predictions (m,)."""
    digits, y_test = config.digits, data.y_test
    original_accuracy = float((original_predictions == y_test).mean())
    restore_widgets(options)
    with st.container(key="lab-edits"):
        # the accuracy first, above the sliders: on a phone the columns stack, and the number an
        # edit changes would be a screen away from the slider that changed it
        summary = st.container()
        controls, results = st.columns([2, 3])
        with controls:
            edit_controls(options)
        try:
            edits = refresh_edited()
        except ValueError as error:
            st.error(t("This edit does not fit the model: {error}", error=error))
            edits = edits_in_force()  # none: the original network
        edited = current_model().network
        predictions = lab_numbers.edited_predictions(key, edits, network, edited, data.X_test, Z1, Z2)
        accuracy = float((predictions == y_test).mean())
        with summary:
            first, second, third = st.columns(3)
            first.metric(
                t("Edited accuracy"),
                f"{accuracy:.2%}",
                delta=t("{change:+.2f} points", change=100 * (accuracy - original_accuracy)) if edits.active else None,
            )
            second.metric(t("Original accuracy"), f"{original_accuracy:.2%}")
            if edits.active:
                third.download_button(
                    t("Download the edited model (.npz)"),
                    lambda: model_to_bytes(edited, config),  # made when clicked, not sent with every edit
                    file_name="edited-model.npz",
                    mime="application/octet-stream",
                    help=t("Load it on the Train page like any model file."),
                    on_click="ignore",
                )
        with results:
            show_chart(
                lab_figures.per_digit_figure(
                    digits,
                    lab.per_digit_accuracy(original_predictions, y_test, len(digits)),
                    lab.per_digit_accuracy(predictions, y_test, len(digits)),
                    t("Accuracy per digit, before → after"),
                    t("original"),
                    t("edited"),
                ),
                "lab-per-digit",
            )
        words = (
            t("Confusion matrix of the edited network"),
            t("predicted"),
            t("true digit"),
            t("true %{y}, said %{x}: %{z}"),
        )
        show_chart(lab_figures.confusion_figure(y_test, predictions, digits, words), "lab-confusion")


@st.fragment(key=IMAGE_PANEL)
def image_panel(network, config, data) -> None:
    """One test image (or a drawing) through the edited network: the diagram, whose hidden
    neurons a click switches off or on, and the output layer's maths step by step."""
    edits = edits_in_force()
    edited = current_model().network
    image_index = int(
        st.number_input(
            t("Test image"),
            0,
            len(data.y_test) - 1,
            0,
            key="lab-image",
            help=t("The test image the two parts below show."),
        )
    )
    X_one = data.X_test[image_index : image_index + 1].T
    # a toggle, not an expander: a closed expander's diagram would still be built on every edit
    if st.toggle(t("The network for this image: click a hidden neuron to switch it off or on"), key="lab-show-diagram"):
        show_chart(
            figures.network_diagram(edited, X_one, diagram_words(), class_names=config.digits),
            "lab-diagram",
            on_select=toggle_clicked_neuron,
            selection_mode="points",
        )
    with st.container(key="output-steps"):
        lab_steps.output_steps(network, edited, edits.temperature, config, data, image_index)


st.title(t("🧪 Lab"))
model = unedited_model()
network, config = model.network, model.config
data = prepared(config)
key = lab_numbers.model_key(network)
Z1 = lab_numbers.first_layer_sums(key, network, data.X_test)
Z2 = lab_numbers.second_layer_sums(key, network, Z1)
original_predictions = lab_numbers.probabilities(key, network, data.X_test).argmax(axis=0)
hidden_layers = network.layer_count - 1
options = [neuron_label(l, j) for l in range(1, hidden_layers + 1) for j in range(network.sizes[l])]

st.caption(
    t(
        "Editing **{model}** (layers {sizes}) on the {count:,} test images. Every edit is applied to the "
        "original again from scratch, so each one can be undone; Draw reads with the edited network while "
        "edits are on.",
        model=model.label(),
        sizes=network.layers_name,
        count=len(data.y_test),
    )
)
edit_panel(key, network, config, data, Z1, Z2, original_predictions, options)

with st.container(key="knockout"):
    st.subheader(t("Which neurons matter"))
    losses = lab_numbers.wait_for(
        (key, "knockout"),
        lab.knockout_losses,
        network,
        data.X_test,
        data.y_test,
        note=t("Switching off each first-layer neuron in turn, in the background…"),
    )
    if losses is not None:
        knockout_chart(key, losses)

image_panel(network, config, data)
