"""What the coach's rules read (RunState), what they return (Hint), and the helpers they share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from nnlib.config import LEARNING_RATES, TrainConfig

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


def rate_fix(t, rate: float) -> str:
    return t("Learning rate {rate:g}", rate=rate)
