"""Plotly figures for the pages: pure functions of arrays, so tests can read them."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .common import image_grid
from .i18n import t

MAX_LINE_POINTS = 400  # a live chart stays light however many batches there are
FONT = dict(size=16)   # readable on a projector


def layout(fig: go.Figure, title: str, height: int = 360, **extra) -> go.Figure:
    fig.update_layout(title=title, height=height, font=FONT, margin=dict(l=10, r=10, t=50, b=10),
                      legend=dict(orientation="h", y=-0.2), **extra)
    return fig


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


def thin(x: np.ndarray, *ys: np.ndarray, limit: int = MAX_LINE_POINTS):
    """Keep at most limit evenly spaced points (always the last)."""
    if len(x) <= limit:
        return (x, *ys)
    keep = np.unique(np.linspace(0, len(x) - 1, limit).round().astype(int))
    return (x[keep], *(y[keep] for y in ys))


def loss_figure(history) -> go.Figure:
    """Per-batch loss (raw and smoothed) and per-evaluation train/test loss, by epoch."""
    fig = go.Figure()
    epochs = np.asarray(history.batch_epochs, dtype=float)
    losses = np.asarray(history.batch_losses, dtype=float)
    if len(losses):
        smoothed = smooth(losses, max(5, len(losses) // 50))
        x, raw, smooth_line = thin(epochs, losses, smoothed)
        fig.add_scatter(x=x, y=raw, mode="lines", name=t("batch loss"), line=dict(color="#c9d3e0", width=1))
        fig.add_scatter(x=x, y=smooth_line, mode="lines", name=t("batch loss (smoothed)"),
                        line=dict(color="#1f4e99", width=3))
    evaluations = history.evaluations
    if evaluations:
        ex = [e.epoch for e in evaluations]
        fig.add_scatter(x=ex, y=[e.train_loss for e in evaluations], mode="lines+markers",
                        name=t("train loss"), line=dict(color="#2b8a3e"))
        fig.add_scatter(x=ex, y=[e.test_loss for e in evaluations], mode="lines+markers",
                        name=t("test loss"), line=dict(color="#d6336c"))
    fig.update_xaxes(title=t("epoch"))
    fig.update_yaxes(title=t("cross-entropy loss"), type="log")
    return layout(fig, t("Loss"))


def accuracy_figure(history) -> go.Figure:
    fig = go.Figure()
    evaluations = history.evaluations
    ex = [e.epoch for e in evaluations]
    fig.add_scatter(x=ex, y=[100 * e.train_accuracy for e in evaluations], mode="lines+markers",
                    name=t("train accuracy"), line=dict(color="#2b8a3e"))
    fig.add_scatter(x=ex, y=[100 * e.test_accuracy for e in evaluations], mode="lines+markers",
                    name=t("test accuracy"), line=dict(color="#d6336c"))
    fig.update_xaxes(title=t("epoch"))
    fig.update_yaxes(title=t("accuracy (%)"), ticksuffix="%")
    return layout(fig, t("Accuracy"))


def confusion_figure(true: np.ndarray, predicted: np.ndarray, digits) -> go.Figure:
    k = len(digits)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (true, predicted), 1)
    labels = [str(d) for d in digits]
    fig = go.Figure(go.Heatmap(z=counts, x=labels, y=labels, colorscale="Blues", showscale=False,
                               text=counts, texttemplate="%{text}",
                               hovertemplate=t("true %{y}, said %{x}: %{z}") + "<extra></extra>"))
    fig.update_xaxes(title=t("predicted"), type="category")
    fig.update_yaxes(title=t("true digit"), type="category", autorange="reversed")
    return layout(fig, t("Confusion matrix"), height=420 if k > 2 else 300)


def filters_grid(W1: np.ndarray, image_shape, columns: int, per_filter: bool) -> np.ndarray:
    """W1 (hidden, pixels) as a grid of images, NaN gaps; optionally each scaled to ±1."""
    filters = W1.astype(np.float64).reshape(len(W1), *image_shape)
    if per_filter:
        filters = filters / np.maximum(np.abs(filters).max(axis=(1, 2), keepdims=True), 1e-12)
    return image_grid(filters, columns, gap=1, fill=np.nan)


def weights_heatmap(grid: np.ndarray, title: str, zmax: float | None = None, height: int = 420,
                    colorbar: bool = True) -> go.Figure:
    """A grid of filters on a diverging scale centred on zero (red +, blue -)."""
    zmax = zmax or float(np.nanmax(np.abs(grid))) or 1.0
    fig = go.Figure(go.Heatmap(z=grid, colorscale="RdBu_r", zmid=0, zmin=-zmax, zmax=zmax,
                               showscale=colorbar, hoverongaps=False,
                               hovertemplate="row %{y}, col %{x}: %{z:.4f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", showticklabels=False, scaleanchor="x")
    fig.update_xaxes(showticklabels=False)
    return layout(fig, title, height=height, plot_bgcolor="white")


def image_heatmap(image: np.ndarray, title: str, show_values: bool = False, height: int = 420,
                  colorscale: str = "gray", zmin=None, zmax=None) -> go.Figure:
    fig = go.Figure(go.Heatmap(z=image, colorscale=colorscale, showscale=False, zmin=zmin, zmax=zmax,
                               text=image if show_values else None,
                               texttemplate="%{text}" if show_values else None,
                               textfont=dict(size=7),
                               hovertemplate="row %{y}, col %{x}: %{z}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showticklabels=False)
    fig.update_xaxes(showticklabels=False)
    return layout(fig, title, height=height)


def bar_figure(labels, values, title: str, highlight: int | None = None, y_title: str = "",
               height: int = 320, y_range=None) -> go.Figure:
    colors = ["#d6336c" if i == highlight else "#1f4e99" for i in range(len(values))]
    fig = go.Figure(go.Bar(x=[str(label) for label in labels], y=values, marker_color=colors))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=y_title, range=y_range)
    return layout(fig, title, height=height)
