"""What a run emits as it trains, and the record of it: events carrying data (a page or the CLI
turns them into words), and ``History``, everything a run has emitted as plain lists for charts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: a sigmoid or tanh output in the outer tenth of its range at either end (sigmoid < 0.1 or > 0.9,
#: tanh beyond ±0.8) has a derivative below this share of its peak: saturated


@dataclass(frozen=True)
class BatchEvent:
    step: int  # batches done so far, from 1
    epoch: float  # fractional epoch at the end of this batch
    loss: float
    learning_rate: float


@dataclass(frozen=True)
class EvalEvent:
    step: int
    epoch: float
    train_loss: float
    train_accuracy: float
    test_loss: float
    test_accuracy: float
    #: on the held-out training images; nan when the config holds none out
    validation_loss: float = math.nan
    validation_accuracy: float = math.nan


@dataclass(frozen=True)
class TestResults:
    """The test set as the weights at step read it: mean loss, accuracy and each image's answer
    (predictions: (test images,) class indices). Made once per step where the run trains, so a
    page shows a run's results without measuring them again."""

    __test__ = False  # a record, not a pytest test class
    step: int
    loss: float
    accuracy: float
    predictions: np.ndarray


@dataclass(frozen=True)
class DiagnosticsEvent:
    """How each layer is doing, at an evaluation step: data for the diagnostics charts.

    gradient_norms: per layer l (W1, W2, …), the mean of ‖dWl‖ (Frobenius) over batches since the
    last diagnostics (about GRADIENT_SAMPLES of them, evenly spaced): how hard each layer is pushed;
    stuck_shares: per hidden layer, the share of units that no longer learn on a fixed probe of
    training images: dead ReLUs (0 on every probe image) or, for sigmoid and tanh, the share of
    unit-image pairs in the flat tails (derivative below SATURATED of its peak);
    histograms: per layer, (bin edges, counts of the initial weights, counts now) on shared edges.
    """

    step: int
    epoch: float
    gradient_norms: tuple[float, ...]
    stuck_shares: tuple[float, ...]
    activation: str
    histograms: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]


@dataclass(frozen=True)
class SnapshotEvent:
    step: int
    epoch: float
    W1: np.ndarray  # (hidden, pixels) float16 copy


@dataclass(frozen=True)
class FinishedEvent:
    step: int
    train_seconds: float


@dataclass(frozen=True)
class DivergedEvent:
    """The run stopped because the loss exploded; the UI words it (in both languages).

    step: batches done when it was caught; loss: that batch's loss (inf or nan when it
    overflowed); smoothed_loss against initial_loss: the average that crossed the limit;
    kept_step: the step whose weights were kept, the last good ones.
    """

    step: int
    epoch: float
    loss: float
    initial_loss: float
    smoothed_loss: float
    learning_rate: float
    kept_step: int


#: the settings a run may change while it trains; the rest (sizes, digits, batch size) stay fixed
LIVE_KNOBS = ("learning_rate", "momentum", "l2", "dropout", "augment")


@dataclass(frozen=True)
class KnobEvent:
    """A setting changed mid-run: step is the first batch trained with the new value."""

    step: int
    epoch: float
    name: str  # one of LIVE_KNOBS
    value: float
    before: float = math.nan  # the value it replaced


@dataclass(frozen=True)
class StepTaken:
    """One batch's training step, kept so that a page can recompute it exactly (replay_step).

    step: its batch number (from 1); rows: its images' row numbers in data.X_train (m,);
    params: every W and B before the step; velocity: momentum's before the step (None without);
    augment_rng, dropout_rng: the generators' states before the step; the rest: the settings used.
    """

    step: int
    rows: np.ndarray
    params: dict
    velocity: dict | None
    augment_rng: dict
    dropout_rng: dict
    learning_rate: float
    l2: float
    momentum: float
    dropout: float
    augment: float
    augment_style: str
    loss: float


@dataclass
class History:
    """Everything a run has emitted, as plain lists for charts."""

    batch_steps: list = field(default_factory=list)
    batch_epochs: list = field(default_factory=list)
    batch_losses: list = field(default_factory=list)
    evaluations: list = field(default_factory=list)  # EvalEvent
    snapshots: list = field(default_factory=list)  # SnapshotEvent
    diagnostics: list = field(default_factory=list)  # DiagnosticsEvent
    knobs: list = field(default_factory=list)  # KnobEvent
    last_step: StepTaken | None = None  # the last batch before a pause asked for ("One step", "+1 epoch")

    def record(self, event) -> None:
        if isinstance(event, BatchEvent):
            self.batch_steps.append(event.step)
            self.batch_epochs.append(event.epoch)
            self.batch_losses.append(event.loss)
        elif isinstance(event, EvalEvent):
            self.evaluations.append(event)
        elif isinstance(event, SnapshotEvent):
            self.snapshots.append(event)
        elif isinstance(event, DiagnosticsEvent):
            self.diagnostics.append(event)
        elif isinstance(event, KnobEvent):
            self.knobs.append(event)
        elif isinstance(event, StepTaken):
            self.last_step = event
