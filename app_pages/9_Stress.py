"""Stress: test images damaged on purpose (noise, rotation, thin and bold strokes, blur, shift), the
robustness curves of this session's model next to the shipped one, a confidence threshold below
which the network says "I don't know", and every test image as a point on a plane, layer by layer.
"""

import numpy as np
import streamlit as st

from nnlib import lab
from nnlib.damage import KINDS, damage, robustness, to_rows
from nnlib.projection import map_points, snapshot_maps
from ui import charts, lab_figures, lab_numbers
from ui.data import prepared
from ui.display import show_chart
from ui.i18n import t
from ui.session import current_model, default_model

PREVIEW_IMAGES = 8
PREVIEW_SEED = 7
PREVIEW_ZOOM = 4  # each pixel of the preview 4×4 on screen
GALLERY = 8
GALLERY_WIDTH = 84  # px: three to a phone's row, all eight in one on a 1280-px screen


def kind_names() -> dict[str, str]:
    return {
        "noise": t("noise"),
        "rotation": t("rotation"),
        "thin": t("thin strokes"),
        "bold": t("bold strokes"),
        "blur": t("blur"),
        "shift": t("shift"),
    }


def stress_images(data) -> tuple[np.ndarray, np.ndarray]:
    """The first STRESS_IMAGES test images as ink in [0, 1] (b, h, w) and their classes."""
    rows = data.X_test[: lab_numbers.STRESS_IMAGES]
    return rows.reshape(-1, *data.image_shape).astype(np.float32), data.y_test[: lab_numbers.STRESS_IMAGES]


@st.fragment
def damage_preview(network, config, data) -> None:
    """A kind, a strength, 8 damaged images and the accuracy there (a fragment: its sliders rerun
    only this part)."""
    names = kind_names()
    kind = st.radio(t("Damage"), list(KINDS), format_func=names.get, horizontal=True, key="stress-kind")
    spec = KINDS[kind]
    strength = st.select_slider(
        t("Strength ({unit})", unit=spec.unit), spec.strengths, value=spec.strengths[3], key=f"stress-{kind}"
    )
    images, classes = stress_images(data)
    damaged = damage(images, kind, strength, seed=PREVIEW_SEED)
    answers = network.predict(to_rows(damaged, config.normalization, network.dtype).T)
    grid = charts.image_grid(damaged[:PREVIEW_IMAGES], PREVIEW_IMAGES)
    said = ", ".join(str(config.digits[a]) for a in answers[:PREVIEW_IMAGES])
    # a picture, not a chart: a chart's one-line title was cut off on a phone, and the strip
    # left most of the chart's height empty; pixels enlarged here stay sharp when scaled
    st.image(
        np.kron(np.clip(grid, 0, 1), np.ones((PREVIEW_ZOOM, PREVIEW_ZOOM))),
        caption=t("8 damaged test images; the network says: {said}", said=said),
        width="stretch",
    )
    st.metric(
        t("Accuracy on damaged images"),
        f"{(answers == classes).mean():.1%}",
        help=t("On the first {count:,} test images, each damaged with the same seed.", count=len(classes)),
    )


def robustness_section(model, data) -> None:
    shipped, shipped_config = default_model()
    shipped_data = prepared(shipped_config)
    jobs = []
    for network, config, its_data in ((model.network, model.config, data), (shipped, shipped_config, shipped_data)):
        images, classes = stress_images(its_data)
        key = (lab.model_hash(network), "robustness", lab_numbers.STRESS_IMAGES)
        jobs.append((key, network, images, classes, config.normalization))
    for key, *args in jobs:  # both start at once, in two workers
        lab_numbers.shared_pool().submit(key, robustness, *args)
    note = t(
        "Damaging {count:,} test images in {ways} ways and reading them, in the background…",
        count=lab_numbers.STRESS_IMAGES,
        ways=len(KINDS),
    )
    curves = [lab_numbers.wait_for(key, robustness, *args, note=note) for key, *args in jobs]
    if any(curve is None for curve in curves):
        return
    titles = (t("This session's model"), t("The shipped model"))
    for column, title, by_kind, name in zip(st.columns(2), titles, curves, ("session", "shipped")):
        with column:  # side by side at a projector, one under the other on a phone
            figure = lab_figures.robustness_figure(by_kind, kind_names(), t("damage level (0 = none)"), title)
            show_chart(figure, f"stress-robustness-{name}")
    st.caption(
        t(
            "ⓘ Accuracy on the first {count:,} test images as each damage grows (hover for its strength). The "
            "shipped model saw rotated, thickened, thinned and shifted digits while it trained: that is why it "
            "bends later.",
            count=lab_numbers.STRESS_IMAGES,
        )
    )


def coverage(confidence: np.ndarray, right: np.ndarray, thresholds: np.ndarray):
    """For each threshold: the share of images answered (confidence ≥ threshold) and the
    accuracy on those (NaN when none is answered)."""
    order = np.argsort(confidence)
    sorted_conf, sorted_right = confidence[order], right[order].astype(float)
    first = np.searchsorted(sorted_conf, thresholds, side="left")
    answered = (len(confidence) - first) / len(confidence)
    right_after = np.concatenate([np.cumsum(sorted_right[::-1])[::-1], [0.0]])[first]
    with np.errstate(invalid="ignore", divide="ignore"):
        return answered, right_after / (len(confidence) - first)


@st.fragment
def threshold_section(model, data) -> None:
    network, digits = model.network, model.config.digits
    P = lab_numbers.probabilities(lab.model_hash(network), network, data.X_test)
    confidence, answers = P.max(axis=0), P.argmax(axis=0)
    right = answers == data.y_test
    threshold = st.slider(
        t("Confidence threshold"),
        0.0,
        1.0,
        0.5,
        0.01,
        key="stress-threshold",
        help=t("Below this probability the network says “I don't know” instead of answering."),
    )
    answered, accuracy = coverage(confidence, right, np.array([threshold]))
    first, second, third = st.columns(3)
    first.metric(t("Answered"), f"{answered[0]:.1%}", help=t("The share of test images it still answers."))
    second.metric(t("Accuracy on answered"), "—" if np.isnan(accuracy[0]) else f"{accuracy[0]:.2%}")
    third.metric(t("Plain accuracy"), f"{right.mean():.2%}", help=t("Answering every image."))
    thresholds = np.linspace(0, 1, 101)
    all_answered, all_accuracy = coverage(confidence, right, thresholds)
    words = {
        "answered": t("Answered"),
        "accuracy": t("Accuracy on answered"),
        "threshold": t("confidence threshold"),
        "title": t("Fewer answers, fewer mistakes"),
    }
    threshold_chart = lab_figures.threshold_figure(thresholds, all_answered, all_accuracy, threshold, words)
    show_chart(threshold_chart, "stress-coverage")
    st.markdown(t("**The most confident mistakes**: sure, and wrong."))
    worst = np.flatnonzero(~right)[np.argsort(-confidence[~right], kind="stable")][:GALLERY]
    # one row of pictures that wraps, not columns: on a phone columns stack, each picture a screen wide
    st.image(
        [data.X_test[index].reshape(data.image_shape) for index in worst],
        caption=[
            t(
                "a {digit}, read as {answer} ({sure:.1%})",
                digit=digits[data.y_test[index]],
                answer=digits[answers[index]],
                sure=confidence[index],
            )
            for index in worst
        ],
        clamp=True,
        width=GALLERY_WIDTH,
    )


@st.fragment
def points_map(model, data) -> None:
    """The map of one layer (PCA here, t-SNE in the task pool); a click on a point shows its image."""
    network, digits = model.network, model.config.digits
    layers = network.layer_count
    names = [t("input")] + [t("hidden layer {layer}", layer=l) for l in range(1, layers)] + [t("output")]
    left, right = st.columns(2)
    layer = left.radio(t("Layer"), range(layers + 1), format_func=names.__getitem__, horizontal=True, key="map-layer")
    method = right.radio(
        t("Projection"), ["pca", "tsne"], format_func={"pca": "PCA", "tsne": "t-SNE"}.get, horizontal=True, key="map-m"
    )
    X_rows, classes = data.X_test[: lab_numbers.MAP_IMAGES], data.y_test[: lab_numbers.MAP_IMAGES]
    key = (lab.model_hash(network), "map", layer, method, lab_numbers.MAP_IMAGES)
    xy = lab_numbers.wait_for(key, map_points, network, X_rows, layer, method, note=t("Placing the points…"))
    if xy is None:
        return
    answers = lab_numbers.probabilities(key[0], network, data.X_test)[:, : len(classes)].argmax(axis=0)
    words = {
        "title": t("{count:,} test images at the {layer}", count=len(classes), layer=names[layer]),
        "hover": t("a {digit}"),
        "mistakes": t("mistakes"),
        "mistake_hover": t("a mistake"),
    }
    map_col, detail_col = st.columns([3, 1])
    with map_col:
        event = show_chart(
            lab_figures.map_figure(xy, classes, answers, digits, words),
            "map-chart",
            on_select="rerun",
            selection_mode="points",
        )
    index = lab_figures.clicked_index(event)
    with detail_col:
        if index is None:
            st.info(t("Click a point to see its image."))
            return
        with st.container(key="map-picked"):
            st.image(data.X_test[index].reshape(data.image_shape), clamp=True, width=160)
            st.metric(t("Label"), str(digits[classes[index]]))
            st.metric(t("Network's answer"), str(digits[answers[index]]))


FORMING_IMAGES = 1000


def clusters_forming(model, data) -> None:
    """The first hidden layer's map over the run's snapshots, when this session trained the model."""
    trainer = st.session_state.get("trainer")
    if trainer is None or trainer.network is not model.network or len(trainer.history.snapshots) < 2:
        st.info(t("Train a model on the **Train** page to watch its first hidden layer sort the digits as it learns."))
        return
    snapshots = trainer.history.snapshots
    X_rows, classes = data.X_test[:FORMING_IMAGES], data.y_test[:FORMING_IMAGES]
    maps = snapshot_maps([s.W1 for s in snapshots], X_rows, model.network.activation)
    words = {
        "title": t("The first hidden layer during training (press ▶)"),
        "play": t("▶ play"),
        "pause": t("⏸ pause"),
        "epoch": t("epoch"),
    }
    epochs = [snapshot.epoch for snapshot in snapshots]
    show_chart(lab_figures.forming_figure(maps, classes, model.config.digits, epochs, words), "map-forming")
    st.caption(
        t(
            "ⓘ {count:,} test images at each snapshot of W1, on the last snapshot's PCA axes. Snapshots keep W1 only, "
            "so this map leaves the biases out.",
            count=len(classes),
        )
    )


st.title(t("🌪️ Stress"))
model = current_model()
data = prepared(model.config)
st.caption(t("Testing **{model}**.", model=model.label()))

with st.container(key="damage"):
    st.subheader(t("Damage the test images"))
    damage_preview(model.network, model.config, data)
with st.container(key="robustness"):
    st.subheader(t("Robustness curves"))
    robustness_section(model, data)
with st.container(key="threshold"):
    st.subheader(t("When the network may say “I don't know”"))
    threshold_section(model, data)
with st.container(key="points-map"):
    st.subheader(t("How it sorts the digits"))
    st.caption(
        t(
            "ⓘ Each point is a test image; where it lands is what a layer makes of it, squeezed onto a plane. "
            "Digits the layer tells apart form their own clusters; black rings are the network's mistakes."
        )
    )
    points_map(model, data)
    st.subheader(t("Watch the clusters form"))
    clusters_forming(model, data)
