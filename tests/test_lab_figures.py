"""What the Lab draws after every edit: its figures, filled into a figure built once, are the
ones plotly's checked construction gives, and filling one never changes the shared one; the
edited network's answers are kept per model and edits."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go

from ui import charts, lab_figures, lab_numbers
from ui.chart_style import layout
from ui.charts import GREY, VERMILLION


def as_json(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


def drawn_alike(fast: go.Figure, plain: go.Figure) -> bool:
    """The same traces and layout, but for the margins (the Lab's are fixed, not automatic)."""
    fast, plain = as_json(fast), as_json(plain)
    for spec in (fast, plain):
        spec["layout"].pop("margin", None)
        for axis in ("xaxis", "yaxis"):
            spec["layout"].get(axis, {}).pop("automargin", None)
    return fast == plain


def per_digit_reference(digits, before, after, title, before_name, after_name) -> go.Figure:
    """per_digit_figure built the plain way, every value through plotly's checks."""
    fig = go.Figure()
    labels = [str(d) for d in digits]
    fig.add_bar(x=labels, y=100 * np.asarray(before), name=before_name, marker_color=GREY)
    fig.add_bar(x=labels, y=100 * np.asarray(after), name=after_name, marker=dict(color=VERMILLION, pattern_shape="/"))
    low = float(np.nanmin(np.concatenate([before, after]))) * 100
    fig.update_yaxes(ticksuffix="%", range=[max(0.0, low - 5), 100.5])
    fig.update_xaxes(type="category")
    return layout(fig, title, height=340, barmode="group")


def test_the_per_digit_figure_is_the_plainly_built_one():
    rng = np.random.default_rng(0)
    for digits in (list(range(10)), [3, 8]):
        before, after = rng.random(len(digits)), rng.random(len(digits))
        after[0] = np.nan  # a digit with no test image
        words = ("Accuracy per digit, before → after", "original", "edited")
        fast = lab_figures.per_digit_figure(digits, before, after, *words)
        assert drawn_alike(fast, per_digit_reference(digits, before, after, *words))


def test_a_filled_figure_leaves_the_shared_one_as_it_was():
    words = ("title", "original", "edited")
    spec = lab_figures.per_digit_spec(tuple("0123456789"), *words)
    kept = json.dumps(spec, default=list)
    fig = lab_figures.per_digit_figure(range(10), np.full(10, 0.9), np.full(10, 0.5), *words)
    fig.update_layout(title_text="changed", yaxis_range=[0, 1])
    fig.data[1].marker.color = "#000000"
    fig.data[0].y = np.zeros(10)
    assert json.dumps(spec, default=list) == kept


def test_the_confusion_figure_is_the_plainly_built_one():
    rng = np.random.default_rng(1)
    words = ("Confusion matrix of the edited network", "predicted", "true digit", "true %{y}, said %{x}: %{z}")
    for digits, m in ((list(range(10)), 500), ([3, 8], 40), ([0, 1, 2], 0)):
        true = rng.integers(0, len(digits), m)
        predicted = np.where(rng.random(m) < 0.8, true, rng.integers(0, len(digits), m))
        fast = lab_figures.confusion_figure(true, predicted, digits, words)
        assert drawn_alike(fast, charts.confusion_figure(true, predicted, digits, *words))
    perfect = lab_figures.confusion_figure(np.arange(3), np.arange(3), [0, 1, 2], words)  # no mistake at all
    assert drawn_alike(perfect, charts.confusion_figure(np.arange(3), np.arange(3), [0, 1, 2], *words))


def test_edited_answers_are_kept_per_model_and_edits():
    from nnlib import Network
    from nnlib.lab import Edits, apply_edits, edited_logits, first_layer_sums, model_hash, second_layer_sums

    network = Network.create((20, 12, 8, 4), "relu", "softmax", "he-normal", np.random.default_rng(0), np.float64)
    X = np.random.default_rng(1).random((50, 20))
    Z1 = first_layer_sums(network, X)
    Z2 = second_layer_sums(network, Z1)
    key = model_hash(network)
    answers = {}
    for edits in (Edits(prune=0.5), Edits(off=((1, 3),)), Edits(prune=0.5, seed=1), Edits()):
        edited = apply_edits(network, edits)
        answers[edits] = lab_numbers.edited_predictions(key, edits, network, edited, X, Z1, Z2)
        expected = edited_logits(network, edited, edits, X, None).argmax(axis=0)
        assert np.array_equal(answers[edits], expected) and not answers[edits].flags.writeable
    again = Edits(prune=0.5)
    assert lab_numbers.edited_predictions(key, again, network, apply_edits(network, again), X, Z1, Z2) is answers[again]
