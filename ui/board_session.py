"""The class board's store for every page, and a student's seat on a board.

A student who joins a board gets a seat: a token in the Class page's address (``&seat=…``,
128 random bits, stored hashed) under which the board's database keeps the student's latest
model (nnlib.modelio's .npz bytes) for the board's lifetime. A reload of that address, or a
phone that evicted the tab and opens it again, starts a new Streamlit session: it finds its
board again from the address and its model from the seat (ui/session.py asks restored_model
when the session has none).
"""

from __future__ import annotations

import logging
import os

import streamlit as st

from nnlib.modelio import model_from_bytes, model_to_bytes, settings_for
from server.board import (
    NICKNAME_MAX_CHARS,
    BoardError,
    BoardNotFound,
    BoardStore,
    NotTeacher,
    StoreUnavailable,
    data_folder,
    engine_options,
    format_code,
    private_board_file,
)

__all__ = [  # the store's names a page uses: pages reach the board through ui/, never server/
    "NICKNAME_MAX_CHARS",
    "BoardError",
    "BoardNotFound",
    "BoardStore",
    "NotTeacher",
    "StoreUnavailable",
    "format_code",
    "keep_model_in_seat",
    "linked_seat",
    "restored_model",
    "shared_store",
    "show_seat_in_address",
]

SEAT_PARAM = "seat"


def board_connection_options() -> dict:
    """st.connection's arguments: NNLIB_BOARD_URL, else [connections.board] in secrets, else
    board.sqlite in the private data folder; with bounded waits for the database chosen."""
    if os.environ.get("NNLIB_BOARD_URL"):
        url = os.environ["NNLIB_BOARD_URL"]
        return {**engine_options(url), "url": url}
    try:
        secret = st.secrets.get("connections", {}).get("board")
        if secret is not None:
            dialect = secret.get("url") or f"{secret.get('dialect', 'postgresql')}://"
            return engine_options(dialect)
    except (FileNotFoundError, KeyError, AttributeError, st.errors.StreamlitSecretNotFoundError):
        pass
    url = f"sqlite:///{private_board_file(data_folder())}"
    return {**engine_options(url), "url": url}


@st.cache_resource(show_spinner=False)
def board_store(options_key: str) -> BoardStore:
    """One store per server process (each session's calls take their own connection)."""
    options = board_connection_options()
    return BoardStore(st.connection("board", type="sql", **options).engine)


def shared_store() -> BoardStore:
    """The store for this server's settings (raises StoreUnavailable or a driver's error)."""
    return board_store(repr(sorted(board_connection_options().items())))


def linked_seat() -> tuple[str, str] | None:
    """(board code, seat token) from the address bar, or None."""
    code, token = st.query_params.get("class"), st.query_params.get(SEAT_PARAM)
    return (code, token) if code and token else None


def session_seat() -> tuple[str, str] | None:
    """(board code, seat token) this session holds, or None."""
    code, token = st.session_state.get("board_code"), st.session_state.get("board_seat")
    return (code, token) if code and token else None


def show_seat_in_address() -> None:
    """The board's code and the seat in the address bar (a page switch clears them)."""
    seat = session_seat()
    if seat is not None:
        st.query_params["class"], st.query_params[SEAT_PARAM] = seat


def keep_model_in_seat(store: BoardStore) -> None:
    """The session's own model (trained or loaded) copied to its seat, once per model."""
    model, seat = st.session_state.get("model"), session_seat()
    if model is None or seat is None or st.session_state.get("seat_saved_model") == id(model):
        return
    try:
        store.save_seat_model(*seat, model_to_bytes(model.network, model.config))
    except BoardError:
        return  # the next visit tries again; the session keeps its model meanwhile
    st.session_state["seat_saved_model"] = id(model)


def restored_model():
    """(network, config) kept in the seat this address names, or None; asked once per session."""
    seat = linked_seat()
    if seat is None or st.session_state.get("seat_restore_tried"):
        return None
    st.session_state["seat_restore_tried"] = True
    try:
        raw = shared_store().seat_model(*seat)
        if raw is None:
            return None
        network, config = model_from_bytes(raw, "the class board's copy of your model")
        return network, settings_for(network, config)
    except Exception:  # noqa: BLE001 - a seat that cannot be read leaves the shipped model, never a broken page
        logging.getLogger(__name__).exception("a seat's model could not be restored")
        return None
