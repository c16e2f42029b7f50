"""Rules about the learning rate and the loss: it exploded, diverged before, does not move,
moves slowly, or the run stopped too soon."""

from __future__ import annotations

from nnlib.config import EPOCHS_RANGE

from .state import Hint, RunState, higher_rate, lower_rate, rate_fix


def exploded(state: RunState, t) -> Hint | None:
    if state.status != "diverged":
        return None
    rate = lower_rate(state.config.learning_rate, 20)
    return Hint(
        "exploded",
        t("The loss exploded: at learning rate {lr:g} every step overshot.", lr=state.config.learning_rate),
        {"learning_rate": rate},
        rate_fix(t, rate),
        t(
            "Gradient descent steps downhill by the learning rate times the slope. When the step is too big it "
            "jumps past the valley to a higher point, where the slope is steeper, so the next jump is bigger still. "
            "A rate that explodes is usually far too big: one twentieth lands safely below the edge."
        ),
        t("Train page, the loss chart: the black line shoots up just before the run stopped."),
    )


def diverged_before(state: RunState, t) -> Hint | None:
    planned = state.planned
    if planned is None or state.status == "diverged" or not state.diverged_rates:
        return None
    smallest = min(state.diverged_rates)
    if planned.learning_rate < smallest:
        return None
    rate = lower_rate(smallest, 20)
    return Hint(
        "diverged-before",
        t(
            "Learning rate {lr:g} is set, but {bad:g} already made a run explode in this session.",
            lr=planned.learning_rate,
            bad=smallest,
        ),
        {"learning_rate": rate},
        rate_fix(t, rate),
        t(
            "A rate that diverged once will diverge again with the same network and data: nothing about the "
            "maths has changed. Start well below it, and raise it step by step while the loss still falls smoothly."
        ),
        t("Train page, the loss chart of the run that diverged."),
    )


def not_learning(state: RunState, t) -> Hint | None:
    if not state.ended or state.status == "diverged":
        return None
    last = state.last
    if last.train_loss < 0.9 * state.initial_loss or last.train_accuracy > state.chance + 0.15:
        return None
    rate = state.config.learning_rate
    new = lower_rate(rate, 10) if rate >= 0.5 else higher_rate(rate, 10)
    return Hint(
        "not-learning",
        t(
            "The loss does not fall: after the run the training accuracy is {acc:.0%}, about chance.",
            acc=last.train_accuracy,
        ),
        {"learning_rate": new},
        rate_fix(t, new),
        t(
            "A flat loss means the steps change nothing useful: either they are too small to matter, or so large "
            "that the network jumped into a region where every unit is stuck. A learning rate ten times "
            "smaller (if it was large) or larger (if it was small) is the first thing to try."
        ),
        t("Train page, the loss chart (a flat line) and the diagnostics' gradient sizes."),
    )


def learning_slowly(state: RunState, t) -> Hint | None:
    if not state.ended or state.status == "diverged":
        return None
    last, rate = state.last, state.config.learning_rate
    if rate > 0.002 or last.train_accuracy >= 0.9 or last.train_accuracy <= state.chance + 0.15:
        return None
    new = higher_rate(rate, 10)
    return Hint(
        "slow",
        t(
            "It learns, but slowly: {acc:.0%} on the training images at learning rate {lr:g}.",
            acc=last.train_accuracy,
            lr=rate,
        ),
        {"learning_rate": new},
        rate_fix(t, new),
        t(
            "Each step moves the weights by the learning rate times the slope; with a tiny rate the loss falls "
            "steadily but needs many more steps. A ten times larger rate covers the same ground in a tenth of "
            "the steps, while the curve stays smooth."
        ),
        t("Train page, the loss chart: a line still falling at the end."),
    )


def underfitting(state: RunState, t) -> Hint | None:
    if not state.ended or state.status == "diverged" or state.config.learning_rate <= 0.002:
        return None
    last = state.last
    if last.train_accuracy >= 0.9 or last.train_accuracy <= state.chance + 0.15:
        return None
    if state.config.epochs >= EPOCHS_RANGE[1]:
        return None
    epochs = min(EPOCHS_RANGE[1], state.config.epochs * 3)
    return Hint(
        "underfitting",
        t("Training accuracy is only {acc:.0%}: the run stopped before it learned enough.", acc=last.train_accuracy),
        {"epochs": epochs},
        t("{epochs} epoch(s)", epochs=epochs),
        t(
            "When even the training images are often wrong, the network has not yet found good weights "
            "(or is too small). More passes over the data give it more steps."
        ),
        t("Train page, the accuracy chart: the train line low and still rising."),
    )


def momentum_and_rate(state: RunState, t) -> Hint | None:
    config = state.config
    stalled = state.ended and state.last.train_accuracy <= state.chance + 0.15
    if state.status != "diverged" and not stalled:
        return None
    if config.momentum < 0.9 or config.learning_rate < 0.2:
        return None
    return Hint(
        "momentum",
        t(
            "Momentum {momentum:g} with learning rate {lr:g}: the steps add up.",
            momentum=config.momentum,
            lr=config.learning_rate,
        ),
        {"momentum": 0.5},
        t("Momentum {momentum:g}", momentum=0.5),
        t(
            "Momentum keeps a running sum of past steps: at 0.9 a steady slope moves the weights about ten times "
            "further than the learning rate alone. A large rate with large momentum overshoots."
        ),
        t("Train page, the loss chart: big swings before it stops falling."),
    )
