"""Training that a UI can drive chunk by chunk and stop at any time.

The trainer never draws anything: ``advance`` runs some batches and returns
the events they produced (batch losses, evaluations, W1 snapshots, the end or
a divergence); ``events`` yields them as they come until the run ends. The same
events accumulate in ``history`` for charts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import numpy as np

from .config import TrainConfig
from .data import PreparedData
from .diagnostics import stuck_share, weight_histogram
from .events import (
    LIVE_KNOBS,
    BatchEvent,
    DiagnosticsEvent,
    DivergedEvent,
    EvalEvent,
    FinishedEvent,
    History,
    KnobEvent,
    SnapshotEvent,
    StepTaken,
    TestResults,
)
from .network import Network, one_hot
from .sgd import batch_inputs, sgd_update

GRADIENT_SAMPLES = 32  # batches per evaluation interval whose gradient sizes are measured
PROBE_ROWS = 256  # training images the diagnostics look at
CHECKPOINT_EVERY = 200  # batches between copies of the last good weights
DIVERGENCE_FACTOR = 10  # smoothed loss this many times the starting loss = diverged
SMOOTHING = 0.02  # weight of the newest batch in the smoothed loss


def evaluate(network: Network, X_rows: np.ndarray, classes: np.ndarray, chunk: int = 8192):
    """Mean loss, accuracy and predictions of network on rows X (m, pixels)."""
    class_count = network.sizes[-1]
    total_loss, predictions = 0.0, np.empty(len(classes), dtype=np.int64)
    for start in range(0, len(classes), chunk):
        X = X_rows[start : start + chunk].T  # (pixels, chunk)
        Y = one_hot(classes[start : start + chunk], class_count, network.dtype)
        A, cache = network.forward(X)
        total_loss += network.loss(cache, Y) * Y.shape[1]
        predictions[start : start + chunk] = A.argmax(axis=0)
    m = max(len(classes), 1)
    return total_loss / m, float((predictions == classes).mean()) if len(classes) else 0.0, predictions


def learning_rate_at(config: TrainConfig, progress: float) -> float:
    """The scheduled learning rate at progress in [0, 1] of the whole run."""
    if config.schedule == "cosine":
        return config.learning_rate * 0.5 * (1 + math.cos(math.pi * progress))
    if config.schedule == "step":  # halve at 50% and again at 75%
        return config.learning_rate * (0.5 if progress >= 0.5 else 1) * (0.5 if progress >= 0.75 else 1)
    return config.learning_rate


class Trainer:
    """Mini-batch SGD (batch size 1 is the blog's per-sample SGD)."""

    _inputs = None  # a trainer made from_state() trains with sgd.batch_inputs

    def __init__(self, config: TrainConfig, data: PreparedData, network: Network | None = None, inputs=None):
        """inputs: what makes a batch's (X, Y) from its rows, with sgd.batch_inputs' arguments (None:
        that function); nnlib.robust gives its own, which redraws some 1s and 7s in writing styles.
        Recorded steps (sgd.replay_step) and state() assume sgd.batch_inputs."""
        self.config = config.validate()
        self._inputs = inputs
        if tuple(data.digits) != tuple(config.digits):
            raise ValueError(f"data holds digits {data.digits}, config asks for {config.digits}")
        self.data = data
        sizes = (data.X_train.shape[1], *config.hidden, data.class_count)
        rng = np.random.RandomState(config.seed) if config.legacy_rng else np.random.default_rng(config.seed)
        self.network = network or Network.create(
            sizes, config.activation, config.output, config.init, rng, np.dtype(config.dtype), config.init_scale
        )
        self.initial_W1 = self.network.params["W1"].copy()
        self._initial_weights = {k: v.copy() for k, v in self.network.params.items() if k.startswith("W")}
        self._shuffle_rng = np.random.default_rng(config.seed + 1)
        self._dropout_rng = np.random.default_rng(config.seed + 2)
        trained, held_out = config.split_counts(len(data.y_train))
        #: the training images' row numbers in data.X_train, or None for all of them (no copy)
        self._rows = None if trained == len(data.y_train) else np.arange(trained)
        self._validation_rows = np.arange(trained, trained + held_out) if held_out else None
        self._gradient_sums = None  # per layer, Σ‖dWl‖ since the last diagnostics
        self._gradient_batches = 0
        self.m = trained
        self.batch_size = min(config.batch_size, self.m)
        self.batches_per_epoch = math.ceil(self.m / self.batch_size)
        self.total_steps = self.batches_per_epoch * config.epochs
        self.step = 0
        self._lr = config.learning_rate
        self.train_seconds = 0.0
        self.status = "ready"  # ready | running | finished | diverged
        self.divergence: DivergedEvent | None = None
        self.test_results: TestResults | None = None  # the newest evaluation's, kept with the state
        self.history = History()
        self._order = self._new_order()
        self._velocity = {k: np.zeros_like(v) for k, v in self.network.params.items()} if config.momentum else None
        self._checkpoint, self.kept_step = self.network.copy(), 0
        self.initial_loss = self._loss_on_first_rows()
        self._smoothed_loss = self.initial_loss
        self._eval_steps = self._spread(config.evals_per_epoch * config.epochs)
        self._gradient_stride = max(1, self.total_steps // (len(self._eval_steps) * GRADIENT_SAMPLES))
        self._snapshot_steps = self._spread(config.snapshots) if config.snapshots else set()
        self._pending_knobs: dict = {}  # settings changed mid-run, applied before the next batch
        self.knob_plan: dict[int, dict] = {}  # batch -> changes made before it (plan_knobs: a run's link)
        self.stop_at: int | None = None  # pause when this step is reached ("One step", "+1 epoch")
        self.delay_s = 0.0  # slow motion: a pause after every batch
        self._emit(SnapshotEvent(0, 0.0, self.network.params["W1"].astype(np.float16)))

    def state(self) -> dict:
        """All but the data and the history: weights, velocity, step, RNGs, checkpoint, knobs. What it
        takes to go on training in another process (picklable, no copy of the data). A trainer given
        its own inputs cannot be resumed from it: the state goes on with sgd.batch_inputs."""
        left_out = ("data", "history", "_inputs")
        return {name: value for name, value in self.__dict__.items() if name not in left_out}

    @classmethod
    def from_state(cls, state: dict, data: PreparedData | None) -> Trainer:
        """The trainer state() saved, training on data again; its history starts empty.

        data None: a trainer only to change and save again (it cannot train)."""
        trainer = cls.__new__(cls)
        trainer.__dict__.update(state)
        trainer.data, trainer.history = data, History()
        return trainer

    def _spread(self, count: int) -> set[int]:
        """count steps spread evenly over the run, always ending at the last."""
        count = max(1, min(count, self.total_steps))
        return {round(self.total_steps * (i + 1) / count) for i in range(count)}

    def _new_order(self) -> np.ndarray:
        if self.config.shuffle:
            return self._shuffle_rng.permutation(self.m)
        return np.arange(self.m)

    @property
    def done(self) -> bool:
        return self.status in ("finished", "diverged")

    @property
    def epoch(self) -> float:
        return self.step / self.batches_per_epoch

    def _emit(self, event):
        self.history.record(event)
        return event

    def advance(self, max_batches: int | None = None, max_seconds: float | None = None) -> list:
        """Run up to max_batches batches or max_seconds seconds; return the events."""
        if self.done:
            return []
        self.status = "running"
        events = []
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        limit = self.total_steps if max_batches is None else min(self.total_steps, self.step + max_batches)
        if self.stop_at is not None and self.stop_at > self.step:
            limit = min(limit, self.stop_at)
        while self.step < limit:
            planned = self.__dict__.get("knob_plan", {}).get(self.step + 1)
            if planned:
                self._pending_knobs.update(planned)
            if self._pending_knobs:
                events += self._apply_knobs()
            kept = self._before_step() if self.stop_at == self.step + 1 else None
            started = time.perf_counter()
            loss = self._train_one_batch()
            self.train_seconds += time.perf_counter() - started
            if kept is not None:
                events.append(self._emit(self._step_taken(kept, loss)))
            if math.isfinite(loss):
                self._smoothed_loss += SMOOTHING * (loss - self._smoothed_loss)
                # recorded even when it diverges: the chart shows the explosion
                events.append(self._emit(BatchEvent(self.step, self.epoch, loss, self._lr)))
            if not math.isfinite(loss) or self._smoothed_loss > self._divergence_limit:
                events += self._diverge(loss)
                return events
            if self.step % CHECKPOINT_EVERY == 0 and self._smoothed_loss <= 1.5 * self.initial_loss:
                self._checkpoint, self.kept_step = self.network.copy(), self.step
            if self.step in self._eval_steps:
                events.append(self._emit(self.evaluate_now()))
                events.append(self._emit(self.diagnose()))
            if self.step in self._snapshot_steps:
                W1 = self.network.params["W1"].astype(np.float16)
                events.append(self._emit(SnapshotEvent(self.step, self.epoch, W1)))
            if self.delay_s:
                time.sleep(
                    self.delay_s if deadline is None else max(0.0, min(self.delay_s, deadline - time.perf_counter()))
                )
            if deadline is not None and time.perf_counter() >= deadline:
                break
        if self.step >= self.total_steps:
            self.status = "finished"
            events.append(self._emit(FinishedEvent(self.step, self.train_seconds)))
        return events

    def set_knobs(self, **changes) -> None:
        """Change live settings (LIVE_KNOBS: learning rate, momentum, L2, dropout, augmentation)
        mid-run; they take effect at the next batch, which records a KnobEvent for each."""
        self._check_knobs(changes)
        self._pending_knobs.update(changes)

    def _check_knobs(self, changes: dict) -> None:
        unknown = set(changes) - set(LIVE_KNOBS)
        if unknown:
            raise ValueError(f"only {', '.join(LIVE_KNOBS)} can change during a run, not {sorted(unknown)}")
        self.config.replace(epochs=1, **changes).validate()  # epochs may have grown past the limit (add_steps)

    def _apply_knobs(self) -> list:
        changes, self._pending_knobs = self._pending_knobs, {}
        before = self.config
        changed = {k: v for k, v in changes.items() if getattr(self.config, k) != v}
        self.config = self.config.replace(**changed)
        if self.config.momentum and self._velocity is None:
            self._velocity = {k: np.zeros_like(v) for k, v in self.network.params.items()}
        return [
            self._emit(KnobEvent(self.step + 1, self.epoch, name, value, getattr(before, name)))
            for name, value in changed.items()
        ]

    def plan_knobs(self, plan) -> None:
        """Changes to make at given batches, as a run's link asks: plan holds (step, name, value),
        step being the first batch trained with the new value (KnobEvent.step), so a run started
        from the link changes its settings where the original run did."""
        knob_plan: dict[int, dict] = {}
        for step, name, value in plan:
            if not isinstance(step, int) or step < 1:
                raise ValueError(f"a planned change needs a batch number from 1, not {step!r}")
            self._check_knobs({name: value})
            knob_plan.setdefault(step, {})[name] = value
        self.knob_plan = knob_plan

    def _before_step(self) -> tuple:
        """What replay_step needs from before a step: weights, momentum, the generators' states."""
        velocity = None if self._velocity is None else {k: v.copy() for k, v in self._velocity.items()}
        params = {k: v.copy() for k, v in self.network.params.items()}
        return params, velocity, self._shuffle_rng.bit_generator.state, self._dropout_rng.bit_generator.state

    def _step_taken(self, kept: tuple, loss: float) -> StepTaken:
        config = self.config
        return StepTaken(
            self.step,
            np.array(self._last_rows),
            *kept,
            self._lr,
            config.l2,
            config.momentum,
            config.dropout,
            config.augment,
            config.augment_style,
            loss,
        )

    def add_steps(self, count: int) -> None:
        """Train exactly count more batches, then pause (stop_at); past the planned end, the run grows
        by whole epochs (a finished run can go on), with an evaluation at its new end."""
        self.stop_at = self.step + count
        if self.stop_at > self.total_steps:
            extra_epochs = math.ceil((self.stop_at - self.total_steps) / self.batches_per_epoch)
            self.total_steps += extra_epochs * self.batches_per_epoch
            self.config = self.config.replace(epochs=self.config.epochs + extra_epochs)
            self._eval_steps.add(self.stop_at)
            self._eval_steps.add(self.total_steps)
            if self.status == "finished":
                self.status = "ready"

    def run(self) -> list:
        """Train to the end; return all events."""
        return self.advance()

    def events(self, interval_seconds: float = 0.1) -> Iterator:
        """Train to the end, yielding each event as it is made (at most interval_seconds late):
        for a live display, which may also read step, epoch and train_seconds between events."""
        while not self.done:
            yield from self.advance(max_seconds=interval_seconds)

    @property
    def _divergence_limit(self) -> float:
        return DIVERGENCE_FACTOR * max(self.initial_loss, 0.1)

    def _loss_on_first_rows(self, count: int = 512) -> float:
        count = min(count, self.m)
        loss, _, _ = evaluate(self.network, self.data.X_train[:count], self.data.y_train[:count])
        return loss

    def _training_set(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows trained on (m, pixels) and their classes (m,)."""
        if self._rows is None:
            return self.data.X_train, self.data.y_train
        return self.data.X_train[: self.m], self.data.y_train[: self.m]

    def evaluate_now(self) -> EvalEvent:
        train_loss, train_acc, _ = evaluate(self.network, *self._training_set())
        test_loss, test_acc, predictions = evaluate(self.network, self.data.X_test, self.data.y_test)
        self.test_results = TestResults(self.step, test_loss, test_acc, predictions.astype(np.uint8))
        validation = (math.nan, math.nan)
        if self._validation_rows is not None:
            rows = self._validation_rows
            validation = evaluate(self.network, self.data.X_train[rows], self.data.y_train[rows])[:2]
        return EvalEvent(self.step, self.epoch, train_loss, train_acc, test_loss, test_acc, *validation)

    def results(self) -> TestResults:
        """The test set as the weights now read it: the newest evaluation's when it was made at this
        step (every finished or diverged run ends with one), else measured now and kept."""
        if self.test_results is None or self.test_results.step != self.step:
            loss, accuracy, predictions = evaluate(self.network, self.data.X_test, self.data.y_test)
            self.test_results = TestResults(self.step, loss, accuracy, predictions.astype(np.uint8))
        return self.test_results

    def diagnose(self) -> DiagnosticsEvent:
        """Gradient sizes since the last call, stuck units on a probe, weight histograms."""
        batches = max(self._gradient_batches, 1)
        sums = self._gradient_sums or [0.0] * self.network.layer_count
        norms = tuple(float(total / batches) for total in sums)
        self._gradient_sums, self._gradient_batches = None, 0
        X_rows, _ = self._training_set()
        _, cache = self.network.forward(np.asarray(X_rows[:PROBE_ROWS]).T)
        shares = tuple(stuck_share(cache[f"A{l}"], self.network.activation) for l in range(1, self.network.layer_count))
        histograms = tuple(
            weight_histogram(initial, self.network.params[name]) for name, initial in self._initial_weights.items()
        )
        return DiagnosticsEvent(self.step, self.epoch, norms, shares, self.network.activation, histograms)

    def _track_gradients(self, grads) -> None:
        norms = [float(np.linalg.norm(grads[f"dW{l}"])) for l in range(1, self.network.layer_count + 1)]
        if self._gradient_sums is None:
            self._gradient_sums = norms
        else:
            self._gradient_sums = [total + norm for total, norm in zip(self._gradient_sums, norms)]
        self._gradient_batches += 1

    def _train_one_batch(self) -> float:
        """Forward, loss, backward and update on the next batch; returns its loss."""
        position = self.step % self.batches_per_epoch
        if position == 0 and self.step > 0:
            self._order = self._new_order()
        rows = self._order[position * self.batch_size : (position + 1) * self.batch_size]
        if self._rows is not None:
            rows = self._rows[rows]
        self._last_rows = rows
        config = self.config
        X, Y = (self._inputs or batch_inputs)(
            self.data, rows, config.augment, config.augment_style, self._shuffle_rng, self.network.dtype
        )
        A, cache = self.network.forward(X, self.config.dropout, self._dropout_rng)
        loss = self.network.loss(cache, Y)
        self._lr = learning_rate_at(self.config, self.step / self.total_steps)
        self.step += 1
        if math.isfinite(loss):
            grads = self.network.backward(cache, Y)
            if self.step % self._gradient_stride == 0:
                self._track_gradients(grads)
            self._update(grads)
        return loss

    def _update(self, grads) -> None:
        sgd_update(self.network.params, grads, self._lr, self.config.l2, self.config.momentum, self._velocity)

    def _diverge(self, loss: float) -> list:
        """Stop, and put back the last good weights (the network object stays the same)."""
        for name, value in self._checkpoint.params.items():
            self.network.params[name][...] = value
        self.status = "diverged"
        evaluation = self._emit(self.evaluate_now())  # the kept weights' accuracy: no empty chart
        self.divergence = DivergedEvent(
            self.step,
            self.epoch,
            loss,
            self.initial_loss,
            self._smoothed_loss,
            self.config.learning_rate,
            self.kept_step,
        )
        return [evaluation, self._emit(self.divergence)]
