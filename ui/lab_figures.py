"""The Lab's and Stress's figures, pure: arrays and translated words in, figure out. The knock-out
bars, per-digit accuracy and the confusion matrix (redrawn after every edit: built once as a spec,
each call only putting its numbers in), the robustness curves, the confidence threshold, the
points map and its forming over training.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from nnlib import lab
from nnlib.damage import KINDS
from ui import charts
from ui.charts import BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION, image_heatmap, layout, timeline_figure
from ui.network_figures import selected_customdata

# Okabe–Ito's eight colours (black and yellow included) and a marker shape per digit, so two
# digits never share both colour and shape.
DIGIT_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, "#000000", "#F0E442", BLUE, ORANGE)
DIGIT_SYMBOLS = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "x",
    "cross",
)
KIND_STYLES = {
    "noise": dict(color=BLUE, dash="solid", symbol="circle"),
    "rotation": dict(color=VERMILLION, dash="dash", symbol="diamond"),
    "thin": dict(color=GREEN, dash="dot", symbol="triangle-up"),
    "bold": dict(color=ORANGE, dash="dashdot", symbol="square"),
    "blur": dict(color=SKY, dash="longdash", symbol="cross"),
    "shift": dict(color=PURPLE, dash="longdashdot", symbol="x"),
}


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_knockout_figure(key: str, _losses: np.ndarray, title: str, y_title: str) -> go.Figure:
    """knockout_figure of a model's losses, built once per model and language: an edit does
    not change it. Shared: pages only show it, never change it."""
    return knockout_figure(_losses, title, y_title)


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_image_figure(image: np.ndarray, title: str, height: int) -> go.Figure:
    """charts.image_heatmap of one image (hashed by its pixels), built once: an edit does not
    change the image. Shared: pages only show it, never change it."""
    return image_heatmap(image, title, height=height)


def knockout_figure(losses: np.ndarray, title: str, y_title: str, top: int = 40, height: int = 360) -> go.Figure:
    """The top neurons by accuracy lost when switched off alone (in points), largest first;
    title "" leaves the title to the page (text that wraps on a phone)."""
    order = np.argsort(-losses, kind="stable")[:top]
    fig = go.Figure(
        go.Bar(
            x=[f"n{j}" for j in order],
            y=100 * losses[order],
            marker_color=BLUE,
            customdata=order,
            hovertemplate="neuron %{customdata}: −%{y:.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category", tickfont=dict(size=12))
    fig.update_yaxes(title=y_title)
    fig = layout(fig, title, height=height)
    if not title:  # titled by the page's own text: no room kept for one
        fig.update_layout(margin=dict(t=10))
    return fig


def per_digit_figure(digits, before, after, title: str, before_name: str, after_name: str) -> go.Figure:
    """Per-digit accuracy (class_count,) each, original and edited, side by side (hatched =
    edited). Drawn after every edit: the figure is built once per digits and words and each call
    only puts its numbers in (plotly's checks cost ~20 ms CPU a figure)."""
    before, after = 100 * np.asarray(before, dtype=float), 100 * np.asarray(after, dtype=float)
    low = float(np.nanmin(np.concatenate([before, after])))
    spec = per_digit_spec(tuple(str(d) for d in digits), title, before_name, after_name)
    return with_values(spec, {0: dict(y=before), 1: dict(y=after)}, yaxis=dict(range=[max(0.0, low - 5), 100.5]))


@st.cache_resource(show_spinner=False, max_entries=16)
def per_digit_spec(labels: tuple[str, ...], title: str, before_name: str, after_name: str) -> dict:
    """per_digit_figure's figure without its numbers, as a dict; shared, never changed."""
    fig = go.Figure()
    fig.add_bar(x=labels, y=np.zeros(len(labels)), name=before_name, marker_color=GREY)
    fig.add_bar(x=labels, y=np.zeros(len(labels)), name=after_name, marker=dict(color=VERMILLION, pattern_shape="/"))
    fig.update_yaxes(ticksuffix="%")
    fig.update_xaxes(type="category")
    return fixed_margins(layout(fig, title, height=340, barmode="group"), left=60, bottom=40).to_dict()


def confusion_figure(true: np.ndarray, predicted: np.ndarray, digits, words: tuple[str, ...]) -> go.Figure:
    """charts.confusion_figure of the edited network's answers (m,), drawn after every edit: that
    figure built once per digits and words (words: its title, axis titles and hover), each call
    only putting its counts in. Right answers on the diagonal, mistakes coloured up to the most
    frequent one."""
    k = len(digits)
    counts = lab.confusion(predicted, true, k)
    diagonal = np.eye(k, dtype=bool)
    mistakes = np.where(~diagonal & (counts > 0), counts, np.nan)
    top = max(np.nanmax(mistakes) if np.isfinite(mistakes).any() else 1, 1)
    spec = confusion_spec(tuple(digits), words)
    return with_values(spec, {0: dict(z=np.where(diagonal, counts, np.nan)), 1: dict(z=mistakes, zmax=top)})


@st.cache_resource(show_spinner=False, max_entries=16)
def confusion_spec(digits: tuple, words: tuple[str, ...]) -> dict:
    """confusion_figure's figure without its counts, as a dict; shared, never changed."""
    nothing = np.zeros(0, dtype=int)
    return fixed_margins(charts.confusion_figure(nothing, nothing, digits, *words), left=55, bottom=60).to_dict()


def fixed_margins(fig: go.Figure, left: int, bottom: int) -> go.Figure:
    """fig with margins fixed, wide enough for its tick labels and axis titles: Plotly sizes
    automatic margins by drawing the figure twice, and the Lab draws these two anew on every edit."""
    fig.update_xaxes(automargin=False)
    fig.update_yaxes(automargin=False)
    return fig.update_layout(margin=dict(l=left, b=bottom))


def with_values(spec: dict, traces: dict[int, dict], **layout_parts: dict) -> go.Figure:
    """The figure spec describes (a figure's dict: not changed) with some traces' keys and some
    layout parts' keys set to new values, which plotly takes as they are, unchecked (~1 ms
    instead of ~5 for a figure built anew).

    traces: {trace index: {key: value}}; layout_parts: {part, e.g. "yaxis": {key: value}}."""
    data = [{**trace, **traces.get(index, {})} for index, trace in enumerate(spec["data"])]
    parts = {name: {**spec["layout"].get(name, {}), **values} for name, values in layout_parts.items()}
    return go.Figure(dict(data=data, layout={**spec["layout"], **parts}), _validate=False)


def robustness_figure(by_kind: dict, kind_names: dict, x_title: str, title: str) -> go.Figure:
    """Accuracy against damage level for one model, one line per kind (colour, dash and marker
    each tell the kinds apart); the hover says the strength in the kind's unit."""
    fig = go.Figure()
    for kind, accuracies in by_kind.items():
        style, spec = KIND_STYLES[kind], KINDS[kind]
        fig.add_scatter(
            x=list(range(len(accuracies))),
            y=100 * np.asarray(accuracies),
            mode="lines+markers",
            name=kind_names[kind],
            line=dict(color=style["color"], dash=style["dash"], width=3),
            marker=dict(symbol=style["symbol"], size=9),
            customdata=[f"{s:g} {spec.unit}" for s in spec.strengths],
            hovertemplate=kind_names[kind] + " %{customdata}: %{y:.1f}%<extra></extra>",
        )
    fig.update_yaxes(ticksuffix="%", range=[0, 100.5])
    fig.update_xaxes(title=x_title, dtick=1)
    layout(fig, title, height=480)
    fig.update_layout(legend=dict(y=-0.25, yanchor="top"), margin=dict(b=20))  # under the plot: titles stay clear
    return fig


def threshold_figure(thresholds, answered, accuracy, chosen: float, words: dict) -> go.Figure:
    """Coverage and accuracy on the answered images against the confidence threshold."""
    fig = go.Figure()
    fig.add_scatter(x=thresholds, y=100 * answered, name=words["answered"], line=dict(color=BLUE, width=3))
    fig.add_scatter(
        x=thresholds, y=100 * accuracy, name=words["accuracy"], line=dict(color=VERMILLION, width=3, dash="dash")
    )
    fig.add_vline(x=chosen, line=dict(color="#555555", width=2, dash="dot"))
    fig.update_xaxes(title=words["threshold"], range=[0, 1])
    fig.update_yaxes(ticksuffix="%")
    return layout(fig, words["title"], height=360)


def map_figure(xy: np.ndarray, classes, answers, digits, words: dict, height: int = 560) -> go.Figure:
    """Every image a point, coloured and shaped by its digit; mistakes ringed in black.

    Each point carries customdata [image index] for st.plotly_chart's selection."""
    fig = go.Figure()
    index = np.arange(len(classes))
    for c, digit in enumerate(digits):
        mine = classes == c
        fig.add_scatter(
            x=xy[mine, 0],
            y=xy[mine, 1],
            mode="markers",
            name=str(digit),
            customdata=index[mine],
            marker=dict(color=DIGIT_COLOURS[c % 10], symbol=DIGIT_SYMBOLS[c % 10], size=7, opacity=0.8),
            unselected=dict(marker=dict(opacity=0.8)),  # a click shows one image; it does not fade the rest
            hovertemplate=words["hover"].format(digit=digit) + "<extra></extra>",
        )
    wrong = classes != answers
    fig.add_scatter(
        x=xy[wrong, 0],
        y=xy[wrong, 1],
        mode="markers",
        name=words["mistakes"],
        customdata=index[wrong],
        marker=dict(color="rgba(0,0,0,0)", size=13, line=dict(color="#000000", width=2), symbol="circle-open"),
        hovertemplate=words["mistake_hover"] + "<extra></extra>",
    )
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    layout(fig, words["title"], height=height, plot_bgcolor="white", clickmode="event+select")
    fig.update_layout(legend=dict(orientation="v", x=1.0, xanchor="left", y=1.0, yanchor="top"))
    return fig


def clicked_index(event) -> int | None:
    """The image index of the point a st.plotly_chart selection picked, or None."""
    for custom in selected_customdata(event):
        if isinstance(custom, (list, tuple)):
            custom = custom[0] if custom else None
        if isinstance(custom, (int, float)):
            return int(custom)
    return None


def forming_figure(maps: list[np.ndarray], classes, digits, epochs, words: dict, height: int = 560) -> go.Figure:
    """The first hidden layer's map at each snapshot as a Plotly animation (▶/⏸ and a slider),
    one trace per digit, the axes fixed to hold every frame."""
    every = np.concatenate(maps)
    pad = 0.05 * (every.max(axis=0) - every.min(axis=0))
    low, high = every.min(axis=0) - pad, every.max(axis=0) + pad

    def traces(xy):
        return [
            go.Scatter(
                x=xy[classes == c, 0],
                y=xy[classes == c, 1],
                mode="markers",
                name=str(digit),
                marker=dict(color=DIGIT_COLOURS[c % 10], symbol=DIGIT_SYMBOLS[c % 10], size=6, opacity=0.8),
                hoverinfo="skip",
            )
            for c, digit in enumerate(digits)
        ]

    fig = go.Figure(data=traces(maps[0]), frames=[go.Frame(data=traces(xy), name=str(i)) for i, xy in enumerate(maps)])
    layout(fig, words["title"], height=height, plot_bgcolor="white")
    fig.update_xaxes(range=[low[0], high[0]], showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(range=[low[1], high[1]], showticklabels=False, showgrid=False, zeroline=False)
    # the Weights timeline's own ▶/⏸ and epoch slider, taken from a figure of empty frames
    controls = timeline_figure(
        [np.zeros((1, 1))] * len(maps), list(epochs), "", words["play"], words["pause"], words["epoch"], 1.0, height
    ).layout
    fig.update_layout(
        legend=dict(orientation="v", x=1.0, xanchor="left", y=1.0, yanchor="top"),
        updatemenus=controls.updatemenus,
        sliders=controls.sliders,
    )
    return fig
