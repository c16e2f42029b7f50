"""python -m nnlib train | evaluate | predict

Progress goes to stderr, one line per evaluation; with --json, stdout ends
with one JSON line of results that scripts and benchmarks read.
"""
from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from .config import PRESETS, ConfigError, TrainConfig
from .data import DataError, load_mnist, normalize
from .modelio import ModelFileError, load_model, save_model
from .network import ACTIVATIONS, INITS, OUTPUTS
from .preprocess import to_mnist
from .trainer import EvalEvent, Trainer, evaluate, prepare_data


def int_list(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nnlib", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a network and report its test accuracy")
    train.add_argument("--preset", choices=sorted(PRESETS), default="seed",
                       help="starting settings: seed = the blog exactly, digits = all ten digits")
    train.add_argument("--digits", type=int_list, help="digits to tell apart, e.g. 0,1 or 3,8")
    train.add_argument("--hidden", type=int_list, help="hidden layer sizes, e.g. 10 or 256,128")
    train.add_argument("--activation", choices=sorted(ACTIVATIONS))
    train.add_argument("--output", choices=sorted(OUTPUTS))
    train.add_argument("--init", choices=INITS)
    train.add_argument("--epochs", type=int)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--lr", type=float, dest="learning_rate")
    train.add_argument("--momentum", type=float)
    train.add_argument("--l2", type=float)
    train.add_argument("--schedule", choices=("constant", "step", "cosine"))
    train.add_argument("--augment", type=float, help="distortion strength 0-1 for training images")
    train.add_argument("--seed", type=int)
    train.add_argument("--dtype", choices=("float32", "float64"))
    train.add_argument("--data-dir", help="folder of IDX files (default: $MNIST_DIR or assets/mnist)")
    train.add_argument("--save", help="write the trained model to this .npz file")
    train.add_argument("--json", action="store_true", help="end stdout with one JSON line of results")

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
    overrides = {name: getattr(args, name) for name in (
        "digits", "hidden", "activation", "output", "init", "epochs", "batch_size",
        "learning_rate", "momentum", "l2", "schedule", "augment", "seed", "dtype")
        if getattr(args, name) is not None}
    return PRESETS[args.preset].replace(**overrides).validate()


def command_train(args) -> dict:
    config = config_from_args(args)
    data = prepare_data(load_mnist(args.data_dir), config.digits, config.normalization, config.dtype)
    trainer = Trainer(config, data)
    print(f"training {'-'.join(map(str, trainer.network.sizes))} on digits "
          f"{','.join(map(str, config.digits))}: {len(data.y_train)} train, "
          f"{len(data.y_test)} test images", file=sys.stderr)
    for event in trainer.run():
        if isinstance(event, EvalEvent):
            print(f"epoch {event.epoch:6.2f}  loss {event.train_loss:.4f}  "
                  f"train {event.train_accuracy:.2%}  test {event.test_accuracy:.2%}  "
                  f"({trainer.train_seconds:.1f} s)", file=sys.stderr)
    if trainer.status == "diverged":
        print(trainer.message, file=sys.stderr)
    test_loss, test_accuracy, predictions = evaluate(trainer.network, data.X_test, data.y_test)
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
        "final_loss": trainer.history.batch_losses[-1] if trainer.history.batch_losses else None,
        "epochs": config.epochs,
        "steps": trainer.step,
        "sizes": list(trainer.network.sizes),
        "digits": list(config.digits),
    }


def command_evaluate(args) -> dict:
    network, config = load_model(args.model)
    digits = config.digits if config else tuple(range(network.sizes[-1]))
    normalization = config.normalization if config else "minmax"
    data = prepare_data(load_mnist(args.data_dir), digits, normalization, str(network.dtype))
    if data.X_test.shape[1] != network.sizes[0]:
        raise ModelFileError(f"{args.model}: takes {network.sizes[0]} inputs, the images have "
                             f"{data.X_test.shape[1]} pixels")
    loss, accuracy, predictions = evaluate(network, data.X_test, data.y_test)
    print(f"test accuracy {accuracy:.2%} on {len(data.y_test)} images", file=sys.stderr)
    return {"test_accuracy": accuracy, "test_correct": int((predictions == data.y_test).sum()),
            "test_total": int(len(data.y_test)), "test_loss": loss, "digits": list(digits)}


def read_image(path: str) -> np.ndarray:
    if path.endswith(".npy"):
        return np.load(path, allow_pickle=False)
    from PIL import Image  # only needed for picture files
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"))


def command_predict(args) -> None:
    network, config = load_model(args.model)
    digits = config.digits if config else tuple(range(network.sizes[-1]))
    normalization = config.normalization if config else "minmax"
    for path in args.images:
        record = {"image": path}
        try:
            image = to_mnist(read_image(path))
        except (OSError, ValueError) as error:
            record["error"] = f"cannot read the image ({error})"
        else:
            if image is None:
                record["error"] = "the image is empty: nothing is drawn"
            else:
                X = normalize(image[None], normalization, dtype=network.dtype.type).T
                probabilities = network.probabilities(X)[:, 0]
                record["digit"] = int(digits[int(probabilities.argmax())])
                record["probabilities"] = {str(d): round(float(p), 6) for d, p in zip(digits, probabilities)}
        print(json.dumps(record))


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            result = command_train(args)
        elif args.command == "evaluate":
            result = command_evaluate(args)
        else:
            command_predict(args)
            return 0
    except (ConfigError, DataError, ModelFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        print(f"test accuracy {result['test_accuracy']:.2%} "
              f"({result['test_correct']}/{result['test_total']})")
    return 0 if result.get("status", "finished") != "diverged" else 1
