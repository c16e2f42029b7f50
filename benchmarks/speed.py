"""Speed of nnlib against its peers on the same MLP and the same work, in one run.

784-128-10, tanh, softmax + cross-entropy, plain SGD, batch 64, 3 epochs over
all 60,000 MNIST training images. Each contender runs in its own subprocess
with the same thread count; the time counted is the training loop alone
(data already in memory, as float32). Prints a Markdown table of ratios.

    python benchmarks/speed.py [--threads 1] [--repeats 3]

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which this workplace sets for old
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

ROOT = Path(__file__).resolve().parent.parent
HIDDEN, BATCH, EPOCHS, LR = 128, 64, 3, 0.1

CONTENDERS = ("nnlib", "numpy-loop", "pytorch", "scikit-learn")


def load():
    from nnlib import load_mnist
    from nnlib.data import normalize

    data = load_mnist()
    X = normalize(data.train.images, "scale255")  # (60000, 784) float32
    Xt = normalize(data.test.images, "scale255")
    return X, data.train.labels.astype("int64"), Xt, data.test.labels.astype("int64")


def run_nnlib():
    from nnlib import TrainConfig, Trainer
    from nnlib.trainer import PreparedData, evaluate

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
    trainer.run()
    _, accuracy, _ = evaluate(trainer.network, Xt, yt)
    return trainer.train_seconds, accuracy


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
    return seconds, accuracy


def run_pytorch():
    import time

    import torch

    torch.set_num_threads(int(os.environ["BENCH_THREADS"]))
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
    return seconds, accuracy


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
    return seconds, float(model.score(Xt, yt))


def child(name: str) -> None:
    seconds, accuracy = {
        "nnlib": run_nnlib,
        "numpy-loop": run_numpy_loop,
        "pytorch": run_pytorch,
        "scikit-learn": run_scikit_learn,
    }[name]()
    kernel = "?"
    try:
        from threadpoolctl import threadpool_info

        kernel = (
            ",".join(
                sorted(
                    {
                        str(info.get("architecture"))
                        for info in threadpool_info()
                        if info.get("internal_api") == "openblas"
                    }
                )
            )
            or "?"
        )
    except ImportError:
        pass
    print(json.dumps({"seconds": seconds, "accuracy": accuracy, "kernel": kernel}))


def measure(name: str, threads: int, keep_openblas_env: bool) -> dict | str:
    env = dict(
        os.environ,
        BENCH_THREADS=str(threads),
        OPENBLAS_NUM_THREADS=str(threads),
        OMP_NUM_THREADS=str(threads),
        MKL_NUM_THREADS=str(threads),
    )
    if not keep_openblas_env:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    run = subprocess.run([sys.executable, __file__, "--child", name], env=env, capture_output=True, text=True)
    if run.returncode:
        return run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "failed"
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--keep-openblas-env", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    best = {}
    for _ in range(args.repeats):  # interleaved, so drift hits every contender alike
        for name in CONTENDERS:
            result = measure(name, args.threads, args.keep_openblas_env)
            if isinstance(result, str):
                best[name] = result
            elif not isinstance(best.get(name), dict) or result["seconds"] < best[name]["seconds"]:
                best[name] = result
    reference = best["nnlib"]["seconds"]
    print(
        f"784-{HIDDEN}-10 tanh/softmax, batch {BATCH}, {EPOCHS} epochs x 60,000 images, "
        f"{args.threads} thread(s), best of {args.repeats}\n"
    )
    print("| contender | train_s | nnlib / contender | test accuracy | OpenBLAS kernel |")
    print("|---|---|---|---|---|")
    for name in CONTENDERS:
        result = best[name]
        if isinstance(result, str):
            print(f"| {name} | not run: {result} | | |")
        else:
            print(
                f"| {name} | {result['seconds']:.2f} | {reference / result['seconds']:.2f}x "
                f"| {result['accuracy']:.2%} | {result['kernel']} |"
            )


if __name__ == "__main__":
    main()
