"""Dataset: what the network sees."""

import numpy as np
import streamlit as st

from nnlib.data import normalize_255, normalize_minmax, select_digits
from ui import charts
from ui.charts import image_grid
from ui.data import data_label, dataset
from ui.display import show_chart
from ui.i18n import t

st.title(t("📊 Dataset"))
data = dataset()

digits = st.multiselect(
    t("Digits"),
    list(range(10)),
    default=[0, 1],
    key="dataset_digits",
    help=t("The blog uses only 0 and 1. Add digits to see the full task."),
)
if not digits:
    st.info(t("Choose at least one digit."))
    st.stop()
digits = tuple(sorted(digits))


@st.cache_data(show_spinner=False, max_entries=32)
def digit_summary(source: str, digits: tuple[int, ...]):
    """Per-digit counts, mean images and the pixel histogram of the chosen digits."""
    counts = {split: [int((getattr(data, split).labels == d).sum()) for d in digits] for split in ("train", "test")}
    images, classes = select_digits(data.train, digits)
    means = np.stack([images[classes == i].mean(axis=0) for i in range(len(digits))])
    histogram = np.bincount(images.ravel(), minlength=256)
    return counts, means, histogram


counts, means, histogram = digit_summary(data.source, digits)
total_train, total_test = sum(counts["train"]), sum(counts["test"])
st.markdown(
    t(
        "**{train}** training and **{test}** test images of digits {digits} (from `{source}`).",
        train=f"{total_train:,}",
        test=f"{total_test:,}",
        digits=", ".join(map(str, digits)),
        source=data_label(),
    )
)

left, right = st.columns(2)
with left:
    show_chart(
        charts.counts_figure(
            digits,
            counts["train"],
            counts["test"],
            t("Images per digit (train and test)"),
            y_title=t("images"),
            train=t("train"),
            test=t("test"),
        ),
        "counts",
    )
    st.caption(t("ⓘ How many images of each digit. The test images are kept apart to check the network honestly."))
with right:
    show_chart(
        charts.image_heatmap(
            image_grid(means, columns=min(len(digits), 5)),
            t("Mean image per digit"),
            height=360 if len(digits) > 5 else 300,
        ),
        "means",
    )
    st.caption(
        t("ⓘ The average of all training images of each digit: its typical shape. Try 3 and 8: how alike are they?")
    )

st.subheader(t("Samples"))
filter_col, shuffle_col = st.columns([3, 1])
shown_digit = filter_col.selectbox(
    t("Show"),
    ["all", *digits],
    key="sample_filter",
    format_func=lambda d: t("all chosen digits") if d == "all" else str(d),
    help=t("Only one digit, to see how differently people write it."),
)
if shuffle_col.button(t("🔀 Reshuffle"), key="reshuffle", help=t("Another random set of samples.")):
    st.session_state["sample_seed"] = int(np.random.default_rng().integers(1 << 31))
seed = st.session_state.get("sample_seed", 0)
chosen = digits if shown_digit == "all" else (shown_digit,)
pool = np.flatnonzero(np.isin(data.train.labels, chosen))
sample = np.random.default_rng(seed).choice(pool, size=min(40, len(pool)), replace=False)
grid = image_grid(data.train.images[sample].astype(float), columns=10, gap=2, fill=60)
st.image(
    np.kron(grid, np.ones((3, 3))) / 255,
    clamp=True,
    caption=t("Training images, white digit on black, 28×28 pixels each"),
)

st.subheader(t("One image, as the network sees it"))
index = st.select_slider(
    t("Which sample"),
    options=list(range(len(sample))),
    value=0,
    key="sample_index",
    format_func=lambda i: t("#{index} (a {digit})", index=sample[i], digit=data.train.labels[sample[i]]),
    help=t("Pick one of the samples above."),
)
image = data.train.images[sample[index]]
left, right = st.columns([3, 2])
with left:
    show_chart(
        charts.image_heatmap(
            image, t("28×28 pixels (0-255) of image #{index}", index=sample[index]), show_values=True, height=560
        ),
        "pixels",
    )
    st.caption(t("ⓘ Each cell is one pixel's brightness, 0 (black) to 255 (white). Hover to read a value."))
with right:
    st.markdown(
        t(
            "The blog: *forget that it is a picture*. The network gets the 28 rows laid end to end, "
            "a column of 784 numbers — `X` of shape (784, 1). It never knows which pixels are neighbours."
        )
    )
    show_chart(
        charts.vector_figure(
            image.reshape(-1),
            t("The same image as a 784-long vector"),
            x_title=t("position in X (row × 28 + column)"),
            y_title=t("pixel value"),
        ),
        "vector",
    )
    st.caption(
        t("ⓘ The same 784 numbers side by side: this is the network's input X. Each stroke becomes a run of spikes.")
    )

st.subheader(t("Normalisation"))
minmax, scaled = normalize_minmax(image[None])[0], normalize_255(image[None])[0]
st.markdown(
    t(
        "The blog scales each image by its own minimum and maximum (**min-max**): `(X − min) / (max − min)`. "
        "The usual way divides by **255**. This image's pixels run from {low} to {high}, so the two differ by "
        "at most **{difference:.3f}**: on MNIST they are nearly always the same, because almost every image "
        "has a pure black background (0) and a pure white stroke (255).",
        low=image.min(),
        high=image.max(),
        difference=np.abs(minmax - scaled).max(),
    )
)
left, middle, right = st.columns(3)
for column, values, title, kind in (
    (left, minmax, t("min-max (the blog)"), "minmax"),
    (middle, scaled, "÷ 255", "scale255"),
    (right, minmax - scaled, t("difference"), "difference"),
):
    with column:
        show_chart(
            charts.image_heatmap(
                values.reshape(28, 28),
                title,
                height=300,
                colorscale="gray" if kind != "difference" else "RdBu_r",
                zmin=-1 if kind == "difference" else 0,
                zmax=1,
            ),
            f"norm-{kind}",
        )
st.caption(t("ⓘ Left and middle look the same on MNIST; the right map shows where they differ (white: no difference)."))
show_chart(
    charts.histogram_figure(
        histogram,
        t("Pixel values over all chosen training images"),
        x_title=t("pixel value"),
        y_title=t("pixels (log scale)"),
    ),
    "histogram",
)
st.caption(t("Most pixels are background (0) or full ink (255); the anti-aliased edges lie between."))
