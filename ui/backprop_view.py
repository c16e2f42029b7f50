"""The Backprop page's parts: arrays shown as tables or 28×28 maps, the page's own float64 copy of
the model to step with, and the Train page's last "One step" computed again in the blog's notation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from nnlib import Network
from nnlib.sgd import replay_step
from ui import charts
from ui.display import show_chart
from ui.i18n import t

MAX_TABLE = 24  # vectors and matrices up to this many columns are shown as tables
MAX_MAPS = 10  # 28x28 maps of dW1 / W1 shown at most
MAX_BATCH_IMAGES = 16  # a batch's images shown at most
DERIVATIVE_LATEX = {
    "tanh": r"\left(1 - A_{p}^{2}\right)",
    "sigmoid": r"A_{p}\left(1 - A_{p}\right)",
    "relu": r"\mathbb{1}\left[Z_{p} > 0\right]",
}
ACTIVATION_LATEX = {"tanh": r"\tanh", "sigmoid": r"\mathrm{sigmoid}", "relu": r"\mathrm{ReLU}"}


def working_network(model) -> Network:
    """The page's own float64 copy of the session's model, so a step here never changes the trained
    model; a new one (and no last step) when the session's model changed."""
    working = st.session_state.get("bp_network")
    if working is None or st.session_state.get("bp_source") is not model.network:
        working = Network(
            {k: v.astype(np.float64) for k, v in model.network.params.items()},
            model.network.activation,
            model.network.output,
        )
        st.session_state["bp_network"], st.session_state["bp_source"] = working, model.network
        st.session_state.pop("bp_last_step", None)
    return working


def shape(array) -> str:
    """An array's shape as LaTeX, e.g. (10 \\times 784)."""
    return rf"({array.shape[0]} \times {array.shape[1]})"


def show_values(name: str, array: np.ndarray, row_labels=None) -> None:
    """A small array as a table; a large one as its first entries and a summary."""
    if array.shape[1] == 1 and array.shape[0] <= MAX_TABLE:
        frame = pd.DataFrame(array.T, index=[name], columns=row_labels or range(array.shape[0]))
        st.dataframe(frame.style.format("{:.4f}"), width="stretch")
    elif array.shape[0] <= MAX_TABLE and array.shape[1] <= MAX_TABLE:
        frame = pd.DataFrame(array, index=row_labels or range(array.shape[0]))
        st.dataframe(frame.style.format("{:.4f}"), width="stretch")
    else:
        flat = array.reshape(-1)
        st.caption(
            t(
                "{name} {shape}: first values {first} … min {low:.4f}, max {high:.4f}, mean {mean:.4f}",
                name=name,
                shape=f"({array.shape[0]}×{array.shape[1]})",
                first=", ".join(f"{v:.4f}" for v in flat[:8]),
                low=flat.min(),
                high=flat.max(),
                mean=flat.mean(),
            )
        )


def maps_of(rows: np.ndarray, title: str, key: str, image_shape: tuple[int, int]) -> None:
    """Rows of a (hidden, 784) array as 28x28 maps, one per neuron."""
    shown = rows[:MAX_MAPS]
    columns = min(len(shown), 5)
    grid = charts.filters_grid(shown, image_shape, columns, per_filter=False)
    show_chart(charts.weights_heatmap(grid, title, height=int(120 + 700 * grid.shape[0] / grid.shape[1])), key)


def train_step_replay(model):
    """The step "One step" took on the Train page, computed again here from the weights before it,
    when the model is still where that step left it (else None)."""
    run = model.run
    record = getattr(getattr(run, "history", None), "last_step", None)
    if record is None:
        return None
    kept = st.session_state.get("bp_train_step")
    if kept is None or kept[0] is not record:  # computed once per step, not on every redraw
        kept = record, replay_step(record, run.data, model.network.activation, model.network.output)
        st.session_state["bp_train_step"] = kept
    replay = kept[1]
    if any(not np.array_equal(replay.after[name], value) for name, value in model.network.params.items()):
        return None  # the run went on (or another model is loaded): that step is history
    return record, replay


def show_train_step(model, record, replay, image_shape: tuple[int, int]) -> None:
    """That batch's images, forward values, gradients and update, in the blog's notation."""
    st.header(t("The step just taken on the Train page: batch {step}", step=f"{record.step:,}"))
    m, run_digits = replay.X.shape[1], model.run.data.digits
    labels = [run_digits[int(c)] for c in replay.Y.argmax(axis=0)]
    st.markdown(
        t(
            "Computed again here from the weights before the step, with the same {count} training image(s) "
            "(labels {labels}). Samples are columns: X is ({pixels}, {count}).",
            count=m,
            labels=", ".join(map(str, labels[:MAX_BATCH_IMAGES])) + (" …" if m > MAX_BATCH_IMAGES else ""),
            pixels=replay.X.shape[0],
        )
    )
    shown = replay.X.T[:MAX_BATCH_IMAGES]
    grid = charts.filters_grid(shown, image_shape, min(len(shown), 8), per_filter=False)
    show_chart(
        charts.image_heatmap(grid, t("The batch's images (first {count})", count=len(shown)), height=220),
        "bp-train-batch",
    )
    L = replay.before.layer_count
    for l in range(1, L + 1):
        previous = "X" if l == 1 else f"A_{l - 1}"
        st.latex(rf"Z_{l} = W_{l} \cdot {previous} + B_{l} \qquad {shape(replay.cache[f'Z{l}'])}")
        show_values(f"A{l}", replay.cache[f"A{l}"], row_labels=[str(d) for d in run_digits] if l == L else None)
    st.latex(rf"Loss = {replay.loss:.5f}")
    for l in range(L, 0, -1):
        st.latex(rf"dW_{l} = \tfrac{{1}}{{m}}\, dZ_{l} \cdot {'X' if l == 1 else f'A_{l - 1}'}^T \qquad m = {m}")
        show_values(f"dW{l}", replay.grads[f"dW{l}"])
        show_values(f"dB{l}", replay.grads[f"dB{l}"])
    gradient = r"dW" if not record.l2 else rf"(dW + {record.l2:g}\, W)"
    if record.momentum:
        st.latex(
            rf"V \leftarrow {record.momentum:g}\, V + {gradient} \qquad W \leftarrow W - {record.learning_rate:g}\, V"
        )
    else:
        st.latex(rf"W \leftarrow W - {record.learning_rate:g} \cdot {gradient}")
    change = replay.after["W1"] - record.params["W1"]
    title = t("W1's change in this step (first {count})", count=min(MAX_MAPS, len(change)))
    maps_of(change, title, "bp-train-change", image_shape)
    st.success(
        t(
            "✅ The weights computed here equal the trained model's weights bit for bit: this is the step "
            "the run took (dropout {dropout:g}, augmentation {augment:g} drawn as it did).",
            dropout=record.dropout,
            augment=record.augment,
        )
    )
