"""TrainConfig: every setting of a training run, validated in one place.

Every slider of the Train page and every flag of ``python -m nnlib train``
maps onto one field here; ``validate`` is the only place that says what is
allowed, so the app and the command line give the same messages.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from .network import ACTIVATIONS, INITS, OUTPUTS

SCHEDULES = ("constant", "step", "cosine")
NORMALIZATIONS = ("minmax", "scale255")
DTYPES = ("float32", "float64")


class ConfigError(ValueError):
    """One or more settings are not allowed; the message lists them all."""


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
    #: True: draw the initial weights from np.random.RandomState(seed), the
    #: stream of the blog's np.random.seed(2); False: np.random.default_rng(seed).
    legacy_rng: bool = True
    #: evaluations on the train and test sets per epoch (for the charts)
    evals_per_epoch: int = 1
    #: W1 snapshots kept over the run (for the weights timeline)
    snapshots: int = 30

    def problems(self) -> list[str]:
        """Everything wrong with this config, one sentence each."""
        found = []
        if not self.digits:
            found.append("choose at least two digits")
        elif len(self.digits) < 2:
            found.append(f"choose at least two digits to tell apart (got only {self.digits[0]})")
        if any(not isinstance(d, int) or not 0 <= d <= 9 for d in self.digits):
            found.append(f"digits must be 0-9, got {list(self.digits)}")
        if len(set(self.digits)) != len(self.digits):
            found.append(f"digits repeat: {list(self.digits)}")
        if not self.hidden:
            found.append("give at least one hidden layer")
        if any(not isinstance(h, int) or not 1 <= h <= 4096 for h in self.hidden):
            found.append(f"hidden layer sizes must be 1-4096, got {list(self.hidden)}")
        if len(self.hidden) > 8:
            found.append(f"at most 8 hidden layers, got {len(self.hidden)}")
        for name, value, allowed in (
            ("activation", self.activation, tuple(ACTIVATIONS)),
            ("output", self.output, tuple(OUTPUTS)),
            ("init", self.init, INITS),
            ("schedule", self.schedule, SCHEDULES),
            ("normalization", self.normalization, NORMALIZATIONS),
            ("dtype", self.dtype, DTYPES),
        ):
            if value not in allowed:
                found.append(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
        if not (isinstance(self.learning_rate, (int, float)) and 0 < self.learning_rate <= 100):
            found.append(f"learning rate must be above 0 and at most 100, got {self.learning_rate}")
        if not (isinstance(self.epochs, int) and 1 <= self.epochs <= 1000):
            found.append(f"epochs must be 1-1000, got {self.epochs}")
        if not (isinstance(self.batch_size, int) and self.batch_size >= 1):
            found.append(f"batch size must be at least 1, got {self.batch_size}")
        if not (0 <= self.momentum < 1):
            found.append(f"momentum must be in [0, 1), got {self.momentum}")
        if not (0 <= self.augment <= 1):
            found.append(f"augmentation strength must be in [0, 1], got {self.augment}")
        if not (0 <= self.l2 <= 1):
            found.append(f"L2 weight decay must be in [0, 1], got {self.l2}")
        if not (isinstance(self.seed, int) and 0 <= self.seed < 2**32):
            found.append(f"seed must be a whole number 0 to 2^32-1, got {self.seed}")
        if not (isinstance(self.evals_per_epoch, int) and 1 <= self.evals_per_epoch <= 100):
            found.append(f"evaluations per epoch must be 1-100, got {self.evals_per_epoch}")
        if not (isinstance(self.snapshots, int) and 0 <= self.snapshots <= 200):
            found.append(f"snapshots must be 0-200, got {self.snapshots}")
        return found

    def validate(self) -> "TrainConfig":
        """Return self, or raise ConfigError listing every problem."""
        found = self.problems()
        if found:
            raise ConfigError("; ".join(found))
        return self

    def replace(self, **changes) -> "TrainConfig":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        """Build from a dict (e.g. a model file's JSON), ignoring unknown keys."""
        known = {f.name for f in dataclasses.fields(cls)}
        kept = {k: v for k, v in values.items() if k in known}
        for key in ("digits", "hidden"):
            if key in kept:
                kept[key] = tuple(kept[key])
        return cls(**kept)


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

PRESETS = {"seed": SEED_PRESET, "digits": DIGITS_PRESET}
