"""The Lab's and Stress's shared numbers, cached per model (its hash), never per session: the test
images' first-layer sums Z1 and Z2 (so that an edit costs only the layers after them), a model's
probabilities, the edited network's answers per edits; and the wait for a task computed in
server/tasks.py's worker pool (the knock-out losses, the robustness curves, t-SNE maps). Only
arrays are cached, never a model.
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from nnlib import lab
from nnlib.network import Network
from server.tasks import shared_pool
from ui.i18n import t

__all__ = [
    "MAP_IMAGES",
    "STRESS_IMAGES",
    "edited_predictions",
    "first_layer_sums",
    "model_key",
    "probabilities",
    "second_layer_sums",
    "shared_pool",
    "wait_for",
]

STRESS_IMAGES = 2000  # robustness curves and damage previews use the first 2,000 test images
MAP_IMAGES = 2000  # the points map's images


@st.cache_resource(show_spinner=False, max_entries=4)
def first_layer_sums(key: str, _network: Network, _X_rows: np.ndarray) -> np.ndarray:
    """Z1 (hidden, m) of the unedited model on the test rows; read-only, shared."""
    Z1 = lab.first_layer_sums(_network, _X_rows)
    Z1.flags.writeable = False
    return Z1


@st.cache_resource(show_spinner=False, max_entries=4)
def second_layer_sums(key: str, _network: Network, _Z1: np.ndarray) -> np.ndarray:
    """Z2 (n2, m) of the unedited model from its Z1: an edit that switches a few neurons off
    only corrects it (nnlib.lab.edited_logits); read-only, shared."""
    Z2 = lab.second_layer_sums(_network, _Z1)
    Z2.flags.writeable = False
    return Z2


def model_key(network: Network) -> str:
    """lab.model_hash of the session's model, hashed once per model rather than on every run
    (the session keeps the network it was computed for, so the key never outlives it)."""
    known = st.session_state.get("lab-model-key")
    if known is None or known[0] is not network:
        known = st.session_state["lab-model-key"] = (network, lab.model_hash(network))
    return known[1]


@st.cache_resource(show_spinner=False, max_entries=16)
def probabilities(key: str, _network: Network, _X_rows: np.ndarray) -> np.ndarray:
    """Class probabilities (outputs, m) of a model on the test rows; read-only, shared."""
    P = _network.probabilities(_X_rows.T)
    P.flags.writeable = False
    return P


@st.cache_resource(show_spinner=False, max_entries=256)
def edited_predictions(
    key: str, edits: lab.Edits, _original: Network, _edited: Network, _X_rows, _Z1, _Z2
) -> np.ndarray:
    """The answers (m,) of the original network (its model hash: key) with edits, on the test
    rows; read-only, shared: a class asked to prune 50 % computes them once, and a slider moved
    back costs nothing.

    _edited: the original with the edits applied; _Z1, _Z2: the original's cached sums."""
    predictions = lab.edited_logits(_original, _edited, edits, _X_rows, _Z1, _Z2).argmax(axis=0).astype(np.int16)
    predictions.flags.writeable = False
    return predictions


def wait_for(key: tuple, function, *args, note: str = "", timeout_s: float = 300):
    """The task's result, waiting with a caption that counts the seconds (any widget click
    still interrupts the wait: each caption update lets Streamlit stop this run); None, with a
    message, when it failed or is still running after timeout_s."""
    future = shared_pool().submit(key, function, *args)
    slot = st.empty()
    started = time.monotonic()
    while not future.done() and time.monotonic() - started < timeout_s:
        slot.caption(f"⏳ {note} {time.monotonic() - started:.0f} s")
        time.sleep(0.25)
    if not future.done():
        slot.warning(t("The server is busy: this part is still being computed. Come back to this page in a minute."))
        return None
    if future.exception() is not None:
        slot.error(t("This part could not be computed: {error}", error=future.exception()))
        return None
    slot.empty()
    return future.result()
