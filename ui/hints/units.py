"""Rules about the hidden units: dead ReLUs, saturated units, vanishing gradients, weights that
start at zero, too few neurons."""

from __future__ import annotations

from .state import GOOD_ENOUGH, STUCK_SHARE, VANISHING_RATIO, Hint, RunState, lower_rate, rate_fix


def struggling(state: RunState) -> bool:
    """Diagnostics to act on: no evaluation yet, or training accuracy not yet good."""
    return state.last is None or state.last.train_accuracy < GOOD_ENOUGH


def dead_relus(state: RunState, t) -> Hint | None:
    if not state.diagnostics or state.config.activation != "relu" or not struggling(state):
        return None
    shares = state.diagnostics[-1].stuck_shares
    if not shares or max(shares) < STUCK_SHARE:
        return None
    layer = shares.index(max(shares)) + 1
    rate = lower_rate(state.config.learning_rate, 3)
    return Hint(
        "dead-relus",
        t("{share:.0%} of the ReLU units in hidden layer {layer} are dead.", share=max(shares), layer=layer),
        {"learning_rate": rate},
        rate_fix(t, rate),
        t(
            "A ReLU unit whose sum is negative for every image outputs 0 and passes no gradient back, so it "
            "never learns again. A big step often pushes many units there at once. A smaller learning rate "
            "keeps more of them alive."
        ),
        t("Train page, diagnostics: dead or saturated units per layer."),
    )


def saturated_units(state: RunState, t) -> Hint | None:
    if not state.diagnostics or state.config.activation == "relu" or not struggling(state):
        return None
    shares = state.diagnostics[-1].stuck_shares
    if not shares or max(shares) < STUCK_SHARE:
        return None
    layer = shares.index(max(shares)) + 1
    if state.config.init_scale > 1:
        changes, fix = {"init_scale": 1.0}, t("Initial-weight scale ×1")
    else:
        rate = lower_rate(state.config.learning_rate, 3)
        changes, fix = {"learning_rate": rate}, rate_fix(t, rate)
    return Hint(
        "saturated",
        t(
            "{share:.0%} of the {activation} units in hidden layer {layer} are saturated.",
            share=max(shares),
            activation=state.config.activation,
            layer=layer,
        ),
        changes,
        fix,
        t(
            "Sigmoid and tanh flatten out for large sums: there their slope is almost 0, and backprop multiplies "
            "the gradient by that slope. Large initial weights or large steps make the sums large. Units in the "
            "flat tails learn very slowly."
        ),
        t("Train page, diagnostics: dead or saturated units per layer, and the weights' histogram."),
    )


def vanishing_gradients(state: RunState, t) -> Hint | None:
    if not state.diagnostics or not struggling(state):
        return None
    norms = state.diagnostics[-1].gradient_norms
    if len(norms) < 3 or not norms[-1] > 0 or norms[0] >= VANISHING_RATIO * norms[-1]:
        return None
    if state.config.init_scale < 1:
        changes, fix = {"init_scale": 1.0}, t("Initial-weight scale ×1")
    else:
        changes, fix = {"activation": "relu", "init": "he-normal"}, t("ReLU with He initialisation")
    return Hint(
        "vanishing",
        t(
            "The first layer's gradient is {ratio:.1g} times the last layer's: it hardly learns.",
            ratio=norms[0] / norms[-1],
        ),
        changes,
        fix,
        t(
            "Backprop multiplies the gradient by every layer's weights and slopes on its way back. Small weights "
            "or flat slopes shrink it layer after layer, so the first layers barely move. Weights of the right "
            "size and ReLU keep it alive."
        ),
        t("Train page, diagnostics: gradient size per layer (log scale)."),
    )


def zero_init(state: RunState, t) -> Hint | None:
    if state.config.init != "zeros" or not state.ended:
        return None
    return Hint(
        "zeros",
        t("The weights started at zero: every hidden neuron is the same."),
        {"init": "glorot-uniform"},
        t("Initialisation glorot-uniform"),
        t(
            "Neurons that start equal get equal gradients, so they stay equal forever: ten neurons are worth one. "
            "Random initial weights break the symmetry."
        ),
        t("Weights page: every W1 filter looks the same."),
    )


def too_few_neurons(state: RunState, t) -> Hint | None:
    if not state.ended or state.status == "diverged":
        return None
    narrowest = min(state.config.hidden)
    if narrowest >= len(state.config.digits) or state.last.train_accuracy >= 0.95:
        return None
    return Hint(
        "narrow",
        t(
            "A hidden layer of {size} neuron(s) must tell {classes} digits apart.",
            size=narrowest,
            classes=len(state.config.digits),
        ),
        {"hidden": tuple(max(size, 32) for size in state.config.hidden)},
        t("Hidden layers of at least 32"),
        t(
            "Every image has to squeeze through the narrowest layer: with fewer numbers than classes, "
            "different digits end up looking the same to the layers after it."
        ),
        t("Draw page, the network diagram: the narrow layer's few neurons carry everything."),
    )
