"""Dataset: what the network sees."""
from ui.common import dataset, image_grid, page_setup  # first: limits BLAS threads

import numpy as np
import streamlit as st

from nnlib.data import normalize_255, normalize_minmax, select_digits
from ui import charts

page_setup("Dataset", "📊")
st.title("📊 Dataset")
data = dataset()

digits = st.multiselect("Digits", list(range(10)), default=[0, 1], key="dataset_digits",
                        help="The blog uses only 0 and 1. Add digits to see the full task.")
if not digits:
    st.info("Choose at least one digit.")
    st.stop()
digits = tuple(sorted(digits))


@st.cache_data(show_spinner=False, max_entries=32)
def digit_summary(source: str, digits: tuple[int, ...]):
    """Per-digit counts, mean images and the pixel histogram of the chosen digits."""
    counts = {split: [int((getattr(data, split).labels == d).sum()) for d in digits]
              for split in ("train", "test")}
    images, classes = select_digits(data.train, digits)
    means = np.stack([images[classes == i].mean(axis=0) for i in range(len(digits))])
    histogram = np.bincount(images.ravel(), minlength=256)
    return counts, means, histogram


counts, means, histogram = digit_summary(data.source, digits)
total_train, total_test = sum(counts["train"]), sum(counts["test"])
st.markdown(f"**{total_train:,}** training and **{total_test:,}** test images of digits "
            f"{', '.join(map(str, digits))} (from `{data.source}`).")

left, right = st.columns(2)
with left:
    fig = charts.bar_figure(digits, counts["train"], "Images per digit: train", y_title="images")
    fig.add_bar(x=[str(d) for d in digits], y=counts["test"], name="test", marker_color="#d6336c")
    fig.data[0].name = "train"
    fig.update_layout(title="Images per digit (train and test)", barmode="group", showlegend=True)
    st.plotly_chart(fig, key="counts")
with right:
    st.plotly_chart(charts.image_heatmap(image_grid(means, columns=min(len(digits), 5)),
                                         "Mean image per digit", height=360 if len(digits) > 5 else 300),
                    key="means")

st.subheader("Samples")
filter_col, shuffle_col = st.columns([3, 1])
shown_digit = filter_col.selectbox("Show", ["all chosen digits", *digits], key="sample_filter",
                                   help="Only one digit, to see how differently people write it.")
if shuffle_col.button("🔀 Reshuffle", help="Another random set of samples."):
    st.session_state["sample_seed"] = int(np.random.default_rng().integers(1 << 31))
seed = st.session_state.get("sample_seed", 0)
chosen = digits if shown_digit == "all chosen digits" else (shown_digit,)
pool = np.flatnonzero(np.isin(data.train.labels, chosen))
sample = np.random.default_rng(seed).choice(pool, size=min(40, len(pool)), replace=False)
grid = image_grid(data.train.images[sample].astype(float), columns=10, gap=2, fill=60)
st.image(np.kron(grid, np.ones((3, 3))) / 255, clamp=True,
         caption="Training images, white digit on black, 28×28 pixels each")

st.subheader("One image, as the network sees it")
index = st.select_slider("Which sample", options=list(range(len(sample))), value=0, key="sample_index",
                         format_func=lambda i: f"#{sample[i]} (a {data.train.labels[sample[i]]})",
                         help="Pick one of the samples above.")
image = data.train.images[sample[index]]
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(charts.image_heatmap(image, f"28×28 pixels (0-255) of image #{sample[index]}",
                                         show_values=True, height=560), key="pixels")
with right:
    st.markdown(
        "The blog: *forget that it is a picture*. The network gets the 28 rows laid end to end, "
        "a column of 784 numbers — `X` of shape (784, 1). It never knows which pixels are neighbours.")
    vector = image.reshape(-1)
    fig = charts.bar_figure(list(range(784)), vector, "The same image as a 784-long vector",
                            y_title="pixel value", height=300)
    fig.update_xaxes(type="linear", title="position in X (row × 28 + column)")
    fig.update_traces(marker_line_width=0)
    st.plotly_chart(fig, key="vector")

st.subheader("Normalisation")
minmax, scaled = normalize_minmax(image[None])[0], normalize_255(image[None])[0]
st.markdown(
    f"The blog scales each image by its own minimum and maximum (**min-max**): "
    f"`(X − min) / (max − min)`. The usual way divides by **255**. This image's pixels run from "
    f"{image.min()} to {image.max()}, so the two differ by at most "
    f"**{np.abs(minmax - scaled).max():.3f}**: on MNIST they are nearly always the same, because "
    "almost every image has a pure black background (0) and a pure white stroke (255).")
left, middle, right = st.columns(3)
for column, values, title in ((left, minmax, "min-max (the blog)"), (middle, scaled, "÷ 255"),
                              (right, minmax - scaled, "difference")):
    with column:
        st.plotly_chart(charts.image_heatmap(values.reshape(28, 28), title, height=300,
                                             colorscale="gray" if title != "difference" else "RdBu_r",
                                             zmin=-1 if title == "difference" else 0, zmax=1),
                        key=f"norm-{title}")
fig = charts.bar_figure(list(range(256)), histogram, "Pixel values over all chosen training images",
                        y_title="pixels (log scale)", height=300)
fig.update_xaxes(type="linear", title="pixel value")
fig.update_yaxes(type="log")
fig.update_traces(marker_line_width=0)
st.plotly_chart(fig, key="histogram")
st.caption("Most pixels are background (0) or full ink (255); the anti-aliased edges lie between.")
