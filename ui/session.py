"""The model a session works with: its own (trained or loaded), else the shipped one."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from nnlib import PRESETS, Network, TrainConfig
from nnlib.modelio import load_model
from ui.display import literal
from ui.i18n import t

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "assets" / "models" / "digits.npz"

# Where a model came from (English templates, translated when shown).
SHIPPED_MODEL = "the shipped ten-digit model (nnlib.robust)"
TRAINED_MODEL = "trained in this session"
LOADED_MODEL = "loaded from {name}"
SEAT_MODEL = "your latest model, kept by the class board"
EDITED_MODEL = "{name}, edited in the Lab (Draw reads with the edits)"
MODEL_DESCRIPTIONS = (SHIPPED_MODEL, TRAINED_MODEL, LOADED_MODEL, SEAT_MODEL, EDITED_MODEL)
DIVERGED_RUN = "diverged_run"  # session key: the last run, when it diverged and left the model as it was


@st.cache_resource(show_spinner=False)
def default_model() -> tuple[Network, TrainConfig]:
    """The ten-digit model shipped in assets/models, shared by all sessions read-only."""
    network, config = load_model(DEFAULT_MODEL_PATH)
    for value in network.params.values():
        value.flags.writeable = False
    return network, config or PRESETS["robust"]


@dataclass
class SessionModel:
    """The model a session works with, and where it came from.

    description is an English template (translated when shown); file_name fills its {name}.
    """

    network: Network
    config: TrainConfig
    description: str
    is_default: bool = False
    file_name: str = ""
    run: object | None = None  # the trainer whose network this is: its history holds the weights timeline
    before: SessionModel | None = None  # the model it replaced, taken back if this run diverges
    base: SessionModel | None = None  # the unedited model, for a model edited in the Lab

    def label(self) -> str:
        if self.base is not None:
            return t(self.description, name=self.base.label())
        return t(self.description, name=literal(self.file_name))


def current_model() -> SessionModel:
    """The session's model as every page reads with it: the Lab's edited network while its edits
    are on (and made on this very model), else unedited_model()."""
    model = unedited_model()
    edited = st.session_state.get("lab_edited")
    if edited is not None and edited.base.network is model.network:
        return edited
    return model


def set_edited(network: Network | None) -> None:
    """The Lab's edited network from now on (None: edits off)."""
    if network is None:
        st.session_state.pop("lab_edited", None)
        return
    base = unedited_model()
    st.session_state["lab_edited"] = SessionModel(
        network, base.config, EDITED_MODEL, is_default=False, file_name=base.file_name, base=base
    )


def unedited_model() -> SessionModel:
    """The session's own model (trained, loaded or kept by a class board), else the shipped one,
    without Lab edits; a run that diverged gives way to the model it replaced.

    A diverged run keeps the weights of its last good step, which after a learning
    rate of 10 are the random ones of step 0: never worth more than the model before.
    """
    model = st.session_state.get("model")
    if model is not None and model.run is not None and model.run.status == "diverged":
        st.session_state[DIVERGED_RUN] = model.run
        model = st.session_state["model"] = model.before
    if model is not None:
        return model
    from ui.board_session import restored_model  # a new session on a class board's seat link

    restored = restored_model()
    if restored is not None:
        network, config = restored
        set_model(network, config, SEAT_MODEL)
        return st.session_state["model"]
    network, config = default_model()
    return SessionModel(network, config, SHIPPED_MODEL, is_default=True)


def set_model(network: Network, config: TrainConfig, description: str, file_name: str = "") -> None:
    """Make network the session's model; a network of the session's trainer keeps that run beside it."""
    trainer = st.session_state.get("trainer")
    run = trainer if trainer is not None and trainer.network is network else None
    unedited_model()  # a diverged run gives way first
    before = st.session_state.get("model")
    if before is not None:  # one model back is enough, and older ones are freed
        before = dataclasses.replace(before, before=None)
    st.session_state.pop(DIVERGED_RUN, None)
    st.session_state["model"] = SessionModel(network, config, description, file_name=file_name, run=run, before=before)


def diverged_run_kept_out() -> bool:
    """Whether the session's last run diverged and so did not replace the model."""
    unedited_model()
    return st.session_state.get(DIVERGED_RUN) is not None


def forget_model() -> None:
    """Back to the shipped model."""
    st.session_state.pop("model", None)
