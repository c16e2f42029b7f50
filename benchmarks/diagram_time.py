"""Server time per network diagram (issue 10's budget: < 50 ms), for the blog's 784-10-2 and the shipped model.

    python benchmarks/diagram_time.py [--repeats 30]

Times what a stroke costs the server for the diagram: nnlib.insight.diagram (the data),
ui.network_figures.diagram_figure (the Plotly figure) and the figure's JSON (what
st.plotly_chart sends), each as the median of --repeats runs on MNIST test images.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from devtools import bench
from nnlib.data import load_mnist, normalize
from nnlib.insight import diagram
from nnlib.modelio import load_model
from nnlib.network import Network
from ui.network_figures import diagram_figure


def median_ms(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    report = bench.Report("diagram_time", args)
    images = load_mnist().test.images[: args.repeats]
    shipped, config = load_model("assets/models/digits.npz")
    networks = {
        "blog 784-10-2": (Network.create((784, 10, 2), rng=np.random.RandomState(2)), "minmax"),
        f"shipped {'-'.join(map(str, shipped.sizes))}": (shipped, config.normalization),
    }
    for name, (network, normalization) in networks.items():
        X = normalize(images[:1], normalization, network.dtype.type).T
        report.line(timing_line(name, network, X, args.repeats, report))
    report.finish()


def timing_line(name: str, network: Network, X: np.ndarray, repeats: int, report: bench.Report) -> str:
    """One line: the diagram's data, data + figure, and the figure's JSON, for input X (784, 1)."""
    _, cache = network.forward(X)
    diagram_figure(diagram(network, X, cache=cache))  # warm-up
    data_ms = median_ms(lambda: diagram(network, X, cache=cache), repeats)
    figure_ms = median_ms(lambda: diagram_figure(diagram(network, X, cache=cache)), repeats)
    json_ms = median_ms(diagram_figure(diagram(network, X, cache=cache)).to_json, repeats)
    report.figure(name, {"data_ms": data_ms, "figure_ms": figure_ms, "json_ms": json_ms})
    return (
        f"{name:24s} data {data_ms:5.1f} ms   data+figure {figure_ms:5.1f} ms   JSON {json_ms:5.1f} ms   "
        f"total {figure_ms + json_ms:5.1f} ms (budget 50)"
    )


if __name__ == "__main__":
    main()
