"""The class board as a session holds it: the store opened with a clear message, joining,
creating, the links (?class=CODE, &teacher=SECRET, &seat=…), leaving, the runs it may post, the
teacher's changes (tried again while the database is down) and the board's views cached per
revision, shared read-only by every viewer.

The Class page reaches the board only through this module and ui.board_session. The store
(server/board/) lives in SQLite in a private data folder by default (NNLIB_DATA_DIR, else
~/.local/share/nnlib), in NNLIB_BOARD_URL if set, or in [connections.board] of
.streamlit/secrets.toml (PostgreSQL). A database that is down only stops the Class page, with a
message within 5 s. The board is drawn once per change: a small fragment asks the store for the
board's revision every REFRESH_SECONDS and reruns the page only when it grew.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets

import streamlit as st

from nnlib import registry
from ui import board_session, class_board
from ui.board_session import BoardError, BoardStore, StoreUnavailable
from ui.exports import inert_csv
from ui.i18n import t
from ui.state import compare_runs, train_run

REFRESH_SECONDS = 2  # every viewer sees a new post within this (plus one rerun)
CACHED_BOARDS = 64  # board views kept (figures and table per board, revision and colouring)


def open_store() -> BoardStore | None:
    try:
        return board_session.shared_store()
    except StoreUnavailable as error:
        show_error(error)
    except Exception as error:  # noqa: BLE001 - a wrong URL or missing driver must not break the page
        # The details go to the server's log only: a URL in them may hold a password.
        logging.getLogger(__name__).exception("the class board's database cannot be opened")
        st.error(t("The class board's database cannot be opened: {error}", error=type(error).__name__))
    return None


def show_error(error: BoardError) -> None:
    """The store's English template and its words, in the session's language."""
    values = {key: t(value) if isinstance(value, str) else value for key, value in error.values.items()}
    st.error(t(error.template, **values))


def session_token() -> str:
    """This session's identity for the rate limits (stored hashed)."""
    return st.session_state.setdefault("board_session", secrets.token_hex(16))


def visitor_address() -> str:
    """The client's address for the per-address limits (behind our nginx, the address it saw)."""
    trusted = [p.strip() for p in os.environ.get("NNLIB_TRUSTED_PROXIES", "").split(",") if p.strip()]
    return class_board.client_address(st.context.ip_address, st.context.headers, trusted)


def enter_board(code: str, secret: str | None = None) -> None:
    """This session is on the board (as its teacher when secret is given); the address bar keeps the
    code, so a reload comes back to the board."""
    if st.session_state.get("board_code") != code or secret:  # another board: not its teacher
        st.session_state.pop("board_secret", None)
        st.session_state.pop("board_seat", None)
    st.session_state["board_code"] = code
    if secret:
        st.session_state["board_secret"] = secret
    st.session_state["board_link_tried"] = code
    st.query_params["class"] = code


def join(store: BoardStore, code: str) -> None:
    try:
        board = store.join(code, session_token(), address=visitor_address())
        seat = store.take_seat(board.code)
    except BoardError as error:
        show_error(error)
        return
    enter_board(board.code)
    st.session_state["board_seat"] = seat


def create(store: BoardStore) -> None:
    try:
        new = store.create_board(session_token(), address=visitor_address())
    except BoardError as error:
        show_error(error)
        return
    enter_board(new.board.code, new.teacher_secret)
    st.session_state["board_show_teacher_link"] = True  # once, right after Create


def claim_links(store: BoardStore) -> None:
    """?class=CODE joins; &teacher=SECRET makes this session the teacher, then leaves the address bar."""
    code, secret = st.query_params.get("class"), st.query_params.get("teacher")
    if secret and code:
        st.session_state["board_link_tried"] = code
        del st.query_params["teacher"]  # the projected address bar shows the code only
        try:
            board = store.teacher_board(code, secret)
            enter_board(board.code, secret)
        except BoardError as error:
            show_error(error)
    elif code and st.session_state.get("board_link_tried") != code:
        st.session_state["board_link_tried"] = code  # a link joins once, not at every rerun
        seat = board_session.linked_seat()
        try:
            back = store.find_board(code) if seat is not None and store.has_seat(*seat) else None
        except BoardError as error:
            show_error(error)
            return
        if back:  # a reload, or a phone that evicted the tab: the same student, no new join
            enter_board(back.code)
            st.session_state["board_seat"] = seat[1]
        else:
            join(store, code)


def session_runs() -> list[tuple[str, object]]:
    """(label, RunSummary) of this session's runs (ui.state): Train's last, then Compare's, newest first."""
    runs = []
    trained = train_run()
    if trained is not None:
        summary = class_board.summary_of(trained)
        runs.append((t("Train: {run}", run=class_board.run_label(summary)), summary))
    for run in reversed(compare_runs()):
        summary = class_board.summary_of(run)
        runs.append((t("Compare: {run}", run=class_board.run_label(summary)), summary))
    return runs


def board_headings() -> tuple[tuple[str, str], ...]:
    """The board table's (key, heading) in the session's language: its measures, then each posted
    setting under its registry label (class_board.board_table's keys), then shown."""
    measures = (
        ("nickname", t("nickname")),
        ("hidden", t("hidden sizes")),
        ("accuracy", t("test accuracy (%)")),
        ("seconds", t("train CPU s")),
        ("parameters", t("parameters")),
        ("memory", t("parameter memory (KB)")),
    )
    settings = tuple((entry.name, t(entry.label)) for entry in class_board.colour_settings())
    return (*measures, *settings, ("shown", t("shown")))


def colour_label(name: str) -> str:
    """A posted setting's name in the session's language (its registry label)."""
    return t(registry.setting(name).label)


def post_request(nickname: str, run) -> str:
    """The same run under the same nickname is one post: pressing Post again after a database
    timeout (whose first try may have arrived after all) or a double tap adds nothing."""
    posted = json.dumps([nickname, run.settings, run.accuracy, run.train_seconds], sort_keys=True, default=str)
    return hashlib.sha256(posted.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def browser_address() -> str:
    """This page's address as the browser sees it (behind a proxy too), without its query."""
    url = getattr(st.context, "url", None) or ""
    return url.split("?")[0] if url.startswith("http") else "http://localhost/Class"


def student_page_url() -> tuple[str, str | None]:
    """(the Class page's address phones can reach, a warning template or None): NNLIB_PUBLIC_URL, else
    this server's LAN address in place of localhost."""
    return class_board.student_page_url(
        browser_address(), os.environ.get("NNLIB_PUBLIC_URL"), class_board.lan_address()
    )


def teacher_change(name: str, action, *args) -> None:
    """Runs a teacher's action; one the database did not take (it was down or hung) waits in
    board_pending and is tried again; the actions are all safe to repeat."""
    try:
        action(*args)
    except StoreUnavailable:
        st.session_state.setdefault("board_pending", []).append((name, action, *args))
    except BoardError as error:
        st.session_state["board_teacher_error"] = error


def retry_pending() -> bool:
    """Tries the teacher's waiting actions again, in order; True when at least one went through."""
    pending = st.session_state.get("board_pending", [])
    done = 0
    for _name, action, *args in pending:
        try:
            action(*args)
        except StoreUnavailable:
            break
        except BoardError as error:
            st.session_state["board_teacher_error"] = error
        done += 1
    st.session_state["board_pending"] = pending[done:]
    return done > 0


def leave_board() -> None:
    for key in ("board_code", "board_secret", "board_seat", "board_show_teacher_link", "board_pending"):
        st.session_state.pop(key, None)
    st.query_params.pop("class", None)
    st.query_params.pop(board_session.SEAT_PARAM, None)


@st.fragment(run_every=REFRESH_SECONDS)
def watch_board(store: BoardStore, code: str, shown_revision: int) -> None:
    """Every REFRESH_SECONDS: the teacher's waiting actions tried again, then one small query (the
    board's revision); the page is redrawn only when the board changed."""
    retried = retry_pending()
    for name, *_ in st.session_state.get("board_pending", []):
        st.warning(t("The database did not take “{action}” yet; it is tried again every few seconds.", action=t(name)))
    try:
        revision = store.revision(code)
    except StoreUnavailable as error:
        show_error(error)
        return
    if retried or revision != shown_revision:
        st.rerun()


@st.cache_resource(max_entries=CACHED_BOARDS, show_spinner=False)
def board_view(_store: BoardStore, code: str, revision: int, teacher: bool, _secret: str | None):
    """(board, entries) at this revision, shared by every viewer of the board (hidden entries only
    in the teacher's). Read-only for its users."""
    board = _store.teacher_board(code, _secret) if teacher else _store.find_board(code)
    return board, tuple(_store.entries(code, _secret if teacher else None))


@st.cache_resource(max_entries=CACHED_BOARDS, show_spinner=False)
def board_figures(code: str, revision: int, teacher: bool, colour_by: str, words: tuple[str, ...], _shown):
    """The two curves at this revision in these words (title, x, y, legend, …); built once, shared."""
    accuracy_title, time_title, x_title, accuracy_axis, time_axis, legend = words
    return (
        class_board.class_curve_figure(_shown, "accuracy", colour_by, accuracy_title, x_title, accuracy_axis, legend),
        class_board.class_curve_figure(_shown, "seconds", colour_by, time_title, x_title, time_axis, legend),
    )


@st.cache_resource(max_entries=CACHED_BOARDS, show_spinner=False)
def board_export(code: str, revision: int, teacher: bool, headings: tuple[tuple[str, str], ...], _entries):
    """The table and its inert CSV at this revision; built once, shared."""
    table = class_board.board_table(list(_entries), dict(headings))
    return table, inert_csv(table)
