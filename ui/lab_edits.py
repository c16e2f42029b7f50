"""The Lab's edits as the session holds them: the edit widgets' keys and their "no edit" values,
kept in plain state too (Streamlit forgets a widget's value on a page that does not show it), and
the session's edited network rebuilt from the original and the list of edits whenever they change.
"""

from __future__ import annotations

import streamlit as st

from nnlib import lab
from ui import lab_view
from ui import network_figures as figures
from ui.session import set_edited, unedited_model

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


def restore_widgets(options: list[str]) -> None:
    """The edit widgets as the student left them (also after another page), keeping only
    neurons this model has (a newly trained model may be smaller)."""
    saved = st.session_state.get(SAVED, {})
    for key, default in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = saved.get(key, default)
    known = set(options)
    st.session_state["lab-off"] = [label for label in st.session_state["lab-off"] if label in known]
    if st.session_state["lab-neuron"] not in known:
        st.session_state["lab-neuron"] = None


def reset_edits() -> None:
    for key, default in DEFAULTS.items():
        st.session_state[key] = list(default) if isinstance(default, list) else default
    refresh_edited()


def switch_off_top(ranked: list[int], count_key: str) -> None:
    top = ranked[: int(st.session_state[count_key])]
    st.session_state["lab-off"] = [neuron_label(1, j) for j in top]
    refresh_edited()


def refresh_edited() -> lab.Edits:
    """The edits the widgets say, and the session's edited network rebuilt for them (unless they
    are the ones it was built for). Called by every widget's on_change too, so the sidebar, drawn
    before this page's widgets, already tells the truth. Raises ValueError for an edit that does
    not fit the model."""
    st.session_state[SAVED] = {key: st.session_state.get(key, default) for key, default in DEFAULTS.items()}
    network = unedited_model().network
    edits = edits_from_widgets()
    lab.check_edits(network, edits)
    built_for = (lab_view.model_key(network), edits)
    if st.session_state.get("lab-edits-built") != built_for:
        set_edited(lab.apply_edits(network, edits) if edits.active else None)
        st.session_state["lab-edits-built"] = built_for
    return edits


def refresh_quietly() -> None:
    """refresh_edited as a widget callback: a misfit edit is reported by the page's own run."""
    try:
        refresh_edited()
    except ValueError:
        set_edited(None)


def toggle_clicked_neuron() -> None:
    """A click on a hidden neuron in the diagram switches it off (or on again); a click on an
    output does nothing (an output switched off would just never be the answer)."""
    clicked = figures.clicked_neuron(st.session_state.get("lab-diagram"))
    if clicked is not None and clicked[0] < unedited_model().network.layer_count:
        label = neuron_label(*clicked)
        off = list(st.session_state["lab-off"])
        st.session_state["lab-off"] = [x for x in off if x != label] if label in off else off + [label]
        refresh_quietly()


def edits_from_widgets() -> lab.Edits:
    state = st.session_state
    tweaks = ()
    if state["lab-neuron"] and (state["lab-bias"] != 0 or state["lab-scale"] != 1):
        layer, neuron = parse_label(state["lab-neuron"])
        tweaks = (lab.NeuronTweak(layer, neuron, float(state["lab-bias"]), float(state["lab-scale"])),)
    return lab.Edits(
        off=tuple(parse_label(label) for label in state["lab-off"]),
        tweaks=tweaks,
        prune=state["lab-prune"] / 100,
        noise=float(state["lab-noise"]),
        temperature=float(state["lab-temperature"]),
    )
