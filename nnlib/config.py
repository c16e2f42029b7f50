"""TrainConfig: every setting of a training run, validated in one place.

Every slider of the Train page and every flag of ``python -m nnlib train``
maps onto one field here; ``validate`` is the only place that says what is
allowed, so the app and the command line give the same messages.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass

from .augment import STYLES as AUGMENT_STYLES
from .network import ACTIVATIONS, INITS, OUTPUTS

# --- What each setting may be. The Train page's widgets, its URL parsing, Compare and the
# command line all read these, so a limit is changed here and nowhere else.
SCHEDULES = ("constant", "step", "cosine")
NORMALIZATIONS = ("minmax", "scale255")
DTYPES = ("float32", "float64")
HIDDEN_SIZE_RANGE = (1, 4096)  # neurons in one hidden layer
MAX_HIDDEN_LAYERS = 8
EPOCHS_RANGE = (1, 50)
SEED_RANGE = (0, 2**32 - 1)
MOMENTUM_RANGE = (0.0, 0.99)
AUGMENT_RANGE = (0.0, 1.0)
L2_RANGE = (0.0, 1.0)
LEARNING_RATE_RANGE = (1e-5, 100.0)
#: The learning rates a slider offers (a log scale; 10 is there to show divergence).
LEARNING_RATES = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
#: Batch sizes a slider offers; FULL_BATCH means every training image in one batch.
FULL_BATCH = 10**9
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, FULL_BATCH)
L2_VALUES = (0.0, 1e-5, 1e-4, 1e-3, 1e-2)
AUGMENT_STEP = 0.25
MOMENTUM_STEP = 0.01
#: share of each hidden layer's units dropped per training image (0 = off)
DROPOUT_RANGE = (0.0, 0.8)
DROPOUT_STEP = 0.05
#: share of the training images held out as a validation set (0 = none)
VALIDATION_RANGE = (0.0, 0.5)
VALIDATION_STEP = 0.05
#: training images used: ALL_IMAGES, or the first this many (small ones overfit on purpose)
ALL_IMAGES = 0
TRAIN_SIZE_RANGE = (100, 1_000_000)
TRAIN_SIZES = (100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, ALL_IMAGES)
#: factors on every initial weight: small ones make signals vanish, large ones saturate units
INIT_SCALE_RANGE = (0.1, 5.0)
INIT_SCALES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)


class ConfigError(ValueError):
    """One or more settings are not allowed; the message lists them all.

    Raised with a template and its values, it carries both, so that an app can say it in
    another language: ``t(error.template, **error.values)``."""

    def __init__(self, template: str, /, **values):
        super().__init__(template.format(**values) if values else template)
        self.template, self.values = template, values


class Problem(str):
    """One thing wrong with a config: its English sentence, carrying the TrainConfig field it is
    about (the app shows it next to that field's widget), its template and its values."""

    def __new__(cls, template: str, /, *, field: str, **values) -> Problem:
        problem = super().__new__(cls, template.format(**values))
        problem.field, problem.template, problem.values = field, template, values
        return problem


@dataclass(frozen=True)
class TrainConfig:
    digits: tuple[int, ...] = (0, 1)
    hidden: tuple[int, ...] = (10,)
    activation: str = "tanh"
    output: str = "sigmoid"
    init: str = "glorot-uniform"
    learning_rate: float = 0.001
    epochs: int = 1
    batch_size: int = 1
    momentum: float = 0.0
    l2: float = 0.0
    schedule: str = "constant"
    seed: int = 2
    dtype: str = "float64"
    normalization: str = "minmax"
    shuffle: bool = False
    #: strength of random slant/rotation/scale/thickness distortions of the
    #: training images (0 = none, 1 = full); helps hand drawings
    augment: float = 0.0
    #: which distortions (nnlib.augment.STYLES): "affine" for mouse drawings,
    #: "handwriting" adds elastic wobble, box-filling, low resolution, blur, ink;
    #: "styles" also redraws some 1, 2, 4, 5, 7 and 9s in writing styles MNIST hardly has
    augment_style: str = "affine"
    #: True: draw the initial weights from np.random.RandomState(seed), the
    #: stream of the blog's np.random.seed(2); False: np.random.default_rng(seed).
    legacy_rng: bool = True
    #: share of each hidden layer's units switched off per training image (inverted dropout)
    dropout: float = 0.0
    #: share of the training images held out to validate on (the last ones of those used)
    validation: float = 0.0
    #: training images used, the first ones of the set (ALL_IMAGES = every one)
    train_size: int = ALL_IMAGES
    #: factor on every initial weight
    init_scale: float = 1.0
    #: evaluations on the train and test sets per epoch (for the charts)
    evals_per_epoch: int = 1
    #: W1 snapshots kept over the run (for the weights timeline)
    snapshots: int = 30

    def problems(self) -> list[Problem]:
        """Everything wrong with this config, one Problem each, tied to its field (names of settings are values)."""
        found = []
        if not self.digits:
            found.append(Problem("choose at least two digits", field="digits"))
        elif len(self.digits) < 2:
            found.append(
                Problem(
                    "choose at least two digits to tell apart (got only {digit})", field="digits", digit=self.digits[0]
                )
            )
        if any(not isinstance(d, int) or not 0 <= d <= 9 for d in self.digits):
            found.append(Problem("digits must be 0-9, got {digits}", field="digits", digits=list(self.digits)))
        if len(set(self.digits)) != len(self.digits):
            found.append(Problem("digits repeat: {digits}", field="digits", digits=list(self.digits)))
        if not self.hidden:
            found.append(Problem("give at least one hidden layer", field="hidden"))
        low, high = HIDDEN_SIZE_RANGE
        if any(not isinstance(h, int) or not low <= h <= high for h in self.hidden):
            found.append(
                Problem(
                    "hidden layer sizes must be {low}-{high}, got {hidden}",
                    field="hidden",
                    low=low,
                    high=high,
                    hidden=list(self.hidden),
                )
            )
        if len(self.hidden) > MAX_HIDDEN_LAYERS:
            found.append(
                Problem(
                    "at most {most} hidden layers, got {count}",
                    field="hidden",
                    most=MAX_HIDDEN_LAYERS,
                    count=len(self.hidden),
                )
            )
        for name, field, allowed in (
            ("activation", "activation", tuple(ACTIVATIONS)),
            ("output", "output", tuple(OUTPUTS)),
            ("init", "init", INITS),
            ("schedule", "schedule", SCHEDULES),
            ("normalization", "normalization", NORMALIZATIONS),
            ("dtype", "dtype", DTYPES),
            ("augmentation style", "augment_style", AUGMENT_STYLES),
        ):
            value = getattr(self, field)
            if value not in allowed:
                found.append(
                    Problem(
                        "{name} must be one of {allowed}; got {value!r}",
                        field=field,
                        name=name,
                        allowed=", ".join(allowed),
                        value=value,
                    )
                )
        for name, field, (low, high) in (
            ("learning rate", "learning_rate", LEARNING_RATE_RANGE),
            ("momentum", "momentum", MOMENTUM_RANGE),
            ("augmentation strength", "augment", AUGMENT_RANGE),
            ("L2 weight decay", "l2", L2_RANGE),
            ("dropout", "dropout", DROPOUT_RANGE),
            ("validation share", "validation", VALIDATION_RANGE),
            ("initial-weight scale", "init_scale", INIT_SCALE_RANGE),
        ):
            value = getattr(self, field)
            if not (_is_number(value) and low <= value <= high):
                found.append(
                    Problem(
                        "{name} must be {low:g} to {high:g}, got {value}",
                        field=field,
                        name=name,
                        low=low,
                        high=high,
                        value=value,
                    )
                )
        for name, field, (low, high) in (("epochs", "epochs", EPOCHS_RANGE), ("seed", "seed", SEED_RANGE)):
            value = getattr(self, field)
            if not (_is_whole(value) and low <= value <= high):
                found.append(
                    Problem(
                        "{name} must be a whole number {low} to {high}, got {value}",
                        field=field,
                        name=name,
                        low=low,
                        high=high,
                        value=value,
                    )
                )
        low, high = TRAIN_SIZE_RANGE
        if not (_is_whole(self.train_size) and (self.train_size == ALL_IMAGES or low <= self.train_size <= high)):
            found.append(
                Problem(
                    "training-set size must be {low} to {high:,} images (or 0 for all), got {size}",
                    field="train_size",
                    low=low,
                    high=high,
                    size=self.train_size,
                )
            )
        if not (_is_whole(self.batch_size) and self.batch_size >= 1):
            found.append(Problem("batch size must be at least 1, got {size}", field="batch_size", size=self.batch_size))
        if not (isinstance(self.evals_per_epoch, int) and 1 <= self.evals_per_epoch <= 100):
            found.append(
                Problem(
                    "evaluations per epoch must be 1-100, got {count}",
                    field="evals_per_epoch",
                    count=self.evals_per_epoch,
                )
            )
        if not (isinstance(self.snapshots, int) and 0 <= self.snapshots <= 200):
            found.append(Problem("snapshots must be 0-200, got {count}", field="snapshots", count=self.snapshots))
        return found

    def split_counts(self, available: int) -> tuple[int, int]:
        """(images trained on, images held out to validate) out of the available training images."""
        used = available if self.train_size == ALL_IMAGES else min(self.train_size, available)
        held_out = int(round(used * self.validation))
        return used - held_out, held_out

    def validate(self) -> TrainConfig:
        """Return self, or raise ConfigError listing every problem."""
        found = self.problems()
        if found:
            raise ConfigError("; ".join(found))
        return self

    def replace(self, **changes) -> TrainConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        """Build from a dict (e.g. a model file's JSON), ignoring unknown keys."""
        known = {f.name for f in dataclasses.fields(cls)}
        kept = {k: v for k, v in values.items() if k in known}
        for key in ("digits", "hidden"):
            if key in kept:
                kept[key] = tuple(kept[key])
        return cls(**kept)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden layer sizes as people type them: "256, 128", "256 128" and "256;128" are (256, 128).

    Raises ConfigError naming what is wrong ("abc", "10,,10"); the sizes' range is
    TrainConfig.validate's business.
    """
    if not str(text).strip():
        raise ConfigError("give at least one hidden layer size")
    pieces = str(text).replace(";", ",").split(",")
    if pieces and not pieces[-1].strip() and len(pieces) > 1:
        pieces = pieces[:-1]  # "10, 20," while typing
    if any(not piece.strip() for piece in pieces):
        raise ConfigError("hidden layer sizes: an empty place between commas in {text!r}", text=text)
    sizes = []
    for word in (word for piece in pieces for word in piece.split()):
        if not re.fullmatch(r"[+-]?\d+", word):
            raise ConfigError("hidden layer sizes must be whole numbers, got {word!r}", word=word)
        sizes.append(int(word))
    return tuple(sizes)


def parse_digits(text: str) -> tuple[int, ...]:
    """ "0,1" or "3 8" -> (0, 1) / (3, 8), sorted; ConfigError for anything but digits 0-9."""
    words = str(text).replace(";", ",").replace(",", " ").split()
    if not words or any(not re.fullmatch(r"\d", word) for word in words):
        raise ConfigError("digits must be single digits 0-9 separated by commas, got {text!r}", text=text)
    return tuple(sorted({int(word) for word in words}))


#: The blog exactly: 0 vs 1, 784-10-2, tanh, sigmoid + cross-entropy,
#: Glorot-uniform from np.random.seed(2), per-sample SGD in file order,
#: learning rate 0.001, per-image min-max normalisation, float64, one epoch.
SEED_PRESET = TrainConfig(evals_per_epoch=10)

#: All ten digits, a stronger member of the same family: two ReLU layers,
#: softmax, He init, mini-batches with momentum, a cosine schedule.
DIGITS_PRESET = TrainConfig(
    digits=tuple(range(10)),
    hidden=(256, 128),
    activation="relu",
    output="softmax",
    init="he-normal",
    learning_rate=0.05,
    epochs=12,
    batch_size=64,
    momentum=0.9,
    l2=1e-4,
    schedule="cosine",
    seed=0,
    dtype="float32",
    normalization="scale255",
    shuffle=True,
    augment=1.0,
    legacy_rng=False,
    evals_per_epoch=1,
)

#: All ten digits at a price a class can afford: one ReLU layer of 192, no augmentation,
#: 5 epochs with a higher learning rate. ≥ 98% on the test set in under a quarter of the
#: digits preset's training time (``python benchmarks/presets.py`` measures both side by side).
CLASS_PRESET = DIGITS_PRESET.replace(hidden=(192,), learning_rate=0.1, epochs=5, augment=0.0)

#: The first part of the shipped model's recipe (assets/models/digits.npz, built by
#: ``python -m nnlib.robust``): the digits recipe, wider and longer, trained on MNIST distorted the
#: way other people's handwriting differs from it (nnlib.augment's "handwriting" style: elastic
#: wobble, upright box-filled digits, low resolution, blur, ink). nnlib.robust mixes flagged 1s,
#: crossed and plain 7s into its batches, then adds the stage below.
#: Too heavy for a class's click (minutes of training); the command line builds it.
ROBUST_PRESET = DIGITS_PRESET.replace(hidden=(512, 256), epochs=20, augment_style="handwriting")

#: The shipped model's second part: two epochs more under the writing styles (nnlib.finetune's
#: STAGE_STYLE_SHARES), each redrawn digit learning its label and every other image the start
#: model's own answer, which keeps the real scans it read (about 25 CPU-s).
ROBUST_STYLES_STAGE = ROBUST_PRESET.replace(epochs=2, learning_rate=0.02, augment_style="styles")

PRESETS = {"seed": SEED_PRESET, "class": CLASS_PRESET, "digits": DIGITS_PRESET, "robust": ROBUST_PRESET}
