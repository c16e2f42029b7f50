"""python -m nnlib train | evaluate | predict

Progress goes to stderr, one line per evaluation as it is made (and a progress
bar under them on a terminal); with --json, stdout ends with one JSON line of
results that scripts and benchmarks read.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

import numpy as np

from . import registry
from .config import PRESETS, ROBUST_STYLES_STAGE, ConfigError, TrainConfig
from .data import DataError, load_mnist, prepare_data
from .events import DivergedEvent, EvalEvent
from .modelio import ModelFileError, open_model, save_model
from .pipeline import read_digit
from .preprocess import MAX_PICTURE_PIXELS, read_picture_file
from .trainer import Trainer, evaluate

#: Below this many multiply-adds per batch, one BLAS thread is the safe choice: the matrices
#: are too small to share out (784-128-10 at batch 64: 6.5 million). benchmarks/speed.py on
#: 2 cores: when other programs kept the cores busy, 2 threads took 4-17x as long as one
#: (a thread that waits for a busy core stalls every product); on idle cores, 2 threads
#: saved at most ~20%. One thread also gives the same float32 numbers on any machine.
SMALL_BATCH_WORK = 50_000_000


#: An answer at least this probable is "sure". Chosen with benchmarks/confidence.py on 4,537
#: held-out pictures (scikit-learn's real scans, box-filled scans, font digits, degraded MNIST)
#: read by the shipped model: at 0.9, 89.6% of the answers are sure and 99.61% of those are right,
#: while 88% of its wrong answers are flagged not sure (0.8: 99.17% right; 0.95: 85.5% sure).
SURE_CONFIDENCE = 0.9


def _argument(entry: registry.Setting):
    """The entry's reading of a flag's text; what it cannot read becomes argparse's own message."""

    def convert(text: str):
        try:
            return entry.from_text(text)
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
        except ValueError:
            raise argparse.ArgumentTypeError(f"{entry.cli_flag} must be a {entry.kind}, got {text!r}") from None

    return convert


def _argument_kind(entry: registry.Setting) -> dict:
    """argparse's keywords for a registry entry: its choices, or how to read its text."""
    if entry.kind == registry.CHOICE:
        return {"choices": entry.choices}
    if entry.kind == registry.FLAG:
        return {"action": argparse.BooleanOptionalAction}
    return {"type": _argument(entry)}


def divergence_text(event: DivergedEvent) -> str:
    """The command line's words for a divergence (the app has its own, in two languages)."""
    what = (
        f"became {event.loss}"
        if not math.isfinite(event.loss)
        else f"grew from {event.initial_loss:.3g} to {event.smoothed_loss:.3g} on average"
    )
    return (
        f"Training diverged: the loss {what} by step {event.step} (epoch {event.epoch:.2f}). "
        f"The learning rate {event.learning_rate:g} is too large for this setup. Training stopped "
        f"and kept the weights of step {event.kept_step}, the last good ones. "
        "Try a learning rate 10 times smaller."
    )


class ProgressLine:
    """Lines of text, and below them a progress bar redrawn in place, on a stream.

    The bar is drawn only on a terminal (stream.isatty()), at most every REDRAW_SECONDS;
    piped, only the lines are written, each flushed as it comes.
    """

    REDRAW_SECONDS = 0.1
    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.on_terminal = stream.isatty()
        self._bar = ""
        self._drawn_at = 0.0

    def say(self, text: str) -> None:
        """A line above the bar (the bar is drawn again under it)."""
        self._clear()
        print(text, file=self.stream, flush=True)
        self._draw()

    def show(self, fraction: float, note: str) -> None:
        """The bar at fraction (0-1) of the run, with a note beside it."""
        if not self.on_terminal or time.monotonic() - self._drawn_at < self.REDRAW_SECONDS:
            return
        filled = round(self.WIDTH * min(max(fraction, 0.0), 1.0))
        self._bar = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {fraction:4.0%}  {note}"
        self._draw()

    def close(self) -> None:
        self._clear()
        self._bar = ""

    def _draw(self) -> None:
        if self.on_terminal and self._bar:
            self.stream.write(f"\r{self._bar}")
            self.stream.flush()
            self._drawn_at = time.monotonic()

    def _clear(self) -> None:
        if self.on_terminal and self._bar:
            self.stream.write("\r\033[K")


def batch_work(config: TrainConfig, inputs: int = 784) -> int:
    """Multiply-adds of one batch's forward pass."""
    sizes = (inputs, *config.hidden, len(config.digits))
    return min(config.batch_size, 60_000) * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def choose_threads(config: TrainConfig, requested: str) -> int | None:
    """BLAS threads for this run: 'auto' = one for small batches (faster: no hand-over
    between threads), every core for large ones; or the number asked for."""
    if requested != "auto":
        if not requested.strip().isdigit() or int(requested) < 1:
            raise ConfigError(f"threads must be auto or a whole number from 1, got {requested!r}")
        return int(requested)
    if batch_work(config) < SMALL_BATCH_WORK:
        return 1
    return None  # BLAS's own default: every core


def limit_threads(threads: int | None):
    """A context that runs BLAS with that many threads (None: leave it alone)."""
    from contextlib import nullcontext

    if threads is None:
        return nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(threads, user_api="blas")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nnlib", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a network and report its test accuracy")
    train.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default="seed",
        help="starting settings: seed = the blog exactly, digits = all ten digits, robust = the shipped model's base "
        "(python -m nnlib.robust builds the shipped model)",
    )
    for entry in registry.SETTINGS:
        if entry.cli_flag:
            train.add_argument(entry.cli_flag, dest=entry.name, help=entry.cli_help, **_argument_kind(entry))
    train.add_argument(
        "--threads", default="auto", help="BLAS threads: auto (one for small batches, all cores for large) or a number"
    )
    train.add_argument("--data-dir", help="folder of IDX files (default: $MNIST_DIR or assets/mnist)")
    train.add_argument("--save", help="write the trained model to this .npz file")
    train.add_argument("--json", action="store_true", help="end stdout with one JSON line of results")

    finetune = commands.add_parser(
        "finetune",
        help="train a saved model two epochs more under the writing styles, every image learning its label "
        "(python -m nnlib.finetune is the shipped model's stage, which keeps what the model read)",
    )
    finetune.add_argument("--model", required=True, help="the model to start from (e.g. made by train --preset robust)")
    finetune.add_argument("--save", required=True, help="write the fine-tuned model to this .npz file")
    finetune.add_argument("--epochs", type=int, default=ROBUST_STYLES_STAGE.epochs)
    finetune.add_argument("--lr", type=float, dest="learning_rate", default=FINETUNE_LEARNING_RATE)
    finetune.add_argument("--seed", type=int, default=ROBUST_STYLES_STAGE.seed)
    finetune.add_argument("--data-dir", help="folder of IDX files (default: $MNIST_DIR or assets/mnist)")
    finetune.add_argument("--threads", default="auto", help="BLAS threads: a number or auto")
    finetune.add_argument("--json", action="store_true", help="end stdout with one JSON line of results")

    evaluate_cmd = commands.add_parser("evaluate", help="test accuracy of a saved model")
    evaluate_cmd.add_argument("--model", required=True)
    evaluate_cmd.add_argument("--data-dir")
    evaluate_cmd.add_argument("--json", action="store_true")

    predict = commands.add_parser("predict", help="the digit in each image file (PNG, JPEG, .npy)")
    predict.add_argument("--model", required=True)
    predict.add_argument("images", nargs="+")
    predict.add_argument("--json", action="store_true", help="(the output is always JSON lines)")
    return parser


def config_from_args(args) -> TrainConfig:
    """The preset, changed by every setting's flag that was given."""
    given = {
        entry.name: getattr(args, entry.name)
        for entry in registry.SETTINGS
        if entry.cli_flag and getattr(args, entry.name, None) is not None
    }
    return registry.with_settings(PRESETS[args.preset], given).validate()


def command_train(args, config: TrainConfig | None = None, network=None) -> dict:
    """Train (network, when given, further) with config (default: the preset and flags in args)."""
    config = config or config_from_args(args)
    data = prepare_data(load_mnist(args.data_dir), config.digits, config.normalization, config.dtype)
    trainer = Trainer(config, data, network)
    print(
        f"training {'-'.join(map(str, trainer.network.sizes))} on digits "
        f"{','.join(map(str, config.digits))}: {len(data.y_train)} train, "
        f"{len(data.y_test)} test images",
        file=sys.stderr,
    )
    progress = ProgressLine(sys.stderr)
    with limit_threads(choose_threads(config, args.threads)):
        for event in trainer.events():
            if isinstance(event, EvalEvent):
                progress.say(
                    f"epoch {event.epoch:6.2f}  loss {event.train_loss:.4f}  "
                    f"train {event.train_accuracy:.2%}  test {event.test_accuracy:.2%}  "
                    f"({trainer.train_seconds:.1f} s)"
                )
            elif isinstance(event, DivergedEvent):
                progress.say(divergence_text(event))
            progress.show(trainer.step / trainer.total_steps, f"epoch {trainer.epoch:.2f}/{config.epochs}")
    progress.close()
    test_loss, test_accuracy, predictions = evaluate(trainer.network, data.X_test, data.y_test)
    losses = trainer.history.batch_losses
    last_loss = trainer.divergence.loss if trainer.divergence else (losses[-1] if losses else None)
    if args.save:
        save_model(args.save, trainer.network, config)
        print(f"saved {args.save}", file=sys.stderr)
    return {
        "status": trainer.status,
        "train_s": round(trainer.train_seconds, 4),
        "test_accuracy": test_accuracy,
        "test_correct": int((predictions == data.y_test).sum()),
        "test_total": int(len(data.y_test)),
        "test_loss": test_loss,
        # the last batch loss seen (the diverging one included); null when it overflowed
        "final_loss": last_loss if last_loss is not None and math.isfinite(last_loss) else None,
        "epochs": config.epochs,
        "steps": trainer.step,
        "sizes": list(trainer.network.sizes),
        "digits": list(config.digits),
    }


def command_finetune(args) -> dict:
    """The model in args.model trained further with ROBUST_STYLES_STAGE's recipe (its own
    digits, layers and normalisation kept), saved to args.save."""
    network, saved = open_model(args.model, input_size=784)
    stage = {name: getattr(ROBUST_STYLES_STAGE, name) for name in FINETUNE_RECIPE}
    config = saved.replace(**stage, epochs=args.epochs, learning_rate=args.learning_rate, seed=args.seed)
    return command_train(args, config.validate(), network)


#: finetune's step: smaller than the shipped stage's (ROBUST_STYLES_STAGE), since learning every
#: image's label moves every answer, not only the redrawn digits'.
FINETUNE_LEARNING_RATE = 0.004
#: The settings finetune takes from ROBUST_STYLES_STAGE; the rest are the model's own.
FINETUNE_RECIPE = ("batch_size", "momentum", "l2", "schedule", "augment", "augment_style", "shuffle", "legacy_rng")


def command_evaluate(args) -> dict:
    mnist = load_mnist(args.data_dir)
    network, config = open_model(args.model, input_size=mnist.test.images[0].size)
    data = prepare_data(mnist, config.digits, config.normalization, str(network.dtype))
    loss, accuracy, predictions = evaluate(network, data.X_test, data.y_test)
    print(f"test accuracy {accuracy:.2%} on {len(data.y_test)} images", file=sys.stderr)
    return {
        "test_accuracy": accuracy,
        "test_correct": int((predictions == data.y_test).sum()),
        "test_total": int(len(data.y_test)),
        "test_loss": loss,
        "digits": list(config.digits),
    }


def predict_one(path: str, network, config) -> dict:
    """One image file's JSON record: its digit, how sure (confidence, sure, the two likeliest
    digits) and the probabilities; or an error."""
    try:
        reading = read_digit(read_picture_file(path), network, config)
    except (OSError, ValueError) as error:
        return {"image": path, "error": f"cannot read the image ({error})"}
    except MemoryError:
        return {"image": path, "error": "cannot read the image (not enough memory)"}
    if reading is None:
        return {"image": path, "error": "the image is empty: nothing is drawn"}
    two_likeliest = np.argsort(reading.probabilities)[::-1][:2]
    return {
        "image": path,
        "digit": reading.digit,
        "confidence": round(reading.confidence, 6),
        "sure": reading.confidence >= SURE_CONFIDENCE,
        "likeliest": [int(config.digits[index]) for index in two_likeliest],
        "probabilities": {str(d): round(float(p), 6) for d, p in zip(config.digits, reading.probabilities)},
    }


def command_predict(args) -> int:
    """Prints one JSON line per image; returns how many failed."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PICTURE_PIXELS  # Pillow's own bomb check, for the frames it decodes later too
    network, config = open_model(args.model, input_size=28 * 28)
    failed = 0
    for path in args.images:
        record = predict_one(path, network, config)
        failed += "error" in record
        print(json.dumps(record))
    return failed


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            result = command_train(args)
        elif args.command == "finetune":
            result = command_finetune(args)
        elif args.command == "evaluate":
            result = command_evaluate(args)
        else:
            failed = command_predict(args)
            if failed:
                print(f"error: {failed} of {len(args.images)} images could not be read", file=sys.stderr)
            return 1 if failed else 0
    except (ConfigError, DataError, ModelFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        print(f"test accuracy {result['test_accuracy']:.2%} ({result['test_correct']}/{result['test_total']})")
    return 0 if result.get("status", "finished") != "diverged" else 1
