"""nnlib: the blog's two-layer network in NumPy, exact, general and fast.

from nnlib import load_mnist, prepare_data, Trainer, PRESETS
config = PRESETS["seed"]
trainer = Trainer(config, prepare_data(load_mnist(), config.digits,
                                       config.normalization, config.dtype))
trainer.run()
"""

from .config import PRESETS, ConfigError, TrainConfig
from .data import DataError, MnistData, PreparedData, load_mnist, prepare_data
from .events import BatchEvent, DivergedEvent, EvalEvent, FinishedEvent, SnapshotEvent
from .network import ACTIVATIONS, INITS, OUTPUTS, Network, one_hot
from .trainer import Trainer, evaluate

__all__ = [
    "PRESETS",
    "ConfigError",
    "TrainConfig",
    "DataError",
    "MnistData",
    "load_mnist",
    "ACTIVATIONS",
    "INITS",
    "OUTPUTS",
    "Network",
    "one_hot",
    "BatchEvent",
    "DivergedEvent",
    "EvalEvent",
    "FinishedEvent",
    "PreparedData",
    "SnapshotEvent",
    "Trainer",
    "evaluate",
    "prepare_data",
]
