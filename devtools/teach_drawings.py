"""A drawing and a model for testing Draw's "Teach it": a crossed 7 that a quickly trained
ten-digit model reads as a 2, as the issue's European writers' 7s were read.

    network, config = misreading_model()            # 784-64-10, one epoch, seconds
    CROSSED_SEVEN                                   # its strokes in canvas pixels (x, y)
    ink = canvas_ink(CROSSED_SEVEN)                 # as the 280×280 canvas holds it

The shipped model reads crossed 7s right (it was trained on writing styles), so a test needs a
model that does not: the class preset, narrower and shorter, trained with a fixed seed. The
strokes are one jittered drawing of a 7 with a long, low crossbar (devtools/styles.py's kind),
chosen as the one that model reads as 2 most surely.
"""

from __future__ import annotations

import numpy as np

from nnlib import PRESETS, Network, TrainConfig, load_mnist, prepare_data
from nnlib.trainer import Trainer
from nnlib.writing_styles import stroke_ink

CANVAS = 280
PEN = 18  # the Draw page's default stroke width
#: A 7 with a crossbar low on its stem: the top bar with its stem, then the crossbar.
CROSSED_SEVEN = [[(84, 40), (241, 61), (100, 240)], [(60, 169), (201, 175)]]
MISREADING_CONFIG = PRESETS["class"].replace(hidden=(64,), epochs=1)


def misreading_model(data_dir=None) -> tuple[Network, TrainConfig]:
    """A ten-digit 784-64-10 model trained for one epoch (about 96% on MNIST test, under a
    CPU-second): it reads CROSSED_SEVEN as a 2."""
    config = MISREADING_CONFIG
    data = prepare_data(load_mnist(data_dir), config.digits, config.normalization, config.dtype)
    trainer = Trainer(config, data)
    trainer.run()
    return trainer.network, config


def canvas_ink(strokes, pen: float = PEN) -> np.ndarray:
    """The strokes as the canvas's ink map (CANVAS, CANVAS) in [0, 1]."""
    return stroke_ink([np.asarray(line, dtype=np.float64) for line in strokes], CANVAS, CANVAS, pen)
