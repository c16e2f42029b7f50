"""Plotly figures of the network's inside: the network as a diagram whose neurons can be
clicked (one neuron's sum and the input-gradient pictures are in ui/insight_figures.py).

Pure functions in the manner of ui/charts.py: arrays, nnlib objects and already-translated
words in, a figure out; no Streamlit, no translator. The diagram's nodes carry
customdata [layer, neuron], so a page that shows it with
``st.plotly_chart(fig, on_select="rerun", selection_mode="points")`` learns which neuron
was clicked (``clicked_neuron``).

    fig = network_diagram(network, X)                        # English words, any network
    fig = network_diagram(network, X, words, class_names=digits, cache=cache, selected=(1, 3))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnlib.insight import DIAGRAM_NEURONS, Diagram, diagram
from nnlib.network import Network

from .charts import BLUE, FONT_SIZE, VERMILLION

EDGE_WIDTHS = (1.0, 2.5, 4.5, 7.0)  # line widths for the four bins of |contribution|
LAYER_GAP = 1.0  # horizontal distance between two columns of neurons
NODE_SIZE = 30
LABEL_ROOM = 0.9  # room right of the outputs for "7  100%" (in layer gaps), whole on a phone's 360 px too
POSITIVE, NEGATIVE = VERMILLION, BLUE  # the weights' red +, blue − (as the W1 heatmaps)
TITLE_MIDDLE_PX = 38  # the title's middle, from the figure's top (its top margin is 80 px)
TITLE_WIDTH = 30  # the title's line length in Latin letters: a phone's ~360 px at the title's font
ACTIVATION_SCALE = "RdBu_r"  # nodes: blue (−) · white (0) · red (+)


@dataclass(frozen=True)
class DiagramWords:
    """The diagram's words, already translated; {placeholders} are filled here."""

    title: str = "The network for this input"
    input: str = "input 28×28"
    hidden: str = "layer {layer}"
    output: str = "output"
    partial: str = "{shown} of {size}"  # short: on a phone the columns are 70 px apart
    node_hover: str = "layer {layer}, neuron {neuron}<br>Z = {Z:+.4f}<br>A = {A:.4f}"
    edge_note: str = "line: activation × weight (red +, blue −; wider = more)"


def network_diagram(
    network: Network,
    X: np.ndarray,
    words: DiagramWords = DiagramWords(),
    class_names=None,
    cache: dict | None = None,
    max_neurons: int = DIAGRAM_NEURONS,
    selected: tuple[int, int] | None = None,
    height: int = 480,
) -> go.Figure:
    """The network for one input X (pixels, 1): the input as its image, then every layer.

    Nodes are coloured by activation and clickable (customdata [layer, neuron]);
    lines show activation × weight. class_names label the outputs (default 0, 1, …);
    cache: X's forward pass if already done; selected: (layer, neuron) to ring.
    """
    data = diagram(network, X, cache=cache, max_neurons=max_neurons)
    return diagram_figure(data, words, class_names, selected, height)


def diagram_figure(
    data: Diagram, words: DiagramWords = DiagramWords(), class_names=None, selected=None, height: int = 480
) -> go.Figure:
    """The figure of an nnlib.insight.Diagram (see network_diagram).

    Built as one plain dict and validated once: adding traces one by one costs
    Plotly several ms each, and the Draw page redraws this after every stroke.
    """
    count = len(data.layers) - 1
    names = list(class_names) if class_names is not None else list(range(data.layers[-1].size))
    positions = [_node_heights(len(layer.shown)) for layer in data.layers]
    traces = [_input_image(data.image)]
    for edges in data.edges:
        l = edges.layer
        # into layer 1, every line leaves the middle of the picture
        starts = np.full(len(data.layers[1].shown), 0.5) if l == 1 else positions[l - 1]
        traces += _edge_traces(edges.contribution, (l - 1) * LAYER_GAP, starts, l * LAYER_GAP, positions[l])
    for layer in data.layers[1:]:
        traces.append(_node_trace(layer, positions[layer.layer], words, names if layer.layer == count else None))
    traces += _ring(data, positions, selected)
    annotations = [
        dict(
            **_column_label(layer, count, words),
            x=layer.layer * LAYER_GAP,
            y=1.03,
            xref="x2",
            yref="y2",
            showarrow=False,
            yanchor="bottom",
        )
        for layer in data.layers[1:]
    ]
    # The input's label over its picture, lower than the layers' labels: on a phone they would overlap.
    annotations.append(
        dict(**_column_label(data.layers[0], count, words), x=0, y=1.02, xref="x", yref="y", xanchor="left")
        | dict(showarrow=False, yanchor="bottom")
    )
    annotations.append(
        dict(
            text=words.edge_note,
            x=0,
            y=0,
            xref="paper",
            yref="paper",
            showarrow=False,
            xanchor="left",
            font=dict(size=14),
        )
    )
    font = dict(size=FONT_SIZE)
    return go.Figure(
        dict(
            data=traces,
            layout=dict(
                title=dict(  # centred in the top margin: Plotly lifts a wrapped title above a "top" anchor
                    text=wrapped_title(words.title),
                    font=dict(size=FONT_SIZE + 4),
                    x=0,
                    xanchor="left",
                    y=1 - TITLE_MIDDLE_PX / height,
                    yanchor="middle",
                ),
                height=height,
                font=font,
                hoverlabel=dict(font=font),
                margin=dict(l=10, r=10, t=80, b=10),
                dragmode=False,
                clickmode="event+select",
                showlegend=False,
                plot_bgcolor="white",
                annotations=annotations,
                # the picture in axes of its own, kept square; the network beside it
                xaxis=dict(domain=[0, 0.18], visible=False, range=[0, 1], fixedrange=True),
                yaxis=dict(domain=[0.2, 0.8], visible=False, range=[0, 1], fixedrange=True, scaleanchor="x"),
                xaxis2=dict(
                    domain=[0.19, 1], visible=False, range=[-0.05, count * LAYER_GAP + LABEL_ROOM], fixedrange=True
                ),
                yaxis2=dict(domain=[0.06, 1], visible=False, range=[-0.04, 1.22], fixedrange=True),
            ),
        )
    )


def _node_heights(count: int) -> np.ndarray:
    """y of each shown neuron, top (index 0) to bottom, spread over [0, 1]."""
    if count == 1:
        return np.array([0.5])
    return 1 - (np.arange(count) + 0.5) / count


def _input_image(image: np.ndarray) -> dict:
    side = image.shape[0]
    return dict(
        type="heatmap",
        z=image[::-1],  # row 0 at the top
        x0=0.5 / side,
        dx=1 / side,
        y0=0.5 / side,
        dy=1 / side,
        colorscale="gray",
        showscale=False,
        hoverinfo="skip",
        xaxis="x",
        yaxis="y",
    )


def _edge_traces(contribution, x_from, y_from, x_to, y_to) -> list[dict]:
    """Lines into one layer, grouped into a few traces by sign and width (one trace per
    line would make a wide diagram slow to build and to draw)."""
    flows = np.atleast_2d(contribution)  # (k_to, k_from)
    largest = float(np.abs(flows).max()) or 1.0
    bins = np.minimum((np.abs(flows) / largest * len(EDGE_WIDTHS)).astype(int), len(EDGE_WIDTHS) - 1)
    traces = []
    for sign, colour in ((1, POSITIVE), (-1, NEGATIVE)):
        for b, width in enumerate(EDGE_WIDTHS):
            to_index, from_index = np.nonzero((np.sign(flows) == sign) & (bins == b))
            if len(to_index) == 0:
                continue
            xs = np.tile([x_from, x_to, None], len(to_index))
            ys = np.column_stack([y_from[from_index], y_to[to_index], np.full(len(to_index), None)]).ravel()
            traces.append(
                dict(
                    type="scatter",
                    x=xs,
                    y=ys,
                    mode="lines",
                    line=dict(color=colour, width=width),
                    opacity=0.35 + 0.15 * b,
                    hoverinfo="skip",
                    xaxis="x2",
                    yaxis="y2",
                )
            )
    return traces


def _node_trace(layer, heights, words: DiagramWords, names) -> dict:
    """One layer's shown neurons. Hidden ones on a scale of the layer's largest |A|
    (tanh, ReLU and sigmoid differ in range); outputs on a fixed 0-1 (probabilities)."""
    largest = 1.0 if names is not None else (float(np.abs(layer.A).max()) or 1.0)
    hover = [
        words.node_hover.format(layer=layer.layer, neuron=int(j), Z=float(z), A=float(a))
        for j, z, a in zip(layer.shown, layer.Z, layer.A)
    ]
    if names is not None:  # outputs: the class and how sure (its share of the outputs, as Draw's answer says)
        shares = output_shares(layer.A)
        text, position = [f"{names[int(j)]}  {share:.0%}" for j, share in zip(layer.shown, shares)], "middle right"
        text_colours = "#222222"
    else:  # the neuron's number on the node, white on a dark one
        text, position = [str(int(j)) for j in layer.shown], "middle center"
        text_colours = ["#FFFFFF" if abs(a) > 0.55 * largest else "#222222" for a in layer.A]
    return dict(
        type="scatter",
        x=np.full(len(layer.shown), layer.layer * LAYER_GAP),
        y=heights,
        mode="markers+text",
        text=text,
        textposition=position,
        textfont=dict(size=FONT_SIZE - 2 if names is None else FONT_SIZE, color=text_colours),
        cliponaxis=False,
        marker=dict(
            size=NODE_SIZE,
            color=layer.A,
            colorscale=ACTIVATION_SCALE,
            cmin=-largest,
            cmax=largest,
            line=dict(color="#333333", width=1),
        ),
        # plain lists: Plotly would send a NumPy array as a typed array, and a click back as a dict
        customdata=[[int(layer.layer), int(j)] for j in layer.shown],
        hovertext=hover,
        hoverinfo="text",
        xaxis="x2",
        yaxis="y2",
        selected=dict(marker=dict(opacity=1)),
        unselected=dict(marker=dict(opacity=1)),
    )


def output_shares(A: np.ndarray) -> np.ndarray:
    """Output activations as shares of their sum: a softmax's unchanged, two sigmoids' made to add up to 1
    (Network.output_probabilities, the numbers the Prediction and the bar chart show)."""
    total = float(np.sum(A))
    return np.asarray(A, float) / total if total > 0 else np.asarray(A, float)


def _ring(data: Diagram, positions, selected) -> list[dict]:
    """A black ring around the selected (layer, neuron), when it is shown."""
    if selected is None or not 1 <= selected[0] < len(data.layers):
        return []
    layer_index, neuron = selected
    where = np.flatnonzero(data.layers[layer_index].shown == neuron)
    if len(where) == 0:
        return []
    return [
        dict(
            type="scatter",
            x=[layer_index * LAYER_GAP],
            y=[positions[layer_index][where[0]]],
            mode="markers",
            marker=dict(size=NODE_SIZE + 14, color="rgba(0,0,0,0)", line=dict(color="#000000", width=3)),
            hoverinfo="skip",
            xaxis="x2",
            yaxis="y2",
        )
    ]


def _column_label(layer, count: int, words: DiagramWords) -> dict:
    if layer.layer == 0:
        return dict(text=words.input, font=dict(size=FONT_SIZE))
    name = words.output if layer.layer == count else words.hidden.format(layer=layer.layer)
    if layer.partial:
        name += "<br>" + words.partial.format(shown=len(layer.shown), size=layer.size)
    return dict(text=name, font=dict(size=FONT_SIZE - 3))  # smaller: neighbours' labels must not overlap


def selected_customdata(event):
    """Each picked point's customdata in a st.plotly_chart selection event (None where a point has
    none); nothing when the event holds no selection."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return
    for point in points:
        yield point.get("customdata") if isinstance(point, dict) else None


def clicked_neuron(event) -> tuple[int, int] | None:
    """(layer, neuron) of the node a st.plotly_chart selection event picked, or None.

    event: what st.plotly_chart(..., on_select="rerun") returned (or the session
    state under its key): {"selection": {"points": [{"customdata": [l, j], ...}]}}.
    """
    for custom in selected_customdata(event):
        if isinstance(custom, dict):  # {"0": layer, "1": neuron}, as a typed array comes back
            custom = [custom.get("0", custom.get(0)), custom.get("1", custom.get(1))]
        if isinstance(custom, (list, tuple)) and len(custom) == 2 and None not in custom:
            return int(custom[0]), int(custom[1])
    return None


def wrapped_title(text: str, width: int = TITLE_WIDTH) -> str:
    """text in lines of at most width Latin letters (a CJK character counts two), joined by <br>.

    Plotly never wraps a title; one too long for the chart is cut at its right edge on a phone.
    """
    lines: list[str] = []
    for word in text.split(" "):
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and _text_width(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    return "<br>".join(lines)


def _text_width(text: str) -> int:
    """Width in Latin letters: CJK characters and full-width punctuation are about two."""
    return sum(2 if ord(character) >= 0x2E80 else 1 for character in text)
