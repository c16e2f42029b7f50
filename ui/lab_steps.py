"""The Lab's "output, step by step": the output layer's numbers for a test image or a digit drawn
here, as the maths goes (z, z/T, softmax's or the sigmoid's steps), with its widgets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from nnlib import lab
from nnlib.pipeline import read_ink
from nnlib.preprocess import ink_image, is_dot
from ui.canvas import digit_canvas
from ui.display import show_chart
from ui.i18n import t
from ui.lab_figures import cached_image_figure


def steps_input(source: str, reader, config, data, image_index: int):
    """The input row (1, pixels), its 28×28 image and a title: the chosen test image, or a digit
    drawn on a canvas here (read as the Draw page reads it). (None, None, "") before any drawing.

    reader: the network that reads a drawing; config: its settings; data: the prepared test images."""
    if source != "drawing":
        X_test = data.X_test
        label = config.digits[data.y_test[image_index]]
        title = t("Test image {index}: a {digit}", index=image_index, digit=label)
        return X_test[image_index : image_index + 1], X_test[image_index].reshape(data.image_shape), title
    result = digit_canvas(224, key="lab-canvas")
    drawing = result.image_data if result is not None else None
    ink = ink_image(drawing, background=0.0) if drawing is not None and drawing.size else None
    reading = read_ink(ink, reader, config) if ink is not None and not is_dot(ink) else None
    if reading is None:
        st.info(t("Draw a digit: its output's numbers appear here."))
        return None, None, ""
    return reading.X.T, reading.image, t("Your drawing, as the network gets it")


def steps_table(z: np.ndarray, temperature: float, output: str, digits) -> dict[str, list]:
    """The output layer's maths for one image, column by column: z, z/T, then softmax's
    z − max, exp, ÷ sum, or the sigmoid per output (and its share of the sum, as Draw shows)."""
    zt = z / temperature
    table = {"digit": [str(d) for d in digits], "z": z, "z / T": zt}
    if output == "softmax":
        shifted = zt - zt.max()
        e = np.exp(shifted)
        table.update({"z/T − max": shifted, "exp(·)": e, "p = exp / Σ": e / e.sum()})
    else:
        s = 1 / (1 + np.exp(-zt))
        table.update({"σ(z/T)": s, "p = σ / Σσ": s / s.sum()})
    return {name: list(values) for name, values in table.items()}


def output_steps(network, edited, temperature: float, config, data, image_index: int) -> None:
    """The Lab's "output, step by step": the output layer's numbers for test image image_index or
    a drawing, as the maths goes, read by the edited network (the original with the edits,
    its output's z divided by temperature); network: the original, whose output function it shows."""
    digits = config.digits
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
        X_row, image, title = steps_input(source, edited, config, data, image_index)
    if X_row is None:
        return
    # the edited network's logits are z/T (the temperature is in its last layer): times T gives z
    z = lab.forward_from(edited, lab.first_layer_sums(edited, X_row), 1)[:, 0].astype(np.float64) * temperature
    table = steps_table(z, temperature, network.output, digits)
    probabilities = np.asarray(list(table.values())[-1])
    with picture:
        show_chart(cached_image_figure(image, title, 260), "lab-steps-image")
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
                T=temperature,
            )
        )
