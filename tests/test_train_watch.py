import pytest
import streamlit as st

from ui import train_run


class FinishedRun:
    done, status, queue_position = True, "finished", None

    def advance(self, max_seconds):
        pass


def test_a_run_that_ended_is_marked_so_before_its_results_are_drawn(monkeypatch):
    """A click to another page interrupts the script wherever it is; the Class page must then find
    the run ended, so the flag changes before the final results reach the browser."""
    seen = {}

    def draw_live(trainer):
        seen["training"] = st.session_state[train_run.Keys.TRAINING]
        raise RuntimeError("a click to another page stops the script here")

    st.session_state[train_run.Keys.TRAINING] = True
    monkeypatch.setattr(train_run, "run_in_background", lambda: None)
    with pytest.raises(RuntimeError):
        train_run.watch(FinishedRun(), None, draw_live)
    assert seen["training"] is False
