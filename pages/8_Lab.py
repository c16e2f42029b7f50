"""Lab: take the session's model apart (switch neurons off, shift, scale, prune, add noise, change
the temperature) and see the test accuracy, before → after, at once; which neurons matter; the
output layer's maths step by step. The edited network is rebuilt from the original and the list
of edits on every run, so "Reset edits" gives back the original exactly.
"""

from dataclasses import replace

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
from ui.navigation import page_setup
from ui.session import set_edited, unedited_model

TOP_DEFAULT = 30
# The edit widgets' keys and their "no edit" values; kept in plain state too (SAVED), because
# Streamlit forgets a widget's value on a page that does not show it (Draw, then back).
DEFAULTS = {
    "lab-off": [],
    "lab-neuron": None,
    "lab-bias": 0.0,
    "lab-scale": 1.0,
    "lab-prune": 0,
    "lab-noise": 0.0,
    "lab-temperature": 1.0,
}
SAVED = "lab-saved"


def neuron_label(layer: int, neuron: int) -> str:
    return f"L{layer} n{neuron}"


def parse_label(label: str) -> tuple[int, int]:
    layer, neuron = label.split()
    return int(layer[1:]), int(neuron[1:])


def restore_widgets() -> None:
    saved = st.session_state.get(SAVED, {})
    for key, default in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = saved.get(key, default)


def reset_edits() -> None:
    for key, default in DEFAULTS.items():
        st.session_state[key] = list(default) if isinstance(default, list) else default
    st.session_state[SAVED] = {}


def switch_off_top(ranked: list[int], count_key: str) -> None:
    top = ranked[: int(st.session_state[count_key])]
    st.session_state["lab-off"] = [neuron_label(1, j) for j in top]


def toggle_clicked_neuron(hidden_layers: int) -> None:
    """A click on a hidden neuron in the diagram switches it off (or on again)."""
    clicked = figures.clicked_neuron(st.session_state.get("lab-diagram"))
    if clicked is None or clicked == st.session_state.get("lab-diagram-seen"):
        st.session_state["lab-diagram-seen"] = clicked
        return
    st.session_state["lab-diagram-seen"] = clicked
    if 1 <= clicked[0] <= hidden_layers:
        label = neuron_label(*clicked)
        off = list(st.session_state["lab-off"])
        st.session_state["lab-off"] = [x for x in off if x != label] if label in off else off + [label]


def edits_from_widgets(options: list[str]) -> lab.Edits:
    state = st.session_state
    tweaks = ()
    if state["lab-neuron"] in options and (state["lab-bias"] != 0 or state["lab-scale"] != 1):
        layer, neuron = parse_label(state["lab-neuron"])
        tweaks = (lab.NeuronTweak(layer, neuron, float(state["lab-bias"]), float(state["lab-scale"])),)
    return lab.Edits(
        off=tuple(parse_label(label) for label in state["lab-off"] if label in options),
        tweaks=tweaks,
        prune=state["lab-prune"] / 100,
        noise=float(state["lab-noise"]),
        temperature=float(state["lab-temperature"]),
    )


page_setup("Lab", "🧪")
st.title(t("🧪 Lab"))
model = unedited_model()
network, config = model.network, model.config
digits = config.digits
data = prepared(config)
X_test, y_test = data.X_test, data.y_test
key = lab.model_hash(network)
Z1 = lab_view.first_layer_sums(key, network, X_test)
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
restore_widgets()
toggle_clicked_neuron(hidden_layers)

with st.container(key="lab-edits"):
    controls, results = st.columns([2, 3])
    with controls:
        st.multiselect(
            t("Neurons switched off"),
            options,
            key="lab-off",
            help=t("A neuron switched off sends 0 on, whatever its input (L1 n7: layer 1, neuron 7)."),
        )
        st.selectbox(t("Neuron to change"), options, key="lab-neuron", placeholder="L1 n0")
        left, right = st.columns(2)
        left.slider(t("Bias shift"), -3.0, 3.0, key="lab-bias", step=0.1, help=t("Added to the neuron's bias B."))
        right.slider(t("Weight scale"), -2.0, 3.0, key="lab-scale", step=0.1, help=t("Multiplies its weights in."))
        st.slider(
            t("Prune the smallest weights"),
            0,
            100,
            key="lab-prune",
            step=5,
            format="%d%%",
            help=t("Sets this share of each layer's smallest weights (by size) to 0."),
        )
        st.slider(
            t("Weight noise"),
            0.0,
            1.0,
            key="lab-noise",
            step=0.05,
            help=t("Adds random noise to every weight, this many times each layer's spread (fixed seed)."),
        )
        st.slider(
            t("Temperature"),
            0.1,
            5.0,
            key="lab-temperature",
            step=0.1,
            help=t("Divides the output's z by T: above 1 the network is less sure, below 1 more; the answer stays."),
        )
        st.button(t("Reset edits"), on_click=reset_edits, key="lab-reset", type="primary")
    st.session_state[SAVED] = {k: st.session_state[k] for k in DEFAULTS}
    try:
        edits = edits_from_widgets(options)
        edited = lab.apply_edits(network, edits)
    except ValueError as error:
        st.error(t("This edit does not fit the model: {error}", error=error))
        st.stop()
    set_edited(edited if edits.active else None)
    logits = lab.edited_logits(network, edited, edits, X_test, Z1)
    predictions = logits.argmax(axis=0)
    accuracy = float((predictions == y_test).mean())
    with results:
        first, second = st.columns(2)
        first.metric(
            t("Edited accuracy"),
            f"{accuracy:.2%}",
            delta=t("{change:+.2f} points", change=100 * (accuracy - original_accuracy)),
        )
        second.metric(t("Original accuracy"), f"{original_accuracy:.2%}")
        if edits.active:
            st.download_button(
                t("Download the edited model (.npz)"),
                model_to_bytes(edited, config),
                file_name="edited-model.npz",
                mime="application/octet-stream",
                help=t("Load it on the Train page like any model file."),
            )
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
    ranked = [int(j) for j in np.argsort(-losses, kind="stable")]
    show_chart(
        lab_view.knockout_figure(
            losses, t("Accuracy lost when one first-layer neuron is switched off alone"), t("points lost")
        ),
        "lab-knockout",
    )
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

image_index = int(
    st.number_input(
        t("Test image"), 0, len(y_test) - 1, 0, key="lab-image", help=t("The test image the two parts below show.")
    )
)
X_one = X_test[image_index : image_index + 1].T
with st.expander(t("The network for this image: click a hidden neuron to switch it off or on"), expanded=False):
    show_chart(
        figures.network_diagram(edited, X_one, diagram_words(), class_names=digits),
        "lab-diagram",
        on_select="rerun",
        selection_mode="points",
    )

with st.container(key="output-steps"):
    st.subheader(t("The output, step by step"))
    plain = lab.apply_edits(network, replace(edits, temperature=1.0))
    z = lab.forward_from(plain, lab.first_layer_sums(plain, X_test[image_index : image_index + 1]), 1)[:, 0].astype(
        np.float64
    )
    table = lab_view.steps_table(z, edits.temperature, network.output, digits)
    probabilities = np.asarray(list(table.values())[-1])
    picture, numbers = st.columns([1, 3])
    with picture:
        show_chart(
            charts.image_heatmap(
                X_test[image_index].reshape(data.image_shape),
                t("Test image {index}: a {digit}", index=image_index, digit=digits[y_test[image_index]]),
                height=260,
            ),
            "lab-steps-image",
        )
        st.metric(t("Answer"), str(digits[int(probabilities.argmax())]), help=t("The digit with the largest p."))
    with numbers:
        if network.output == "softmax":
            st.latex(r"p_k = \frac{e^{z_k/T - \max_j z_j/T}}{\sum_i e^{z_i/T - \max_j z_j/T}}")
        else:
            st.latex(r"p_k = \frac{\sigma(z_k/T)}{\sum_i \sigma(z_i/T)}, \quad \sigma(x) = \frac{1}{1 + e^{-x}}")
        st.dataframe(pd.DataFrame(table), hide_index=True)
        st.caption(
            t(
                "ⓘ T = {T:g}. Dividing z by T never changes which z is largest, so the answer stays; "
                "it only makes the network more (T < 1) or less (T > 1) sure.",
                T=edits.temperature,
            )
        )
