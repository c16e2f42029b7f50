"""Lab: take the session's model apart (switch neurons off, shift, scale, prune, add noise, change
the temperature) and see the test accuracy, before → after, at once; which neurons matter; the
output layer's maths step by step. The edited network is rebuilt from the original and the list
of edits on every run, so "Reset edits" gives back the original exactly.
"""

import numpy as np
import pandas as pd
import streamlit as st

from nnlib import lab
from nnlib.modelio import model_to_bytes
from ui import charts, lab_view
from ui import network_figures as figures
from ui.data import prepared
from ui.display import show_chart
from ui.i18n import t
from ui.insight_view import diagram_words
from ui.lab_edits import (
    neuron_label,
    refresh_edited,
    refresh_quietly,
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
    show_chart(lab_view.cached_knockout_figure(model_key, losses, "", t("points lost")), "lab-knockout")
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


st.title(t("🧪 Lab"))
model = unedited_model()
network, config = model.network, model.config
digits = config.digits
data = prepared(config)
X_test, y_test = data.X_test, data.y_test
key = lab_view.model_key(network)
Z1 = lab_view.first_layer_sums(key, network, X_test)
Z2 = lab_view.second_layer_sums(key, network, Z1)
original_predictions = lab_view.probabilities(key, network, X_test).argmax(axis=0)
original_accuracy = float((original_predictions == y_test).mean())
hidden_layers = network.layer_count - 1
options = [neuron_label(l, j) for l in range(1, hidden_layers + 1) for j in range(network.sizes[l])]

st.caption(
    t(
        "Editing **{model}** (layers {sizes}) on the {count:,} test images. Every edit is applied to the "
        "original again from scratch, so each one can be undone; Draw reads with the edited network while "
        "edits are on.",
        model=model.label(),
        sizes="-".join(map(str, network.sizes)),
        count=len(y_test),
    )
)
restore_widgets(options)

with st.container(key="lab-edits"):
    # the accuracy first, above the sliders: on a phone the columns stack, and the number an
    # edit changes would be a screen away from the slider that changed it
    summary = st.container()
    controls, results = st.columns([2, 3])
    with controls:
        st.multiselect(
            t("Neurons switched off"),
            options,
            key="lab-off",
            on_change=refresh_quietly,
            help=t("A neuron switched off sends 0 on, whatever its input (L1 n7: layer 1, neuron 7)."),
        )
        st.selectbox(t("Neuron to change"), options, key="lab-neuron", on_change=refresh_quietly, placeholder="L1 n0")
        left, right = st.columns(2)
        left.slider(
            t("Bias shift"),
            -3.0,
            3.0,
            key="lab-bias",
            on_change=refresh_quietly,
            step=0.1,
            help=t("Added to the neuron's bias B."),
        )
        right.slider(
            t("Weight scale"),
            -2.0,
            3.0,
            key="lab-scale",
            on_change=refresh_quietly,
            step=0.1,
            help=t("Multiplies its weights in."),
        )
        st.slider(
            t("Prune the smallest weights"),
            0,
            100,
            key="lab-prune",
            on_change=refresh_quietly,
            step=5,
            format="%d%%",
            help=t("Sets this share of each layer's smallest weights (by size) to 0."),
        )
        st.slider(
            t("Weight noise"),
            0.0,
            1.0,
            key="lab-noise",
            on_change=refresh_quietly,
            step=0.05,
            help=t("Adds random noise to every weight, this many times each layer's spread (fixed seed)."),
        )
        st.slider(
            t("Temperature"),
            0.1,
            5.0,
            key="lab-temperature",
            on_change=refresh_quietly,
            step=0.1,
            help=t("Divides the output's z by T: above 1 the network is less sure, below 1 more; the answer stays."),
        )
        st.button(t("Reset edits"), on_click=reset_edits, key="lab-reset", type="primary")
    try:
        edits = refresh_edited()
    except ValueError as error:
        st.error(t("This edit does not fit the model: {error}", error=error))
        st.stop()
    edited = current_model().network
    logits = lab.edited_logits(network, edited, edits, X_test, Z1, Z2)
    predictions = logits.argmax(axis=0)
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
            lab_view.per_digit_figure(
                digits,
                lab.per_digit_accuracy(original_predictions, y_test, len(digits)),
                lab.per_digit_accuracy(predictions, y_test, len(digits)),
                t("Accuracy per digit, before → after"),
                t("original"),
                t("edited"),
            ),
            "lab-per-digit",
        )
    show_chart(
        charts.confusion_figure(
            y_test,
            predictions,
            digits,
            t("Confusion matrix of the edited network"),
            t("predicted"),
            t("true digit"),
            t("true %{y}, said %{x}: %{z}"),
        ),
        "lab-confusion",
    )

with st.container(key="knockout"):
    st.subheader(t("Which neurons matter"))
    losses = lab_view.wait_for(
        (key, "knockout"),
        lab.knockout_losses,
        network,
        X_test,
        y_test,
        note=t("Switching off each first-layer neuron in turn, in the background…"),
    )
    if losses is not None:
        knockout_chart(key, losses)

image_index = int(
    st.number_input(
        t("Test image"), 0, len(y_test) - 1, 0, key="lab-image", help=t("The test image the two parts below show.")
    )
)
X_one = X_test[image_index : image_index + 1].T
# a toggle, not an expander: a closed expander's diagram would still be built on every edit
if st.toggle(t("The network for this image: click a hidden neuron to switch it off or on"), key="lab-show-diagram"):
    show_chart(
        figures.network_diagram(edited, X_one, diagram_words(), class_names=digits),
        "lab-diagram",
        on_select=toggle_clicked_neuron,
        selection_mode="points",
    )

with st.container(key="output-steps"):
    st.subheader(t("The output, step by step"))
    source = st.radio(
        t("Input"),
        ["test", "drawing"],
        format_func={"test": t("Test image {index}", index=image_index), "drawing": t("A drawing")}.get,
        horizontal=True,
        key="lab-steps-source",
    )
    picture, numbers = st.columns([1, 3])
    with picture:
        X_row, image, title = lab_view.steps_input(source, edited, config, data, image_index)
    if X_row is None:
        st.stop()
    # the edited network's logits are z/T (the temperature is in its last layer): times T gives z
    z = lab.forward_from(edited, lab.first_layer_sums(edited, X_row), 1)[:, 0].astype(np.float64) * edits.temperature
    table = lab_view.steps_table(z, edits.temperature, network.output, digits)
    probabilities = np.asarray(list(table.values())[-1])
    with picture:
        show_chart(lab_view.cached_image_figure(image, title, 260), "lab-steps-image")
        st.metric(t("Answer"), str(digits[int(probabilities.argmax())]), help=t("The digit with the largest p."))
    with numbers:
        # two short lines, not one long one: a phone cuts a formula off at its edge
        if network.output == "softmax":
            st.latex(
                r"\begin{gathered} p_k = \frac{e^{z_k/T - m}}{\sum_i e^{z_i/T - m}} \\ m = \max_j z_j/T \end{gathered}"
            )
        else:
            st.latex(
                r"\begin{gathered} p_k = \frac{\sigma(z_k/T)}{\sum_i \sigma(z_i/T)} \\ "
                r"\sigma(x) = \frac{1}{1 + e^{-x}} \end{gathered}"
            )
        st.dataframe(pd.DataFrame(table), hide_index=True)
        summed = list(table)[-2]  # the column that is added up: exp(·), or σ(z/T)
        st.markdown(
            t(
                "**Sum**: Σ {column} = {total:.6g}; **divide**: each p is its {column} ÷ {total:.6g}.",
                column=summed,
                total=float(np.sum(table[summed])),
            )
        )
        st.caption(
            t(
                "ⓘ T = {T:g}. Dividing z by T never changes which z is largest, so the answer stays; "
                "it only makes the network more (T < 1) or less (T > 1) sure.",
                T=edits.temperature,
            )
        )
