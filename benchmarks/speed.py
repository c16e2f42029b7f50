"""Speed of nnlib against its peers on the same MLP and the same work, in one run.

784-128-10, tanh, softmax + cross-entropy, plain SGD, batch 64, 3 epochs over
all 60,000 MNIST training images. Each contender runs in its own subprocess;
the time counted is the training loop alone (data already in memory, as
float32). Prints a Markdown table of ratios, one column group per thread setting:

- a number N: every contender with N threads (BLAS, OpenMP and torch alike);
- ``defaults``: each as a user runs it, no thread variable set: nnlib as
  ``python -m nnlib train`` runs it (``--threads auto``: nnlib.cli.choose_threads),
  PyTorch with its own default (torch.get_num_threads()), NumPy and scikit-learn
  with OpenBLAS's default (every core).

    python benchmarks/speed.py [--threads 1,2,defaults] [--repeats 3] [--contenders nnlib,pytorch]

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some workplaces set for old
OpenBLAS builds and which slow a current NumPy, are removed for the children
(--keep-openblas-env keeps them); the table names the BLAS kernel that ran.

Needs torch (pip install torch==2.13.0) and scikit-learn; a missing peer is
reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from devtools import bench

ROOT = Path(__file__).resolve().parent.parent
HIDDEN, BATCH, EPOCHS, LR = 128, 64, 3, 0.1

CONTENDERS = ("nnlib", "numpy-loop", "pytorch", "scikit-learn")
DEFAULTS = "defaults"  # the thread setting in which every contender picks its own
#: Variables that set a thread count: all unset for the defaults, all set to N otherwise.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def threads_setting() -> str:
    """This child's thread setting: a number as text, or DEFAULTS."""
    return os.environ["BENCH_THREADS"]


def blas_threads() -> int:
    """Threads OpenBLAS would use for a call made now (threadpoolctl)."""
    from threadpoolctl import threadpool_info

    counts = [info["num_threads"] for info in threadpool_info() if info.get("user_api") == "blas"]
    return max(counts, default=0)


def load():
    from nnlib import load_mnist
    from nnlib.data import normalize

    data = load_mnist()
    X = normalize(data.train.images, "scale255")  # (60000, 784) float32
    Xt = normalize(data.test.images, "scale255")
    return X, data.train.labels.astype("int64"), Xt, data.test.labels.astype("int64")


def run_nnlib():
    from nnlib import TrainConfig, Trainer
    from nnlib.cli import choose_threads, limit_threads
    from nnlib.data import PreparedData
    from nnlib.trainer import evaluate

    X, y, Xt, yt = load()
    config = TrainConfig(
        digits=tuple(range(10)),
        hidden=(HIDDEN,),
        activation="tanh",
        output="softmax",
        init="glorot-uniform",
        learning_rate=LR,
        epochs=EPOCHS,
        batch_size=BATCH,
        dtype="float32",
        normalization="scale255",
        shuffle=True,
        legacy_rng=False,
        snapshots=0,
        seed=0,
    )
    trainer = Trainer(config, PreparedData(X, y, Xt, yt, tuple(range(10)), (28, 28)))
    # at the defaults, the threads `python -m nnlib train` would choose (--threads auto)
    choice = choose_threads(config, "auto") if threads_setting() == DEFAULTS else None
    with limit_threads(choice):
        threads = blas_threads()
        trainer.run()
    _, accuracy, _ = evaluate(trainer.network, Xt, yt)
    return trainer.train_seconds, accuracy, threads


def run_numpy_loop():
    """The same maths as a bare loop: the floor any NumPy framework works against."""
    import time

    import numpy as np

    X, y, Xt, yt = load()
    rng = np.random.default_rng(0)
    limit1, limit2 = np.sqrt(6 / (784 + HIDDEN)), np.sqrt(6 / (HIDDEN + 10))
    W1 = rng.uniform(-limit1, limit1, (HIDDEN, 784)).astype(np.float32)
    W2 = rng.uniform(-limit2, limit2, (10, HIDDEN)).astype(np.float32)
    B1, B2 = np.zeros((HIDDEN, 1), np.float32), np.zeros((10, 1), np.float32)
    eye = np.eye(10, dtype=np.float32)
    started = time.perf_counter()
    for _ in range(EPOCHS):
        order = rng.permutation(len(y))
        for start in range(0, len(y), BATCH):
            rows = order[start : start + BATCH]
            Xb, Yb = X[rows].T, eye[y[rows]].T
            A1 = np.tanh(W1 @ Xb + B1)
            Z2 = W2 @ A1 + B2
            E = np.exp(Z2 - Z2.max(axis=0))
            A2 = E / E.sum(axis=0)
            _loss = -np.log((A2 * Yb).sum(axis=0) + 1e-12).mean()  # reported per batch, as the others do
            dZ2 = (A2 - Yb) / len(rows)
            dW2, dB2 = dZ2 @ A1.T, dZ2.sum(axis=1, keepdims=True)
            dZ1 = (W2.T @ dZ2) * (1 - A1 * A1)
            dW1, dB1 = dZ1 @ Xb.T, dZ1.sum(axis=1, keepdims=True)
            W1 -= LR * dW1
            B1 -= LR * dB1
            W2 -= LR * dW2
            B2 -= LR * dB2
    seconds = time.perf_counter() - started
    accuracy = float(((W2 @ np.tanh(W1 @ Xt.T + B1) + B2).argmax(axis=0) == yt).mean())
    return seconds, accuracy, blas_threads()


def run_pytorch():
    import time

    import torch

    if threads_setting() != DEFAULTS:
        torch.set_num_threads(int(threads_setting()))
    torch.manual_seed(0)
    X, y, Xt, yt = load()
    X, y = torch.from_numpy(X.copy()), torch.from_numpy(y)
    model = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN), torch.nn.Tanh(), torch.nn.Linear(HIDDEN, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    started = time.perf_counter()
    for _ in range(EPOCHS):
        order = torch.randperm(len(y))
        for start in range(0, len(y), BATCH):
            rows = order[start : start + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(X[rows]), y[rows])
            loss.backward()
            optimizer.step()
            loss.item()  # the per-batch loss, as the other contenders report it
    seconds = time.perf_counter() - started
    with torch.no_grad():
        accuracy = float((model(torch.from_numpy(Xt.copy())).argmax(1).numpy() == yt).mean())
    return seconds, accuracy, torch.get_num_threads()


def run_scikit_learn():
    import time
    import warnings

    from sklearn.neural_network import MLPClassifier

    X, y, Xt, yt = load()
    model = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,),
        activation="tanh",
        solver="sgd",
        batch_size=BATCH,
        learning_rate_init=LR,
        momentum=0.0,
        max_iter=EPOCHS,
        tol=0,
        n_iter_no_change=10**9,
        alpha=0.0,
        random_state=0,
    )
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    seconds = time.perf_counter() - started
    return seconds, float(model.score(Xt, yt)), blas_threads()


def child(name: str) -> None:
    seconds, accuracy, threads = {
        "nnlib": run_nnlib,
        "numpy-loop": run_numpy_loop,
        "pytorch": run_pytorch,
        "scikit-learn": run_scikit_learn,
    }[name]()
    from threadpoolctl import threadpool_info

    kernels = {str(info.get("architecture")) for info in threadpool_info() if info.get("internal_api") == "openblas"}
    kernel = ",".join(sorted(kernels)) or "?"
    if name == "pytorch":  # its matrix products are MKL's; OpenBLAS here is NumPy's, for loading
        kernel = f"MKL (NumPy: {kernel})"
    print(json.dumps({"seconds": seconds, "accuracy": accuracy, "threads": threads, "kernel": kernel}))


def measure(name: str, setting: str, keep_openblas_env: bool) -> dict | str:
    """One run of contender `name` in a fresh process; its result, or why it failed."""
    env = dict(os.environ, BENCH_THREADS=setting)
    for variable in THREAD_VARIABLES:
        env.pop(variable, None)
        if setting != DEFAULTS:
            env[variable] = setting
    if not keep_openblas_env:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    command = [sys.executable, "-m", "benchmarks.speed", "--child", name]
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if run.returncode:
        return run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "failed"
    return json.loads(run.stdout.strip().splitlines()[-1])


def parse_settings(text: str) -> list[str]:
    """'1,2,defaults' -> ['1', '2', 'defaults']; a clear message for anything else."""
    settings = [part.strip() for part in text.split(",") if part.strip()]
    for setting in settings:
        if setting != DEFAULTS and not (setting.isdigit() and int(setting) >= 1):
            raise argparse.ArgumentTypeError(f"thread settings are numbers >= 1 or {DEFAULTS!r}, got {setting!r}")
    if not settings:
        raise argparse.ArgumentTypeError("give at least one thread setting")
    return settings


def parse_contenders(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in CONTENDERS]
    if unknown or "nnlib" not in names:
        raise argparse.ArgumentTypeError(f"contenders are nnlib (always) and any of {', '.join(CONTENDERS[1:])}")
    return [name for name in CONTENDERS if name in names]


def heading(setting: str) -> str:
    if setting == DEFAULTS:
        return "both at their defaults"
    return f"{setting} thread{'s' if setting != '1' else ''}"


def table(best: dict, settings: list[str], contenders: list[str]) -> list[str]:
    """Markdown rows: per contender, per setting its time and nnlib's time over it."""
    header = "| contender |" + "".join(f" {heading(s)}: train_s | nnlib / it |" for s in settings)
    lines = [header + " test accuracy | BLAS kernel |", "|---|" + "---|---|" * len(settings) + "---|---|"]
    for name in contenders:
        cells, last = [], None
        for setting in settings:
            result, reference = best[setting][name], best[setting]["nnlib"]
            if isinstance(result, str):
                cells.append(f" not run: {result} | |")
                continue
            last = result
            time_cell = f"{result['seconds']:.2f}"
            if setting == DEFAULTS:
                time_cell += f" ({result['threads']} thr)"
            ratio = f"{reference['seconds'] / result['seconds']:.2f}x" if isinstance(reference, dict) else ""
            cells.append(f" {time_cell} | {ratio} |")
        tail = f" {last['accuracy']:.2%} | {last['kernel']} |" if last else " | |"
        lines.append(f"| {name} |" + "".join(cells) + tail)
    return lines


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument(
        "--threads",
        type=parse_settings,
        default=["1", "2", DEFAULTS],
        help=f"comma-separated thread settings: numbers (same for every contender) and/or {DEFAULTS}",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per contender and setting; the best counts")
    parser.add_argument("--contenders", type=parse_contenders, default=list(CONTENDERS))
    parser.add_argument("--child")
    parser.add_argument("--keep-openblas-env", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    report = bench.Report("speed", args)
    best = {setting: {} for setting in args.threads}
    for _ in range(args.repeats):  # interleaved, so drift hits every contender and setting alike
        for setting in args.threads:
            for name in args.contenders:
                result = measure(name, setting, args.keep_openblas_env)
                previous = best[setting].get(name)
                if isinstance(result, str):
                    best[setting].setdefault(name, result)
                elif not isinstance(previous, dict) or result["seconds"] < previous["seconds"]:
                    best[setting][name] = result
    coretype = os.environ.get("OPENBLAS_CORETYPE") if args.keep_openblas_env else None
    report.line(
        f"784-{HIDDEN}-10 tanh/softmax, batch {BATCH}, {EPOCHS} epochs x 60,000 images, "
        f"best of {args.repeats}, OPENBLAS_CORETYPE {coretype or 'unset'}\n"
    )
    for line in table(best, args.threads, args.contenders):
        report.line(line)
    nnlib, torch = best.get(DEFAULTS, {}).get("nnlib"), best.get(DEFAULTS, {}).get("pytorch")
    if isinstance(nnlib, dict) and isinstance(torch, dict):
        report.line(
            f"\nboth at their defaults: nnlib {nnlib['seconds']:.2f} s ({nnlib['threads']} BLAS thread(s), "
            f"--threads auto) / PyTorch {torch['seconds']:.2f} s ({torch['threads']} threads) "
            f"= {nnlib['seconds'] / torch['seconds']:.2f}x"
        )
    report.figure("best", best)
    report.finish()


if __name__ == "__main__":
    main()
