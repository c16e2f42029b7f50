"""The settings registry: one entry per setting a person chooses, from which the Train widgets,
the URL, the CLI flags and Compare's choices are made. A new setting is an entry here, its
TrainConfig field and check in ``problems()`` (nnlib/config.py), and its maths."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .augment import STYLES as AUGMENT_STYLES
from .config import (
    ALL_IMAGES,
    AUGMENT_RANGE,
    AUGMENT_STEP,
    BATCH_SIZES,
    DROPOUT_RANGE,
    DROPOUT_STEP,
    DTYPES,
    EPOCHS_RANGE,
    FULL_BATCH,
    HIDDEN_SIZE_RANGE,
    INIT_SCALES,
    L2_VALUES,
    LEARNING_RATES,
    MAX_HIDDEN_LAYERS,
    MOMENTUM_RANGE,
    MOMENTUM_STEP,
    NORMALIZATIONS,
    SCHEDULES,
    SEED_RANGE,
    TRAIN_SIZE_RANGE,
    TRAIN_SIZES,
    VALIDATION_RANGE,
    VALIDATION_STEP,
    TrainConfig,
    parse_digits,
    parse_hidden,
)
from .network import ACTIVATIONS, INITS, OUTPUTS

CHOICE, WHOLE, NUMBER, TEXT_LIST, FLAG = "choice", "whole number", "number", "text list", "flag"


@dataclass(frozen=True)
class Setting:
    """How one TrainConfig field is chosen, written and shown everywhere.

    kind: CHOICE (one of choices), WHOLE or NUMBER (one of values, else low to high by step),
    TEXT_LIST (numbers typed as "256, 128"; choices = the items offered, if any), FLAG.
    label, help, labels (value -> words) and compare_label are English ui.i18n templates.
    group: the Train tab that shows it ("data", "network", "training"; "" = command line only).
    cli_help is the command line's own (English only). compare: the values Compare offers
    (empty = not compared) and compare_defaults the ones it starts with. board: a post to the class
    board carries it (a column of the board's table, a colouring of its curves). default is used for
    a field TrainConfig does not have yet (a setting whose maths is not written).
    """

    name: str
    kind: str
    label: str
    group: str = ""
    help: str = ""
    url_key: str = ""
    cli_flag: str = ""
    cli_help: str | None = None
    choices: tuple = ()
    values: tuple = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None
    most: int | None = None  # TEXT_LIST: the most items
    labels: dict = dataclasses.field(default_factory=dict)
    shown: str = ""  # a format template for a value ("×{:g}"); "" = 0.5, 32, relu
    parse: object = None  # TEXT_LIST: text -> tuple, raising ConfigError
    compare: tuple = ()
    compare_defaults: tuple = ()
    compare_label: str = ""
    board: bool = False
    default: object = None

    def read(self, config) -> object:
        """This setting's value in config."""
        return getattr(config, self.name, self.default)

    def from_text(self, text: str):
        """The value a person typed (command line, URL): ConfigError or ValueError when it is none."""
        if self.kind == TEXT_LIST:
            return self.parse(text)
        if self.kind == FLAG:
            if str(text).lower() not in ("0", "1", "true", "false", "yes", "no"):
                raise ValueError(text)
            return str(text).lower() in ("1", "true", "yes")
        if self.kind == WHOLE:
            return int(text)
        if self.kind == NUMBER:
            return float(text)
        if text not in self.choices:
            raise ValueError(text)
        return text

    def to_text(self, value) -> str:
        """The value as a URL or command line writes it: "256,128", "0.5", "1"; text lists typed by
        a person are kept as typed, without spaces."""
        if self.kind == TEXT_LIST:
            return value.replace(" ", "") if isinstance(value, str) else ",".join(map(str, value))
        if self.kind == FLAG:
            return str(int(bool(value)))
        if self.kind == NUMBER:
            return f"{float(value):g}"
        return str(value)

    def plain(self, value) -> str:
        """The value in a run's name ("digits=0-9, hidden=50"): runs of three or more whole numbers
        in a text list are written "first-last"."""
        if self.kind != TEXT_LIST:
            return f"{value:g}" if isinstance(value, float) else str(value)
        items = list(value)
        if len(items) > 2 and items == list(range(items[0], items[0] + len(items))):
            return f"{items[0]}-{items[-1]}"
        return ",".join(map(str, items))


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "digits",
        TEXT_LIST,
        "Digits",
        "data",
        "Which digits to tell apart. The blog: 0 and 1. Try 3 and 8, or all ten.",
        "digits",
        "--digits",
        "digits to tell apart, e.g. 0,1 or 3,8",
        choices=tuple(range(10)),
        low=0,
        high=9,
        parse=parse_digits,
        compare=((0, 1), (3, 8), tuple(range(10))),
        compare_defaults=((0, 1), tuple(range(10))),
        board=True,
    ),
    Setting(
        "normalization",
        CHOICE,
        "Normalisation",
        "data",
        "How pixels 0-255 become 0-1 numbers. On MNIST both give almost the same.",
        "norm",
        "--normalization",
        choices=NORMALIZATIONS,
        labels={"minmax": "min-max per image (blog)", "scale255": "÷ 255"},
    ),
    Setting(
        "augment",
        NUMBER,
        "Augmentation",
        "data",
        "Randomly slant, rotate and thicken training images, so hand drawings are read better. Slower; 0 = off.",
        "augment",
        "--augment",
        "distortion strength 0-1 for training images",
        low=AUGMENT_RANGE[0],
        high=AUGMENT_RANGE[1],
        step=AUGMENT_STEP,
    ),
    Setting(
        "augment_style",
        CHOICE,
        "Augmentation style",
        cli_flag="--augment-style",
        cli_help="affine: mouse drawings; handwriting: also scans of any hand; styles: also flagged 1s, crossed 7s, …",
        choices=AUGMENT_STYLES,
    ),
    Setting(
        "shuffle",
        FLAG,
        "Shuffle each epoch",
        "data",
        "The blog goes through the file in order. Shuffling usually helps.",
        "shuffle",
        "--shuffle",
        "shuffle the training images each epoch (--no-shuffle: in file order, as the blog)",
    ),
    Setting(
        "train_size",
        WHOLE,
        "Training-set size",
        "data",
        "Train on only the first images. With 100 the network learns them by heart: overfitting on purpose.",
        "size",
        "--train-size",
        "train on the first N images (at least 100; 0 = all)",
        values=TRAIN_SIZES,
        low=TRAIN_SIZE_RANGE[0],
        high=TRAIN_SIZE_RANGE[1],
        labels={ALL_IMAGES: "all"},
        shown="{:,}",
        compare=tuple(size for size in TRAIN_SIZES if size != ALL_IMAGES),
        compare_defaults=(100, 1000, 10_000),
    ),
    Setting(
        "validation",
        NUMBER,
        "Validation share",
        "data",
        "Hold out this share of the training images: the charts show how the network does on images it never "
        "trained on, without peeking at the test set. 0 = none.",
        "val",
        "--validation",
        "share of the training images held out to validate, 0-0.5",
        low=VALIDATION_RANGE[0],
        high=VALIDATION_RANGE[1],
        step=VALIDATION_STEP,
    ),
    Setting(
        "hidden",
        TEXT_LIST,
        "Hidden layer sizes",
        "network",
        "Neurons per hidden layer, e.g. 10 (the blog) or 256, 128 for two layers. Try 1, 2, 10, 100 and compare.",
        "hidden",
        "--hidden",
        "hidden layer sizes, e.g. 10 or 256,128",
        low=HIDDEN_SIZE_RANGE[0],
        high=HIDDEN_SIZE_RANGE[1],
        most=MAX_HIDDEN_LAYERS,
        parse=parse_hidden,
        compare=tuple((size,) for size in (1, 2, 5, 10, 20, 50, 100, 200)),
        compare_defaults=((2,), (10,), (50,)),
        compare_label="Hidden layer size",
        board=True,
    ),
    Setting(
        "activation",
        CHOICE,
        "Hidden activation",
        "network",
        "The blog uses tanh. ReLU trains faster in deep networks.",
        "act",
        "--activation",
        choices=tuple(sorted(ACTIVATIONS)),
        compare=tuple(sorted(ACTIVATIONS)),
        compare_defaults=("tanh", "relu"),
        board=True,
    ),
    Setting(
        "output",
        CHOICE,
        "Output",
        "network",
        "sigmoid: each output on its own, with binary cross-entropy (the blog); softmax: outputs that add up "
        "to 1, with cross-entropy. Both give dZ = A − Y at the output, as the blog derives.",
        "out",
        "--output",
        choices=tuple(sorted(OUTPUTS)),
        labels={"sigmoid": "sigmoid (blog)"},
        board=True,
    ),
    Setting(
        "init",
        CHOICE,
        "Initialisation",
        "network",
        "The blog: Glorot-uniform. Try zeros: every neuron stays the same.",
        "init",
        "--init",
        choices=tuple(INITS),
        compare=tuple(INITS),
        compare_defaults=("glorot-uniform", "zeros"),
        board=True,
    ),
    Setting(
        "init_scale",
        NUMBER,
        "Initial-weight scale",
        "network",
        "Multiplies every initial weight. ×0.1: signals fade layer by layer; ×5: sigmoid and tanh saturate.",
        "wscale",
        "--init-scale",
        "factor on every initial weight, 0.1-5",
        values=INIT_SCALES,
        shown="×{:g}",
        compare=INIT_SCALES,
        compare_defaults=(0.1, 1.0, 5.0),
    ),
    Setting(
        "dropout",
        NUMBER,
        "Dropout",
        "network",
        "While training, switch off this share of each hidden layer's neurons at random, per image; never "
        "when testing. It fights overfitting. 0 = off.",
        "dropout",
        "--dropout",
        "share of hidden units dropped per training image, 0-0.8",
        low=DROPOUT_RANGE[0],
        high=DROPOUT_RANGE[1],
        step=DROPOUT_STEP,
        compare=(0.0, 0.1, 0.2, 0.3, 0.5),
        compare_defaults=(0.0, 0.3),
    ),
    Setting(
        "dtype",
        CHOICE,
        "Precision",
        "network",
        "float32 is about twice as fast and accurate enough to train.",
        "dtype",
        "--dtype",
        choices=tuple(reversed(DTYPES)),
        board=True,
    ),
    Setting(
        "learning_rate",
        NUMBER,
        "Learning rate",
        "training",
        "Step size of gradient descent, on a log scale. Try 10 to see it diverge.",
        "lr",
        "--lr",
        values=LEARNING_RATES,
        shown="{:g}",
        compare=LEARNING_RATES,
        compare_defaults=(0.001, 0.01, 0.1),
        board=True,
    ),
    Setting(
        "epochs",
        WHOLE,
        "Epochs",
        "training",
        "Passes over all training images.",
        "epochs",
        "--epochs",
        low=EPOCHS_RANGE[0],
        high=EPOCHS_RANGE[1],
        step=1,
        board=True,
    ),
    Setting(
        "batch_size",
        WHOLE,
        "Batch size",
        "training",
        "Images per gradient step. 1 = the blog's per-sample SGD; all = full batch.",
        "batch",
        "--batch-size",
        values=BATCH_SIZES,
        labels={FULL_BATCH: "all"},
        compare=tuple(size for size in BATCH_SIZES if size != FULL_BATCH),
        compare_defaults=(1, 32, 1024),
        board=True,
    ),
    Setting(
        "momentum",
        NUMBER,
        "Momentum",
        "training",
        "Carries part of the last step into the next; 0.9 is usual, 0 = plain SGD.",
        "momentum",
        "--momentum",
        low=MOMENTUM_RANGE[0],
        high=MOMENTUM_RANGE[1],
        step=MOMENTUM_STEP,
    ),
    Setting(
        "l2",
        NUMBER,
        "L2 weight decay",
        "training",
        "Pulls weights towards zero a little every step.",
        "l2",
        "--l2",
        values=L2_VALUES,
        shown="{:g}",
    ),
    Setting(
        "schedule",
        CHOICE,
        "Schedule",
        "training",
        "How the learning rate changes: constant (blog), halved at 50% and 75%, or a smooth cosine down to 0.",
        "schedule",
        "--schedule",
        choices=SCHEDULES,
        labels={"constant": "constant", "step": "step: halve at 50% and 75%", "cosine": "cosine"},
    ),
    Setting(
        "seed",
        WHOLE,
        "Seed",
        "training",
        "Same seed, same settings: the same result every time.",
        "seed",
        "--seed",
        low=SEED_RANGE[0],
        high=SEED_RANGE[1],
        step=1,
    ),
)


def setting(name: str, registry=None) -> Setting:
    """The registry's entry for a TrainConfig field."""
    return next(entry for entry in (SETTINGS if registry is None else registry) if entry.name == name)


def with_settings(config: TrainConfig, values: dict) -> TrainConfig:
    """config with values (field -> value) put in; a field TrainConfig does not have yet (a registry
    entry whose maths is not written) is left out, since no run could use it."""
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    return config.replace(**{name: value for name, value in values.items() if name in known})
