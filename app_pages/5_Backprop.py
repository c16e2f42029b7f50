"""Backprop: the blog's derivation with live numbers, one image at a time."""

import numpy as np
import pandas as pd
import streamlit as st

from nnlib import one_hot
from nnlib.data import normalize, select_digits
from nnlib.gradcheck import AGREES, TOO_SMALL, check_gradients
from nnlib.sgd import sgd_step
from ui import charts
from ui.backprop_view import (
    ACTIVATION_LATEX,
    DERIVATIVE_LATEX,
    MAX_MAPS,
    maps_of,
    shape,
    show_train_step,
    show_values,
    train_step_replay,
    working_network,
)
from ui.data import dataset
from ui.display import show_chart
from ui.i18n import t
from ui.session import current_model

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

working = working_network(model)
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


train_step = train_step_replay(model)
if train_step is not None:
    with st.container(key="train-step", border=True):
        show_train_step(model, *train_step, data.image_shape)


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
        maps_of(
            dW,
            t("dW1: one 28×28 map per hidden neuron (first {count})", count=min(MAX_MAPS, len(dW))),
            "bp-dw1",
            data.image_shape,
        )
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
            maps_of(rows, title, f"bp-step-{title}", data.image_shape)
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
