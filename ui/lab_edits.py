"""The Lab's edits as the session holds them: the edit widgets' keys and their "no edit" values,
kept in plain state too (Streamlit forgets a widget's value on a page that does not show it), and
the session's edited network rebuilt from the original and the list of edits whenever they change.

An edit reruns only the parts of the Lab page that show the edited network (its fragments
EDIT_PANEL and IMAGE_PANEL), and the sidebar's model note when edits went on or off: the
knock-out chart and the rest of the page stay as they are, neither recomputed nor redrawn.
"""

from __future__ import annotations

import functools

import streamlit as st
from streamlit.errors import StreamlitAPIException

from nnlib import lab
from ui import lab_numbers
from ui import network_figures as figures
from ui.session import current_model, set_edited, unedited_model

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
# The Lab page's fragments that show the edited network, and the sidebar's model note (a keyed
# fragment of the common page frame, which says whether edits are on).
EDIT_PANEL = "lab-edit-panel"
IMAGE_PANEL = "lab-image-panel"
MODEL_NOTE = "model-note"


def neuron_label(layer: int, neuron: int) -> str:
    return f"L{layer} n{neuron}"


def parse_label(label: str) -> tuple[int, int]:
    layer, neuron = label.split()
    return int(layer[1:]), int(neuron[1:])


def restore_widgets(options: list[str]) -> None:
    """The edit widgets as the student left them (also after another page), keeping only
    neurons this model has (a newly trained model may be smaller). Call it in every run that draws
    the widgets, before them.

    Every widget's value is assigned again, even unchanged: the browser is sent a value only when
    the run drawing its widget assigned it. A button's callback that sets one (Switch off the top
    ones, Reset edits) and asks for a rerun of parts loses that mark on the way, and the browser
    would go on showing the old value."""
    saved = st.session_state.get(SAVED, {})
    for key, default in DEFAULTS.items():
        st.session_state[key] = st.session_state[key] if key in st.session_state else saved.get(key, default)
    known = set(options)
    st.session_state["lab-off"] = [label for label in st.session_state["lab-off"] if label in known]
    if st.session_state["lab-neuron"] not in known:
        st.session_state["lab-neuron"] = None


def edit_callback(change):
    """A callback that sets edit widgets' state (change) made into one that also rebuilds the
    edited network and then reruns only the parts of the page that show it."""

    @functools.wraps(change)
    def callback(*args) -> None:
        note = current_model().label()
        change(*args)
        edits_in_force()
        rerun_edited_parts(note)

    return callback


@edit_callback
def edit_widget_changed() -> None:
    """An edit widget's on_change: Streamlit has already put its new value in session state."""


@edit_callback
def reset_edits() -> None:
    """ "Reset edits": every edit widget back to "no edit"."""
    for key, default in DEFAULTS.items():
        st.session_state[key] = list(default) if isinstance(default, list) else default


@edit_callback
def switch_off_top(ranked: list[int], count_key: str) -> None:
    """The knock-out chart's button: its top neurons, as many as count_key's widget says, switched off."""
    top = ranked[: int(st.session_state[count_key])]
    st.session_state["lab-off"] = [neuron_label(1, j) for j in top]


def rerun_edited_parts(note_before: str) -> None:
    """End a callback by rerunning only the page's parts that show the edited network, plus the
    sidebar's model note if what it says changed (edits on or off). A common frame whose note is
    no keyed fragment gets the whole page rerun then, so the sidebar never tells a stale story.

    Raises Streamlit's rerun signal: call it last."""
    parts = [EDIT_PANEL, IMAGE_PANEL]
    if current_model().label() != note_before:
        parts.append(MODEL_NOTE)
    try:
        st.rerun(parts)
    except StreamlitAPIException:  # a part not drawn in the last run: the whole page, then
        st.rerun()


def refresh_edited() -> lab.Edits:
    """The edits the widgets say, and the session's edited network rebuilt for them (unless they
    are the ones it was built for). Called by every widget's callback too, so the sidebar, drawn
    before this page's widgets, already tells the truth. Raises ValueError for an edit that does
    not fit the model."""
    st.session_state[SAVED] = {key: st.session_state.get(key, default) for key, default in DEFAULTS.items()}
    network = unedited_model().network
    edits = edits_from_widgets()
    lab.check_edits(network, edits)
    built_for = (lab_numbers.model_key(network), edits)
    if st.session_state.get("lab-edits-built") != built_for:
        set_edited(lab.apply_edits(network, edits) if edits.active else None)
        st.session_state["lab-edits-built"] = built_for
    return edits


def edits_in_force() -> lab.Edits:
    """refresh_edited, for a callback or a part of the page that shows the edited network: the
    edits the session reads with, none (and the original network) when the widgets' edits do not
    fit the model; the edit panel says why."""
    try:
        return refresh_edited()
    except ValueError:
        set_edited(None)
        st.session_state.pop("lab-edits-built", None)  # the same edits, once they fit, are built again
        return lab.Edits()


@edit_callback
def toggle_clicked_neuron() -> None:
    """A click on a hidden neuron in the diagram switches it off (or on again); a click on an
    output does nothing (an output switched off would just never be the answer)."""
    clicked = figures.clicked_neuron(st.session_state.get("lab-diagram"))
    if clicked is not None and clicked[0] < unedited_model().network.layer_count:
        label = neuron_label(*clicked)
        off = list(st.session_state["lab-off"])
        st.session_state["lab-off"] = [x for x in off if x != label] if label in off else off + [label]


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
