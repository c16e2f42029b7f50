"""Trainer.events: the same run as Trainer.run, its events yielded as they are made."""

import numpy as np

from nnlib import PRESETS, Trainer, prepare_data
from nnlib.events import EvalEvent, FinishedEvent


def test_events_yield_the_run_as_it_goes_and_end_where_run_ends(mnist):
    config = PRESETS["seed"].replace(evals_per_epoch=4, train_size=5000)  # 5,000 steps, 4 evaluations
    data = prepare_data(mnist, config.digits, config.normalization, config.dtype)
    whole, live = Trainer(config, data), Trainer(config, data)
    whole.run()

    steps_when_seen = []
    for event in live.events(interval_seconds=0.05):
        if isinstance(event, EvalEvent):
            steps_when_seen.append((event.step, live.step))
    assert isinstance(event, FinishedEvent) and live.status == "finished"

    assert [step for step, _ in steps_when_seen] == [e.step for e in whole.history.evaluations]
    assert any(seen < live.total_steps for _, seen in steps_when_seen[:-1])  # seen before the run ended
    assert all(seen - step < live.total_steps / 4 for step, seen in steps_when_seen)
    for name, value in whole.network.params.items():
        np.testing.assert_array_equal(live.network.params[name], value)
