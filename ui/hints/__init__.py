"""The coach's hints: rules that read a run's state and say what went wrong and what to try.

Every rule is a pure function of a ``RunState`` (numbers only: the run's config, its
evaluations and diagnostics, the learning rates that diverged earlier in the session) and a
translator ``t`` (``ui.i18n.t`` on a page, plain English in tests: no Streamlit here). A rule
returns a ``Hint`` or None. A hint says what it sees, carries its fix as settings changes
(TrainConfig field -> new value, which the page writes into the widgets: "Apply") and a
"Why?" of two or three sentences with the page or chart that shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from .generalising import overfitting, strong_dropout, strong_l2, tiny_training_set, validation_turned_up
from .learning import diverged_before, exploded, learning_slowly, momentum_and_rate, not_learning, underfitting
from .state import Hint, RunState, english, higher_rate, lower_rate, run_state
from .units import dead_relus, saturated_units, too_few_neurons, vanishing_gradients, zero_init

RULES: tuple[Callable, ...] = (
    exploded,
    diverged_before,
    not_learning,
    dead_relus,
    saturated_units,
    vanishing_gradients,
    zero_init,
    overfitting,
    validation_turned_up,
    tiny_training_set,
    learning_slowly,
    underfitting,
    too_few_neurons,
    momentum_and_rate,
    strong_l2,
    strong_dropout,
)


def hints(state: RunState, t=english) -> list[Hint]:
    """Every hint that applies, the most important first."""
    return [hint for rule in RULES if (hint := rule(state, t)) is not None]


__all__ = ["RULES", "Hint", "RunState", "english", "higher_rate", "hints", "lower_rate", "run_state"]
