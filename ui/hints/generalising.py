"""Rules about learning the training images instead of the digits: overfitting, a validation
turn, too few images, too much L2 or dropout."""

from __future__ import annotations

import math

from nnlib.config import ALL_IMAGES, EPOCHS_RANGE

from .state import OVERFIT_GAP, SMALL_TRAINING_SET, Hint, RunState


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
