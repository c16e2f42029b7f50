"""nnlib: watch a neural network written from scratch in NumPy learn to read digits."""

import streamlit as st

from ui.i18n import t
from ui.navigation import follow_page_path, page_setup
from ui.session import current_model

follow_page_path()
page_setup("Home")

st.title(t("🧠 nnlib — a neural network learns to read handwritten digits"))
st.markdown(
    t(
        "A two-layer network written from scratch in NumPy, after a Chinese blog post that builds "
        "**784 → 10 (tanh) → 2 (sigmoid)** with gradients derived by hand, and trains it on MNIST's "
        "0s and 1s. Everything here is that network, in the blog's notation (`W1, B1, Z1, A1, …`), "
        "generalised so you can try all ten digits, other sizes and other settings."
    )
)
st.markdown(
    t(
        "**The pages** (left sidebar):\n"
        "1. **Dataset** — what the network sees: images, counts, the 784-long vector, normalisation.\n"
        "2. **Train** — pick the blog's preset or all ten digits, press *Train*, watch the loss fall live.\n"
        "3. **Weights** — each hidden neuron's weights `W1` as a 28×28 picture, forming from noise.\n"
        "4. **Draw** — draw a digit and see what the network says, and why: its neurons lit up, the pixels "
        "that matter, the smallest change that fools it, what it dreams a digit looks like.\n"
        "5. **Backprop** — the blog's derivation with live numbers: one image, one step, a gradient check.\n"
        "6. **Compare** — the blog's closing experiment: other hidden sizes and settings, side by side.\n"
        "7. **Class** — the same experiment as a class: everyone posts a run to one shared board."
    )
)

st.subheader(t("In a lesson (about 20 minutes)"))
st.markdown(
    t(
        "- **Dataset**: show a digit as a 28×28 grid, then as the 784 numbers the network really gets.\n"
        "- **Train** with the *blog* preset (one pass, per-sample SGD, under a second): 2114 of 2115 test "
        "images right. Then set the learning rate to 10 and watch it diverge.\n"
        "- **Weights**: play the timeline; the filters turn from noise into 0-and-1 detectors.\n"
        "- **Backprop**: follow one image through every formula; take a step; check the gradients.\n"
        "- **Train** the *quick ten-digit* preset (a few seconds, about 98%) and go to **Draw**: let students "
        "draw, click a neuron, fool the network.\n"
        "- **Class**: create a board, put its code on the screen; each student tries one hidden size and posts "
        "the run: the class's curve of size against accuracy and time appears as they post."
    )
)

model = current_model()
st.subheader(t("Current model"))
st.markdown(
    t(
        "**{model}** — layers {sizes}, digits {digits}, {count} parameters.",
        model=model.label(),
        sizes="-".join(map(str, model.network.sizes)),
        digits=", ".join(map(str, model.config.digits)),
        count=f"{model.network.parameter_count:,}",
    )
)
if model.is_default:
    st.caption(t("Train a model on the Train page to replace it for this browser session only."))
