"""A run's trainer as bytes between the processes, and a teacher's controls applied to it."""

from __future__ import annotations

import pickle

from nnlib import Trainer
from nnlib.data import PreparedData
from nnlib.events import LIVE_KNOBS


def trainer_state(trainer: Trainer) -> bytes:
    """The trainer pickled without its data and history (Trainer.state)."""
    return pickle.dumps(trainer.state(), protocol=pickle.HIGHEST_PROTOCOL)


def trainer_from_state(blob: bytes, data: PreparedData | None) -> Trainer:
    """The trainer trainer_state saved, training on data again (its history starts empty)."""
    return Trainer.from_state(pickle.loads(blob), data)


def apply_controls(trainer: Trainer, controls: dict) -> None:
    """A teacher's hand on a run: knobs (nnlib.trainer.LIVE_KNOBS, from the next batch), add_steps
    (train exactly that many more batches, then pause), delay_s (slow motion) and knob_plan
    (Trainer.plan_knobs)."""
    knobs = {name: value for name, value in controls.items() if name in LIVE_KNOBS}
    if knobs:
        trainer.set_knobs(**knobs)
    if "add_steps" in controls:
        trainer.add_steps(int(controls["add_steps"]))
    if "delay_s" in controls:
        trainer.delay_s = float(controls["delay_s"])
    if "knob_plan" in controls:  # a run's link: its mid-run changes, at the same batches
        trainer.plan_knobs(controls["knob_plan"])


def controlled_state(blob: bytes, controls: dict) -> bytes:
    """A stopped or queued run's state (trainer_state) with controls applied, for when it trains again."""
    trainer = trainer_from_state(blob, None)
    apply_controls(trainer, controls)
    return trainer_state(trainer)
