"""Plotly figures for the pages: pure functions, arrays and already-translated words in, figure out.

Made for a projector and for every pair of eyes: text of at least 16 px, train and
test told apart by line style and marker as well as colour, in the Okabe–Ito palette
(safe for colour-blind viewers), log axes labelled once per decade, no empty axes.
Nothing here imports Streamlit or the translator, so tests can read the figures.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

MAX_LINE_POINTS = 400  # a live chart stays light however many batches there are
FONT_SIZE = 16  # readable on a projector
MAX_LOSS_DECADES = 5  # a log loss axis shows this many powers of ten below its top (6 with padding)

# Okabe & Ito (2008), colours told apart with every common colour-vision deficiency.
BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE, GREY = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#56B4E9",
    "#CC79A7",
    "#BBBBBB",
)
TRAIN_STYLE = dict(line=dict(color=BLUE, width=3), marker=dict(symbol="circle", size=9))
TEST_STYLE = dict(line=dict(color=VERMILLION, width=3, dash="dash"), marker=dict(symbol="diamond", size=10))
VALIDATION_STYLE = dict(line=dict(color=GREEN, width=3, dash="dot"), marker=dict(symbol="square", size=9))
# Figures that only show (no zoom, no pan): a swipe on a phone scrolls the page instead.
STATIC_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False, "responsive": True}


def layout(fig: go.Figure, title: str, height: int = 360, **extra) -> go.Figure:
    """Projector-sized text everywhere; the legend above the plot (never over an axis title);
    axes fixed so that a swipe on a phone scrolls the page."""
    font = dict(size=FONT_SIZE)
    fig.update_layout(
        title=dict(text=title, font=dict(size=FONT_SIZE + 4), x=0, xanchor="left", y=0.98, yanchor="top"),
        height=height,
        font=font,
        margin=dict(l=10, r=10, t=80, b=10),
        dragmode=False,
        legend=dict(orientation="h", x=0, xanchor="left", y=1.0, yanchor="bottom", font=font),
        hoverlabel=dict(font=font),
        **extra,
    )
    fig.update_xaxes(tickfont=font, title_font=font, fixedrange=True, automargin=True)
    fig.update_yaxes(tickfont=font, title_font=font, fixedrange=True, automargin=True)
    return fig


def empty_figure(title: str, note: str, height: int = 360) -> go.Figure:
    """A chart with nothing to show yet: the note instead of an empty axis."""
    fig = go.Figure()
    fig.add_annotation(
        text=note, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font=dict(size=FONT_SIZE, color="#555555")
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return layout(fig, title, height=height, plot_bgcolor="white")


def smooth(values: np.ndarray, span: int) -> np.ndarray:
    """Trailing moving average over span points (fewer at the start); vectorised,
    because live charts recompute it several times a second."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return values
    totals = np.concatenate([[0.0], np.cumsum(values)])
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - span, 0)
    return (totals[ends] - totals[starts]) / (ends - starts)


def smoothing_span(count: int) -> int:
    return max(5, count // 50)


def thin(x: np.ndarray, *ys: np.ndarray, limit: int = MAX_LINE_POINTS):
    """Keep at most limit evenly spaced points (always the last)."""
    if len(x) <= limit:
        return (x, *ys)
    keep = np.unique(np.linspace(0, len(x) - 1, limit).round().astype(int))
    return (x[keep], *(y[keep] for y in ys))


def log_range(values, decades: int = MAX_LOSS_DECADES) -> list[float] | None:
    """A log axis range (in powers of ten) holding the largest values and at most `decades`
    below them: a jump stays visible, a loss of 1e-40 does not flatten everything."""
    positive = np.asarray([v for v in values if v > 0 and math.isfinite(v)], dtype=float)
    if len(positive) == 0:
        return None
    top = math.log10(positive.max())
    bottom = max(math.log10(positive.min()), top - decades)
    pad = 0.1 * max(top - bottom, 1) if top - bottom <= 5 else 0.2
    return [bottom - pad, top + pad]


def loss_figure(
    history,
    title: str = "Loss",
    epoch: str = "epoch",
    loss: str = "cross-entropy loss",
    batch: str = "batch loss",
    smoothed: str = "batch loss (smoothed)",
    train: str = "train loss",
    test: str = "test loss",
    waiting: str = "The loss appears after the first batch.",
    validation: str = "validation loss",
    knob_labels: dict | None = None,
    show_test: bool = True,
) -> go.Figure:
    """Per-batch loss (raw and smoothed) and per-evaluation train/test (and validation, when the run
    holds images out) loss, by epoch, on a log axis; a dotted vertical line with the new value
    where a setting changed mid-run (history.knobs; knob_labels: setting -> its name).
    show_test=False leaves the test set out (a run with a validation set, tuned without peeking)."""
    epochs = np.asarray(history.batch_epochs, dtype=float)
    losses = np.asarray(history.batch_losses, dtype=float)
    evaluations = history.evaluations
    if len(losses) == 0 and not evaluations:
        return empty_figure(title, waiting)
    fig = go.Figure()
    shown = []
    if len(losses):
        smooth_line = smooth(losses, smoothing_span(len(losses)))
        x, raw, smooth_line = thin(epochs, losses, smooth_line)
        fig.add_scatter(x=x, y=raw, mode="lines", name=batch, line=dict(color=GREY, width=1))
        fig.add_scatter(x=x, y=smooth_line, mode="lines", name=smoothed, line=dict(color="#000000", width=3))
        shown += [raw, smooth_line]
    if evaluations:
        ex = [e.epoch for e in evaluations]
        fig.add_scatter(x=ex, y=[e.train_loss for e in evaluations], mode="lines+markers", name=train, **TRAIN_STYLE)
        shown.append([e.train_loss for e in evaluations])
        if show_test:
            test_losses = [e.test_loss for e in evaluations]
            fig.add_scatter(x=ex, y=test_losses, mode="lines+markers", name=test, **TEST_STYLE)
            shown.append(test_losses)
        if has_validation(evaluations):
            values = [e.validation_loss for e in evaluations]
            fig.add_scatter(x=ex, y=values, mode="lines+markers", name=validation, **VALIDATION_STYLE)
            shown.append(values)
    for change in getattr(history, "knobs", []):
        name = (knob_labels or {}).get(change.name, change.name)
        fig.add_vline(
            x=change.epoch,
            line=dict(color=PURPLE, width=2, dash="dot"),
            annotation=dict(text=f"{name} {change.value:g}", font=dict(size=FONT_SIZE - 2, color=PURPLE)),
        )
    fig.update_xaxes(title=epoch, rangemode="tozero")
    fig.update_yaxes(
        title=loss,
        type="log",
        dtick=1,
        range=log_range(np.concatenate([np.asarray(values, dtype=float) for values in shown])),
        exponentformat="power",
    )
    return layout(fig, title)


def accuracy_figure(
    history,
    title: str = "Accuracy",
    epoch: str = "epoch",
    accuracy: str = "accuracy (%)",
    train: str = "train accuracy",
    test: str = "test accuracy",
    waiting: str = "Accuracy appears after the first evaluation.",
    validation: str = "validation accuracy",
    show_test: bool = True,
) -> go.Figure:
    """Train, test (unless show_test is False) and validation accuracy per evaluation, by epoch."""
    evaluations = history.evaluations
    if not evaluations:
        return empty_figure(title, waiting)
    fig = go.Figure()
    ex = [e.epoch for e in evaluations]
    fig.add_scatter(
        x=ex, y=[100 * e.train_accuracy for e in evaluations], mode="lines+markers", name=train, **TRAIN_STYLE
    )
    lowest = min(e.train_accuracy for e in evaluations) * 100
    if show_test:
        values = [100 * e.test_accuracy for e in evaluations]
        fig.add_scatter(x=ex, y=values, mode="lines+markers", name=test, **TEST_STYLE)
        lowest = min(lowest, min(values))
    if has_validation(evaluations):
        values = [100 * e.validation_accuracy for e in evaluations]
        fig.add_scatter(x=ex, y=values, mode="lines+markers", name=validation, **VALIDATION_STYLE)
        lowest = min(lowest, min(values))
    fig.update_xaxes(title=epoch, rangemode="tozero")
    fig.update_yaxes(title=accuracy, ticksuffix="%", range=[max(0.0, lowest - 2), 100.0])
    fig.update_traces(cliponaxis=False)  # a marker at 100% is drawn whole
    return layout(fig, title)


def has_validation(evaluations) -> bool:
    """Whether the run held training images out (its evaluations carry validation numbers)."""
    return bool(evaluations) and np.isfinite(getattr(evaluations[-1], "validation_loss", np.nan))


LAYER_STYLES = tuple(
    dict(line=dict(color=colour, width=3, dash=dash), marker=dict(symbol=symbol, size=8))
    for colour, symbol, dash in zip(
        (BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE, "#000000", GREY, BLUE),
        ("circle", "diamond", "square", "triangle-up", "x", "star", "cross", "circle", "diamond"),
        ("solid", "dash", "dot", "dashdot", "solid", "dash", "dot", "dashdot", "solid"),
    )
)


def gradient_norms_figure(diagnostics, title: str, epoch: str, size: str, layer: str, waiting: str) -> go.Figure:
    """‖dWl‖ per layer against the epoch, on a log axis: a first layer far below the last is vanishing.

    diagnostics: nnlib.trainer.DiagnosticsEvent list; layer: a template with {layer} ("layer {layer}").
    """
    if not diagnostics:
        return empty_figure(title, waiting)
    fig = go.Figure()
    x = [d.epoch for d in diagnostics]
    norms = np.array([d.gradient_norms for d in diagnostics], dtype=float)  # (evaluations, layers)
    for index in range(norms.shape[1]):
        style = LAYER_STYLES[index % len(LAYER_STYLES)]
        fig.add_scatter(x=x, y=norms[:, index], mode="lines+markers", name=layer.format(layer=index + 1), **style)
    positive = norms[np.isfinite(norms) & (norms > 0)]
    fig.update_xaxes(title=epoch, rangemode="tozero")
    fig.update_yaxes(title=size, type="log", dtick=1, exponentformat="power", range=log_range(positive, 6))
    return layout(fig, title, height=320)


def stuck_units_figure(diagnostics, title: str, epoch: str, share: str, layer: str, waiting: str) -> go.Figure:
    """The share (%) of dead ReLUs or saturated sigmoid/tanh units per hidden layer, against the epoch."""
    if not diagnostics or not diagnostics[-1].stuck_shares:
        return empty_figure(title, waiting)
    fig = go.Figure()
    x = [d.epoch for d in diagnostics]
    shares = 100 * np.array([d.stuck_shares for d in diagnostics], dtype=float)  # (evaluations, hidden layers)
    for index in range(shares.shape[1]):
        style = LAYER_STYLES[index % len(LAYER_STYLES)]
        fig.add_scatter(x=x, y=shares[:, index], mode="lines+markers", name=layer.format(layer=index + 1), **style)
    fig.update_xaxes(title=epoch, rangemode="tozero")
    fig.update_yaxes(title=share, ticksuffix="%", range=[0, 100])
    fig.update_traces(cliponaxis=False)
    return layout(fig, title, height=320)


def weight_histogram_figure(histogram, title: str, weight: str, count: str, start: str, now: str) -> go.Figure:
    """One layer's weights at the start (grey bars) and now (blue outline), on shared bins.

    histogram: (edges (bins+1,), initial counts (bins,), counts now (bins,)).
    """
    edges, initial, current = histogram
    centres = (np.asarray(edges[:-1]) + np.asarray(edges[1:])) / 2
    width = float(edges[1] - edges[0])
    fig = go.Figure()
    fig.add_bar(x=centres, y=initial, width=width, name=start, marker=dict(color=GREY))
    fig.add_bar(
        x=centres,
        y=current,
        width=width,
        name=now,
        marker=dict(color="rgba(0,0,0,0)", line=dict(color=BLUE, width=2)),
    )
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_xaxes(title=weight)
    fig.update_yaxes(title=count)
    return layout(fig, title, height=320)


def confusion_figure(
    true: np.ndarray,
    predicted: np.ndarray,
    digits,
    title: str = "Confusion matrix",
    predicted_title: str = "predicted",
    true_title: str = "true digit",
    hover: str = "true %{y}, said %{x}: %{z}",
) -> go.Figure:
    """Counts of (true, said); mistakes in orange-to-red, so that even one shows clearly,
    the diagonal (right answers) in light grey with its count."""
    k = len(digits)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (true, predicted), 1)
    labels = [str(d) for d in digits]
    diagonal = np.eye(k, dtype=bool)
    mistakes = np.where(~diagonal & (counts > 0), counts, np.nan)
    right = np.where(diagonal, counts, np.nan)
    top = max(np.nanmax(mistakes) if np.isfinite(mistakes).any() else 1, 1)
    hovertemplate = hover + "<extra></extra>"
    fig = go.Figure()
    fig.add_heatmap(
        z=right,
        x=labels,
        y=labels,
        colorscale=[[0, "#E8E8E8"], [1, "#E8E8E8"]],
        showscale=False,
        texttemplate="%{z}",
        textfont=dict(size=FONT_SIZE, color="#000000"),
        hovertemplate=hovertemplate,
        hoverongaps=False,
    )
    fig.add_heatmap(
        z=mistakes,
        x=labels,
        y=labels,
        zmin=0,
        zmax=top,
        showscale=False,
        hoverongaps=False,
        colorscale=[[0, "#F9C98F"], [0.5, ORANGE], [1, VERMILLION]],
        texttemplate="%{z}",
        textfont=dict(size=FONT_SIZE, color="#000000"),
        hovertemplate=hovertemplate,
    )
    fig.update_xaxes(title=predicted_title, type="category", side="bottom")
    fig.update_yaxes(title=true_title, type="category", autorange="reversed")
    return layout(fig, title, height=460 if k > 2 else 300, plot_bgcolor="white")


def image_grid(images: np.ndarray, columns: int, gap: int = 2, fill: float = 0.0) -> np.ndarray:
    """Tile images (n, h, w) into one (rows·(h+gap)-gap, columns·(w+gap)-gap) array."""
    n, h, w = images.shape
    rows = max(1, -(-n // columns))
    grid = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), fill, dtype=np.float64)
    for index, image in enumerate(images):
        r, c = divmod(index, columns)
        grid[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = image
    return grid


def filters_grid(W1: np.ndarray, image_shape, columns: int, per_filter: bool) -> np.ndarray:
    """W1 (hidden, pixels) as a grid of images, NaN gaps; optionally each scaled to ±1."""
    filters = W1.astype(np.float64).reshape(len(W1), *image_shape)
    if per_filter:
        filters = filters / np.maximum(np.abs(filters).max(axis=(1, 2), keepdims=True), 1e-12)
    return image_grid(filters, columns, gap=1, fill=np.nan)


def weights_heatmap(
    grid: np.ndarray, title: str, zmax: float | None = None, height: int = 420, colorbar: bool = True
) -> go.Figure:
    """A grid of filters on a diverging scale centred on zero (red +, blue -)."""
    zmax = zmax or float(np.nanmax(np.abs(grid))) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            colorscale="RdBu_r",
            zmid=0,
            zmin=-zmax,
            zmax=zmax,
            showscale=colorbar,
            hoverongaps=False,
            hovertemplate="row %{y}, col %{x}: %{z:.4f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", scaleanchor="x")
    return _bare_axes(layout(fig, title, height=height, plot_bgcolor="white"))


def image_heatmap(
    image: np.ndarray,
    title: str,
    show_values: bool = False,
    height: int = 420,
    colorscale: str = "gray",
    zmin=None,
    zmax=None,
) -> go.Figure:
    fig = go.Figure(
        go.Heatmap(
            z=image,
            colorscale=colorscale,
            showscale=False,
            zmin=zmin,
            zmax=zmax,
            text=image if show_values else None,
            texttemplate="%{text}" if show_values else None,
            textfont=dict(size=7),
            hovertemplate="row %{y}, col %{x}: %{z}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", scaleanchor="x")
    return _bare_axes(layout(fig, title, height=height))


def _bare_axes(fig: go.Figure) -> go.Figure:
    """A picture's axes: no ticks, labels, grid or zero line, only the picture."""
    for update in (fig.update_xaxes, fig.update_yaxes):
        update(showticklabels=False, ticks="", showgrid=False, zeroline=False, showline=False)
    return fig


def bar_figure(
    labels, values, title: str, highlight: int | None = None, y_title: str = "", height: int = 320, y_range=None
) -> go.Figure:
    colors = [VERMILLION if i == highlight else BLUE for i in range(len(values))]
    fig = go.Figure(go.Bar(x=[str(label) for label in labels], y=values, marker_color=colors))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=y_title, range=y_range)
    return layout(fig, title, height=height)


RUN_COLOURS = (BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE, "#000000")  # Okabe–Ito, in order
RUN_SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x", "star", "cross")
RUN_DASHES = ("solid", "dash", "dot", "dashdot")


def runs_figure(
    runs, title: str, y_title: str, x_title: str, log_y: bool = False, min_span: float | None = None
) -> go.Figure:
    """One line per run: runs are (name, x, y) triples (Compare's overlaid curves).

    Each run its own Okabe–Ito colour, marker and dash (told apart without colour too).
    min_span: the y axis shows at least this much (accuracy in %: 99.82 against 99.96 must
    not fill the chart as if it were 0 against 100), ending at 100 when the data are near it.
    """
    fig = go.Figure()
    for index, (name, x, y) in enumerate(runs):
        fig.add_scatter(
            x=x,
            y=y,
            mode="lines+markers" if len(x) < 30 else "lines",
            name=name,
            line=dict(color=RUN_COLOURS[index % len(RUN_COLOURS)], dash=RUN_DASHES[index % len(RUN_DASHES)], width=3),
            marker=dict(symbol=RUN_SYMBOLS[index % len(RUN_SYMBOLS)], size=9),
        )
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(
        title=y_title,
        type="log" if log_y else None,
        dtick=1 if log_y else None,
        exponentformat="power" if log_y else None,
        range=_span_at_least([v for _, _, y in runs for v in y], min_span) if min_span else None,
    )
    return layout(fig, title, height=420)


def _span_at_least(values, span: float, top: float = 100.0) -> list[float] | None:
    """A [low, high] axis range holding values and at least span wide, not above top."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return None
    low, high = min(finite), max(finite)
    if high - low >= span:
        return None  # the data's own range says enough
    high = min(top + span * 0.02, max(high + span * 0.1, low + span))
    return [high - span * 1.04, high]


def counts_figure(digits, train_counts, test_counts, title: str, y_title: str, train: str, test: str) -> go.Figure:
    """Images per digit, train and test side by side."""
    labels = [str(d) for d in digits]
    fig = go.Figure()
    fig.add_bar(x=labels, y=train_counts, name=train, marker_color=BLUE)
    fig.add_bar(x=labels, y=test_counts, name=test, marker_color=VERMILLION, marker_pattern_shape="/")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=y_title)
    return layout(fig, title, barmode="group", showlegend=True)


def w2_heatmap(
    W2: np.ndarray, digits, title: str, x_title: str, y_title: str, hover: str = "neuron %{x} → digit %{y}: %{z:.3f}"
) -> go.Figure:
    """W2 (digits, hidden): which hidden neuron votes for which digit (red for, blue against)."""
    zmax = float(np.abs(W2).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=W2,
            x=[str(j) for j in range(W2.shape[1])],
            y=[str(d) for d in digits],
            colorscale="RdBu_r",
            zmid=0,
            zmin=-zmax,
            zmax=zmax,
            hovertemplate=hover + "<extra></extra>",
        )
    )
    fig.update_xaxes(title=x_title, type="category")
    fig.update_yaxes(title=y_title, type="category")
    return layout(fig, title, height=220 + 25 * len(digits))


def timeline_figure(
    frames: list[np.ndarray],
    epochs: list[float],
    title: str,
    play: str,
    pause: str,
    epoch_label: str,
    zmax: float,
    height: int,
) -> go.Figure:
    """Filter grids (one per snapshot) as a Plotly animation with ▶/⏸ and an epoch slider."""
    fig = weights_heatmap(frames[0], title, zmax=zmax, height=height)
    fig.frames = [go.Frame(data=[go.Heatmap(z=z)], name=str(i)) for i, z in enumerate(frames)]
    fig.update_layout(
        updatemenus=[
            dict(
                type="buttons",
                x=0,
                y=-0.02,
                xanchor="left",
                yanchor="top",
                buttons=[
                    dict(
                        label=play,
                        method="animate",
                        args=[None, dict(frame=dict(duration=250, redraw=True), fromcurrent=True)],
                    ),
                    dict(
                        label=pause,
                        method="animate",
                        args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")],
                    ),
                ],
            )
        ],
        sliders=[
            dict(
                x=0.2,
                len=0.8,
                y=-0.02,
                currentvalue=dict(prefix=epoch_label + " "),
                steps=[
                    dict(
                        label=f"{epoch:.2f}",
                        method="animate",
                        args=[[str(i)], dict(mode="immediate", frame=dict(duration=0, redraw=True))],
                    )
                    for i, epoch in enumerate(epochs)
                ],
            )
        ],
    )
    return fig


def histogram_figure(counts: np.ndarray, title: str, x_title: str, y_title: str) -> go.Figure:
    """Pixel values 0-255 and how often each occurs, on a log count axis."""
    fig = bar_figure(list(range(len(counts))), counts, title, y_title=y_title, height=300)
    fig.update_xaxes(type="linear", title=x_title)
    fig.update_yaxes(type="log", dtick=1, exponentformat="power")
    fig.update_traces(marker_line_width=0)
    return fig


def vector_figure(vector: np.ndarray, title: str, x_title: str, y_title: str) -> go.Figure:
    """An image's 784 pixels side by side, as the network's input X."""
    fig = bar_figure(list(range(len(vector))), vector, title, y_title=y_title, height=300)
    fig.update_xaxes(type="linear", title=x_title)
    fig.update_traces(marker_line_width=0)
    return fig
