"""The coach's hints: rules that read a run's state and say what went wrong and what to try.

Every rule is a pure function of a ``RunState`` (numbers only: the run's config, its
evaluations and diagnostics, the learning rates that diverged earlier in the session) and a
translator ``t`` (``ui.i18n.t`` on a page, plain English in tests: no Streamlit here). A rule
returns a ``Hint`` or None. A hint says what it sees, carries its fix as settings changes
(TrainConfig field -> new value, which the page writes into the widgets: "Apply") and a
"Why?" of two or three sentences with the page or chart that shows it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from nnlib.config import ALL_IMAGES, EPOCHS_RANGE, LEARNING_RATES, TrainConfig

SMALL_TRAINING_SET = 1000  # images: below this a network learns them by heart
OVERFIT_GAP = 0.05  # train accuracy this far above validation (or test) accuracy is overfitting
STUCK_SHARE = 0.5  # dead or saturated units in a layer above this share
VANISHING_RATIO = 0.01  # first layer's gradient below this share of the last layer's
GOOD_ENOUGH = 0.95  # training accuracy above which stuck units are no hint: the network works anyway


def english(template: str, /, **values) -> str:
    """The translator for tests and the command line: the English template, filled."""
    return template.format(**values) if values else template


@dataclass(frozen=True)
class RunState:
    """What the rules read about a run (all plain numbers, no network).

    config: the run's settings; status: running | stopped | finished | diverged | failed;
    initial_loss: the loss before the first step; evaluations: its EvalEvents (train, test and
    validation loss and accuracy); diagnostics: its DiagnosticsEvents; trained_count: images
    trained on; diverged_rates: learning rates that diverged earlier in this session;
    planned: the settings in the widgets now (for hints about the next run), or None.
    """

    config: TrainConfig
    status: str
    initial_loss: float
    evaluations: tuple = ()
    diagnostics: tuple = ()
    trained_count: int = 0
    diverged_rates: tuple[float, ...] = ()
    planned: TrainConfig | None = None

    @property
    def last(self):
        return self.evaluations[-1] if self.evaluations else None

    @property
    def held_out_accuracy(self) -> float:
        """Validation accuracy when the run holds images out, else test accuracy."""
        last = self.last
        return last.validation_accuracy if math.isfinite(last.validation_accuracy) else last.test_accuracy

    @property
    def held_out_losses(self) -> list[float]:
        validation = [e.validation_loss for e in self.evaluations]
        return validation if all(math.isfinite(v) for v in validation) else [e.test_loss for e in self.evaluations]

    @property
    def chance(self) -> float:
        return 1 / len(self.config.digits)

    @property
    def ended(self) -> bool:
        return self.status in ("finished", "diverged", "stopped") and self.last is not None


def run_state(trainer, diverged_rates=(), planned: TrainConfig | None = None) -> RunState:
    """The RunState of a trainer (nnlib.Trainer or server.jobs.RemoteTrainer)."""
    history = trainer.history
    trained = trainer.config.split_counts(len(trainer.data.y_train))[0]
    return RunState(
        config=trainer.config,
        status=trainer.status,
        initial_loss=float(trainer.initial_loss),
        evaluations=tuple(history.evaluations),
        diagnostics=tuple(history.diagnostics),
        trained_count=trained,
        diverged_rates=tuple(diverged_rates),
        planned=planned,
    )


@dataclass(frozen=True)
class Hint:
    """key: the rule's name; text: what it sees; changes: the fix (TrainConfig field -> value);
    fix: the fix in words; why: the reason, two or three sentences; where: the page or chart
    that shows it."""

    key: str
    text: str
    changes: dict = field(default_factory=dict)
    fix: str = ""
    why: str = ""
    where: str = ""


def lower_rate(rate: float, factor: float) -> float:
    """The largest learning rate the slider offers at or below rate / factor (at least the smallest)."""
    allowed = [r for r in LEARNING_RATES if r <= rate / factor * (1 + 1e-9)]
    return max(allowed) if allowed else LEARNING_RATES[0]


def higher_rate(rate: float, factor: float) -> float:
    """The smallest learning rate the slider offers at or above rate · factor (at most the largest)."""
    allowed = [r for r in LEARNING_RATES if r >= rate * factor * (1 - 1e-9)]
    return min(allowed) if allowed else LEARNING_RATES[-1]


def _rate_fix(t, rate: float) -> str:
    return t("Learning rate {rate:g}", rate=rate)


# --- The rules, most important first ---------------------------------------------------------


def exploded(state: RunState, t) -> Hint | None:
    if state.status != "diverged":
        return None
    rate = lower_rate(state.config.learning_rate, 20)
    return Hint(
        "exploded",
        t("The loss exploded: at learning rate {lr:g} every step overshot.", lr=state.config.learning_rate),
        {"learning_rate": rate},
        _rate_fix(t, rate),
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
        _rate_fix(t, rate),
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
        _rate_fix(t, new),
        t(
            "A flat loss means the steps change nothing useful: either they are too small to matter, or so large "
            "that the network jumped into a region where every unit is stuck. A learning rate ten times "
            "smaller (if it was large) or larger (if it was small) is the first thing to try."
        ),
        t("Train page, the loss chart (a flat line) and the diagnostics' gradient sizes."),
    )


def _struggling(state: RunState) -> bool:
    """Diagnostics to act on: no evaluation yet, or training accuracy not yet good."""
    return state.last is None or state.last.train_accuracy < GOOD_ENOUGH


def dead_relus(state: RunState, t) -> Hint | None:
    if not state.diagnostics or state.config.activation != "relu" or not _struggling(state):
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
        _rate_fix(t, rate),
        t(
            "A ReLU unit whose sum is negative for every image outputs 0 and passes no gradient back, so it "
            "never learns again. A big step often pushes many units there at once. A smaller learning rate "
            "keeps more of them alive."
        ),
        t("Train page, diagnostics: dead or saturated units per layer."),
    )


def saturated_units(state: RunState, t) -> Hint | None:
    if not state.diagnostics or state.config.activation == "relu" or not _struggling(state):
        return None
    shares = state.diagnostics[-1].stuck_shares
    if not shares or max(shares) < STUCK_SHARE:
        return None
    layer = shares.index(max(shares)) + 1
    if state.config.init_scale > 1:
        changes, fix = {"init_scale": 1.0}, t("Initial-weight scale ×1")
    else:
        rate = lower_rate(state.config.learning_rate, 3)
        changes, fix = {"learning_rate": rate}, _rate_fix(t, rate)
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
    if not state.diagnostics or not _struggling(state):
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


def overfitting(state: RunState, t) -> Hint | None:
    if not state.ended or state.status == "diverged":
        return None
    last = state.last
    gap = last.train_accuracy - state.held_out_accuracy
    if gap < OVERFIT_GAP or last.train_accuracy < 0.8:
        return None
    if state.config.dropout < 0.1:
        changes, fix = {"dropout": 0.2}, t("Dropout {share:g}", share=0.2)
    elif state.config.l2 < 1e-3:
        changes, fix = {"l2": 1e-3}, t("L2 weight decay {l2:g}", l2=1e-3)
    else:
        changes, fix = {"augment": 0.5}, t("Augmentation {strength:g}", strength=0.5)
    return Hint(
        "overfitting",
        t(
            "Overfitting: {train:.1%} right on the training images, {held:.1%} on images it never trained on.",
            train=last.train_accuracy,
            held=state.held_out_accuracy,
        ),
        changes,
        fix,
        t(
            "The network has learned its training images by heart, details and all, instead of what makes a "
            "digit. More images, dropout, L2 or augmentation make memorising harder than generalising."
        ),
        t("Train page, the accuracy chart: the train line far above the validation or test line."),
    )


def validation_turned_up(state: RunState, t) -> Hint | None:
    if not state.ended or state.status == "diverged" or len(state.evaluations) < 4:
        return None
    losses = state.held_out_losses
    best = min(range(len(losses)), key=losses.__getitem__)
    if best >= len(losses) - 2 or losses[-1] < 1.1 * losses[best]:
        return None
    if state.evaluations[-1].train_loss > state.evaluations[best].train_loss:
        return None  # everything got worse: not the held-out curve alone
    epochs = min(max(EPOCHS_RANGE[0], math.ceil(state.evaluations[best].epoch)), state.config.epochs)
    if epochs >= state.config.epochs:
        return None
    return Hint(
        "turned-up",
        t(
            "The loss on held-out images was lowest at epoch {epoch:.1f} and has risen since.",
            epoch=state.evaluations[best].epoch,
        ),
        {"epochs": epochs},
        t("{epochs} epoch(s)", epochs=epochs),
        t(
            "While the training loss keeps falling, the held-out loss turning up is where memorising starts. "
            "Stopping there (early stopping) keeps the best network for new images."
        ),
        t("Train page, the loss chart: the validation (or test) line's lowest point."),
    )


def tiny_training_set(state: RunState, t) -> Hint | None:
    if not state.ended or state.trained_count >= SMALL_TRAINING_SET:
        return None
    return Hint(
        "tiny-set",
        t("The network trained on only {count} images.", count=f"{state.trained_count:,}"),
        {"train_size": ALL_IMAGES, "validation": min(state.config.validation, 0.1)},
        t("All training images"),
        t(
            "With few examples a network can memorise every one and still not know what a digit looks like. "
            "More data is the surest cure for overfitting."
        ),
        t("Train page, the accuracy chart; Dataset page for what the images look like."),
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
        _rate_fix(t, new),
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


def strong_l2(state: RunState, t) -> Hint | None:
    if not state.ended or state.config.l2 < 1e-2 or state.last.train_accuracy >= 0.9:
        return None
    return Hint(
        "strong-l2",
        t("L2 weight decay {l2:g} is very strong: it holds the weights near zero.", l2=state.config.l2),
        {"l2": 1e-4},
        t("L2 weight decay {l2:g}", l2=1e-4),
        t(
            "L2 pulls every weight towards zero at every step. Too strong, it wins against the gradient, and "
            "the network cannot grow the weights it needs."
        ),
        t("Train page, diagnostics: the weights' histogram squeezed around zero."),
    )


def strong_dropout(state: RunState, t) -> Hint | None:
    if not state.ended or state.config.dropout < 0.5 or state.last.train_accuracy >= 0.9:
        return None
    return Hint(
        "strong-dropout",
        t("Dropout {share:g} switches off most of the network at every step.", share=state.config.dropout),
        {"dropout": 0.2},
        t("Dropout {share:g}", share=0.2),
        t(
            "Dropout hides a random part of each hidden layer for every image, so no neuron can rely on another. "
            "With most of them hidden, what is left is too small to learn the task."
        ),
        t("Train page, the accuracy chart: train accuracy low, close to test."),
    )


RULES: tuple[Callable, ...] = (
    exploded,
    diverged_before,
    not_learning,
    dead_relus,
    saturated_units,
    vanishing_gradients,
    zero_init,
    overfitting,
    validation_turned_up,
    tiny_training_set,
    learning_slowly,
    underfitting,
    too_few_neurons,
    momentum_and_rate,
    strong_l2,
    strong_dropout,
)


def hints(state: RunState, t=english) -> list[Hint]:
    """Every hint that applies, the most important first."""
    return [hint for rule in RULES if (hint := rule(state, t)) is not None]
