"""Backprop: the blog's derivation with live numbers, one image at a time."""

import numpy as np
import pandas as pd
import streamlit as st

from nnlib import Network, one_hot
from nnlib.data import normalize, select_digits
from nnlib.gradcheck import AGREES, TOO_SMALL, check_gradients
from nnlib.sgd import sgd_step
from nnlib.trainer import replay_step
from ui import charts
from ui.data import dataset
from ui.display import show_chart
from ui.i18n import t
from ui.navigation import page_setup
from ui.session import current_model

MAX_TABLE = 24  # vectors and matrices up to this many columns are shown as tables
MAX_MAPS = 10  # 28x28 maps of dW1 / W1 shown at most
MAX_BATCH_IMAGES = 16  # a batch's images shown at most
DERIVATIVE_LATEX = {
    "tanh": r"\left(1 - A_{p}^{2}\right)",
    "sigmoid": r"A_{p}\left(1 - A_{p}\right)",
    "relu": r"\mathbb{1}\left[Z_{p} > 0\right]",
}
ACTIVATION_LATEX = {"tanh": r"\tanh", "sigmoid": r"\mathrm{sigmoid}", "relu": r"\mathrm{ReLU}"}

page_setup("Backprop", "🧮")
st.title(t("🧮 Backprop, step by step"))
model = current_model()
data = dataset()
config = model.config
digits = config.digits
st.markdown(
    t(
        "The blog's formulas, each followed by its values for one training image and the current "
        "model (**{model}**). Samples are columns: X is (784, 1).",
        model=model.label(),
    )
)

# The page works on its own float64 copy, so a step here never changes the trained model.
working = st.session_state.get("bp_network")
if working is None or st.session_state.get("bp_source") is not model.network:
    working = Network(
        {k: v.astype(np.float64) for k, v in model.network.params.items()},
        model.network.activation,
        model.network.output,
    )
    st.session_state["bp_network"], st.session_state["bp_source"] = working, model.network
    st.session_state.pop("bp_last_step", None)

images, classes = select_digits(data.train, digits)
pick_col, random_col, reset_col = st.columns([3, 1, 1])
if random_col.button(t("🎲 Random image"), help=t("Pick another training image at random.")):
    st.session_state["bp_index"] = int(np.random.default_rng().integers(len(images)))
if reset_col.button(t("↺ Reset weights"), help=t("Forget the steps taken here; start again from the current model.")):
    del st.session_state["bp_network"]
    st.rerun()
index = pick_col.number_input(
    t("Training image number"),
    0,
    len(images) - 1,
    key="bp_index",
    help=t(
        "Which of the {count} training images of digits {digits} to follow.",
        count=f"{len(images):,}",
        digits=", ".join(map(str, digits)),
    ),
)
image, label = images[index], int(classes[index])
X = normalize(image[None], config.normalization, dtype=np.float64).T  # (784, 1)
Y = one_hot(np.array([label]), len(digits), np.float64)  # (classes, 1)
A_out, cache = working.forward(X)
loss = working.loss(cache, Y)
grads = working.backward(cache, Y, input_gradient=True)  # dW, dB and dX = W1ᵀ·dZ1
L = working.layer_count


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


def maps_of(rows: np.ndarray, title: str, key: str) -> None:
    """Rows of a (hidden, 784) array as 28x28 maps, one per neuron."""
    shown = rows[:MAX_MAPS]
    columns = min(len(shown), 5)
    grid = charts.filters_grid(shown, data.image_shape, columns, per_filter=False)
    show_chart(charts.weights_heatmap(grid, title, height=int(120 + 700 * grid.shape[0] / grid.shape[1])), key)


def train_step_replay():
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


def show_train_step(record, replay) -> None:
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
    grid = charts.filters_grid(shown, data.image_shape, min(len(shown), 8), per_filter=False)
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
    maps_of(change, t("W1's change in this step (first {count})", count=min(MAX_MAPS, len(change))), "bp-train-change")
    st.success(
        t(
            "✅ The weights computed here equal the trained model's weights bit for bit: this is the step "
            "the run took (dropout {dropout:g}, augmentation {augment:g} drawn as it did).",
            dropout=record.dropout,
            augment=record.augment,
        )
    )


train_step = train_step_replay()
if train_step is not None:
    with st.container(key="train-step", border=True):
        show_train_step(*train_step)


image_col, info_col = st.columns([1, 3])
with image_col:
    show_chart(
        charts.image_heatmap(image, t("Image #{index}: a {digit}", index=index, digit=digits[label]), height=260),
        "bp-image",
    )
with info_col:
    st.markdown(
        t(
            "The label is **{digit}**, so Y is the one-hot column {y}. The network says **{said}** "
            "and the loss on this image is **{loss:.5f}**.",
            digit=digits[label],
            y=Y[:, 0].astype(int).tolist(),
            said=digits[int(A_out.argmax())],
            loss=loss,
        )
    )

st.header(t("Forward pass"))
for l in range(1, L + 1):
    previous = "X" if l == 1 else f"A_{l - 1}"
    W, Z, A = working.params[f"W{l}"], cache[f"Z{l}"], cache[f"A{l}"]
    st.latex(
        rf"Z_{l} = W_{l} \cdot {previous} + B_{l} \qquad {shape(Z)} = {shape(W)} \cdot "
        rf"{shape(cache[f'A{l - 1}'])} + {shape(Z)}"
    )
    show_values(f"Z{l}", Z)
    if l < L:
        st.latex(rf"A_{l} = {ACTIVATION_LATEX[working.activation]}(Z_{l})")
    elif working.output == "sigmoid":
        st.latex(rf"A_{l} = \mathrm{{sigmoid}}(Z_{l}) = \frac{{1}}{{1 + e^{{-Z_{l}}}}}")
    else:
        st.latex(rf"A_{l} = \mathrm{{softmax}}(Z_{l}) = \frac{{e^{{Z_{l}}}}}{{\sum e^{{Z_{l}}}}}")
    show_values(f"A{l}", A, row_labels=[str(d) for d in digits] if l == L else None)

if working.output == "sigmoid":
    st.latex(rf"Loss = -\sum_i \left[ Y_i \ln A_{{{L},i}} + (1 - Y_i) \ln (1 - A_{{{L},i}}) \right] = {loss:.5f}")
else:
    st.latex(rf"Loss = -\sum_i Y_i \ln A_{{{L},i}} = {loss:.5f}")
st.caption(
    t(
        "With m images the loss is the mean over the m columns; here m = 1. The blog divides by "
        "A2.shape[0], the number of output units: a bug."
    )
)

st.header(t("Backward pass"))
st.latex(rf"dZ_{L} = A_{L} - Y \qquad {shape(cache[f'Z{L}'])}")
show_values(f"dZ{L}", cache[f"A{L}"] - Y, row_labels=[str(d) for d in digits])
for l in range(L, 0, -1):
    previous = "X" if l == 1 else f"A_{l - 1}"
    dW, dB = grads[f"dW{l}"], grads[f"dB{l}"]
    st.latex(
        rf"dW_{l} = dZ_{l} \cdot {previous}^T \qquad {shape(dW)} = {shape(dB)} \cdot "
        rf"{shape(cache[f'A{l - 1}'].T)}"
    )
    if l == 1:
        maps_of(dW, t("dW1: one 28×28 map per hidden neuron (first {count})", count=min(MAX_MAPS, len(dW))), "bp-dw1")
    else:
        show_values(f"dW{l}", dW)
    st.latex(rf"dB_{l} = dZ_{l} \qquad {shape(dB)}")
    show_values(f"dB{l}", dB)
    if l > 1:
        derivative = DERIVATIVE_LATEX[working.activation].replace("{p}", str(l - 1))
        st.latex(
            rf"dZ_{l - 1} = W_{l}^T \cdot dZ_{l} \odot {derivative} \qquad "
            rf"{shape(cache[f'Z{l - 1}'])} = {shape(working.params[f'W{l}'].T)} \cdot {shape(dB)}"
        )
        show_values(f"dZ{l - 1}", grads[f"dB{l - 1}"])  # with m = 1, dB is dZ itself
st.subheader(t("One step further: the gradient with respect to the input"))
st.latex(
    rf"dX = W_1^T \cdot dZ_1 \qquad {shape(grads['dX'])} = {shape(working.params['W1'].T)} \cdot {shape(grads['dB1'])}"
)
show_values("dX", grads["dX"])
input_map, input_note = st.columns([1, 2])
with input_map:
    show_chart(
        charts.weights_heatmap(grads["dX"][:, 0].reshape(data.image_shape), t("dX as a 28×28 map"), height=300),
        "bp-dx",
    )
input_note.markdown(
    t(
        "The blog stops at dW1. One more product gives how the loss changes with each **pixel**: "
        "red pixels raise the loss when inked, blue ones lower it. The Draw page uses it to show which "
        "pixels matter (saliency), to fool the network with the smallest change, and to dream a digit."
    )
)

st.header(t("One step of gradient descent on this image"))
lr_col, step_col = st.columns([3, 1])
learning_rate = lr_col.select_slider(
    t("Learning rate for the step"),
    [0.001, 0.01, 0.1, 0.5, 1.0, 2.0],
    value=0.1,
    key="bp_lr",
    format_func=lambda v: f"{v:g}",
    help=t("W ← W − learning rate · dW, for every W and B."),
)
if step_col.button(t("Take one SGD step"), type="primary", help=t("Update all weights with this image's gradients.")):
    before = working.params["W1"].copy()
    sgd_step(working, grads, learning_rate)
    new_loss = working.loss(working.forward(X)[1], Y)
    st.session_state["bp_last_step"] = dict(
        before=before,
        after=working.params["W1"].copy(),
        dW1=grads["dW1"],
        lr=learning_rate,
        loss_before=loss,
        loss_after=new_loss,
        index=index,
    )
    st.rerun()
step = st.session_state.get("bp_last_step")
if step is not None:
    st.latex(rf"W_1 \leftarrow W_1 - {step['lr']:g} \cdot dW_1")
    st.metric(
        t("Loss on image #{index}", index=step["index"]),
        f"{step['loss_after']:.5f}",
        delta=f"{step['loss_after'] - step['loss_before']:+.5f}",
        delta_color="inverse",
        help=t("Before the step it was {loss:.5f}.", loss=step["loss_before"]),
    )
    before_col, after_col, change_col = st.columns(3)
    for column, rows, title in (
        (before_col, step["before"], t("W1 before")),
        (after_col, step["after"], t("W1 after")),
        (change_col, step["after"] - step["before"], t("change = −lr · dW1")),
    ):
        with column:
            maps_of(rows, title, f"bp-step-{title}")
else:
    st.caption(t("Press the button: the weights move against the gradient and the loss on this image falls."))

st.header(t("Gradient check"))
st.markdown(
    t(
        "Is the derivation right? Each gradient above is compared with finite differences "
        "(Loss(w + ε) − Loss(w − ε)) / 2ε, in float64, on up to 300 entries of each array, with two sizes "
        "of ε: where they disagree, the finite difference itself is inexact (rounding, a curve, a ReLU kink)."
    )
)
if st.button(t("Check the gradients"), help=t("Takes a few seconds.")):
    st.session_state["bp_check"] = (index, check_gradients(working, X, Y))
check = st.session_state.get("bp_check")
if check is not None:
    verdicts = {AGREES: "✅", TOO_SMALL: t("too small to check")}
    rows = [
        {
            t("gradient"): name,
            t("relative error"): f"{result.error:.1e}",
            t("allowed"): f"{result.allowed:.1e}",
            t("agrees"): verdicts.get(result.verdict, "❌"),
        }
        for name, result in check[1].items()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="content")
    st.caption(
        t(
            "Image #{index}. Relative error = largest difference / largest gradient. Allowed = what the finite "
            "differences' own inexactness allows (at least 1e-6). ✅: the formulas are right. Too small to "
            "check: the gradient is so small (a nearly certain answer) that rounding in the loss hides it; "
            "pick an image the network is less sure of.",
            index=check[0],
        )
    )
