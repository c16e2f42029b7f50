"""Where a page gets a trainer: the one seam between the pages and how training runs."""

from __future__ import annotations

from nnlib import TrainConfig, Trainer
from nnlib.trainer import PreparedData


def new_trainer(config: TrainConfig, data: PreparedData) -> Trainer:
    """A trainer for this config and data, ready to advance chunk by chunk."""
    return Trainer(config, data)
