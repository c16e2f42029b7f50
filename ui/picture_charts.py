"""Figures of pictures, weights and tables of numbers: image grids, filters, heatmaps, the confusion
matrix, bars and histograms (pure, as ui.charts)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.chart_style import BLUE, FONT_SIZE, ORANGE, VERMILLION, bare_axes, layout


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


def pixel_map(z: np.ndarray, colorscale="gray", zmin=None, zmax=None, zmid=None, colorbar=False, value=":.3f", **extra):
    """A picture-shaped heatmap trace (rows, cols) whose hover names the pixel and its value
    (value: the number format, "" for as it is); extra goes to go.Heatmap as it is."""
    return go.Heatmap(
        z=z,
        colorscale=colorscale,
        zmin=zmin,
        zmax=zmax,
        zmid=zmid,
        showscale=colorbar,
        hovertemplate=f"row %{{y}}, col %{{x}}: %{{z{value}}}<extra></extra>",
        **extra,
    )


def weights_heatmap(
    grid: np.ndarray, title: str, zmax: float | None = None, height: int = 420, colorbar: bool = True
) -> go.Figure:
    """A grid of filters on a diverging scale centred on zero (red +, blue -)."""
    zmax = zmax or float(np.nanmax(np.abs(grid))) or 1.0
    trace = pixel_map(grid, "RdBu_r", -zmax, zmax, zmid=0, colorbar=colorbar, value=":.4f", hoverongaps=False)
    fig = go.Figure(trace)
    fig.update_yaxes(autorange="reversed", scaleanchor="x")
    return bare_axes(layout(fig, title, height=height, plot_bgcolor="white"))


def image_heatmap(
    image: np.ndarray,
    title: str,
    show_values: bool = False,
    height: int = 420,
    colorscale: str = "gray",
    zmin=None,
    zmax=None,
) -> go.Figure:
    values = dict(text=image, texttemplate="%{text}") if show_values else {}
    fig = go.Figure(pixel_map(image, colorscale, zmin, zmax, value="", textfont=dict(size=7), **values))
    fig.update_yaxes(autorange="reversed", scaleanchor="x")
    return bare_axes(layout(fig, title, height=height))


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


def bar_figure(
    labels, values, title: str, highlight: int | None = None, y_title: str = "", height: int = 320, y_range=None
) -> go.Figure:
    colors = [VERMILLION if i == highlight else BLUE for i in range(len(values))]
    fig = go.Figure(go.Bar(x=[str(label) for label in labels], y=values, marker_color=colors))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=y_title, range=y_range)
    return layout(fig, title, height=height)
