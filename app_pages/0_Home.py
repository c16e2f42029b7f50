"""Home: what the app is, its pages, a 45-minute lesson and the session's model."""

import streamlit as st

from ui.i18n import t
from ui.session import current_model

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
        "7. **Class** — the same experiment as a class: everyone posts a run to one shared board.\n"
        "8. **Lab** — take the trained network apart: switch neurons off, prune, add noise, and see what it costs.\n"
        '9. **Stress** — damaged digits, an "I don\'t know" threshold, and how the network sorts the digits.'
    )
)

st.subheader(t("A 45-minute lesson"))
st.caption(t("📽 at the projector (1280×720), 📱 on the students' phones. Each step says what to show and what to ask."))


def lesson_steps() -> list[tuple[str, str, str, str]]:
    """(minutes, where, what to do and what the class sees, a question to discuss), in the plan's order."""
    projector, phones, both = t("📽 projector"), t("📱 phones"), t("📽 + 📱")
    return [
        (
            "0–5",
            projector,
            t("**Dataset**: show a digit as a 28×28 grid, then as the 784 numbers the network really gets."),
            t("Does the network see a picture, or a list of numbers? What is lost?"),
        ),
        (
            "5–10",
            projector,
            t(
                "**Train** with the preset *The blog* (one pass of per-sample SGD, under a second): 2114 of 2115 "
                "test images right; scroll to the one it got wrong."
            ),
            t("Would you have read that image right?"),
        ),
        (
            "10–13",
            projector,
            t(
                "Set the **learning rate** to 10 and press **Train**: the loss explodes and training stops. Your "
                "model from the step before stays (the page says so); choose *The blog* again to undo the change."
            ),
            t("Why does a bigger step make the network worse, not faster?"),
        ),
        (
            "13–18",
            projector,
            t(
                "**Weights**: the grid shows what training changed in each neuron's 784 weights: 0-and-1 detectors "
                "(red where a 0 has ink, blue where a 1 has). Press ▶ on the timeline: they form from noise."
            ),
            t("Which neurons vote for 0? How can you tell from the picture?"),
        ),
        (
            "18–25",
            projector,
            t(
                "**Backprop**: follow image #0 through every formula; press *Take one SGD step* (the loss on the "
                "image falls), then *Check the gradients*: ✅, or *too small to check* once the network is sure. "
                "Take 2 and 5 steps and check again."
            ),
            t("Why does the gradient get so small that it cannot be checked when the network is sure?"),
        ),
        (
            "25–30",
            both,
            t(
                "**Train** the preset *All ten digits, quick* (a few seconds, about 98%) and open **Draw**: students "
                "draw on the projector's computer or their phones. Try a scribble, and two digits side by side."
            ),
            t("The network always answers a digit: what does it say for a scribble, and how sure is it?"),
        ),
        (
            "30–42",
            phones,
            t(
                "**Class**: press *Create a class board* and put the page on the projector: students scan its QR "
                "code (or type its link) and join with a nickname. Phones reach the server only if it listens on "
                "the network: on a laptop, start it with `streamlit run streamlit_app.py --server.address 0.0.0.0` "
                "and have phones on the same Wi-Fi; on a hosted server, set `NNLIB_PUBLIC_URL` to its public "
                "address. Give each row of the class one hidden size, 1, 2, 5, 10, 20, 50, 100 or 200 (three or "
                "four students per size): each trains *All ten digits, quick* with it on Train and posts the run."
            ),
            t("Before the curves fill in: which size will win, and what will it cost?"),
        ),
        (
            "42–45",
            projector,
            t("The board's curves: accuracy and time against hidden size, one point per student."),
            t("Where does accuracy stop growing? What does a network ten times bigger cost?"),
        ),
    ]


with st.container(key="lesson-plan"):
    for minutes, where, step, question in lesson_steps():
        st.markdown(
            t(
                "**{minutes} min** · {where} — {step}  \n*{ask}* {question}",
                minutes=minutes,
                where=where,
                step=step,
                ask=t("Ask:"),
                question=question,
            )
        )

model = current_model()
st.subheader(t("Current model"))
st.markdown(
    t(
        "**{model}** — layers {sizes}, digits {digits}, {count} parameters.",
        model=model.label(),
        sizes=model.network.layers_name,
        digits=", ".join(map(str, model.config.digits)),
        count=f"{model.network.parameter_count:,}",
    )
)
if model.is_default:
    st.caption(t("Train a model on the Train page to replace it for this browser session only."))
