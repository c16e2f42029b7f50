"""The trainer's events in words, in the session's language.

nnlib's events carry numbers (the step, the losses, the learning rate); here they
become sentences for people.
"""

from __future__ import annotations

import math

from nnlib.events import DivergedEvent
from ui.i18n import t


def divergence_words(event: DivergedEvent) -> str:
    """What happened when a run diverged, and what to try."""
    if math.isfinite(event.loss):
        what = t(
            "the loss grew from {start:.3g} to {now:.3g} on average (this batch: {loss:.3g})",
            start=event.initial_loss,
            now=event.smoothed_loss,
            loss=event.loss,
        )
    else:
        what = t("the loss overflowed to {loss}", loss=event.loss)
    return t(
        "Training diverged after {step} steps (epoch {epoch:.2f}): {what}. The learning rate {lr:g} is too "
        "large for this setup: each step overshoots, and the next one overshoots more. Training stopped at "
        "once. Your model is unchanged: the other pages keep the one you had before this run. Try a learning "
        "rate 10 times smaller.",
        step=f"{event.step:,}",
        epoch=event.epoch,
        what=what,
        lr=event.learning_rate,
    )
