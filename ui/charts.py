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

from ui.chart_style import (  # noqa: F401 (shared with the modules that import them from here)
    BLUE,
    FONT_SIZE,
    GREEN,
    GREY,
    MAX_LINE_POINTS,
    MAX_LOSS_DECADES,
    ORANGE,
    PURPLE,
    SKY,
    STATIC_CONFIG,
    TEST_STYLE,
    TRAIN_STYLE,
    VALIDATION_STYLE,
    VERMILLION,
    bare_axes,
    empty_figure,
    layout,
)
from ui.picture_charts import (  # noqa: F401 (the pages reach every figure as ui.charts.NAME)
    bar_figure,
    confusion_figure,
    filters_grid,
    histogram_figure,
    image_grid,
    image_heatmap,
    vector_figure,
    w2_heatmap,
    weights_heatmap,
)


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
