"""Plotly figures of what the network does with one image: one neuron's sum taken apart, and
the input-gradient pictures (saliency, fool, dream). Pure, as ui/charts.py."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlib.insight import NeuronSum

from .chart_style import FONT_SIZE, GREY, VERMILLION, layout
from .network_figures import ACTIVATION_SCALE, NEGATIVE, POSITIVE
from .picture_charts import pixel_map


def neuron_sum_figure(parts: NeuronSum, title: str, previous_name: str, height: int = 380) -> go.Figure:
    """One neuron's terms: for layer 1, W1[j] ⊙ X as a map (square input); for later
    layers, a bar per neuron i of the previous layer, W_l[j, i]·A_l-1[i]."""
    terms = parts.terms
    side = int(round(np.sqrt(len(terms))))
    if parts.layer == 1 and side * side == len(terms):
        largest = float(np.abs(terms).max()) or 1.0
        fig = go.Figure(pixel_map(terms.reshape(side, side), ACTIVATION_SCALE, -largest, largest, 0, True, ":+.5f"))
        fig.update_yaxes(autorange="reversed", scaleanchor="x", visible=False)
        fig.update_xaxes(visible=False)
        return layout(fig, title, height=height, plot_bgcolor="white")
    colours = [POSITIVE if v >= 0 else NEGATIVE for v in terms]
    fig = go.Figure(go.Bar(x=np.arange(len(terms)), y=terms, marker_color=colours))
    fig.update_xaxes(title=previous_name)
    return layout(fig, title, height=height, plot_bgcolor="white")


def _image_panel(fig, image, row, col, scale="gray", zmin=0.0, zmax=1.0, zmid=None):
    fig.add_trace(pixel_map(image, scale, zmin, zmax, zmid), row=row, col=col)


def _square_panels(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_yaxes(autorange="reversed", visible=False)
    fig.update_xaxes(visible=False)
    for index in range(1, len(fig.layout.annotations) + 1):  # every panel square
        suffix = "" if index == 1 else str(index)
        fig.layout[f"yaxis{suffix}"].scaleanchor = f"x{suffix}"
    fig = layout(fig, title, height=height, plot_bgcolor="white")
    fig.update_annotations(font=dict(size=FONT_SIZE))
    return fig


def saliency_figure(image: np.ndarray, saliency: np.ndarray, title: str, titles: tuple[str, str], height=360):
    """The input (side, side) and its saliency map (same shape): red where more ink would
    raise the class, blue where it would lower it."""
    fig = make_subplots(1, 2, subplot_titles=titles, horizontal_spacing=0.04)
    _image_panel(fig, image, 1, 1)
    largest = float(np.abs(saliency).max()) or 1.0
    _image_panel(fig, saliency, 1, 2, ACTIVATION_SCALE, -largest, largest, 0.0)
    return _square_panels(fig, title, height)


def fool_figure(
    original: np.ndarray, change: np.ndarray, fooled: np.ndarray, title: str, titles: tuple[str, str, str], height=360
):
    """Three images (side, side): the input, the change (on its own scale, so a change of a
    few levels is visible: amplified), and the fooled input."""
    fig = make_subplots(1, 3, subplot_titles=titles, horizontal_spacing=0.03)
    _image_panel(fig, original, 1, 1)
    largest = float(np.abs(change).max()) or 1.0
    _image_panel(fig, change, 1, 2, ACTIVATION_SCALE, -largest, largest, 0.0)
    _image_panel(fig, fooled, 1, 3)
    return _square_panels(fig, title, height)


def dream_figure(image: np.ndarray, title: str, height: int = 340) -> go.Figure:
    """A dreamed image (side, side) in [0, 1], shown on its own brightness scale."""
    fig = go.Figure(pixel_map(image, "gray", 0, max(float(image.max()), 1e-6)))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", visible=False)
    fig.update_xaxes(visible=False)
    return layout(fig, title, height=height, plot_bgcolor="white")


def probabilities_figure(names, before, after, title: str, before_name: str, after_name: str, height=300):
    """Two sets of class probabilities side by side (before and after fooling)."""
    labels = [str(n) for n in names]
    fig = go.Figure(
        [
            go.Bar(x=labels, y=before, name=before_name, marker_color=GREY),
            go.Bar(x=labels, y=after, name=after_name, marker_color=VERMILLION, marker_pattern_shape="/"),
        ]
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(range=[0, 1])
    return layout(fig, title, height=height, barmode="group")
