"""Weights: W1 as 28×28 pictures, W2 as votes, and the filters forming during training."""

import numpy as np
import streamlit as st

from nnlib.pipeline import prepare_input
from ui import charts, insight_view
from ui.data import dataset
from ui.display import show_chart
from ui.i18n import t
from ui.session import current_model, diverged_run_kept_out

MAX_FILTERS = 64  # filters drawn in the grid at once
MAX_ANIMATED = 36  # filters in the timeline animation

st.title(t("🔬 Weights"))
model = current_model()
network, config = model.network, model.config
image_shape = dataset().image_shape
W1 = network.params["W1"]
hidden = W1.shape[0]
st.markdown(
    t(
        "Model: **{model}**, layers {sizes}. Each hidden neuron of the first layer has one weight per pixel, "
        "a row of `W1` ({rows}×{columns}); laid out as a 28×28 picture it shows what the neuron looks for: "
        "**red** pixels push it up when inked, **blue** ones push it down.",
        model=model.label(),
        sizes=network.layers_name,
        rows=hidden,
        columns=W1.shape[1],
    )
)
if diverged_run_kept_out():
    st.info(t("Your last run diverged, so it did not replace this model: these are the weights you had before it."))

controls = st.columns([2, 3, 2, 2])  # colour scale, what to show, first neuron shown, neuron to enlarge
per_filter = (
    controls[0].radio(
        t("Colour scale"),
        ["shared", "own"],
        key="w_scale",
        format_func=lambda v: t("one shared scale") if v == "shared" else t("each filter its own"),
        help=t("Shared: compare strengths between neurons. Own: see each neuron's pattern, however weak."),
    )
    == "own"
)
first = 0
if hidden > MAX_FILTERS:
    first = controls[2].number_input(
        t("First neuron shown (of {count})", count=hidden),
        0,
        hidden - 1,
        0,
        step=MAX_FILTERS,
        key="w_first",
        help=t("The grid shows {count} at a time.", count=MAX_FILTERS),
    )
shown = np.arange(first, min(first + MAX_FILTERS, hidden))
columns = int(min(len(shown), 5 if len(shown) <= 10 else 8))
run = model.run  # the run that trained this model, if this session trained it: its initial weights
show_change = run is not None and (
    controls[1].radio(
        t("Show"),
        ["change", "weights"],
        key="w_show",
        format_func=lambda v: t("what training changed: W1 − initial W1") if v == "change" else t("W1 itself"),
        help=t(
            "After a short run W1 is still mostly its random start; the change shows what the network learned "
            "(the blog's run: 0 and 1 detectors)."
        ),
    )
    == "change"
)
filters = W1[shown] - run.initial_W1[shown] if show_change else W1[shown]
grid = charts.filters_grid(filters.astype(np.float64), image_shape, columns, per_filter)
rows = -(-len(shown) // columns)
title = (
    t("What training changed in W1: neurons {first}–{last}", first=shown[0], last=shown[-1])
    if show_change
    else t("W1: neurons {first}–{last}", first=shown[0], last=shown[-1])
)
show_chart(
    charts.weights_heatmap(
        grid,
        title,
        zmax=1.0 if per_filter else None,
        height=min(900, 120 + 150 * rows),
    ),
    "w1-grid",
)
st.caption(
    t(
        "ⓘ Red: ink here makes the neuron fire; blue: ink here silences it. Hover for values. After training, "
        "look for stroke-shaped patterns."
    )
)

st.subheader(t("One neuron, enlarged"))
neuron = controls[3].selectbox(
    t("Neuron to enlarge"),
    list(range(hidden)),
    key="w_neuron",
    help=t("Its 784 weights as a picture, and how it votes for each digit."),
)
left, right = st.columns([1, 1])
with left:
    weights = W1[neuron].astype(float).reshape(image_shape)
    show_chart(charts.weights_heatmap(weights, t("W1 row {neuron}", neuron=neuron), height=460), "w1-one")
with right:
    if network.layer_count == 2:
        votes = network.params["W2"][:, neuron].astype(float)
        show_chart(
            charts.bar_figure(
                config.digits,
                votes,
                t("W2[:, {neuron}]: its vote for each digit", neuron=neuron),
                highlight=int(votes.argmax()),
                y_title=t("weight"),
                height=460,
            ),
            "w2-one",
        )
        st.caption(t("ⓘ How strongly this neuron's output raises (+) or lowers (−) each digit's score."))
    else:
        st.info(
            t(
                "This network has {count} hidden layers: neuron {neuron} feeds the next hidden layer, "
                "not the digits directly.",
                count=network.layer_count - 1,
                neuron=neuron,
            )
        )

if network.layer_count == 2:
    st.subheader(t("W2: which hidden neuron votes for which digit"))
    show_chart(
        charts.w2_heatmap(
            network.params["W2"].astype(float),
            config.digits,
            t("W2 (red: a vote for, blue: against)"),
            x_title=t("hidden neuron"),
            y_title=t("digit"),
        ),
        "w2",
    )
    st.caption(
        t(
            "ⓘ Each cell: the weight from a hidden neuron (column) to a digit (row). A neuron red for 0 and blue "
            "for 1 is a '0 detector'."
        )
    )

st.subheader(t("The weights at work: the network for one test image"))
test = dataset().test
of_model = np.flatnonzero(np.isin(test.labels, config.digits))
test_index = st.number_input(
    t("Test image number"),
    0,
    len(of_model) - 1,
    0,
    key="w_test_image",
    help=t("One of the {count} test images of the model's digits.", count=f"{len(of_model):,}"),
)
test_X = prepare_input(test.images[of_model[test_index]], network, config.normalization)
insight_view.network_section(network, test_X, network.forward(test_X)[1], config.digits, "weights-diagram")

st.subheader(t("Watch the filters form"))
trainer = run
if trainer is None or len(trainer.history.snapshots) < 2:
    st.info(t("Train a model on the **Train** page to see its filters form from noise here, step by step."))
    st.stop()

snapshots = trainer.history.snapshots
animated = np.arange(min(hidden, MAX_ANIMATED))
cols = int(min(len(animated), 5 if len(animated) <= 10 else 6))
frames_z = [charts.filters_grid(s.W1[animated].astype(np.float64), image_shape, cols, per_filter) for s in snapshots]
zmax = 1.0 if per_filter else float(np.nanmax(np.abs(frames_z[-1])))
show_chart(
    charts.timeline_figure(
        frames_z,
        [s.epoch for s in snapshots],
        t("W1 during training (press ▶)"),
        play=t("▶ play"),
        pause=t("⏸ pause"),
        epoch_label=t("epoch"),
        zmax=zmax,
        height=min(900, 160 + 150 * (-(-len(animated) // cols))),
    ),
    "timeline",
)
st.caption(t("ⓘ Press ▶ or drag the slider: the filters start as random noise and take shape as training goes on."))

st.subheader(t("Before, after, and what training changed"))
initial = trainer.initial_W1[animated].astype(np.float64)
final = W1[animated].astype(np.float64)
before_col, after_col, change_col = st.columns(3)
shared = float(max(np.abs(initial).max(), np.abs(final).max())) or 1.0
for panel, (column, values, title) in enumerate(
    (
        (before_col, initial, t("initial W1")),
        (after_col, final, t("trained W1")),
        (change_col, final - initial, t("change")),
    )
):
    grid = charts.filters_grid(values, image_shape, cols, per_filter=False)
    with column:
        height = int(110 + 380 * grid.shape[0] / grid.shape[1])  # the column is about 400 px wide
        is_change = column is change_col
        show_chart(
            charts.weights_heatmap(grid, title, zmax=None if is_change else shared, height=height, colorbar=is_change),
            f"compare-{panel}",
        )
st.caption(t("ⓘ The change is what training wrote into the weights: the shapes the network learned."))
