"""Many images as points on a plane: the activations of a layer projected to 2-D.

PCA is plain NumPy (the SVD of the centred activations); t-SNE comes from scikit-learn, imported
only when asked for (it takes seconds, so the app runs it in server/tasks.py's pool).

    points = pca_2d(activations(network, X_rows)[2])     # (m, 2): the second hidden layer
"""

from __future__ import annotations

import numpy as np

from .network import ACTIVATIONS, OUTPUTS, Network

TSNE_ITERATIONS = 500  # scikit-learn's 1,000 took 32 CPU-s for 2,000 points; the clusters are formed by 500


def activations(network: Network, X_rows: np.ndarray) -> list[np.ndarray]:
    """[X, A1, …, A_L] as rows (m, n_l): the input, each hidden layer and the output."""
    act, _ = ACTIVATIONS[network.activation]
    out, _ = OUTPUTS[network.output]
    layers = [np.asarray(X_rows)]
    A = layers[0].T
    for l in range(1, network.layer_count + 1):
        Z = network.params[f"W{l}"] @ A + network.params[f"B{l}"]
        A = out(Z) if l == network.layer_count else act(Z)
        layers.append(A.T)
    return layers


def pca_2d(rows: np.ndarray) -> np.ndarray:
    """The rows (m, n) on their first two principal axes: (m, 2).

    The signs are fixed (each axis points to where its largest loading is positive), so the
    same data always gives the same picture.
    """
    centred = np.asarray(rows, dtype=np.float64)
    centred = centred - centred.mean(axis=0)
    U, S, Vt = np.linalg.svd(centred, full_matrices=False)
    axes = Vt[:2]
    signs = np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])
    points = centred @ (axes * signs[:, None]).T
    if points.shape[1] < 2:  # a layer of one neuron: a line
        points = np.column_stack([points, np.zeros(len(points))])
    return points


def tsne_2d(rows: np.ndarray, seed: int = 0, perplexity: float = 30.0) -> np.ndarray:
    """scikit-learn's t-SNE of the rows (m, n) to (m, 2), started from their PCA (repeatable).

    One OpenMP thread: `n_jobs` does not reach the Barnes-Hut gradient, whose threads spin at each
    step's barrier; on a machine with a busy core, 2,000 points took 22 CPU-s with two and 4 with one.
    """
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    rows = np.asarray(rows, dtype=np.float32)
    if rows.shape[1] > 50:  # t-SNE's usual first step: 50 principal components keep the neighbours
        rows = _pca(rows, 50)
    tsne = TSNE(
        2,
        perplexity=min(perplexity, (len(rows) - 1) / 3),
        init="pca",
        random_state=seed,
        n_jobs=1,
        max_iter=TSNE_ITERATIONS,
        angle=0.6,
    )
    with threadpool_limits(1, user_api="openmp"):
        return tsne.fit_transform(rows)


def _pca(rows: np.ndarray, count: int) -> np.ndarray:
    centred = rows - rows.mean(axis=0)
    _, _, Vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ Vt[:count].T


def map_points(network: Network, X_rows: np.ndarray, layer: int, method: str) -> np.ndarray:
    """(m, 2): layer's activations (0 = the input, L = the output) of X_rows by "pca" or "tsne"."""
    rows = activations(network, X_rows)[layer]
    return tsne_2d(rows) if method == "tsne" else pca_2d(rows)


def snapshot_maps(W1s: list[np.ndarray], X_rows: np.ndarray, activation: str) -> list[np.ndarray]:
    """The first hidden layer's map (m, 2) at each W1 snapshot, all on the last one's principal
    axes, so that an animation shows the points moving, not the axes turning.

    A snapshot keeps W1 only (not B1), so each map is of act(W1·X) without the biases.
    """
    act, _ = ACTIVATIONS[activation]
    layers = [act(np.asarray(X_rows, dtype=np.float32) @ np.asarray(W1, dtype=np.float32).T) for W1 in W1s]
    last = layers[-1].astype(np.float64)
    _, _, Vt = np.linalg.svd(last - last.mean(axis=0), full_matrices=False)
    axes = Vt[:2]
    axes = axes * np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])[:, None]
    return [(layer - layer.mean(axis=0)) @ axes.T for layer in layers]
